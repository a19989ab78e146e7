"""EP-3/EP-4/EP-5 endpoints (X-5): the same selectors and services as the pages, under the same scope.
ID numbers go in only to be digested and come out only masked."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id, Input, IsoDate, optional_text
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.health import selectors, services
from sibao.health.models import ArrivalKind
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
    TwoCodesOut,
)
from sibao.regions.models import Region

router = Router(tags=["health"])


def _enterprise(request: AuthenticatedRequest, enterprise_id: int | None) -> Enterprise:
    pk = enterprise_id if enterprise_id is not None else getattr(request.user, "enterprise_id", None)
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=pk)
    return enterprise


def _region(code: str) -> Region:
    region: Region = get_object_or_404(Region, code=code)
    return region


class ReportFilters(Input):
    day: IsoDate | None = None
    enterprise: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")


# --- EP-3 ----------------------------------------------------------------------------------------


@router.get("/reports", response=responses({200: list[DailyReportOut]}), summary="Daily health reports in scope")
@paginate(BoundedLimitOffset)
def list_reports(request: AuthenticatedRequest, filters: Query[ReportFilters]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.daily_report_list(
        user=request.user, day=filters.day, enterprise_id=filters.enterprise, region_code=filters.region
    )


@router.post("/reports", response=responses({201: DailyReportDetailOut}), summary="File a daily (or zero) report")
def file_report(request: AuthenticatedRequest, payload: DailyReportIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    enterprise = _enterprise(request, payload.enterprise_id)
    with refusals(not_found={"health.report.employee"}, fields={"symptomatic": "symptoms"}):
        report = services.daily_report_file(
            actor=request.user,
            enterprise=enterprise,
            day=payload.day,
            people_on_site=payload.people_on_site,
            symptoms={item.employee_id: [str(s) for s in item.symptoms] for item in payload.symptoms},
            note=payload.note,
        )
    return Status(201, report)


@router.get(
    "/reports/missing",
    response=responses({200: list[MissingOut]}),
    summary="Whitelisted enterprises in scope without a report for the day",
)
@paginate(BoundedLimitOffset)
def missing_reports(request: AuthenticatedRequest, day: IsoDate | None = None, region: str = "") -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.enterprises_missing_report(user=request.user, day=day or timezone.localdate(), region_code=region)


@router.get("/reports/{int:report_id}", response=responses({200: DailyReportDetailOut}), summary="One daily report")
def get_report(request: AuthenticatedRequest, report_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.daily_report_get(user=request.user, pk=report_id)


@router.put(
    "/reports/{int:report_id}", response=responses({200: DailyReportDetailOut}), summary="Correct today's report"
)
def correct_report(request: AuthenticatedRequest, report_id: Id, payload: DailyReportCorrectIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    report = selectors.daily_report_get(user=request.user, pk=report_id)
    with refusals(not_found={"health.report.employee"}, fields={"symptomatic": "symptoms"}):
        return services.daily_report_correct(
            actor=request.user,
            report=report,
            people_on_site=payload.people_on_site,
            symptoms={item.employee_id: [str(s) for s in item.symptoms] for item in payload.symptoms},
            note=payload.note,
        )


# --- EP-4 ----------------------------------------------------------------------------------------


@router.get(
    "/risk-areas", response=responses({200: list[RiskAreaOut]}), summary="Risk areas (optionally in force on a day)"
)
@paginate(BoundedLimitOffset)
def list_risk_areas(request: AuthenticatedRequest, in_force_on: IsoDate | None = None) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.risk_area_list(in_force_on=in_force_on)


@router.post("/risk-areas", response=responses({201: RiskAreaOut}), summary="Add a risk area (epidemic task force)")
def create_risk_area(request: AuthenticatedRequest, payload: RiskAreaIn) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    data = payload.dict()
    data["county"] = _region(data.pop("county_code"))
    with refusals(not_found={"health.risk_area.county"}, fields={"county": "county_code"}):
        return Status(201, services.risk_area_create(actor=request.user, data=data))


@router.get("/risk-areas/{int:area_id}", response=responses({200: RiskAreaOut}), summary="One risk area")
def get_risk_area(request: AuthenticatedRequest, area_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.risk_area_get(pk=area_id)


@router.post("/risk-areas/{int:area_id}/end", response=responses({200: RiskAreaOut}), summary="End a risk area")
def end_risk_area(request: AuthenticatedRequest, area_id: Id, payload: RiskAreaEndIn) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    return services.risk_area_end(
        actor=request.user, area=selectors.risk_area_get_to_change(user=request.user, pk=area_id), until=payload.until
    )


class CodeFilters(Input):
    enterprise: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")


@router.get("/codes", response=responses({200: list[CodedEmployeeOut]}), summary="People with red or yellow codes")
@paginate(BoundedLimitOffset)
def list_codes(request: AuthenticatedRequest, filters: Query[CodeFilters]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.coded_employees(user=request.user, enterprise_id=filters.enterprise, region_code=filters.region)


@router.get(
    "/codes/{int:employee_id}/history",
    response=responses({200: list[CodeChangeOut]}),
    summary="A person's code history",
)
@paginate(BoundedLimitOffset)
def code_history(request: AuthenticatedRequest, employee_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    return selectors.code_history(user=request.user, employee_id=employee.pk)


@router.get(
    "/codes/{int:employee_id}/credentials",
    response=responses({200: TwoCodesOut}),
    summary="两码一证: the person's health code, itinerary and negative-test certificate, each with why",
)
def employee_credentials(request: AuthenticatedRequest, employee_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    credentials = selectors.two_codes_one_certificate(employee)
    return {
        "employee_id": employee.pk,
        "ok": credentials.ok,
        "credentials": [
            {"key": c.key, "label": str(c.label), "ok": c.ok, "detail": c.detail} for c in credentials.credentials
        ],
    }


@router.post(
    "/codes/{int:employee_id}",
    response=responses({200: CodeChangeOut | None}),
    summary="Assign a code colour (null when unchanged; whitelist protection applies)",
)
def assign_code(request: AuthenticatedRequest, employee_id: Id, payload: CodeAssignIn) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    employee = selectors.employee_get(user=request.user, pk=employee_id)
    with refusals(conflict={"health.code.protected"}):
        return services.health_code_assign(
            actor=request.user, employee=employee, colour=payload.colour, basis=payload.basis, note=payload.note
        )


# --- EP-5 ----------------------------------------------------------------------------------------


class ArrivalFilters(Input):
    enterprise: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")
    kind: ArrivalKind | None = None
    arrived: bool | None = None


@router.get("/arrivals", response=responses({200: list[ArrivalOut]}), summary="Arrival registrations in scope")
@paginate(BoundedLimitOffset)
def list_arrivals(request: AuthenticatedRequest, filters: Query[ArrivalFilters]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    registrations = selectors.arrival_list(
        user=request.user,
        filters=selectors.ArrivalFilters(
            enterprise_id=filters.enterprise,
            region_code=filters.region,
            kind=filters.kind or "",
            arrived=filters.arrived,
        ),
    )
    return registrations


@router.post("/arrivals", response=responses({201: ArrivalOut}), summary="Register an arrival (in advance or after)")
def register_arrival(request: AuthenticatedRequest, payload: ArrivalIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    data["origin_county"] = _region(data.pop("origin_county_code"))
    with refusals(not_found={"health.arrival.origin_county"}, fields={"origin_county": "origin_county_code"}):
        registration = services.arrival_register(actor=request.user, enterprise=enterprise, data=data)
    return Status(201, selectors.arrival_get(user=request.user, pk=registration.pk))


@router.get("/arrivals/{int:arrival_id}", response=responses({200: ArrivalOut}), summary="One arrival registration")
def get_arrival(request: AuthenticatedRequest, arrival_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.arrival_get(user=request.user, pk=arrival_id)


@router.post(
    "/arrivals/{int:arrival_id}/arrived", response=responses({200: ArrivalOut}), summary="Record the arrival (coding)"
)
def mark_arrived(request: AuthenticatedRequest, arrival_id: Id, payload: ArrivedIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    registration = selectors.arrival_get(user=request.user, pk=arrival_id)
    services.arrival_mark_arrived(actor=request.user, registration=registration, arrived_at=payload.arrived_at)
    return selectors.arrival_get(user=request.user, pk=arrival_id)


@router.get("/sightings", response=responses({200: list[SightingOut]}), summary="Gate sightings in scope")
@paginate(BoundedLimitOffset)
def list_sightings(request: AuthenticatedRequest, enterprise: Id | None = None) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.sighting_list(user=request.user, enterprise_id=enterprise)


@router.post(
    "/sightings",
    response=responses({201: SightingOut}),
    summary="A person seen arriving (gate check); unregistered → warning",
)
def record_sighting(request: AuthenticatedRequest, payload: SightingIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    return Status(201, services.arrival_sighted(actor=request.user, enterprise=enterprise, **data))
