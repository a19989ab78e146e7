"""EP-6 writes. Sources call ``warning_raise`` / ``warning_lift``; people take, close and hand over warnings.

High-volume sources (the overdue sweep, pharmacy files) use ``warnings_raise_bulk`` and ``lift_where``:
one INSERT … ON CONFLICT DO NOTHING per batch (the partial unique index
``sentinel_one_open_warning_per_signal`` keeps one open warning per signal) and one UPDATE, whose history
rows are written by one INSERT … SELECT — no query per warning.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import ServiceError
from sibao.core.models import TransitionLog
from sibao.core.permissions import require_capability
from sibao.core.roles import ROLE_CAPABILITIES, Capability, has_capability
from sibao.core.workflow import perform
from sibao.notifications.services import notify
from sibao.notifications.texts import LaterText, StoredText, later, stored_words
from sibao.sentinel.models import SentinelWarning, WarningStatus
from sibao.sentinel.workflows import WARNING, WORKFLOW_NAME, sees

OPEN_STATUSES = (WarningStatus.OPEN, WarningStatus.HANDLING)
BATCH_SIZE = 5000
NOTE_MAX_LENGTH = 2000


def warning_raise(
    *,
    kind: str,
    enterprise: Any,
    subject_key: str,
    detail: str | LaterText,
    employee: Any = None,
    at: datetime | None = None,
) -> SentinelWarning | None:
    """Open a warning for a signal unless one is already open for it; returns the new warning or None.

    Called by the platform (imports, jobs, services) inside the caller's transaction. Give ``detail`` as
    ``later(gettext_noop("…"), **params)`` so that each reader sees it in their language (issue 9 #8)."""
    words, stored = stored_words(detail, 500)
    if SentinelWarning.objects.filter(kind=kind, subject_key=subject_key, status__in=OPEN_STATUSES).exists():
        return None
    try:
        with transaction.atomic():
            return SentinelWarning.objects.create(
                kind=kind,
                enterprise=enterprise,
                employee=employee,
                subject_key=subject_key[:128],
                detail=words,
                detail_text=stored,
                raised_at=at or timezone.now(),
            )
    except IntegrityError:  # raised concurrently by another job: the partial unique index kept one
        return None


def warnings_raise_bulk(warnings: Iterable[SentinelWarning]) -> int:
    """Insert many new warnings at once; signals that already have an open warning are skipped by the
    partial unique index (ON CONFLICT DO NOTHING / INSERT OR IGNORE). Returns the number offered."""
    offered = 0
    batch: list[SentinelWarning] = []
    for warning in warnings:
        warning.subject_key = warning.subject_key[:128]
        warning.detail = warning.detail[:500]
        batch.append(warning)
        if len(batch) >= BATCH_SIZE:
            SentinelWarning.objects.bulk_create(batch, ignore_conflicts=True)
            offered += len(batch)
            batch = []
    if batch:
        SentinelWarning.objects.bulk_create(batch, ignore_conflicts=True)
        offered += len(batch)
    return offered


def _log_lifts(*, kind: str, stamp: datetime, note: str) -> None:
    """One history row ("lift", by the platform) per warning the UPDATE stamped with ``stamp``.

    Set-based: an INSERT … SELECT. The state before was "handling" exactly when the warning had an owner
    (invariant of the workflow), so the UPDATE does not need to return it."""
    warnings = SentinelWarning._meta.db_table
    logs = TransitionLog._meta.db_table
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    content_type = ContentType.objects.get_for_model(SentinelWarning)
    sql = (
        f"INSERT INTO {logs} (content_type_id, object_id, workflow, action, from_state, to_state, actor_id, "
        f"reason, data, at) "
        f"SELECT %s, id, %s, 'lift', CASE WHEN owner_id IS NULL THEN %s ELSE %s END, %s, NULL, %s, "
        f"{empty_json}, %s FROM {warnings} WHERE kind = %s AND lifted = %s AND closed_at = %s AND status = %s"
    )
    at = connection.ops.adapt_datetimefield_value(stamp)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                content_type.pk,
                WORKFLOW_NAME,
                WarningStatus.OPEN.value,
                WarningStatus.HANDLING.value,
                WarningStatus.CLOSED.value,
                note,
                at,
                kind,
                True,
                at,
                WarningStatus.CLOSED.value,
            ],
        )


def lift_where(warnings: QuerySet[SentinelWarning], *, kind: str, note: str, at: datetime | None = None) -> int:
    """Close, as lifted, the open warnings of ``kind`` in ``warnings`` (one UPDATE) and record each in its
    history (one INSERT … SELECT). Returns how many were closed."""
    stamp = at or timezone.now()
    with transaction.atomic():
        closed = warnings.filter(kind=kind, status__in=OPEN_STATUSES).update(
            status=WarningStatus.CLOSED, closed_at=stamp, lifted=True, handling_note=note
        )
        if closed:
            _log_lifts(kind=kind, stamp=stamp, note=note)
    return closed


