"""Issue 15 #2: the test results per local day and import kept in ``core.DayRowCount`` by statement triggers on
PostgreSQL (``core.partitions.count_rows_per_day``), so that the purge counts an expired day per region without
reading it before dropping it. Nothing on SQLite; not reversed."""

from django.db import migrations

from sibao.core.partitions import count_rows_per_day


def count(apps: object, schema_editor: object) -> None:
    count_rows_per_day(schema_editor, "epidemic_testresult", "test_import_id")


class Migration(migrations.Migration):
    dependencies = [("epidemic", "0011_red_yellow_code_index"), ("core", "0005_day_row_counts")]

    operations = [migrations.RunPython(count, migrations.RunPython.noop, elidable=False)]
