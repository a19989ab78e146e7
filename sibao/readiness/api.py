"""EP-10 / EP-11 endpoints (X-5): the same selectors and services as the pages, under the same scope.

An enterprise user reads and writes its own enterprise; officials read the enterprises in their area
(another county's answer 404)."""

from datetime import date
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.core.api_pagination import BoundedLimitOffset, SummaryPage
from sibao.core.api_types import Id
from sibao.core.errors import PermissionRefused
from sibao.core.roles import Capability, has_capability
from sibao.enterprises.models import Enterprise
from sibao.enterprises.schemas import ErrorOut
from sibao.readiness import selectors, services
from sibao.readiness.schemas import (
    DrillIn,
    DrillOut,
    RankingRowOut,
    ReadinessIn,
    ReadinessOut,
    ShortfallRowOut,
    StockIn,
    SupplyReportOut,
    SupplyStatusOut,
)

router = Router(tags=["readiness"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RegionQuery(Schema):
    region: str = ""
    include_not_whitelisted: bool = False

    def filters(self) -> selectors.RegionFilters:
        return selectors.RegionFilters(region_code=self.region, whitelisted_only=not self.include_not_whitelisted)


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


def _enterprise(request: HttpRequest, enterprise_id: int, capability: str = Capability.EPIDEMIC_VIEW) -> Enterprise:
    _require(request, capability)
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


def _headcount(staff: selectors.Headcount) -> dict[str, Any]:
    return {"count": staff.count, "source": staff.source, "source_label": staff.source_label}


def _line(line: selectors.SupplyLine) -> dict[str, Any]:
    return {
        "item": line.item,
        "label": line.label,
        "per_employee": line.per_employee,
        "reserve": line.reserve,
        "stock": line.stock,
        "short": line.short,
        "missing": line.missing,
        "updated_at": line.updated_at,
    }


def _supplies(status: selectors.SupplyStatus) -> dict[str, Any]:
    return {
        "enterprise": status.enterprise,
        "headcount": _headcount(status.headcount),
        "short": bool(status.short_lines),
        "lines": [_line(line) for line in status.lines],
    }


def _item(item: selectors.CheckItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "passed": item.passed,
        "reason": item.reason,
        "advisory": item.advisory,
    }


def _readiness(report: selectors.ReadinessReport) -> dict[str, Any]:
    readiness = report.readiness
    return {
        "enterprise": report.enterprise,
        "headcount": _headcount(report.headcount),
        "leader_name": readiness.leader_name if readiness else "",
        "leader_post": readiness.leader_post if readiness else "",
        "members": readiness.members if readiness else "",
        "plan_name": readiness.plan_name if readiness and readiness.plan_file else "",
        "plan_date": readiness.plan_date if readiness and readiness.plan_file else None,
        "plan_size": readiness.plan_size if readiness and readiness.plan_file else 0,
        "observation_rooms": readiness.observation_rooms if readiness else 0,
        "required_rooms": report.required_rooms,
        "has_sampling_booth": bool(readiness and readiness.has_sampling_booth),
        "sampling_booth_encouraged": report.booth_encouraged,
        "dormitory_capacity": report.enterprise.dormitory_capacity,
        "canteen_capacity": report.enterprise.canteen_capacity,
        "last_drill": report.last_drill,
        "days_since_drill": report.days_since_drill,
        "gap_count": len(report.gaps),
        "checklist": [_item(item) for item in report.items],
    }


@router.get("/ranking", response={200: list[RankingRowOut], **ERRORS}, summary="EP-11: enterprises by readiness gaps")
@paginate(BoundedLimitOffset)
def ranking(request: HttpRequest, query: Query[RegionQuery]) -> Any:
    """Ordered by the readiness summary (refreshed every 10 minutes, at once after a readiness write); each row's
    checklist is computed live."""
    _require(request, Capability.EPIDEMIC_VIEW)
    rows = selectors.readiness_ranking(user=request.user, filters=query.filters())
    return SummaryPage(rows, lambda page: [_ranking_row(report) for report in selectors.reports_for(page)])


def _ranking_row(report: selectors.ReadinessReport) -> dict[str, Any]:
    return {
        "enterprise": report.enterprise,
        "staff": report.headcount.count,
        "gap_count": len(report.gaps),
        "failed": [_item(item) for item in report.items if not item.passed],
    }


@router.get(
    "/shortfalls", response={200: list[ShortfallRowOut], **ERRORS}, summary="EP-10: enterprises short of supplies"
)
@paginate(BoundedLimitOffset)
def shortfalls(request: HttpRequest, query: Query[RegionQuery]) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    rows = selectors.supply_shortfalls(user=request.user, filters=query.filters())
    return SummaryPage(rows, lambda page: [_shortfall_row(status) for status in selectors.statuses_for(page)])


def _shortfall_row(status: selectors.SupplyStatus) -> dict[str, Any]:
    return {
        "enterprise": status.enterprise,
        "staff": status.headcount.count,
        "short": [_line(line) for line in status.short_lines],
    }


@router.get(
    "/enterprises/{enterprise_id}/supplies",
    response={200: SupplyStatusOut, **ERRORS},
    summary="EP-10: stock against reserve",
)
def get_supplies(request: HttpRequest, enterprise_id: Id) -> Any:
    return _supplies(selectors.supply_status(_enterprise(request, enterprise_id)))


@router.put(
    "/enterprises/{enterprise_id}/supplies",
    response={200: SupplyStatusOut, **ERRORS},
    summary="EP-10: report the current stock (some or all supplies)",
)
def put_supplies(request: HttpRequest, enterprise_id: Id, payload: StockIn) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    services.stock_report(
        actor=request.user,
        enterprise=enterprise,
        quantities={str(item): quantity for item, quantity in payload.quantities.items()},
        note=payload.note,
    )
    return _supplies(selectors.supply_status(enterprise))


@router.get(
    "/enterprises/{enterprise_id}/supplies/history",
    response={200: list[SupplyReportOut], **ERRORS},
    summary="EP-10: stock reports, newest first",
)
@paginate(BoundedLimitOffset)
def supply_history(request: HttpRequest, enterprise_id: Id) -> Any:
    enterprise = _enterprise(request, enterprise_id)
    return selectors.supply_history(user=request.user, enterprise=enterprise)


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: ReadinessOut, **ERRORS},
    summary="EP-11: readiness and its checklist",
)
def get_readiness(request: HttpRequest, enterprise_id: Id) -> Any:
    return _readiness(selectors.readiness_report(_enterprise(request, enterprise_id)))


