"""EM-1…EM-6 endpoints (X-5): the same selectors and services as the pages, under the same scope (a region or
row out of scope → 404). Refusals come back as ``{code, message, field}``: wrong state 409, not yours 403, bad
input 400. One endpoint per action, each with its own body."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from sibao.accounts.models import User
from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id, Input, IsoDate, optional_text
from sibao.core.errors import PermissionRefused
from sibao.core.roles import Capability, Role
from sibao.emergency import selectors, services
from sibao.emergency.duty import duty_record
from sibao.emergency.models import Emergency, EmergencyArea, EmergencyHold, Inspection, Shutdown
from sibao.emergency.schemas import (
    AreaIn,
    AreaOut,
    ConfirmIn,
    DecisionIn,
    DutyRecordOut,
    EmergencyNoticeOut,
    EmergencyOut,
    FiledRequestOut,
    HaltOut,
    HoldOut,
    InspectionIn,
    InspectionOut,
    LiftIn,
    PreviewOut,
    RefusalIn,
    RegionStateOut,
    ShutdownOut,
    ShutdownProposeIn,
    SwitchBackIn,
    SwitchIn,
    UnapprovedInspectionIn,
)
from sibao.emergency.workflows import INSPECTION, is_switcher
from sibao.enterprises.models import Enterprise
from sibao.regions.models import Region

router = Router(tags=["emergency"])


def _region(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "level": region.level}


def emergency_out(emergency: Emergency, counts: dict[str, int] | None = None) -> dict[str, Any]:
    fields = (
        "status",
        "reason",
        "document_number",
        "effective_at",
        "readiness_due_at",
        "declared_at",
        "activated_at",
        "enterprises_switched",
        "employees",
        "to_full",
        "to_two_point",
        "already_closed",
        "ended_at",
        "end_reason",
        "end_document_number",
        "enterprises_restored",
    )
    return {
        "id": emergency.pk,
        "region": _region(emergency.region),
        "declared_by": str(emergency.declared_by or ""),
        "confirmations": counts if counts is not None else selectors.confirmation_counts(emergency),
        **{name: getattr(emergency, name) for name in fields},
    }


def _area_out(area: EmergencyArea) -> dict[str, Any]:
    return {
        "id": area.pk,
        "kind": area.kind,
        "name": area.name,
        "townships": [_region(t) for t in area.townships.all()],
        "enterprises": [{"id": e.pk, "name": e.name} for e in area.enterprises.all()],
        "note": area.note,
        "created_at": area.created_at,
        "ended_at": area.ended_at,
    }


def _hold_out(hold: EmergencyHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "enterprise": {"id": hold.enterprise_id, "name": hold.enterprise.name},
        "region": hold.enterprise.region.name,
        "prior_mode": hold.prior_mode,
        "applied_mode": hold.applied_mode,
        "held_at": hold.held_at,
        "released_at": hold.released_at,
        "confirmed_at": hold.confirmed_at,
        "staff_inside": hold.staff_inside,
        "overdue": hold.confirmed_at is None and hold.emergency.readiness_due_at < timezone.now(),
    }


def shutdown_out(shutdown: Shutdown, user: User) -> dict[str, Any]:
    today = timezone.localdate()
    fields = (
        "incident_id",
        "cause",
        "date_from",
        "date_to",
        "days",
        "scope",
        "capacity_limit",
        "reason",
        "whitelisted",
        "state",
        "economic_decision",
        "economic_reason",
        "economic_at",
        "epidemic_decision",
        "epidemic_reason",
        "epidemic_at",
        "reopened_at",
    )
    return {
        "id": shutdown.pk,
        "enterprise": {"id": shutdown.enterprise_id, "name": shutdown.enterprise.name},
        "in_force": selectors.shutdown_is_in_force(shutdown, today),
        "overdue": selectors.shutdown_is_overdue(shutdown, today),
        "actions": services.shutdown_actions(shutdown, user),
        **{name: getattr(shutdown, name) for name in fields},
    }


def _inspection_out(inspection: Inspection, user: User) -> dict[str, Any]:
    fields = ("kind", "exempt", "item", "department", "planned_on", "state", "decision_reason", "decided_at", "done_at")
    return {
        "id": inspection.pk,
        "enterprise": {"id": inspection.enterprise_id, "name": inspection.enterprise.name},
        "done_note": inspection.done_note,
        "actions": [t.action for t in INSPECTION.available(inspection, user) if t.action != "lapse"],
        **{name: getattr(inspection, name) for name in fields},
    }


def region_actions(status: selectors.RegionStatus, user: User) -> list[str]:
    """What the caller may do with the region's state now (pages show the same buttons)."""
    if not is_switcher(user, status.region):
        return []
    own = status.own
    if own is None:
        return [] if status.emergency or status.announced else ["switch"]
    actions = ["switch_back" if own.status == "active" else "call_off"]
    return [*actions, "draw_area"]


