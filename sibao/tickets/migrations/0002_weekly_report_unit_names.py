"""Issue 9 #8: stored weekly reports named units "通许县通许县科工局" (the region put before a name that
already holds it). Rewrite exactly those names; any other stored name is left as it was."""

from django.db import migrations


def dedupe_unit_names(apps, schema_editor):
    WeeklyReport = apps.get_model("tickets", "WeeklyReport")
    Unit = apps.get_model("organisation", "Unit")
    for report in WeeklyReport.objects.all().iterator():
        rows = report.figures.get("by_unit") or []
        keys = [row.get("key") for row in rows if str(row.get("key", "")).isdigit()]
        units = {str(unit.pk): unit for unit in Unit.objects.filter(pk__in=keys).select_related("region")}
        changed = False
        for row in rows:
            unit = units.get(str(row.get("key")))
            if unit is None:
                continue
            region = unit.region.name
            if unit.name.startswith(region) and row.get("name") == f"{region}{unit.name}":
                row["name"] = unit.name
                changed = True
        if changed:
            WeeklyReport.objects.filter(pk=report.pk).update(figures=report.figures)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("organisation", "0001_initial"),
    ]

    operations = [migrations.RunPython(dedupe_unit_names, migrations.RunPython.noop)]