@router.put(
    "/enterprises/{enterprise_id}",
    response={200: ReadinessOut, **ERRORS},
    summary="EP-11: task force, observation rooms, sampling booth",
)
def put_readiness(request: HttpRequest, enterprise_id: Id, payload: ReadinessIn) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    services.readiness_save(actor=request.user, enterprise=enterprise, data=payload.dict())
    return _readiness(selectors.readiness_report(enterprise))


@router.post(
    "/enterprises/{enterprise_id}/plan",
    response={200: ReadinessOut, **ERRORS},
    summary="EP-11: upload the emergency plan (PDF, DOC or DOCX)",
)
def post_plan(
    request: HttpRequest, enterprise_id: Id, file: File[UploadedFile], plan_date: Form[date | None] = None
) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    services.plan_upload(actor=request.user, enterprise=enterprise, upload=file, plan_date=plan_date)
    return _readiness(selectors.readiness_report(enterprise))


@router.get(
    "/enterprises/{enterprise_id}/plan",
    response={200: None, **ERRORS},
    summary="EP-11: download the emergency plan",
)
def get_plan(request: HttpRequest, enterprise_id: Id) -> FileResponse:
    readiness = selectors.readiness_report(_enterprise(request, enterprise_id)).readiness
    if readiness is None or not readiness.plan_file:
        raise Http404
    try:
        handle = readiness.plan_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=readiness.plan_name)


@router.get(
    "/enterprises/{enterprise_id}/drills",
    response={200: list[DrillOut], **ERRORS},
    summary="EP-11: drills, newest first",
)
@paginate(BoundedLimitOffset)
def list_drills(request: HttpRequest, enterprise_id: Id) -> Any:
    enterprise = _enterprise(request, enterprise_id)
    return selectors.drill_list(user=request.user, enterprise=enterprise)


@router.post(
    "/enterprises/{enterprise_id}/drills",
    response={201: DrillOut, **ERRORS},
    summary="EP-11: record a drill",
)
def post_drill(request: HttpRequest, enterprise_id: Id, payload: DrillIn) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    drill = services.drill_record(actor=request.user, enterprise=enterprise, held_on=payload.held_on, note=payload.note)
    return Status(201, drill)
