"""Background jobs of the requests app (ARCHITECTURE "background work"): RQ-8's Friday reports.

Tasks take JSON arguments (a week's Friday as ``YYYY-MM-DD``) and are idempotent: running one twice
rebuilds the same rows. ``schedule_weekly_reports`` is what the scheduler calls; it enqueues at most
once per Friday, after the commit of whatever transaction it runs in.
"""

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sibao.tickets.metrics import FRIDAY
from sibao.tickets.reports import regions_with_requests, weekly_report_build

logger = logging.getLogger(__name__)

# 001#10: the report is due every Friday; the week's figures are complete enough by the end of office hours.
WEEKLY_REPORT_AT = time(17, 0)


@task()
def build_weekly_reports(week_end: str) -> int:
    """Build (or rebuild) the report of every county, city and the province that has requests."""
    friday = date.fromisoformat(week_end)
    built = 0
    for region in regions_with_requests(friday):
        weekly_report_build(region, friday)
        built += 1
    logger.info("weekly reports for %s: %d regions", week_end, built)
    return built


def due_week_end(now: datetime) -> date:
    """The latest Friday whose 17:00 (local) has passed: the week the scheduler owes a report for."""
    local = timezone.localtime(now)
    friday = local.date() - timedelta(days=(local.weekday() - FRIDAY) % 7)
    if friday == local.date() and local.time() < WEEKLY_REPORT_AT:
        friday -= timedelta(days=7)
    return friday


def _already_enqueued(task_obj: Any, week_end: str) -> bool:
    """Whether the backend already holds this job (the database backend keeps a row per enqueued task)."""
    backend = task_obj.get_backend()
    if backend.__class__.__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path=task_obj.module_path, args_kwargs__args__0=week_end).exists()
    results = getattr(backend, "results", None)  # the dummy backend keeps them in memory
    if results is not None:
        return any(r.task.module_path == task_obj.module_path and list(r.args) == [week_end] for r in results)
    return False  # the immediate backend keeps nothing; the task is idempotent, so a repeat only costs time


def schedule_weekly_reports(now: datetime | None = None) -> str | None:
    """Enqueue this week's reports once, on Friday after 17:00 (or the missed week, if the scheduler was down).
    Returns the week enqueued, or None when nothing was due."""
    week_end = due_week_end(now or timezone.now()).isoformat()
    if _already_enqueued(build_weekly_reports, week_end):
        return None
    transaction.on_commit(lambda: build_weekly_reports.enqueue(week_end))
    return week_end
