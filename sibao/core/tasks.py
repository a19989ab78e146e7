"""Background jobs of the kernel: registry imports (issue 8 #8) and their recovery after a killed worker
(issue 8 #2). The task takes the job's id and is idempotent (``core.import_jobs``)."""

from django_tasks import task

from sibao.core.jobs import scheduler


@task()
def run_import_job(job_id: int) -> str:
    from sibao.core.import_jobs import import_job_run

    return str(import_job_run(job_id).status)


schedule_import_job_recovery = scheduler("core.ImportJob", "sibao.core.tasks.run_import_job")


@task()
def refresh_summaries(slot: str) -> list[str]:
    """Rebuild the maintained summaries that are due (``core.summaries``); ``slot`` makes it once per minute."""
    from sibao.core.summaries import refresh_due

    return refresh_due()
