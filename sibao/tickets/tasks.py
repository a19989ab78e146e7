"""Background jobs of the requests app (ARCHITECTURE "background work"): RQ-8's Friday reports.

Tasks take JSON arguments (a week's Friday as ``YYYY-MM-DD``) and are idempotent: running one twice
rebuilds the same rows. ``schedule_weekly_reports`` is what the scheduler calls; it enqueues at most
once per Friday, after the commit of whatever transaction it runs in.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from sibao.core.scheduling import enqueue_once
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


def schedule_weekly_reports(now: datetime | None = None) -> str | None:
    """Enqueue this week's reports once, on Friday after 17:00 (or the missed week, if the scheduler was down).
    Returns the week enqueued, or None when nothing was due."""
    week_end = due_week_end(now or timezone.now()).isoformat()
    return week_end if enqueue_once(build_weekly_reports, week_end) else None
