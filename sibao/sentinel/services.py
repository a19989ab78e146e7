"""EP-6 writes. Sources call ``warning_raise`` / ``warning_lift``; people take and close warnings."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sibao.sentinel.models import SentinelWarning, WarningStatus

OPEN_STATUSES = (WarningStatus.OPEN, WarningStatus.HANDLING)


def warning_raise(
    *,
    kind: str,
    enterprise: Any,
    subject_key: str,
    detail: str,
    employee: Any = None,
    at: datetime | None = None,
) -> SentinelWarning | None:
    """Open a warning for a signal unless one is already open for it; returns the new warning or None.

    Called by the platform (imports, jobs, services) inside the caller's transaction."""
    if SentinelWarning.objects.filter(kind=kind, subject_key=subject_key, status__in=OPEN_STATUSES).exists():
        return None
    try:
        with transaction.atomic():
            return SentinelWarning.objects.create(
                kind=kind,
                enterprise=enterprise,
                employee=employee,
                subject_key=subject_key[:128],
                detail=detail[:500],
                raised_at=at or timezone.now(),
            )
    except IntegrityError:  # raised concurrently by another job: the partial unique index kept one
        return None


def warning_lift(*, kind: str, subject_keys: Iterable[str], note: str) -> int:
    """Close the open warnings of signals that went away (the test arrived, the report was filed)."""
    keys = list(subject_keys)
    if not keys:
        return 0
    return SentinelWarning.objects.filter(kind=kind, subject_key__in=keys, status__in=OPEN_STATUSES).update(
        status=WarningStatus.CLOSED, closed_at=timezone.now(), lifted=True, handling_note=note
    )
