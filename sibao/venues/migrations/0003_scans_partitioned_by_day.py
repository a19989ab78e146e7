"""Issue 15 #1: venue scans partitioned by local day of scanning on PostgreSQL (``core.partitions``). The
table's key becomes (id, scanned_at): PostgreSQL wants the partition column in every unique key; ids still come
from one sequence, and nothing references a scan. Nothing on SQLite; not reversed."""

from django.db import migrations

from sibao.core.partitions import partition_by_day


def partition(apps: object, schema_editor: object) -> None:
    partition_by_day(schema_editor, "venues_scan", "scanned_at", ["id", "scanned_at"])


class Migration(migrations.Migration):
    dependencies = [("venues", "0002_import_files_encrypted_and_recoverable")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
