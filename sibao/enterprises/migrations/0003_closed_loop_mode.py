"""EM-3: the closed-loop flag becomes a mode (none / full closed loop / 两点一线). An enterprise that was in closed
loop keeps being so, as full closed loop (the flag did not say which)."""

from typing import Any

from django.db import migrations, models


def flag_to_mode(apps: Any, schema_editor: Any) -> None:
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Enterprise.objects.filter(closed_loop=True).update(closed_loop_mode="full")


def mode_to_flag(apps: Any, schema_editor: Any) -> None:
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Enterprise.objects.exclude(closed_loop_mode="none").update(closed_loop=True)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_enterprise_closed_loop"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="closed_loop_mode",
            field=models.CharField(
                choices=[
                    ("none", "Not in closed loop"),
                    ("full", "Full closed loop (bubbles)"),
                    ("two_point", "Two points, one line (workplace and lodging)"),
                ],
                default="none",
                max_length=16,
                verbose_name="closed-loop production",
            ),
        ),
        migrations.RunPython(flag_to_mode, mode_to_flag),
        migrations.RemoveField(model_name="enterprise", name="closed_loop"),
    ]
