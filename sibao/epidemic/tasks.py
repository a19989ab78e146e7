"""Background jobs of the epidemic app (ARCHITECTURE "background work"): large test-result files (EP-2).

The task takes the import's id and is idempotent: a finished import is left as it is, and an import that
died half way (worker killed) saved nothing, because its rows are written in one transaction.
"""

from django_tasks import task

from sibao.core.jobs import scheduler
from sibao.epidemic.ingest import results_import_run


@task()
def run_test_import(import_id: int) -> str:
    return str(results_import_run(import_id).status)


# Issue 8 #2: a file whose worker was killed is enqueued again by the scheduler (``core.jobs.recover``).
schedule_import_recovery = scheduler("epidemic.TestImport", "sibao.epidemic.tasks.run_test_import")
