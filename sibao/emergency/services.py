"""EM-1…EM-5 writes.

The switch (EM-2, 一键切换): the HQ office of a region (or of one above it) switches the region into emergency with
one action. In one transaction, set-based — whatever the number of enterprises, a fixed number of statements:
the emergency row (one audit entry with the counts of the switch), one ``INSERT … SELECT`` of the holds (each
whitelist enterprise of the subtree not already held: its own mode before and the mode it goes to), one
``UPDATE`` of the enterprises' modes (EM-3: the sector's mode from the parameters, never loosening what a firm
chose itself), one ``INSERT … SELECT`` of their inbox messages, and the record of the change. With an effective
time later (advance notice, 001#annex2-三.3) the enterprises are told at once and their modes change when the
time comes (``emergency_sweep``). Switching back restores each held firm's own previous mode, or hands the firms
to the emergency of a region above that is still in force.

A region inside one in emergency inherits it and is not switched on its own; a region switched while a region
inside it already is takes the rest of the subtree (the inner emergency keeps its firms).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.permissions import require_capability
from sibao.core.roles import Capability, Role
from sibao.core.workflow import Workflow, perform
from sibao.emergency import selectors
from sibao.emergency.models import (
    EXEMPT_KINDS,
    AreaKind,
    ChangeKind,
    Decision,
    Emergency,
    EmergencyArea,
    EmergencyHold,
    EmergencyStatus,
    Inspection,
    InspectionKind,
    InspectionState,
    RegionStateChange,
    Shutdown,
    ShutdownCause,
    ShutdownState,
)
from sibao.emergency.workflows import (
    EMERGENCY,
    INSPECTION,
    SHUTDOWN,
    is_planner,
    is_proposer_side,
    is_switcher,
    office_of,
)
from sibao.enterprises.models import CLOSED_LOOP_STRICTNESS, ClosedLoopMode, Enterprise
from sibao.epidemic.models import Employee
from sibao.notifications.services import notify, notify_enterprises
from sibao.notifications.texts import later
from sibao.parameters.registry import EMERGENCY_READINESS_CONFIRM_HOURS, EPIDEMIC_SHUTDOWN_MAX_DAYS
from sibao.parameters.selectors import forget_cached_parameters, parameter_value
from sibao.regions.models import Region, RegionLevel, RegionState

E = EmergencyStatus


def _text(value: Any, field: str, label: str, *, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError("emergency.required", _("%(field)s is required.") % {"field": label}, field=field)
    if max_length is not None and len(text) > max_length:
        raise ServiceError(
            "emergency.too_long",
            _("%(field)s is at most %(max)d characters.") % {"field": label, "max": max_length},
            field=field,
        )
    return text


def _precheck(workflow: Workflow, obj: Any, action: str, actor: User) -> None:
    """The refusal ``perform`` would give, before the input is looked at (409 wrong state, 403 not yours)."""
    transition = workflow.transition(action)
    state = getattr(obj, workflow.state_field)
    if state not in transition.sources:
        raise StateRefused(
            f"{workflow.name}.{action}.state",
            _("“%(action)s” is not allowed while the item is “%(state)s”.")
            % {"action": transition.label, "state": workflow.state_label(state)},
        )
    if transition.guard is not None:
        message = transition.guard(actor, obj)
        if message:
            raise PermissionRefused(f"{workflow.name}.{action}.forbidden", message)


def _offices(region: Region) -> QuerySet[User]:
    """Both HQ offices of the region (joint office, 联合办公): who hears of its switches."""
    return User.objects.filter(role__in=[Role.HQ_OFFICE, Role.EPIDEMIC_HQ_OFFICE], region=region, is_active=True)


def _offices_above(region: Region) -> QuerySet[User]:
    """Both HQ offices of every region containing ``region`` (shutdown and inspection decisions)."""
    return User.objects.filter(
        role__in=[Role.HQ_OFFICE, Role.EPIDEMIC_HQ_OFFICE], region__code__in=region.ancestor_codes(), is_active=True
    )


# --- the one rule of the modes (EM-3) ------------------------------------------------------------------------


def mode_case(modes: dict[str, str], field: str = "closed_loop_mode") -> Case:
    """SQL for ``selectors.target_mode`` over enterprises: per sector, a firm in a looser mode than the sector's
    goes to the sector's mode; a firm already as strict or stricter keeps its own."""
    whens = []
    for sector, required in modes.items():
        looser = [mode for mode, rank in CLOSED_LOOP_STRICTNESS.items() if rank < CLOSED_LOOP_STRICTNESS[required]]
        if looser:
            whens.append(When(Q(sector=sector) & Q(**{f"{field}__in": looser}), then=Value(required)))
    return Case(*whens, default=F(field))


# --- set-based steps of the switch -----------------------------------------------------------------------------


