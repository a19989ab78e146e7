"""Background jobs of the sentinel app (ARCHITECTURE "background work"): the EP-6 sweeps.

``run_sentinel_sweeps`` is idempotent (one open warning per signal; a second run changes nothing), so the
scheduler may enqueue it as often as it likes; ``schedule_sentinel_sweeps`` enqueues it at most once per
``SWEEP_EVERY_MINUTES`` slot.
"""

import logging
from datetime import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from sibao.core.scheduling import enqueue_once
from sibao.sentinel.sweeps import sweep_all

logger = logging.getLogger(__name__)

SWEEP_EVERY_MINUTES = 15


@task()
def run_sentinel_sweeps(slot: str) -> dict[str, Any]:
    """Overdue tests (raise and lift) and later matching of pharmacy purchases."""
    result = sweep_all()
    logger.info("sentinel sweeps for slot %s: %s", slot, result)
    return result


def due_slot(now: datetime) -> str:
    local = timezone.localtime(now)
    minute = local.minute - local.minute % SWEEP_EVERY_MINUTES
    return local.replace(minute=minute, second=0, microsecond=0).isoformat(timespec="minutes")


def schedule_sentinel_sweeps(now: datetime | None = None) -> str | None:
    """Enqueue the sweeps once per slot; returns the slot enqueued, or None when it already was."""
    slot = due_slot(now or timezone.now())
    return slot if enqueue_once(run_sentinel_sweeps, slot) else None
