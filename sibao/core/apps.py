from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sibao.core"
    label = "core"
    verbose_name = "核心"
    # Issue 9 #6: stored uploads expire and are deleted; issue 8 #2: interrupted imports are resumed.
    # Issues 10/11: maintained summaries are rebuilt when due (``core.summaries``).
    periodic_jobs = [
        "sibao.core.uploads.schedule_upload_purge",
        "sibao.core.tasks.schedule_import_job_recovery",
        "sibao.core.summaries.schedule_refresh",
    ]