def _hold_new(emergency: Emergency, now: datetime) -> list[int]:
    """Hold every whitelist enterprise of the region's subtree that no open emergency holds yet: one INSERT …
    SELECT (the partial unique index drops a firm another switch took meanwhile). Returns their ids."""
    candidates = (
        selectors.switchable_enterprises(emergency.region)
        .annotate(applied=mode_case(selectors.target_modes(emergency.region)))
        .order_by()
        .values(chosen_id=F("pk"), chosen_mode=F("closed_loop_mode"), chosen_applied=F("applied"))
    )
    select_sql, params = candidates.query.sql_with_params()
    meta = EmergencyHold._meta
    columns = ", ".join(
        connection.ops.quote_name(str(meta.get_field(name).column))  # type: ignore[union-attr]
        for name in ("emergency", "enterprise", "prior_mode", "applied_mode", "held_at", "confirmation_note")
    )
    held_at = meta.get_field("held_at").get_db_prep_save(now, connection)
    # SQLite needs the WHERE to tell the upsert's ON CONFLICT from a join's ON.
    sql = (
        f"INSERT INTO {meta.db_table} ({columns}) "
        f"SELECT %s, chosen.chosen_id, chosen.chosen_mode, chosen.chosen_applied, %s, '' FROM ({select_sql}) AS chosen "
        f"WHERE true ON CONFLICT DO NOTHING RETURNING {connection.ops.quote_name('enterprise_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [emergency.pk, held_at, *params])
        return [row[0] for row in cursor.fetchall()]


def _apply_modes(emergency: Emergency, enterprise_ids: Sequence[int] | None = None, *, fresh: bool = False) -> None:
    """Move the held firms into their emergency mode: take each one's mode now as the one to restore, update
    the enterprises, keep the mode applied. Three statements, one when the holds were ``fresh``ly written in this
    transaction (their prior and applied modes are already these)."""
    holds = EmergencyHold.objects.filter(emergency=emergency, released_at__isnull=True)
    if enterprise_ids is not None:
        holds = holds.filter(enterprise_id__in=list(enterprise_ids))
    if not fresh:  # held at an announcement: a firm may have changed its own mode since
        _copy_modes(emergency, "prior_mode")
    Enterprise.objects.filter(pk__in=holds.values("enterprise_id")).update(
        closed_loop_mode=mode_case(selectors.target_modes(emergency.region))
    )
    if not fresh:
        _copy_modes(emergency, "applied_mode")


def _copy_modes(emergency: Emergency, column: str) -> None:
    """Each open hold's ``column`` := its enterprise's mode now, as one UPDATE … FROM (a join, not a subquery
    per row)."""
    enterprise_table = Enterprise._meta.db_table
    hold_table = EmergencyHold._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {hold_table} SET {column} = firm.closed_loop_mode FROM {enterprise_table} AS firm "
            f"WHERE firm.id = {hold_table}.enterprise_id AND {hold_table}.emergency_id = %s "
            f"AND {hold_table}.released_at IS NULL",
            [emergency.pk],
        )


def _counts(emergency: Emergency) -> dict[str, int]:
    holds = EmergencyHold.objects.filter(emergency=emergency, released_at__isnull=True)
    row = holds.aggregate(
        enterprises=Count("pk"),
        to_full=Count("pk", filter=Q(applied_mode=ClosedLoopMode.FULL) & ~Q(prior_mode=ClosedLoopMode.FULL)),
        to_two_point=Count(
            "pk", filter=Q(applied_mode=ClosedLoopMode.TWO_POINT) & ~Q(prior_mode=ClosedLoopMode.TWO_POINT)
        ),
        already_closed=Count("pk", filter=Q(applied_mode=F("prior_mode"))),
    )
    row["employees"] = Employee.objects.filter(is_active=True, enterprise_id__in=holds.values("enterprise_id")).count()
    return {
        "enterprises_switched": row["enterprises"],
        "employees": row["employees"],
        "to_full": row["to_full"],
        "to_two_point": row["to_two_point"],
        "already_closed": row["already_closed"],
    }


def _held_enterprises(emergency: Emergency, enterprise_ids: Sequence[int] | None = None) -> QuerySet[Enterprise]:
    holds = EmergencyHold.objects.filter(emergency=emergency, released_at__isnull=True)
    if enterprise_ids is not None:
        holds = holds.filter(enterprise_id__in=list(enterprise_ids))
    return Enterprise.objects.filter(pk__in=holds.values("enterprise_id"))


def _notice_link() -> str:
    return reverse("emergency:notice")


def _state_link(region: Region) -> str:
    return reverse("emergency:region", args=[region.code])


def _tell_enterprises_switched(emergency: Emergency, enterprise_ids: Sequence[int] | None = None) -> int:
    region = emergency.region
    if emergency.status == E.ANNOUNCED:
        title = later(
            gettext_noop("Advance notice: %(region)s enters emergency at %(at)s"),
            region=region.name,
            at=emergency.effective_at,
        )
        body = later(
            gettext_noop(
                "Bring your staff inside before then: from that moment the enterprise produces in closed loop "
                "(%(document)s). Confirm that you are ready by %(due)s."
            ),
            document=emergency.document_number,
            due=emergency.readiness_due_at,
        )
    else:
        title = later(
            gettext_noop("%(region)s is in emergency: closed-loop production from %(at)s"),
            region=region.name,
            at=emergency.effective_at,
        )
        body = later(
            gettext_noop(
                "The whitelist enterprise keeps producing in closed loop (%(document)s); its mode is on the notice "
                "page. Confirm that you are ready by %(due)s."
            ),
            document=emergency.document_number,
            due=emergency.readiness_due_at,
        )
    return notify_enterprises(
        topic="emergency.switched",
        title=title,
        body=body,
        link=_notice_link(),
        enterprises=_held_enterprises(emergency, enterprise_ids),
    )