def region_state_out(region: Region, user: User) -> dict[str, Any]:
    from sibao.parameters.selectors import parameters_differing_in_emergency

    status = selectors.region_state(region)
    office = selectors.joint_office(region)
    shown = status.emergency or status.announced
    return {
        "region": _region(region),
        "state": status.state,
        "inherited": status.inherited,
        "emergency": emergency_out(status.emergency) if status.emergency else None,
        "announced": emergency_out(status.announced) if status.announced else None,
        "areas": [_area_out(area) for area in selectors.open_areas(shown)] if shown else [],
        "joint_office": {"economic": [u.name for u in office.economic], "epidemic": [u.name for u in office.epidemic]},
        "differing_parameters": [
            {
                "key": row["definition"].key,
                "label": str(row["definition"].label),
                "unit": str(row["definition"].unit),
                "normal": str(row["normal"]),
                "emergency": str(row["emergency"]),
            }
            for row in parameters_differing_in_emergency(region)
        ],
        "actions": region_actions(status, user),
    }


# --- region state and the switch --------------------------------------------------------------------------


@router.get("/regions", response=responses({200: list[EmergencyOut]}), summary="Open emergencies covering the caller")
@paginate(BoundedLimitOffset)
def list_emergencies(request: AuthenticatedRequest) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    if request.user.role == Role.ENTERPRISE:
        return []
    emergencies = list(selectors.open_emergencies(user=request.user))
    counts = selectors.confirmation_counts_for(emergencies)
    return [emergency_out(e, counts=counts[e.pk]) for e in emergencies]


@router.get("/regions/{code}", response=responses({200: RegionStateOut}), summary="A region's state (EM-1)")
def get_region_state(request: AuthenticatedRequest, code: str) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    return region_state_out(selectors.region_for(user=request.user, code=code), request.user)


@router.get(
    "/regions/{code}/preview", response=responses({200: PreviewOut}), summary="What switching the region would do"
)
def preview(request: AuthenticatedRequest, code: str) -> Any:
    require(request, Capability.EMERGENCY_SWITCH)
    region = selectors.region_for(user=request.user, code=code)
    result = selectors.switch_preview(region)
    return {
        **result.as_counts(),
        "region": _region(region),
        "held_elsewhere": result.held_elsewhere,
        "without_bubble": result.without_bubble,
        "sectors": [line.__dict__ for line in result.sectors],
    }


@router.post(
    "/regions/{code}/switch",
    response=responses({201: EmergencyOut}),
    summary="Switch the region into emergency (一键切换); effective_at later = advance notice",
)
def switch(request: AuthenticatedRequest, code: str, payload: SwitchIn) -> Any:
    require(request, Capability.EMERGENCY_SWITCH)
    region = selectors.region_for(user=request.user, code=code)
    emergency = services.emergency_switch(
        actor=request.user,
        region=region,
        reason=payload.reason,
        document_number=payload.document_number,
        effective_at=payload.effective_at,
    )
    return Status(201, emergency_out(emergency))


