"""Every purge of personal epidemic data (issue 15 #2). The daily purge takes the platform, each row judged by
the retention in force for its own region; the "emergency over" purge takes everything before a moment in the
HQ office's own region subtree. Both write a ``Purge`` record (audit-logged) and a security event with the counts.
"""

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.audit import SecurityEvent, as_actor, record_event
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.permissions import require_capability
from sibao.core.personal_data import PersonalTable, registered_personal_tables
from sibao.core.roles import Capability, Role
from sibao.parameters.selectors import overrides, parameter_q, parameter_value_at
from sibao.regions.models import Region
from sibao.retention.models import Purge, PurgeReason
from sibao.retention.purging import drop_expired_days, purge_table, table_rows


class Cutoffs(NamedTuple):
    """Which rows of a table have outlived their retention at a moment, each by its own region's value."""

    condition: Q
    latest: datetime  # no expired row is younger (the region keeping the shortest)
    everywhere: datetime  # every row older is expired in every region (the region keeping the longest)


def retention_cutoffs(table: PersonalTable, now: datetime) -> Cutoffs:
    """The one place the retention rule is applied."""
    condition = parameter_q(
        [table.parameter],
        table.region_field,
        lambda values: Q(**{f"{table.time_field}__lt": now - timedelta(days=values[0])}),
    )
    kept = [
        parameter_value_at(table.parameter, ""),
        *(parameter_value_at(table.parameter, path) for path in overrides(table.parameter)),
    ]
    return Cutoffs(condition, now - timedelta(days=min(kept)), now - timedelta(days=max(kept)))


def _finish(purge: Purge, actor: User | None) -> Purge:
    purge.refresh_from_db()
    purge.finished_at = timezone.now()
    purge.save(update_fields=["finished_at"])
    record_event(
        SecurityEvent.PERSONAL_DATA_PURGED,
        actor=actor,
        subject=purge,
        detail={
            "reason": purge.reason,
            "region": purge.region.code if purge.region else None,
            "before": purge.before.isoformat(),
            "counts": purge.counts,
            "total": purge.total,
        },
    )
    return purge


def purge_expired(*, now: datetime | None = None) -> Purge | None:
    """The daily purge: every registered table, each row by its region's retention. None when nothing expired
    (no record of an empty run)."""
    now = now or timezone.now()
    tables = registered_personal_tables()
    plans = [(table, retention_cutoffs(table, now)) for table in tables]
    if not any(table_rows(table).filter(cutoffs.condition).exists() for table, cutoffs in plans):
        return None
    purge = Purge.objects.create(reason=PurgeReason.EXPIRED, before=now)
    for table, cutoffs in plans:
        # Whole days expired in every region go at once (a partition dropped); then the rest, row by row.
        drop_expired_days(table, cutoffs.everywhere, purge)
        purge_table(table, cutoffs.condition, cutoffs.latest, purge)
    return _finish(purge, None)


def _region_of(actor: User) -> Region:
    require_capability(actor, Capability.PERSONAL_DATA_PURGE)
    # Superusers pass every capability check; this decision is still the HQ office's alone, for its region.
    if actor.role != Role.HQ_OFFICE:
        raise PermissionRefused("permission_denied", _("Only the HQ office may declare its region's emergency over."))
    if actor.region is None:
        raise ServiceError("retention.purge.region", _("Your account has no region: there is nothing to purge."))
    return actor.region


def _in_region(table: PersonalTable, region: Region) -> Q:
    return Q(**{f"{table.region_field}__path__startswith": region.path})


def emergency_purge_preview(*, actor: User, before: datetime) -> list[dict[str, Any]]:
    """What an "emergency over" purge of the actor's region would delete: the count per kind (one query each)."""
    region = _region_of(actor)
    return [
        {
            "kind": table.kind,
            "label": table.label,
            "count": table_rows(table).filter(_in_region(table, region), **{f"{table.time_field}__lt": before}).count(),
        }
        for table in registered_personal_tables()
    ]


def emergency_purge(*, actor: User, before: datetime, confirmed: bool) -> Purge:
    """The emergency in the actor's region is over: delete its personal epidemic data recorded before
    ``before`` (the moment the preview was shown, so rows arriving since are not taken unseen). Other regions
    are untouched; the tallies per day survive.

    The purge is recorded here and runs in the task worker (``emergency_purge_run``): a province's millions of
    rows take longer than a request may. ``Purge.counts`` grows as each day's batch commits, so the page shows
    its progress; a run interrupted is finished by running it again (the deleted rows are gone, the rest go)."""
    from sibao.retention.tasks import run_emergency_purge

    region = _region_of(actor)
    if not confirmed:
        raise ServiceError(
            "retention.purge.unconfirmed", _("Confirm that the data may be deleted for good."), field="confirm"
        )
    if before > timezone.now():
        raise ServiceError("retention.purge.before", _("The moment to purge up to lies in the future."), field="before")
    running = Purge.objects.filter(reason=PurgeReason.EMERGENCY_OVER, region=region, finished_at__isnull=True)
    if running.exists():
        raise StateRefused("retention.purge.running", _("A purge of this region is already running."))
    with as_actor(actor):
        purge = Purge.objects.create(reason=PurgeReason.EMERGENCY_OVER, region=region, started_by=actor, before=before)
    run_emergency_purge.enqueue(purge.pk)
    purge.refresh_from_db()  # finished already when tasks run at once (tests, a single-process set-up)
    return purge


def emergency_purge_run(purge_id: int) -> Purge | None:
    """The worker's part of ``emergency_purge``: every registered table of the purge's region, day by day."""
    purge = Purge.objects.select_related("region", "started_by").filter(pk=purge_id, finished_at__isnull=True).first()
    if purge is None or purge.region is None:
        return None  # finished already (a task delivered twice) or not an emergency-over purge
    with as_actor(purge.started_by):
        for table in registered_personal_tables():
            purge_table(table, _in_region(table, purge.region), purge.before, purge)
        return _finish(purge, purge.started_by)