def _record(
    emergency: Emergency,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    reason: str = "",
    document_number: str = "",
    from_state: str = RegionState.NORMAL,
    to_state: str = RegionState.EMERGENCY,
    effective_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> RegionStateChange:
    return RegionStateChange.objects.create(
        region=emergency.region,
        emergency=emergency,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=now,
        reason=reason,
        document_number=document_number,
        effective_at=effective_at or now,
        data=data or {},
    )


# --- EM-2: the switch -----------------------------------------------------------------------------------------


def emergency_switch(
    *,
    actor: User,
    region: Region,
    reason: str,
    document_number: str,
    effective_at: datetime | None = None,
    now: datetime | None = None,
) -> Emergency:
    """Switch ``region`` into emergency (at once, or announced for ``effective_at``) — see the module docstring."""
    require_capability(actor, Capability.EMERGENCY_SWITCH)
    if not is_switcher(actor, region):
        raise PermissionRefused(
            "emergency.switch.forbidden", _("Only the HQ office of the region may switch its state.")
        )
    reason = _text(reason, "reason", _("Reason"), max_length=2000)
    document_number = _text(document_number, "document_number", _("Document number"), max_length=64)
    now = now or timezone.now()
    if effective_at is not None and effective_at < now - timedelta(minutes=5):
        raise ServiceError(
            "emergency.switch.effective_at",
            _("The effective time cannot be in the past; leave it empty to switch at once."),
            field="effective_at",
        )
    effective_at = max(effective_at or now, now)
    at_once = effective_at <= now
    status = selectors.region_state(region, now)
    for open_one in (status.emergency, status.announced):
        if open_one is None:
            continue
        if open_one.region_id == region.pk:
            raise StateRefused(
                "emergency.switch.already",
                _("%(region)s is already in emergency (%(document)s, from %(at)s).")
                % {
                    "region": region.name,
                    "document": open_one.document_number,
                    "at": timezone.localtime(open_one.effective_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
        raise StateRefused(
            "emergency.switch.inherited",
            _("%(region)s is inside %(above)s, whose emergency covers it already.")
            % {"region": region.name, "above": open_one.region.name},
        )
    hours = int(parameter_value(EMERGENCY_READINESS_CONFIRM_HOURS, region))
    preview = selectors.switch_preview(region)
    try:
        with transaction.atomic(), as_actor(actor):
            emergency = Emergency.objects.create(
                region=region,
                status=E.ACTIVE if at_once else E.ANNOUNCED,
                reason=reason,
                document_number=document_number,
                effective_at=effective_at,
                # Ready when it takes effect, and never sooner than the parameter's hours from now.
                readiness_due_at=max(now + timedelta(hours=hours), effective_at),
                declared_by=actor,
                declared_at=now,
                activated_at=now if at_once else None,
                enterprises_switched=preview.enterprises,
                employees=preview.employees,
                to_full=preview.to_full,
                to_two_point=preview.to_two_point,
                already_closed=preview.already_closed,
            )
            EMERGENCY.log_creation(emergency, actor=actor, data=preview.as_counts())
            held = _hold_new(emergency, now)
            if at_once:
                _apply_modes(emergency, fresh=True)
            _record(
                emergency,
                ChangeKind.SWITCHED_IN if at_once else ChangeKind.ANNOUNCED,
                actor=actor,
                now=now,
                reason=reason,
                document_number=document_number,
                effective_at=effective_at,
                data={**preview.as_counts(), "held": len(held)},
            )
            _tell_enterprises_switched(emergency)
            notify(
                topic="emergency.joint_office",
                title=later(
                    gettext_noop("%(region)s enters emergency (%(document)s): joint office of both HQs from %(at)s"),
                    region=region.name,
                    document=document_number,
                    at=effective_at,
                ),
                body=later(
                    gettext_noop("%(count)d whitelist enterprises switch to closed-loop production."),
                    count=len(held),
                ),
                link=_state_link(region),
                users=_offices(region),
            )
    except IntegrityError:
        # Another HQ officer switched the same region a moment ago (one open emergency per region).
        raise StateRefused(
            "emergency.switch.already", _("%(region)s was switched a moment ago.") % {"region": region.name}
        ) from None
    forget_cached_parameters()
    return emergency


def emergency_activate(*, emergency: Emergency, now: datetime | None = None) -> Emergency:
    """The announced emergency's time has come: hold the firms listed since, move them all (the sweep)."""
    now = now or timezone.now()

    def changes(locked: Emergency) -> dict[str, Any]:
        _hold_new(locked, now)
        _apply_modes(locked)
        return {**_counts(locked), "activated_at": now}

    def after(locked: Emergency) -> None:
        _record(
            locked,
            ChangeKind.SWITCHED_IN,
            actor=None,
            now=now,
            reason=locked.reason,
            document_number=locked.document_number,
            effective_at=locked.effective_at,
            data=_counts(locked),
        )
        _tell_enterprises_switched(locked)

    activated: Emergency = perform(EMERGENCY, emergency, "activate", actor=None, changes=changes, after=after)
    forget_cached_parameters()
    return activated


def _restore(emergency: Emergency, now: datetime) -> tuple[int, Emergency | None]:
    """Give each held firm back its own mode (two statements), or hand them all to the emergency of a region
    above that is in force. Returns (how many, the emergency that took them over or None)."""
    holds = EmergencyHold.objects.filter(emergency=emergency, released_at__isnull=True)
    above = (
        Emergency.objects.filter(status=E.ACTIVE, region__path__in=selectors.ancestor_paths(emergency.region))
        .exclude(pk=emergency.pk)
        .order_by("-region__path")
        .first()
    )
    if above is not None:
        return holds.update(emergency=above), above
    # One UPDATE … FROM (a join the planner hashes), not a correlated subquery per enterprise: with fresh holds
    # and old statistics PostgreSQL planned that as a scan of the holds per firm (2 minutes for a city).
    enterprise_table = Enterprise._meta.db_table
    hold_table = EmergencyHold._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {enterprise_table} SET closed_loop_mode = held.prior_mode FROM {hold_table} AS held "
            f"WHERE held.enterprise_id = {enterprise_table}.id AND held.emergency_id = %s "
            "AND held.released_at IS NULL",
            [emergency.pk],
        )
    return holds.update(released_at=now), None


def emergency_switch_back(
    *, actor: User, emergency: Emergency, reason: str, document_number: str, now: datetime | None = None
) -> Emergency:
    """Switch back to normal (or call off an announced emergency): each firm gets back its own previous mode."""
    action = "switch_back" if emergency.status == E.ACTIVE else "call_off"
    _precheck(EMERGENCY, emergency, action, actor)
    reason = _text(reason, "reason", _("Reason"), max_length=2000)
    document_number = _text(document_number, "document_number", _("Document number"), max_length=64)
    now = now or timezone.now()
    outcome: dict[str, Any] = {}

    def changes(locked: Emergency) -> dict[str, Any]:
        if action == "switch_back":
            restored, above = _restore(locked, now)
            outcome.update(restored=restored, above=above)
        else:
            # Announced only: nothing was applied, the firms are simply let go.
            outcome.update(
                restored=EmergencyHold.objects.filter(emergency=locked, released_at__isnull=True).update(
                    released_at=now
                ),
                above=None,
            )
        return {
            "ended_at": now,
            "ended_by": actor,
            "end_reason": reason,
            "end_document_number": document_number,
            "enterprises_restored": outcome["restored"],
        }

    def after(locked: Emergency) -> None:
        EmergencyArea.objects.filter(emergency=locked, ended_at__isnull=True).update(ended_at=now)
        above = outcome["above"]
        _record(
            locked,
            ChangeKind.SWITCHED_BACK if action == "switch_back" else ChangeKind.CANCELLED,
            actor=actor,
            now=now,
            reason=reason,
            document_number=document_number,
            from_state=RegionState.EMERGENCY if action == "switch_back" else RegionState.NORMAL,
            to_state=RegionState.EMERGENCY if above is not None else RegionState.NORMAL,
            data={"restored": outcome["restored"], "handed_to": above.region.name if above else ""},
        )
        released = Enterprise.objects.filter(
            pk__in=EmergencyHold.objects.filter(emergency=locked, released_at=now).values("enterprise_id")
        )
        if action == "switch_back" and above is None:
            notify_enterprises(
                topic="emergency.switched_back",
                title=later(gettext_noop("%(region)s is back to normal"), region=locked.region.name),
                body=later(
                    gettext_noop(
                        "The emergency ended (%(document)s): the enterprise is back in the closed-loop mode it had "
                        "before the switch."
                    ),
                    document=document_number,
                ),
                link=_notice_link(),
                enterprises=released,
            )
        elif action == "call_off":
            notify_enterprises(
                topic="emergency.called_off",
                title=later(
                    gettext_noop("The announced emergency of %(region)s is called off"), region=locked.region.name
                ),
                body=later(gettext_noop("Production goes on as before (%(document)s)."), document=document_number),
                link=_notice_link(),
                enterprises=released,
            )
        notify(
            topic="emergency.switched_back",
            title=later(
                gettext_noop("%(region)s switched back to normal (%(document)s)"),
                region=locked.region.name,
                document=document_number,
            ),
            link=_state_link(locked.region),
            users=_offices(locked.region),
        )

    with as_actor(actor):
        ended: Emergency = perform(
            EMERGENCY, emergency, action, actor=actor, reason=reason, changes=changes, after=after
        )
    forget_cached_parameters()
    return ended


# --- EM-1: areas ------------------------------------------------------------------------------------------------


def area_draw(
    *,
    actor: User,
    emergency: Emergency,
    kind: str,
    name: str,
    townships: Iterable[Region] = (),
    enterprises: Iterable[Enterprise] = (),
    note: str = "",
) -> EmergencyArea:
    """Name a sealed, controlled or precautionary area of an open emergency by townships or enterprises."""
    if not is_switcher(actor, emergency.region):
        raise PermissionRefused("emergency.area.forbidden", _("Only the HQ office of the region may draw its areas."))
    if not emergency.is_open:
        raise StateRefused("emergency.area.state", _("Areas are drawn only while the emergency is open."))
    if kind not in AreaKind.values:
        raise ServiceError("emergency.area.kind", _("Choose the kind of area."), field="kind")
    name = _text(name, "name", _("Name"), max_length=128)
    townships = list(townships)
    enterprises = list(enterprises)
    if not townships and not enterprises:
        raise ServiceError(
            "emergency.area.empty", _("Name the townships or the enterprises of the area."), field="townships"
        )
    root = emergency.region.path
    if any(t.level != RegionLevel.TOWNSHIP or not t.path.startswith(root) for t in townships):
        raise ServiceError(
            "emergency.area.townships", _("Choose townships of the region in emergency."), field="townships"
        )
    if any(not e.region.path.startswith(root) for e in enterprises):
        raise ServiceError(
            "emergency.area.enterprises", _("Choose enterprises of the region in emergency."), field="enterprises"
        )
    now = timezone.now()
    with transaction.atomic(), as_actor(actor):
        area = EmergencyArea.objects.create(
            emergency=emergency, kind=kind, name=name, note=str(note or "").strip(), created_by=actor, created_at=now
        )
        area.townships.set(townships)
        area.enterprises.set(enterprises)
        _record(
            emergency,
            ChangeKind.AREA_DRAWN,
            actor=actor,
            now=now,
            reason=area.note,
            document_number=emergency.document_number,
            from_state=RegionState.EMERGENCY,
            data={
                "area": name,
                "kind": kind,
                "townships": [t.name for t in townships],
                "enterprises": [e.name for e in enterprises],
            },
        )
        if enterprises:
            for enterprise in enterprises:
                notify(
                    topic="emergency.area",
                    title=later(
                        gettext_noop("The enterprise lies in %(kind)s “%(name)s”"),
                        kind=AreaKind(kind).label,
                        name=name,
                    ),
                    link=_notice_link(),
                    enterprise=enterprise,
                )
    return area


def area_lift(*, actor: User, area: EmergencyArea, reason: str = "") -> EmergencyArea:
    emergency = area.emergency
    if not is_switcher(actor, emergency.region):
        raise PermissionRefused("emergency.area.forbidden", _("Only the HQ office of the region may draw its areas."))
    if area.ended_at is not None:
        raise StateRefused("emergency.area.state", _("This area was lifted already."))
    now = timezone.now()
    with transaction.atomic(), as_actor(actor):
        area.ended_at = now
        area.save(update_fields=["ended_at"])
        _record(
            emergency,
            ChangeKind.AREA_LIFTED,
            actor=actor,
            now=now,
            reason=str(reason or "").strip(),
            document_number=emergency.document_number,
            from_state=RegionState.EMERGENCY,
            data={"area": area.name, "kind": area.kind},
        )
    return area


# --- EM-2: readiness confirmation ---------------------------------------------------------------------------------


def readiness_confirm(
    *, actor: User, hold: EmergencyHold, staff_inside: int | None = None, note: str = ""
) -> EmergencyHold:
    """The enterprise confirms it is ready for closed-loop production (its staff inside, bubbles drawn)."""
    require_capability(actor, Capability.EMERGENCY_CONFIRM)
    if actor.role != Role.ENTERPRISE or actor.enterprise_id != hold.enterprise_id:
        raise PermissionRefused("emergency.confirm.forbidden", _("An enterprise confirms only for itself."))
    if hold.released_at is not None or not hold.emergency.is_open:
        raise StateRefused("emergency.confirm.state", _("This emergency is over."))
    if staff_inside is not None and (not isinstance(staff_inside, int) or staff_inside < 0):
        raise ServiceError(
            "emergency.confirm.staff_inside", _("Enter the number of staff inside (0 or more)."), field="staff_inside"
        )
    now = timezone.now()
    with transaction.atomic(), as_actor(actor):
        updated = EmergencyHold.objects.filter(pk=hold.pk, released_at__isnull=True, confirmed_at__isnull=True).update(
            confirmed_at=now, confirmed_by=actor, staff_inside=staff_inside, confirmation_note=str(note or "").strip()
        )
        if not updated:
            raise StateRefused("emergency.confirm.done", _("The enterprise has confirmed already."))
    hold.refresh_from_db()
    return hold


def mode_change_refusal(enterprise: Enterprise) -> str | None:
    """Why the enterprise's closed-loop mode may not be changed by hand now (enterprises.services asks)."""
    hold = (
        EmergencyHold.objects.filter(enterprise=enterprise, released_at__isnull=True, emergency__status=E.ACTIVE)
        .select_related("emergency__region")
        .first()
    )
    if hold is None:
        return None
    return _(
        "During the emergency of %(region)s the closed-loop mode is set by the switch; the enterprise gets its own "
        "back when the region switches back."
    ) % {"region": hold.emergency.region.name}


# --- EM-4: shutdowns ---------------------------------------------------------------------------------------------


def _shutdown_link(shutdown: Shutdown) -> str:
    return reverse("emergency:shutdown", args=[shutdown.pk])


def shutdown_propose(
    *,
    actor: User,
    enterprise: Enterprise,
    cause: str,
    date_from: date | None,
    date_to: date | None,
    scope: str,
    reason: str,
    incident: Any = None,
    capacity_limit: int | None = None,
) -> Shutdown:
    """A township or department (the epidemic task force included) proposes to shut the areas named — or, with
    ``capacity_limit``, to limit production to that share of capacity (限产) — for at most
    EPIDEMIC_SHUTDOWN_MAX_DAYS calendar days counted inclusively; both HQ offices are asked."""
    require_capability(actor, Capability.SHUTDOWN_PROPOSE)
    if not is_proposer_side(actor, enterprise):
        raise PermissionRefused(
            "emergency.shutdown.forbidden", _("Only a township or department of the area proposes a shutdown.")
        )
    if incident is not None:
        cause = ShutdownCause.EPIDEMIC_CASE
        if incident.enterprise_id != enterprise.pk:
            raise ServiceError(
                "emergency.shutdown.incident", _("The incident is of another enterprise."), field="incident"
            )
        from sibao.incidents.models import IncidentState

        if incident.state in (IncidentState.CLOSED, IncidentState.CLEARED):
            raise StateRefused(
                "emergency.shutdown.incident_state",
                _("No shutdown for an incident that is “%(state)s”.") % {"state": incident.get_state_display()},
            )
    if cause not in ShutdownCause.values:
        raise ServiceError("emergency.shutdown.cause", _("Choose the cause of the shutdown."), field="cause")
    if not isinstance(date_from, date):
        raise ServiceError("emergency.shutdown.date_from", _("Enter the first day of the shutdown."), field="date_from")
    if not isinstance(date_to, date):
        raise ServiceError("emergency.shutdown.date_to", _("Enter the last day of the shutdown."), field="date_to")
    if date_to < date_from:
        raise ServiceError(
            "emergency.shutdown.date_to", _("The last day cannot be before the first day."), field="date_to"
        )
    today = timezone.localdate()
    earliest = timezone.localdate(incident.reported_at) if incident is not None else today
    if date_from < earliest:
        raise ServiceError(
            "emergency.shutdown.date_from",
            _("The shutdown cannot start before the incident.")
            if incident is not None
            else _("The shutdown cannot start in the past."),
            field="date_from",
        )
    limit = int(parameter_value(EPIDEMIC_SHUTDOWN_MAX_DAYS, enterprise.region))
    days = (date_to - date_from).days + 1
    if days > limit:
        raise ServiceError(
            "emergency.shutdown.too_long",
            _(
                "A shutdown lasts at most %(limit)d days (first and last day included): the last day can be "
                "%(latest)s at the latest; %(to)s makes %(days)d days."
            )
            % {
                "limit": limit,
                "days": days,
                "latest": (date_from + timedelta(days=limit - 1)).isoformat(),
                "to": date_to.isoformat(),
            },
            field="date_to",
        )
    scope = _text(scope, "scope", _("Areas shut"), max_length=255)
    reason = _text(reason, "reason", _("Reason"), max_length=2000)
    if capacity_limit is not None and (incident is not None or not 1 <= capacity_limit <= 99):
        raise ServiceError(
            "emergency.shutdown.capacity_limit",
            _("A production limit is a share of capacity from 1 to 99 %; an incident's shutdown stops the areas.")
            if incident is None
            else _("An incident's shutdown stops the areas named; it is not a production limit."),
            field="capacity_limit",
        )
    from sibao.whitelist.selectors import listing_status

    with transaction.atomic(), as_actor(actor):
        shutdown = Shutdown.objects.create(
            enterprise=enterprise,
            incident=incident,
            cause=cause,
            proposed_by=actor,
            proposed_at=timezone.now(),
            date_from=date_from,
            date_to=date_to,
            scope=scope,
            capacity_limit=capacity_limit,
            reason=reason,
            whitelisted=listing_status(enterprise).listed,
        )
        SHUTDOWN.log_creation(shutdown, actor=actor)
        notify(
            topic="emergency.shutdown_proposed",
            title=later(
                gettext_noop("Shutdown waiting for both HQ offices: %(enterprise)s, %(from)s–%(to)s"),
                enterprise=enterprise.name,
                **{"from": date_from, "to": date_to},
            ),
            body=reason,
            link=_shutdown_link(shutdown),
            users=_offices_above(enterprise.region),
        )
    return shutdown


def _tell_shutdown(shutdown: Shutdown, topic: str, title: Any, body: Any = "") -> None:
    users = list(_offices_above(shutdown.enterprise.region))
    if shutdown.proposed_by_id and shutdown.proposed_by is not None:
        users.append(shutdown.proposed_by)
    notify(
        topic=topic, title=title, body=body, link=_shutdown_link(shutdown), users=users, enterprise=shutdown.enterprise
    )


def shutdown_decide(*, actor: User, shutdown: Shutdown, approve: bool, reason: str) -> Shutdown:
    """One HQ office approves or refuses, with its reason. The shutdown takes effect when the second approves;
    either refusal ends it. Two offices deciding at once: the later one is re-read and applied after."""
    office = office_of(actor, shutdown.enterprise)
    if not office:
        raise PermissionRefused(
            "emergency.shutdown.forbidden", _("Only the HQ office or the epidemic HQ office of the area decides.")
        )
    reason = str(reason or "").strip()
    if not approve and not reason:
        raise ServiceError("emergency.shutdown.reason_required", _("Give a reason."), field="reason")
    if approve and shutdown.date_to < timezone.localdate():
        raise StateRefused("emergency.shutdown.past", _("The last day of this shutdown has passed."))
    for attempt in range(2):
        current = Shutdown.objects.get(pk=shutdown.pk)
        action = _decision_action(current, office, approve)
        _precheck(SHUTDOWN, current, action, actor)
        now = timezone.now()
        decision = Decision.APPROVED if approve else Decision.REFUSED
        changes = {
            f"{office}_decision": decision,
            f"{office}_by": actor,
            f"{office}_at": now,
            f"{office}_reason": reason,
        }

        def after(locked: Shutdown) -> None:
            if locked.state == ShutdownState.APPROVED:
                title = later(
                    gettext_noop("Shutdown approved by both HQs: %(enterprise)s, %(from)s–%(to)s (%(scope)s)"),
                    enterprise=locked.enterprise.name,
                    scope=locked.scope,
                    **{"from": locked.date_from, "to": locked.date_to},
                )
            elif locked.state == ShutdownState.REFUSED:
                title = later(
                    gettext_noop("Shutdown refused: %(enterprise)s, %(from)s–%(to)s"),
                    enterprise=locked.enterprise.name,
                    **{"from": locked.date_from, "to": locked.date_to},
                )
            else:
                title = later(
                    gettext_noop("Shutdown approved by one HQ office, waiting for the other: %(enterprise)s"),
                    enterprise=locked.enterprise.name,
                )
            _tell_shutdown(locked, "emergency.shutdown_decided", title, reason)

        try:
            with as_actor(actor):
                decided: Shutdown = perform(
                    SHUTDOWN, current, action, actor=actor, reason=reason, changes=changes, after=after
                )
            return decided
        except StateRefused as refused:
            # The other office decided between our read and our write: decide again on the fresh row.
            if attempt == 0 and refused.code.endswith(".state"):
                continue
            raise
    raise AssertionError("unreachable")


def _decision_action(shutdown: Shutdown, office: str, approve: bool) -> str:
    other_approved = (
        shutdown.state == ShutdownState.EPIDEMIC_APPROVED
        if office == "economic"
        else shutdown.state == ShutdownState.ECONOMIC_APPROVED
    )
    if not approve:
        return f"refuse_{office}"
    return f"approve_{office}_last" if other_approved else f"approve_{office}"


def shutdown_withdraw(*, actor: User, shutdown: Shutdown, reason: str) -> Shutdown:
    _precheck(SHUTDOWN, shutdown, "withdraw", actor)
    with as_actor(actor):
        withdrawn: Shutdown = perform(
            SHUTDOWN,
            shutdown,
            "withdraw",
            actor=actor,
            reason=reason,
            after=lambda locked: _tell_shutdown(
                locked,
                "emergency.shutdown_withdrawn",
                later(gettext_noop("Shutdown proposal withdrawn: %(enterprise)s"), enterprise=locked.enterprise.name),
                reason,
            ),
        )
    return withdrawn


def shutdown_reopen(*, actor: User, shutdown: Shutdown, note: str = "") -> Shutdown:
    """Production resumed: the shutdown's tracking ends (EM-4)."""
    _precheck(SHUTDOWN, shutdown, "reopen", actor)
    now = timezone.now()
    with as_actor(actor):
        reopened: Shutdown = perform(
            SHUTDOWN,
            shutdown,
            "reopen",
            actor=actor,
            reason=note,
            changes={"reopened_at": now, "reopened_by": actor if getattr(actor, "pk", None) else None},
            after=lambda locked: _tell_shutdown(
                locked,
                "emergency.shutdown_reopened",
                later(gettext_noop("Production resumed: %(enterprise)s"), enterprise=locked.enterprise.name),
            ),
        )
    return reopened


def shutdown_act(*, actor: User, shutdown: Shutdown, action: str, reason: str = "") -> Shutdown:
    """One entry point for pages and the API: approve, refuse, withdraw, reopen."""
    if action == "approve":
        return shutdown_decide(actor=actor, shutdown=shutdown, approve=True, reason=reason)
    if action == "refuse":
        return shutdown_decide(actor=actor, shutdown=shutdown, approve=False, reason=reason)
    if action == "withdraw":
        return shutdown_withdraw(actor=actor, shutdown=shutdown, reason=reason)
    if action == "reopen":
        return shutdown_reopen(actor=actor, shutdown=shutdown, note=reason)
    raise ServiceError("emergency.shutdown.action", _("Unknown action “%s”.") % action)


def shutdown_actions(shutdown: Shutdown, actor: User) -> list[str]:
    """The buttons a page shows: approve/refuse (for the actor's own office), withdraw, reopen."""
    available = {t.action for t in SHUTDOWN.available(shutdown, actor)}
    actions = []
    if available & {"approve_economic", "approve_economic_last", "approve_epidemic", "approve_epidemic_last"}:
        actions.append("approve")
    if available & {"refuse_economic", "refuse_epidemic"}:
        actions.append("refuse")
    actions += [name for name in ("withdraw", "reopen") if name in available]
    return actions


# --- EM-5: inspections --------------------------------------------------------------------------------------------


def _inspection_link(inspection: Inspection) -> str:
    return reverse("emergency:inspection", args=[inspection.pk])


def inspection_plan(
    *, actor: User, enterprise: Enterprise, kind: str, item: str, department: str, planned_on: date | None
) -> Inspection:
    """List a planned inspection (001#7): epidemic, work-safety and customs ones are recorded and go ahead; the
    others wait for the HQ office's approval before their date."""
    require_capability(actor, Capability.INSPECTION_PLAN)
    if not is_planner(actor, enterprise):
        raise PermissionRefused(
            "emergency.inspection.forbidden", _("Only a township or department of the area lists inspections.")
        )
    if kind not in InspectionKind.values:
        raise ServiceError("emergency.inspection.kind", _("Choose the kind of inspection."), field="kind")
    item = _text(item, "item", _("Inspection item"), max_length=255)
    department = _text(department, "department", _("Inspecting department"), max_length=128)
    if not isinstance(planned_on, date):
        raise ServiceError("emergency.inspection.planned_on", _("Enter the planned date."), field="planned_on")
    if planned_on < timezone.localdate():
        raise ServiceError(
            "emergency.inspection.planned_on", _("The planned date cannot be in the past."), field="planned_on"
        )
    exempt = kind in EXEMPT_KINDS
    with transaction.atomic(), as_actor(actor):
        inspection = Inspection.objects.create(
            enterprise=enterprise,
            kind=kind,
            item=item,
            department=department,
            planned_on=planned_on,
            planned_by=actor,
            planned_at=timezone.now(),
            state=InspectionState.RECORDED if exempt else InspectionState.PENDING,
        )
        INSPECTION.log_creation(inspection, actor=actor)
        if exempt:
            notify(
                topic="emergency.inspection_recorded",
                title=later(
                    gettext_noop("Inspection on %(day)s: %(kind)s by %(department)s"),
                    day=planned_on,
                    kind=InspectionKind(kind).label,
                    department=department,
                ),
                body=item,
                link=reverse("emergency:my_inspections"),
                enterprise=enterprise,
            )
        else:
            notify(
                topic="emergency.inspection_planned",
                title=later(
                    gettext_noop("Inspection waiting for approval: %(enterprise)s on %(day)s (%(kind)s)"),
                    enterprise=enterprise.name,
                    day=planned_on,
                    kind=InspectionKind(kind).label,
                ),
                body=item,
                link=_inspection_link(inspection),
                users=User.objects.filter(
                    role=Role.HQ_OFFICE, region__code__in=enterprise.region.ancestor_codes(), is_active=True
                ),
            )
    return inspection


def inspection_act(*, actor: User, inspection: Inspection, action: str, reason: str = "") -> Inspection:
    """approve / refuse (the HQ office), carry_out / cancel (the planner). An inspection that needs approval and
    has none is never recorded as carried out."""
    if action == "carry_out" and inspection.state in (InspectionState.PENDING, InspectionState.LAPSED):
        raise StateRefused(
            "emergency.inspection.not_approved",
            _(
                "A %(kind)s inspection needs the HQ office's approval before it takes place; this one has none. "
                "Only epidemic, work-safety and customs inspections go ahead without it."
            )
            % {"kind": inspection.get_kind_display()},
        )
    if action not in ("approve", "refuse", "carry_out", "cancel"):
        raise ServiceError("emergency.inspection.action", _("Unknown action “%s”.") % action)
    _precheck(INSPECTION, inspection, action, actor)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if action in ("approve", "refuse"):
        changes = {"decided_by": actor, "decided_at": now, "decision_reason": str(reason or "").strip()}
    elif action == "carry_out":
        changes = {"done_at": now, "done_note": str(reason or "").strip()}

    def after(locked: Inspection) -> None:
        if action in ("approve", "refuse", "cancel"):
            title = later(
                gettext_noop("Inspection on %(day)s %(state)s: %(kind)s by %(department)s"),
                day=locked.planned_on,
                state=InspectionState(locked.state).label,
                kind=InspectionKind(locked.kind).label,
                department=locked.department,
            )
            users = [locked.planned_by] if locked.planned_by_id and locked.planned_by is not None else []
            # The enterprise hears of approved ones (what it may expect) and of cancellations.
            enterprise = locked.enterprise if locked.state != InspectionState.REFUSED else None
            notify(
                topic="emergency.inspection_decided",
                title=title,
                body=reason,
                link=_inspection_link(locked),
                users=users,
                enterprise=enterprise,
            )

    with as_actor(actor):
        done: Inspection = perform(
            INSPECTION, inspection, action, actor=actor, reason=reason, changes=changes, after=after
        )
    return done


def inspection_report_unapproved(
    *, actor: User, enterprise: Enterprise, department: str, day: date | None, note: str = ""
) -> Any:
    """EM-5/RQ-1: the enterprise reports an inspection that came without approval — a request to the HQ office,
    filed in one click from its inspections page."""
    from sibao.tickets.models import Category, Urgency
    from sibao.tickets.services import ticket_file

    department = _text(department, "department", _("Inspecting department"), max_length=128)
    day = day or timezone.localdate()
    text = _(
        "On %(day)s %(department)s inspected the enterprise without an approval of the HQ office listed on the "
        "platform (EM-5: only epidemic, work-safety and customs inspections need none)."
    ) % {"day": day.isoformat(), "department": department}
    note = str(note or "").strip()
    return ticket_file(
        actor=actor,
        enterprise=enterprise,
        data={
            "category": Category.OTHER,
            "urgency": Urgency.URGENT,
            "title": _("Inspection without approval: %(department)s") % {"department": department},
            "text": f"{text}\n{note}" if note else text,
        },
    )


# --- periodic sweep ----------------------------------------------------------------------------------------------


def emergency_sweep(now: datetime | None = None) -> dict[str, int]:
    """Every scheduler pass (idempotent): announced emergencies whose time has come take effect; active ones take
    firms listed since the switch; missed readiness deadlines and shutdowns past their end without reopening
    are reported to the HQ offices once; pending inspections whose date passed lapse."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"activated": 0, "topped_up": 0, "readiness_warned": 0, "shutdowns_warned": 0, "inspections_lapsed": 0}
    for emergency in Emergency.objects.filter(status=E.ANNOUNCED, effective_at__lte=now).select_related("region"):
        emergency_activate(emergency=emergency, now=now)
        counts["activated"] += 1
    for emergency in Emergency.objects.filter(status=E.ACTIVE).select_related("region"):
        with transaction.atomic():
            new = _hold_new(emergency, now)
            if new:
                _apply_modes(emergency, new, fresh=True)
                _tell_enterprises_switched(emergency, new)
                counts["topped_up"] += len(new)
    late = Emergency.objects.filter(
        status__in=[E.ANNOUNCED, E.ACTIVE], readiness_due_at__lt=now, readiness_warned_at__isnull=True
    ).select_related("region")
    for emergency in late:
        missing = selectors.readiness_missing(emergency).count()
        with transaction.atomic():
            if not Emergency.objects.filter(pk=emergency.pk, readiness_warned_at__isnull=True).update(
                readiness_warned_at=now
            ):
                continue
            if missing:
                notify(
                    topic="emergency.readiness_missing",
                    title=later(
                        gettext_noop("%(count)d whitelist enterprises of %(region)s have not confirmed readiness"),
                        count=missing,
                        region=emergency.region.name,
                    ),
                    link=reverse("emergency:confirmations", args=[emergency.pk]) + "?missing=1",
                    users=_offices(emergency.region),
                )
                counts["readiness_warned"] += 1
    overdue = Shutdown.objects.filter(
        selectors.shutdown_overdue_q(today), overdue_warned_at__isnull=True
    ).select_related("enterprise__region", "proposed_by")
    for shutdown in overdue:
        with transaction.atomic():
            if not Shutdown.objects.filter(pk=shutdown.pk, overdue_warned_at__isnull=True).update(
                overdue_warned_at=now
            ):
                continue
            _tell_shutdown(
                shutdown,
                "emergency.shutdown_overdue",
                later(
                    gettext_noop(
                        "Shutdown ended on %(to)s but production has not been recorded as resumed: %(enterprise)s"
                    ),
                    to=shutdown.date_to,
                    enterprise=shutdown.enterprise.name,
                ),
            )
            counts["shutdowns_warned"] += 1
    for inspection in Inspection.objects.filter(state=InspectionState.PENDING, planned_on__lt=today):
        try:
            perform(INSPECTION, inspection, "lapse", actor=None)
            counts["inspections_lapsed"] += 1
        except StateRefused:
            continue
    return counts
