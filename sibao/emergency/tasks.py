"""Background job of EM-2/EM-4/EM-5: the emergency sweep (announced emergencies take effect, firms listed since
a switch join it, missed readiness deadlines and shutdowns not reopened are reported, pending inspections lapse).
Idempotent, so every scheduler pass may enqueue it."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from sibao.emergency import services


@task()
def emergency_sweep(now: str | None = None) -> dict[str, Any]:
    """``now`` (ISO format) is for replays and tests; the scheduler passes nothing."""
    at = datetime.fromisoformat(now) if now else timezone.now()
    return services.emergency_sweep(at)


def schedule_emergency_sweep(now: datetime | None = None) -> str | None:
    """Every scheduler pass: an announced emergency must take effect within one pass of its time."""
    emergency_sweep.enqueue()
    return "emergency sweep"
