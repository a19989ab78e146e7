"""Background jobs of EP-10 (ARCHITECTURE "background work")."""

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from sibao.core.scheduling import enqueue_once
from sibao.readiness.services import supplies_recheck_all


@task()
def recheck_supplies(day: str = "") -> dict[str, int]:
    """Raise or lift SUPPLIES_SHORTFALL warnings after headcount or parameter changes (idempotent).
    ``day`` names the daily run."""
    return supplies_recheck_all()


def schedule_supplies_recheck(now: datetime | None = None) -> str | None:
    """Once a day: stock reports re-check at once; this catches changed headcounts and parameters."""
    day = timezone.localdate(now or timezone.now()).isoformat()
    return day if enqueue_once(recheck_supplies, day) else None
