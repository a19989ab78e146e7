"""EP-3/EP-4/EP-5 endpoints (X-5): the same selectors and services as the pages, under the same scope.
ID numbers go in only to be digested and come out only masked."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id
from sibao.core.errors import PermissionRefused
from sibao.core.roles import Capability, has_capability
from sibao.enterprises.models import Enterprise
from sibao.enterprises.schemas import ErrorOut
from sibao.health import selectors, services
from sibao.health.schemas import (
    ArrivalIn,
    ArrivalOut,
    ArrivedIn,
    CodeAssignIn,
    CodeChangeOut,
    CodedEmployeeOut,
    DailyReportCorrectIn,
    DailyReportDetailOut,
    DailyReportIn,
    DailyReportOut,
    MissingOut,
    RiskAreaEndIn,
    RiskAreaIn,
    RiskAreaOut,
    SightingIn,
    SightingOut,
)
from sibao.regions.models import Region

router = Router(tags=["health"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


def _enterprise(request: HttpRequest, enterprise_id: int | None) -> Enterprise:
    pk = enterprise_id if enterprise_id is not None else getattr(request.user, "enterprise_id", None)
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=pk)
    return enterprise


def _region(code: str) -> Region:
    region: Region = get_object_or_404(Region, code=code)
    return region


class ReportFilters(Schema):
    day: date | None = None
    enterprise: Id | None = None
    region: str = ""


# --- EP-3 ----------------------------------------------------------------------------------------


@router.get("/reports", response={200: list[DailyReportOut], **ERRORS}, summary="Daily health reports in scope")
@paginate(BoundedLimitOffset)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.daily_report_list(
        user=request.user, day=filters.day, enterprise_id=filters.enterprise, region_code=filters.region
    )


@router.post("/reports", response={201: DailyReportDetailOut, **ERRORS}, summary="File a daily (or zero) report")
def file_report(request: HttpRequest, payload: DailyReportIn) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    report = services.daily_report_file(
        actor=request.user,
        enterprise=_enterprise(request, payload.enterprise_id),
        day=payload.day,
        people_on_site=payload.people_on_site,
        symptoms={item.employee_id: [str(s) for s in item.symptoms] for item in payload.symptoms},
        note=payload.note,
    )
    return Status(201, report)


@router.get(
    "/reports/missing",
    response={200: list[MissingOut], **ERRORS},
    summary="Whitelisted enterprises in scope without a report for the day",
)
@paginate(BoundedLimitOffset)
def missing_reports(request: HttpRequest, day: date | None = None, region: str = "") -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.enterprises_missing_report(user=request.user, day=day or timezone.localdate(), region_code=region)


@router.get("/reports/{int:report_id}", response={200: DailyReportDetailOut, **ERRORS}, summary="One daily report")
def get_report(request: HttpRequest, report_id: int) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.daily_report_get(user=request.user, pk=report_id)


@router.put(
    "/reports/{int:report_id}", response={200: DailyReportDetailOut, **ERRORS}, summary="Correct today's report"
)
def correct_report(request: HttpRequest, report_id: int, payload: DailyReportCorrectIn) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    report = selectors.daily_report_get(user=request.user, pk=report_id)
    return services.daily_report_correct(
        actor=request.user,
        report=report,
        people_on_site=payload.people_on_site,
        symptoms={item.employee_id: [str(s) for s in item.symptoms] for item in payload.symptoms},
        note=payload.note,
    )


# --- EP-4 ----------------------------------------------------------------------------------------


@router.get(
    "/risk-areas", response={200: list[RiskAreaOut], **ERRORS}, summary="Risk areas (optionally in force on a day)"
)
@paginate(BoundedLimitOffset)
def list_risk_areas(request: HttpRequest, in_force_on: date | None = None) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.risk_area_list(in_force_on=in_force_on)


@router.post("/risk-areas", response={201: RiskAreaOut, **ERRORS}, summary="Add a risk area (epidemic task force)")
def create_risk_area(request: HttpRequest, payload: RiskAreaIn) -> Any:
    _require(request, Capability.EPIDEMIC_MANAGE)
    data = payload.dict()
    data["county"] = _region(data.pop("county_code"))
    return Status(201, services.risk_area_create(actor=request.user, data=data))


@router.get("/risk-areas/{int:area_id}", response={200: RiskAreaOut, **ERRORS}, summary="One risk area")
def get_risk_area(request: HttpRequest, area_id: int) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.risk_area_get(pk=area_id)


@router.post("/risk-areas/{int:area_id}/end", response={200: RiskAreaOut, **ERRORS}, summary="End a risk area")
def end_risk_area(request: HttpRequest, area_id: int, payload: RiskAreaEndIn) -> Any:
    _require(request, Capability.EPIDEMIC_MANAGE)
    area = selectors.risk_area_get_to_change(user=request.user, pk=area_id)
    return services.risk_area_end(actor=request.user, area=area, until=payload.until)


class CodeFilters(Schema):
    enterprise: Id | None = None
    region: str = ""


@router.get("/codes", response={200: list[CodedEmployeeOut], **ERRORS}, summary="People with red or yellow codes")
@paginate(BoundedLimitOffset)
def list_codes(request: HttpRequest, filters: Query[CodeFilters]) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.coded_employees(user=request.user, enterprise_id=filters.enterprise, region_code=filters.region)


@router.get(
    "/codes/{int:employee_id}/history", response={200: list[CodeChangeOut], **ERRORS}, summary="A person's code history"
)
@paginate(BoundedLimitOffset)
def code_history(request: HttpRequest, employee_id: int) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    return selectors.code_history(user=request.user, employee_id=employee.pk)


@router.post(
    "/codes/{int:employee_id}",
    response={200: CodeChangeOut | None, **ERRORS},
    summary="Assign a code colour (null when unchanged; whitelist protection applies)",
)
def assign_code(request: HttpRequest, employee_id: int, payload: CodeAssignIn) -> Any:
    _require(request, Capability.EPIDEMIC_MANAGE)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    return services.health_code_assign(
        actor=request.user, employee=employee, colour=payload.colour, basis=payload.basis, note=payload.note
    )


# --- EP-5 ----------------------------------------------------------------------------------------


class ArrivalFilters(Schema):
    enterprise: Id | None = None
    region: str = ""
    kind: str = ""
    arrived: bool | None = None


@router.get("/arrivals", response={200: list[ArrivalOut], **ERRORS}, summary="Arrival registrations in scope")
@paginate(BoundedLimitOffset)
def list_arrivals(request: HttpRequest, filters: Query[ArrivalFilters]) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    registrations = selectors.arrival_list(
        user=request.user,
        filters=selectors.ArrivalFilters(
            enterprise_id=filters.enterprise, region_code=filters.region, kind=filters.kind, arrived=filters.arrived
        ),
    )
    return registrations


@router.post("/arrivals", response={201: ArrivalOut, **ERRORS}, summary="Register an arrival (in advance or after)")
def register_arrival(request: HttpRequest, payload: ArrivalIn) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    data["origin_county"] = _region(data.pop("origin_county_code"))
    registration = services.arrival_register(actor=request.user, enterprise=enterprise, data=data)
    return Status(201, selectors.arrival_get(user=request.user, pk=registration.pk))


@router.get("/arrivals/{int:arrival_id}", response={200: ArrivalOut, **ERRORS}, summary="One arrival registration")
def get_arrival(request: HttpRequest, arrival_id: int) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.arrival_get(user=request.user, pk=arrival_id)


@router.post(
    "/arrivals/{int:arrival_id}/arrived", response={200: ArrivalOut, **ERRORS}, summary="Record the arrival (coding)"
)
def mark_arrived(request: HttpRequest, arrival_id: int, payload: ArrivedIn) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    registration = selectors.arrival_get(user=request.user, pk=arrival_id)
    services.arrival_mark_arrived(actor=request.user, registration=registration, arrived_at=payload.arrived_at)
    return selectors.arrival_get(user=request.user, pk=arrival_id)


@router.get("/sightings", response={200: list[SightingOut], **ERRORS}, summary="Gate sightings in scope")
@paginate(BoundedLimitOffset)
def list_sightings(request: HttpRequest, enterprise: Id | None = None) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.sighting_list(user=request.user, enterprise_id=enterprise)


@router.post(
    "/sightings",
    response={201: SightingOut, **ERRORS},
    summary="A person seen arriving (gate check); unregistered → warning",
)
def record_sighting(request: HttpRequest, payload: SightingIn) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    return Status(201, services.arrival_sighted(actor=request.user, enterprise=enterprise, **data))
