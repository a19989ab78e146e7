"""Issue 15 #2: the checkpoint checks per local day and checkpoint kept in ``core.DayRowCount`` by statement triggers on
PostgreSQL (``core.partitions.count_rows_per_day``), so that the purge counts an expired day per region without
reading it before dropping it. Nothing on SQLite; not reversed."""

from django.db import migrations

from sibao.core.partitions import count_rows_per_day


def count(apps: object, schema_editor: object) -> None:
    count_rows_per_day(schema_editor, "logistics_passcheck", "checkpoint_id")


class Migration(migrations.Migration):
    dependencies = [("logistics", "0002_checks_partitioned_by_day"), ("core", "0005_day_row_counts")]

    operations = [migrations.RunPython(count, migrations.RunPython.noop, elidable=False)]
