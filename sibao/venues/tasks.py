"""Background jobs of the venues app: large scan files (EP-7). Idempotent: a finished import is left as it
is, and one that died half way saved nothing (its rows are written in one transaction)."""

from django_tasks import task

from sibao.core.jobs import scheduler
from sibao.venues.ingest import scans_import_run


@task()
def run_scan_import(import_id: int) -> str:
    return str(scans_import_run(import_id).status)


# Issue 8 #2: a file whose worker was killed is enqueued again by the scheduler (``core.jobs.recover``).
schedule_import_recovery = scheduler("venues.ScanImport", "sibao.venues.tasks.run_scan_import")
