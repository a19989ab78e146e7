"""Background jobs of the requests app (ARCHITECTURE "background work"): RQ-8's Friday reports, RQ-6's
deadline warnings.

Tasks take JSON arguments (a week's Friday as ``YYYY-MM-DD`` and the edition) and are idempotent: running one
twice rebuilds the same rows. ``schedule_weekly_reports`` is what the scheduler calls; it enqueues each edition
of a week at most once, after the commit of whatever transaction it runs in.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from sibao.core.scheduling import enqueue_once
from sibao.tickets.metrics import FRIDAY
from sibao.tickets.reports import regions_with_requests, weekly_report_build
from sibao.tickets.services import deadline_warnings_send

logger = logging.getLogger(__name__)

# 001#10: the report is due every Friday; a preliminary edition is built at the end of office hours, and the
# final one once the week has closed (Friday 24:00), so Friday evening's requests are counted (issue 9 #2).
WEEKLY_REPORT_AT = time(17, 0)
PRELIMINARY = "preliminary"
FINAL = "final"


@task()
def build_weekly_reports(week_end: str, edition: str = PRELIMINARY) -> int:
    """Build (or rebuild) the report of every county, city and the province that has requests. ``edition``
    only names the run (the scheduler enqueues each edition once); the figures say whether the week is over."""
    friday = date.fromisoformat(week_end)
    built = 0
    for region in regions_with_requests(friday):
        weekly_report_build(region, friday)
        built += 1
    logger.info("weekly reports for %s (%s): %d regions", week_end, edition, built)
    return built


def due_week_end(now: datetime) -> date:
    """The latest Friday whose 17:00 (local) has passed: the week the preliminary edition is due for."""
    local = timezone.localtime(now)
    friday = local.date() - timedelta(days=(local.weekday() - FRIDAY) % 7)
    if friday == local.date() and local.time() < WEEKLY_REPORT_AT:
        friday -= timedelta(days=7)
    return friday


def closed_week_end(now: datetime) -> date:
    """The latest Friday whose week has ended (Saturday 00:00 local has passed): the final edition's week."""
    local = timezone.localtime(now)
    return local.date() - timedelta(days=(local.weekday() - FRIDAY - 1) % 7 + 1)


def schedule_weekly_reports(now: datetime | None = None) -> str | None:
    """Enqueue each week's reports twice: the preliminary on Friday after 17:00, the final after the week
    closes (also for a week the scheduler missed). Each edition at most once; returns what was enqueued."""
    now = now or timezone.now()
    enqueued = []
    closed = closed_week_end(now).isoformat()
    if enqueue_once(build_weekly_reports, closed, FINAL):
        enqueued.append(f"{closed} {FINAL}")
    due = due_week_end(now).isoformat()
    if due != closed and enqueue_once(build_weekly_reports, due, PRELIMINARY):
        enqueued.append(f"{due} {PRELIMINARY}")
    return ", ".join(enqueued) or None


def warn_deadlines(now: datetime | None = None) -> str | None:
    """RQ-6: tell units of requests due soon and overdue (each deadline once); every scheduler pass."""
    due_soon, overdue = deadline_warnings_send(now)
    return f"{due_soon} due soon, {overdue} overdue" if due_soon or overdue else None
