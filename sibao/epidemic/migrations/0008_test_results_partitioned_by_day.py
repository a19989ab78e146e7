"""Issue 15 #1: test results partitioned by local day of sampling on PostgreSQL (``core.partitions``). The key
(person, sampling time) already contains the partition column. Nothing on SQLite; not reversed (the table keeps
its partitions, which the models do not see)."""

from django.db import migrations

from sibao.core.partitions import partition_by_day


def partition(apps: object, schema_editor: object) -> None:
    partition_by_day(schema_editor, "epidemic_testresult", "sampled_at", ["id_digest", "sampled_at"])


class Migration(migrations.Migration):
    dependencies = [("epidemic", "0007_list_order_indexes")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
