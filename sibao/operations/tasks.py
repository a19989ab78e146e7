"""Background jobs of EN-3: the hourly sweep of missing operating reports (idempotent: one warning per enterprise
and day, ever), enqueued at most once per local hour by the scheduler."""

import logging
from datetime import date, datetime

from django.utils import timezone
from django_tasks import task

from sibao.core.scheduling import enqueue_once
from sibao.operations.services import missing_report_sweep

logger = logging.getLogger(__name__)


@task()
def sweep_missing_operating_reports(day: str, slot: str = "") -> dict[str, int]:
    """Raise warnings for ``day`` (YYYY-MM-DD) for the whitelisted firms past their deadline without a report."""
    result = missing_report_sweep(date.fromisoformat(day), timezone.now())
    logger.info("operating report sweep for %s (%s): %s", day, slot, result)
    return result


def schedule_missing_report_sweep(now: datetime | None = None) -> str | None:
    """Enqueue this hour's sweep of today's reports once; returns the slot (local YYYY-MM-DDTHH) or None."""
    local = timezone.localtime(now or timezone.now())
    slot = local.strftime("%Y-%m-%dT%H")
    return slot if enqueue_once(sweep_missing_operating_reports, local.date().isoformat(), slot) else None
