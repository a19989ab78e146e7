"""Background jobs of the accounts app (ARCHITECTURE "background work"): the audit retention purge."""

import logging
from datetime import datetime, timedelta

from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django.utils import timezone
from django_tasks import task

from sibao.core.audit import SecurityEvent, record_event
from sibao.core.scheduling import enqueue_once
from sibao.parameters.registry import AUDIT_RETENTION_DAYS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region

logger = logging.getLogger(__name__)

_CHUNK = 5000


def audit_retention_days() -> int:
    """The retention in force: the parameter at the top of the region tree (one audit log for all)."""
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    return int(parameter_value(AUDIT_RETENTION_DAYS, root))


def audit_purge(*, now: datetime | None = None) -> int:
    """Delete audit entries and login records older than the retention; the purge is itself recorded.
    In chunks, so a first purge of a long-running system does not hold millions of rows at once."""
    days = audit_retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    for model, column in ((LogEntry, "timestamp"), (AccessLog, "attempt_time"), (AccessFailureLog, "attempt_time")):
        old = model.objects.filter(**{f"{column}__lt": cutoff})
        while ids := list(old.values_list("pk", flat=True)[:_CHUNK]):
            count, _ = model.objects.filter(pk__in=ids).delete()
            deleted += count
    if deleted:
        record_event(
            SecurityEvent.PURGED, detail={"deleted": deleted, "before": cutoff.isoformat(), "retention_days": days}
        )
    logger.info("audit purge: %d rows older than %s", deleted, cutoff)
    return deleted


@task()
def purge_audit_log(day: str = "") -> int:
    """``day`` names the daily run (idempotent: a second run finds nothing older)."""
    return audit_purge()


def schedule_audit_purge(now: datetime | None = None) -> str | None:
    day = timezone.localdate(now or timezone.now()).isoformat()
    return day if enqueue_once(purge_audit_log, day) else None
