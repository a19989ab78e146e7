"""Background jobs of the health app (ARCHITECTURE "background work"): the EP-3 daily-report sweep.

``sweep_missing_daily_reports`` is idempotent (one warning per signal), so a repeat only costs time.
``schedule_daily_report_sweep`` is what the scheduler calls: it enqueues today's sweep at most once per
local hour (the slot), after the commit of whatever transaction it runs in.
"""

import logging
from datetime import date, datetime

from django.utils import timezone
from django_tasks import task

from sibao.core.scheduling import enqueue_once
from sibao.health.services import missing_report_sweep

logger = logging.getLogger(__name__)


@task()
def sweep_missing_daily_reports(day: str, slot: str = "") -> dict[str, int]:
    """Raise/lift MISSING_DAILY_REPORT warnings for ``day`` (YYYY-MM-DD) as of now; ``slot`` names the run."""
    result = missing_report_sweep(date.fromisoformat(day), timezone.now())
    logger.info("daily report sweep for %s (%s): %s", day, slot, result)
    return result


def schedule_daily_report_sweep(now: datetime | None = None) -> str | None:
    """Enqueue this hour's sweep of today's reports once; returns the slot (local YYYY-MM-DDTHH) or None."""
    local = timezone.localtime(now or timezone.now())
    slot = local.strftime("%Y-%m-%dT%H")
    return slot if enqueue_once(sweep_missing_daily_reports, local.date().isoformat(), slot) else None