def warning_lift(*, kind: str, subject_keys: Iterable[str], note: str) -> int:
    """Close the open warnings of signals that went away (the test arrived, the report was filed).

    Audit trail: each closed warning gets a "lift" row in its history. Thousands of keys cost a handful of
    statements (keys are sent in batches, so SQLite's parameter limit is never reached)."""
    keys = list(dict.fromkeys(subject_keys))
    if not keys:
        return 0
    stamp = timezone.now()
    closed = 0
    with transaction.atomic():
        for start in range(0, len(keys), BATCH_SIZE):
            closed += SentinelWarning.objects.filter(
                kind=kind, subject_key__in=keys[start : start + BATCH_SIZE], status__in=OPEN_STATUSES
            ).update(status=WarningStatus.CLOSED, closed_at=stamp, lifted=True, handling_note=note)
        if closed:
            _log_lifts(kind=kind, stamp=stamp, note=note)
    return closed


def open_warning_exists(kind: str, employee_ref: str = "pk") -> Exists:
    """For an Employee queryset: does the person already have an open warning of ``kind``?"""
    return Exists(
        SentinelWarning.objects.filter(
            employee_id=OuterRef(employee_ref), kind=kind, status__in=OPEN_STATUSES
        ).order_by()
    )


# --- people handle warnings ----------------------------------------------------------------------------


def _link(warning: SentinelWarning) -> str:
    return reverse("sentinel:detail", args=[warning.pk])


def warning_take(*, actor: User, warning: SentinelWarning) -> SentinelWarning:
    """The actor becomes the owner: "I am on it"."""
    require_capability(actor, Capability.WARNING_HANDLE)
    with as_actor(actor):
        result: SentinelWarning = perform(WARNING, warning, "take", actor=actor, changes={"owner": actor})
    return result


def warning_close(*, actor: User, warning: SentinelWarning, note: str) -> SentinelWarning:
    """Close with a note saying what was done (e.g. the person was reminded and got tested)."""
    require_capability(actor, Capability.WARNING_HANDLE)
    note = (note or "").strip()
    if not note:
        raise ServiceError(
            "sentinel.warning.close.reason_required",
            _("Say what was done, for example that the person was reminded to get tested."),
            field="note",
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ServiceError(
            "sentinel.warning.close.too_long",
            _("The note may have at most %(count)d characters.") % {"count": NOTE_MAX_LENGTH},
            field="note",
        )

    def changes(locked: SentinelWarning) -> dict[str, Any]:
        return {"handling_note": note, "closed_at": timezone.now(), "owner": locked.owner or actor}

    with as_actor(actor):
        result: SentinelWarning = perform(WARNING, warning, "close", actor=actor, reason=note, changes=changes)
    return result


def assignable_users(warning: SentinelWarning) -> QuerySet[Any]:
    """Who a warning may be handed to: active users with WARNING_HANDLE who can see it — the enterprise's
    own users and the officials whose region contains the enterprise (a short list)."""
    from sibao.accounts.models import User

    enterprise = warning.enterprise
    path = enterprise.region.path
    ancestors = [path[: index + 1] for index, char in enumerate(path) if char == "/"]
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.WARNING_HANDLE in caps]
    officials = Q(enterprise__isnull=True, region__path__in=ancestors) & (Q(sector="") | Q(sector=enterprise.sector))
    return (
        User.objects.filter(is_active=True, role__in=roles)
        .filter(Q(enterprise_id=enterprise.pk) | officials)
        .select_related("region", "enterprise")
        .order_by("role", "username")
    )


def warning_reassign(*, actor: User, warning: SentinelWarning, owner: Any, reason: str = "") -> SentinelWarning:
    """Hand the warning to another user who may handle it and can see it; they are notified."""
    if owner is None or not getattr(owner, "is_active", False):
        raise ServiceError("sentinel.warning.reassign.owner", _("Choose who should handle it."), field="owner")
    if not has_capability(owner, Capability.WARNING_HANDLE) or not sees(owner, warning):
        # Issue 8 #9: never the person's name here — the caller may have sent any user's id.
        raise ServiceError(
            "sentinel.warning.reassign.owner", _("This person may not handle this warning."), field="owner"
        )
    if owner.pk == warning.owner_id:
        raise ServiceError(
            "sentinel.warning.reassign.owner",
            _("%(name)s is already handling this warning.") % {"name": owner},
            field="owner",
        )
    text = _("Handed over to %(name)s") % {"name": owner}
    if reason.strip():
        text = f"{text}：{reason.strip()}"

    def after(locked: SentinelWarning) -> None:
        notify(
            topic="sentinel.reassigned",
            title=later(
                gettext_noop("A sentinel warning was handed to you: %(detail)s"),
                detail=StoredText(locked.detail_text) if locked.detail_text else locked.detail[:80],
            ),
            body=reason.strip(),
            link=_link(locked),
            users=[owner],
        )

    with as_actor(actor):
        result: SentinelWarning = perform(
            WARNING,
            warning,
            "reassign",
            actor=actor,
            reason=text,
            changes={"owner": owner},
            data={"owner": owner.pk},
            after=after,
        )
    return result