@router.get("/emergencies/{int:emergency_id}", response=responses({200: EmergencyOut}), summary="One emergency")
def get_emergency(request: AuthenticatedRequest, emergency_id: Id) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    return emergency_out(selectors.emergency_get(user=request.user, pk=emergency_id))


@router.post(
    "/emergencies/{int:emergency_id}/switch-back",
    response=responses({200: EmergencyOut}),
    summary="Switch back to normal (or call off an announced emergency): each firm gets its own mode back",
)
def switch_back(request: AuthenticatedRequest, emergency_id: Id, payload: SwitchBackIn) -> Any:
    require(request, Capability.EMERGENCY_SWITCH)
    emergency = selectors.emergency_get(user=request.user, pk=emergency_id)
    ended = services.emergency_switch_back(
        actor=request.user, emergency=emergency, reason=payload.reason, document_number=payload.document_number
    )
    return emergency_out(ended)


class ConfirmationFilters(Input):
    missing: bool = False


@router.get(
    "/emergencies/{int:emergency_id}/confirmations",
    response=responses({200: list[HoldOut]}),
    summary="The enterprises of the switch and their readiness confirmations (missing=true: who has not)",
)
@paginate(BoundedLimitOffset)
def confirmations(request: AuthenticatedRequest, emergency_id: Id, filters: Query[ConfirmationFilters]) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    emergency = selectors.emergency_get(user=request.user, pk=emergency_id)
    holds = selectors.confirmation_list(user=request.user, emergency=emergency, missing_only=filters.missing)
    return [_hold_out(hold) for hold in holds.select_related("emergency")]


@router.post(
    "/emergencies/{int:emergency_id}/areas",
    response=responses({201: AreaOut}),
    summary="Draw a sealed, controlled or precautionary area by townships or enterprises",
)
def draw_area(request: AuthenticatedRequest, emergency_id: Id, payload: AreaIn) -> Any:
    require(request, Capability.EMERGENCY_SWITCH)
    emergency = selectors.emergency_get(user=request.user, pk=emergency_id)
    townships = list(Region.objects.filter(code__in=payload.township_codes))
    if len(townships) != len(set(payload.township_codes)):
        raise NotFoundRefused(
            "emergency.area.townships", _("Choose townships of the region in emergency."), field="townships"
        )
    enterprises = list(Enterprise.objects.visible_to(request.user).filter(pk__in=payload.enterprise_ids))
    if len(enterprises) != len(set(payload.enterprise_ids)):
        raise NotFoundRefused(
            "emergency.area.enterprises", _("Choose enterprises of the region in emergency."), field="enterprises"
        )
    # Townships or firms outside the region in emergency are references out of reach: 404, like absent ones.
    with refusals(
        not_found={"emergency.area.townships", "emergency.area.enterprises"},
        fields={"townships": "township_codes", "enterprises": "enterprise_ids"},
    ):
        area = services.area_draw(
            actor=request.user,
            emergency=emergency,
            kind=payload.kind,
            name=payload.name,
            townships=townships,
            enterprises=enterprises,
            note=payload.note,
        )
    return Status(201, _area_out(area))


@router.post("/areas/{int:area_id}/lift", response=responses({200: AreaOut}), summary="Lift an area")
def lift_area(request: AuthenticatedRequest, area_id: Id, payload: LiftIn) -> Any:
    require(request, Capability.EMERGENCY_SWITCH)
    area = EmergencyArea.objects.select_related("emergency__region").get_visible(request.user, pk=area_id)
    return _area_out(services.area_lift(actor=request.user, area=area, reason=payload.reason))


# --- the enterprise's side ---------------------------------------------------------------------------------


def _notice_out(notice: selectors.Notice) -> dict[str, Any]:
    emergency = notice.emergency
    return {
        "emergency_id": emergency.pk,
        "region": _region(emergency.region),
        "status": emergency.status,
        "document_number": emergency.document_number,
        "reason": emergency.reason,
        "effective_at": emergency.effective_at,
        "in_force": notice.in_force,
        "readiness_due_at": emergency.readiness_due_at,
        "mode": notice.hold.applied_mode if notice.hold else None,
        "prior_mode": notice.hold.prior_mode if notice.hold else None,
        "confirmed_at": notice.hold.confirmed_at if notice.hold else None,
        "area": {"kind": notice.area.kind, "name": notice.area.name} if notice.area else None,
    }


