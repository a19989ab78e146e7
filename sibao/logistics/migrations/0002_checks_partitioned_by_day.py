"""Issue 15 #1: checkpoint checks partitioned by their local day on PostgreSQL (``core.partitions``). The
table's key becomes (id, day): PostgreSQL wants the partition column in every unique key; ids still come from
one sequence, and nothing references a check. Nothing on SQLite; not reversed."""

from django.db import migrations

from sibao.core.partitions import partition_by_day


def partition(apps: object, schema_editor: object) -> None:
    partition_by_day(schema_editor, "logistics_passcheck", "day", ["id", "day"])


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_vehicles_drivers_passes_checks_stations")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
