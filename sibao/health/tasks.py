"""Background jobs of the health app (ARCHITECTURE "background work"): the EP-3 daily-report sweep.

``sweep_missing_daily_reports`` is idempotent (one warning per signal), so a repeat only costs time.
``schedule_daily_report_sweep`` is what the scheduler calls: it enqueues today's sweep at most once per
local hour (the slot), after the commit of whatever transaction it runs in.
"""

import logging
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sibao.health.services import missing_report_sweep

logger = logging.getLogger(__name__)


@task()
def sweep_missing_daily_reports(day: str, slot: str = "") -> dict[str, int]:
    """Raise/lift MISSING_DAILY_REPORT warnings for ``day`` (YYYY-MM-DD) as of now; ``slot`` names the run."""
    result = missing_report_sweep(date.fromisoformat(day), timezone.now())
    logger.info("daily report sweep for %s (%s): %s", day, slot, result)
    return result


def _already_enqueued(task_obj: Any, slot: str) -> bool:
    backend = task_obj.get_backend()
    if backend.__class__.__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path=task_obj.module_path, args_kwargs__args__1=slot).exists()
    results = getattr(backend, "results", None)  # the dummy backend keeps them in memory
    if results is not None:
        return any(r.task.module_path == task_obj.module_path and list(r.args)[1:] == [slot] for r in results)
    return False  # the immediate backend keeps nothing; the sweep is idempotent


def schedule_daily_report_sweep(now: datetime | None = None) -> str | None:
    """Enqueue this hour's sweep of today's reports once; returns the slot (local YYYY-MM-DDTHH) or None."""
    local = timezone.localtime(now or timezone.now())
    slot = local.strftime("%Y-%m-%dT%H")
    if _already_enqueued(sweep_missing_daily_reports, slot):
        return None
    day = local.date().isoformat()
    transaction.on_commit(lambda: sweep_missing_daily_reports.enqueue(day, slot))
    return slot