def _own_enterprise(request: AuthenticatedRequest) -> Enterprise:
    enterprise_id = getattr(request.user, "enterprise_id", None)
    if request.user.role != Role.ENTERPRISE or enterprise_id is None:
        raise PermissionRefused("emergency.enterprise_only", _("This is the enterprise's own page."))
    enterprise: Enterprise = Enterprise.objects.select_related("region").get(pk=enterprise_id)
    return enterprise


@router.get(
    "/notices", response=responses({200: list[EmergencyNoticeOut]}), summary="The enterprise's emergency notices"
)
@paginate(BoundedLimitOffset)
def notices(request: AuthenticatedRequest) -> Any:
    require(request, Capability.EMERGENCY_CONFIRM)
    return [_notice_out(notice) for notice in selectors.notices_for(_own_enterprise(request))]


@router.post(
    "/emergencies/{int:emergency_id}/confirm",
    response=responses({200: HoldOut}),
    summary="The enterprise confirms it is ready for closed-loop production",
)
def confirm(request: AuthenticatedRequest, emergency_id: Id, payload: ConfirmIn) -> Any:
    require(request, Capability.EMERGENCY_CONFIRM)
    enterprise = _own_enterprise(request)
    hold = selectors.hold_for(enterprise=enterprise, emergency_id=emergency_id)
    done = services.readiness_confirm(
        actor=request.user, hold=hold, staff_inside=payload.staff_inside, note=payload.note
    )
    return _hold_out(done)


# --- shutdowns (EM-4) --------------------------------------------------------------------------------------


class ShutdownListFilters(Input):
    state: str = optional_text(32)
    region: str = optional_text(12, description="区划代码（含下级）")
    enterprise: Id | None = None


@router.get("/shutdowns", response=responses({200: list[ShutdownOut]}), summary="Shutdowns in scope")
@paginate(BoundedLimitOffset)
def list_shutdowns(request: AuthenticatedRequest, filters: Query[ShutdownListFilters]) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    shutdowns = selectors.shutdown_list(
        user=request.user,
        filters=selectors.ShutdownFilters(
            state=filters.state, region_code=filters.region, enterprise_id=filters.enterprise
        ),
    )
    return [shutdown_out(shutdown, request.user) for shutdown in shutdowns]


class HaltFilters(Input):
    day: IsoDate | None = Field(None, description="日报日期（缺省：今天；不晚于今天）")
    region: str = optional_text(12, description="区划代码（含下级）")
    sector: str = optional_text(32, description="行业")


@router.get(
    "/halts",
    response=responses({200: list[HaltOut]}),
    summary="Whitelist enterprises reporting a halt or reduction without an approved shutdown (EM-4)",
)
@paginate(BoundedLimitOffset)
def list_unapproved_halts(request: AuthenticatedRequest, filters: Query[HaltFilters]) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    today = timezone.localdate()
    return selectors.unapproved_halts(
        user=request.user,
        day=min(filters.day or today, today),
        filters=selectors.HaltFilters(region_code=filters.region, sector=filters.sector),
    )


@router.post("/shutdowns", response=responses({201: ShutdownOut}), summary="Propose a shutdown (township/department)")
def propose_shutdown(request: AuthenticatedRequest, payload: ShutdownProposeIn) -> Any:
    require(request, Capability.SHUTDOWN_PROPOSE)
    enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=payload.enterprise_id)
    shutdown = services.shutdown_propose(
        actor=request.user,
        enterprise=enterprise,
        cause=payload.cause,
        date_from=payload.date_from,
        date_to=payload.date_to,
        scope=payload.scope,
        reason=payload.reason,
        capacity_limit=payload.capacity_limit,
    )
    return Status(201, shutdown_out(shutdown, request.user))


