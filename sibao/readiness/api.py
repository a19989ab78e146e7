"""EP-10 / EP-11 endpoints (X-5): the same selectors and services as the pages, under the same scope.

An enterprise user reads and writes its own enterprise; officials read the enterprises in their area
(another county's answer 404)."""

from typing import Any

from django.http import FileResponse, Http404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import DOC, DOCX, PDF, Id, Input, IsoDate, download, optional_text, uploads
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
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


class ReadinessRegionQuery(Input):
    region: str = optional_text(12, description="区划代码（含下级）")
    include_not_whitelisted: bool = False

    def filters(self) -> selectors.RegionFilters:
        return selectors.RegionFilters(region_code=self.region, whitelisted_only=not self.include_not_whitelisted)


def _enterprise(
    request: AuthenticatedRequest, enterprise_id: Id, capability: str = Capability.EPIDEMIC_VIEW
) -> Enterprise:
    require(request, capability)
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


@router.get("/ranking", response=responses({200: list[RankingRowOut]}), summary="EP-11: enterprises by readiness gaps")
def ranking(request: AuthenticatedRequest, query: Query[ReadinessRegionQuery]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return [
        {
            "enterprise": report.enterprise,
            "staff": report.headcount.count,
            "gap_count": len(report.gaps),
            "failed": [_item(item) for item in report.items if not item.passed],
        }
        for report in selectors.readiness_ranking(user=request.user, filters=query.filters())
    ]


@router.get(
    "/shortfalls", response=responses({200: list[ShortfallRowOut]}), summary="EP-10: enterprises short of supplies"
)
def shortfalls(request: AuthenticatedRequest, query: Query[ReadinessRegionQuery]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return [
        {
            "enterprise": status.enterprise,
            "staff": status.headcount.count,
            "short": [_line(line) for line in status.short_lines],
        }
        for status in selectors.supply_shortfalls(user=request.user, filters=query.filters())
    ]


@router.get(
    "/enterprises/{enterprise_id}/supplies",
    response=responses({200: SupplyStatusOut}),
    summary="EP-10: stock against reserve",
)
def get_supplies(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    return _supplies(selectors.supply_status(_enterprise(request, enterprise_id)))


@router.put(
    "/enterprises/{enterprise_id}/supplies",
    response=responses({200: SupplyStatusOut}),
    summary="EP-10: report the current stock (some or all supplies)",
)
def put_supplies(request: AuthenticatedRequest, enterprise_id: Id, payload: StockIn) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    services.stock_report(
        actor=request.user,
        enterprise=enterprise,
        quantities=payload.quantities.dict(exclude_unset=True),
        note=payload.note,
    )
    return _supplies(selectors.supply_status(enterprise))


@router.get(
    "/enterprises/{enterprise_id}/supplies/history",
    response=responses({200: list[SupplyReportOut]}),
    summary="EP-10: stock reports, newest first",
)
@paginate(BoundedLimitOffset)
def supply_history(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    enterprise = _enterprise(request, enterprise_id)
    return selectors.supply_history(user=request.user, enterprise=enterprise)


@router.get(
    "/enterprises/{enterprise_id}",
    response=responses({200: ReadinessOut}),
    summary="EP-11: readiness and its checklist",
)
def get_readiness(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    return _readiness(selectors.readiness_report(_enterprise(request, enterprise_id)))


@router.put(
    "/enterprises/{enterprise_id}",
    response=responses({200: ReadinessOut}),
    summary="EP-11: task force, observation rooms, sampling booth",
)
def put_readiness(request: AuthenticatedRequest, enterprise_id: Id, payload: ReadinessIn) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    services.readiness_save(actor=request.user, enterprise=enterprise, data=payload.dict())
    return _readiness(selectors.readiness_report(enterprise))


@router.post(
    "/enterprises/{enterprise_id}/plan",
    response=responses({200: ReadinessOut}),
    summary="EP-11: upload the emergency plan (PDF, DOC or DOCX)",
    openapi_extra=uploads(file=(PDF, DOC, DOCX)),
)
def post_plan(
    request: AuthenticatedRequest,
    enterprise_id: Id,
    file: File[UploadedFile],
    plan_date: Form[IsoDate | None] = None,
) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    services.plan_upload(actor=request.user, enterprise=enterprise, upload=file, plan_date=plan_date)
    return _readiness(selectors.readiness_report(enterprise))


@router.get(
    "/enterprises/{enterprise_id}/plan",
    response=responses({200: None}),
    summary="EP-11: download the emergency plan",
    openapi_extra=download(PDF, DOC, DOCX),
)
def get_plan(request: AuthenticatedRequest, enterprise_id: Id) -> FileResponse:
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
    response=responses({200: list[DrillOut]}),
    summary="EP-11: drills, newest first",
)
@paginate(BoundedLimitOffset)
def list_drills(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    enterprise = _enterprise(request, enterprise_id)
    return selectors.drill_list(user=request.user, enterprise=enterprise)


@router.post(
    "/enterprises/{enterprise_id}/drills",
    response=responses({201: DrillOut}),
    summary="EP-11: record a drill",
)
def post_drill(request: AuthenticatedRequest, enterprise_id: Id, payload: DrillIn) -> Any:
    enterprise = _enterprise(request, enterprise_id, Capability.EPIDEMIC_REPORT)
    drill = services.drill_record(actor=request.user, enterprise=enterprise, held_on=payload.held_on, note=payload.note)
    return Status(201, drill)