@router.get("/shutdowns/{int:shutdown_id}", response=responses({200: ShutdownOut}), summary="One shutdown")
def get_shutdown(request: AuthenticatedRequest, shutdown_id: Id) -> Any:
    require(request, Capability.EMERGENCY_VIEW, Capability.EMERGENCY_CONFIRM)
    return shutdown_out(selectors.shutdown_get(user=request.user, pk=shutdown_id), request.user)


def _shutdown_action(request: AuthenticatedRequest, shutdown_id: Id, action: str, reason: str) -> Any:
    require(request, Capability.EMERGENCY_VIEW, Capability.EMERGENCY_CONFIRM)
    shutdown = selectors.shutdown_get(user=request.user, pk=shutdown_id)
    done = services.shutdown_act(actor=request.user, shutdown=shutdown, action=action, reason=reason)
    return shutdown_out(selectors.shutdown_get(user=request.user, pk=done.pk), request.user)


@router.post(
    "/shutdowns/{int:shutdown_id}/approve",
    response=responses({200: ShutdownOut}),
    summary="Approve for the caller's own HQ office; in force once both offices approved",
)
def approve_shutdown(request: AuthenticatedRequest, shutdown_id: Id, payload: DecisionIn) -> Any:
    return _shutdown_action(request, shutdown_id, "approve", payload.reason)


@router.post(
    "/shutdowns/{int:shutdown_id}/refuse",
    response=responses({200: ShutdownOut}),
    summary="Refuse for the caller's own HQ office (reason required)",
)
def refuse_shutdown(request: AuthenticatedRequest, shutdown_id: Id, payload: RefusalIn) -> Any:
    return _shutdown_action(request, shutdown_id, "refuse", payload.reason)


@router.post(
    "/shutdowns/{int:shutdown_id}/withdraw",
    response=responses({200: ShutdownOut}),
    summary="Withdraw a proposal still waiting (reason required)",
)
def withdraw_shutdown(request: AuthenticatedRequest, shutdown_id: Id, payload: RefusalIn) -> Any:
    return _shutdown_action(request, shutdown_id, "withdraw", payload.reason)


@router.post(
    "/shutdowns/{int:shutdown_id}/reopen",
    response=responses({200: ShutdownOut}),
    summary="Production resumed: the shutdown's tracking ends",
)
def reopen_shutdown(request: AuthenticatedRequest, shutdown_id: Id, payload: DecisionIn) -> Any:
    return _shutdown_action(request, shutdown_id, "reopen", payload.reason)


# --- inspections (EM-5) --------------------------------------------------------------------------------------


class InspectionListFilters(Input):
    state: str = optional_text(32)
    region: str = optional_text(12, description="区划代码（含下级）")
    enterprise: Id | None = None


@router.get("/inspections", response=responses({200: list[InspectionOut]}), summary="Planned inspections in scope")
@paginate(BoundedLimitOffset)
def list_inspections(request: AuthenticatedRequest, filters: Query[InspectionListFilters]) -> Any:
    require(request, Capability.EMERGENCY_VIEW, Capability.EMERGENCY_CONFIRM)
    inspections = selectors.inspection_list(
        user=request.user,
        filters=selectors.InspectionFilters(
            state=filters.state, region_code=filters.region, enterprise_id=filters.enterprise
        ),
    )
    return [_inspection_out(inspection, request.user) for inspection in inspections]


@router.post("/inspections", response=responses({201: InspectionOut}), summary="List a planned inspection")
def plan_inspection(request: AuthenticatedRequest, payload: InspectionIn) -> Any:
    require(request, Capability.INSPECTION_PLAN)
    enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=payload.enterprise_id)
    inspection = services.inspection_plan(
        actor=request.user,
        enterprise=enterprise,
        kind=payload.kind,
        item=payload.item,
        department=payload.department,
        planned_on=payload.planned_on,
    )
    return Status(201, _inspection_out(inspection, request.user))


@router.get("/inspections/{int:inspection_id}", response=responses({200: InspectionOut}), summary="One inspection")
def get_inspection(request: AuthenticatedRequest, inspection_id: Id) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    return _inspection_out(selectors.inspection_get(user=request.user, pk=inspection_id), request.user)


def _inspection_action(request: AuthenticatedRequest, inspection_id: Id, action: str, reason: str) -> Any:
    require(request, Capability.EMERGENCY_VIEW)
    inspection = selectors.inspection_get(user=request.user, pk=inspection_id)
    done = services.inspection_act(actor=request.user, inspection=inspection, action=action, reason=reason)
    return _inspection_out(selectors.inspection_get(user=request.user, pk=done.pk), request.user)


@router.post(
    "/inspections/{int:inspection_id}/approve",
    response=responses({200: InspectionOut}),
    summary="HQ office: approve before the planned date",
)
def approve_inspection(request: AuthenticatedRequest, inspection_id: Id, payload: DecisionIn) -> Any:
    return _inspection_action(request, inspection_id, "approve", payload.reason)


@router.post(
    "/inspections/{int:inspection_id}/refuse",
    response=responses({200: InspectionOut}),
    summary="HQ office: refuse (reason required)",
)
def refuse_inspection(request: AuthenticatedRequest, inspection_id: Id, payload: RefusalIn) -> Any:
    return _inspection_action(request, inspection_id, "refuse", payload.reason)


@router.post(
    "/inspections/{int:inspection_id}/carry-out",
    response=responses({200: InspectionOut}),
    summary="Record it as carried out (approved or exempt only); reason = findings",
)
def carry_out_inspection(request: AuthenticatedRequest, inspection_id: Id, payload: DecisionIn) -> Any:
    return _inspection_action(request, inspection_id, "carry_out", payload.reason)


@router.post(
    "/inspections/{int:inspection_id}/cancel",
    response=responses({200: InspectionOut}),
    summary="Cancel a planned inspection",
)
def cancel_inspection(request: AuthenticatedRequest, inspection_id: Id, payload: DecisionIn) -> Any:
    return _inspection_action(request, inspection_id, "cancel", payload.reason)


@router.post(
    "/inspections/report-unapproved",
    response=responses({201: FiledRequestOut}),
    summary="The enterprise reports an inspection without approval: a request (RQ-1) to the HQ office",
)
def report_unapproved(request: AuthenticatedRequest, payload: UnapprovedInspectionIn) -> Any:
    require(request, Capability.TICKET_FILE)
    enterprise = _own_enterprise(request)
    ticket = services.inspection_report_unapproved(
        actor=request.user, enterprise=enterprise, department=payload.department, day=payload.day, note=payload.note
    )
    return Status(201, {"id": ticket.pk, "number": ticket.number})


# --- the duty-exemption record (EM-6) ------------------------------------------------------------------------


class PeriodQuery(Input):
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


def record_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Default: the last 30 days."""
    date_to = date_to or timezone.localdate()
    return date_from or date_to - timedelta(days=29), date_to


@router.get(
    "/duty-record/{int:enterprise_id}",
    response=responses({200: DutyRecordOut}),
    summary="尽职免责: the compliance record of one enterprise over a period (default: the last 30 days)",
)
def get_duty_record(request: AuthenticatedRequest, enterprise_id: Id, period: Query[PeriodQuery]) -> Any:
    require(request, Capability.EMERGENCY_VIEW, Capability.EMERGENCY_CONFIRM)
    enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=enterprise_id)
    record = duty_record(enterprise, *record_period(period.date_from, period.date_to))
    return {
        "enterprise": {"id": enterprise.pk, "name": enterprise.name},
        "date_from": record.date_from,
        "date_to": record.date_to,
        "ok": record.ok,
        "sections": [
            {"key": s.key, "title": s.title, "ok": s.ok, "rows": [row.__dict__ for row in s.rows]}
            for s in record.sections
        ],
        "incidents": [
            {
                "id": incident.pk,
                "person": incident.employee.name,
                "reported_at": incident.reported_at,
                "state": incident.state,
            }
            for incident in record.incidents
        ],
    }
