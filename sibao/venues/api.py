"""EP-7 endpoints (X-5): the same selectors and services as the pages, under the same scope."""

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import SPREADSHEETS, Id, uploads
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.venues import ingest, selectors, services
from sibao.venues.schemas import (
    DeclarationIn,
    ScanImportOut,
    TraceIn,
    TraceOut,
    VenueCoverageOut,
    VenueIn,
    VenueOut,
    VenuePatch,
)
from sibao.venues.tracing import window_for

router = Router(tags=["venues"])


def _enterprise(request: AuthenticatedRequest, enterprise_id: int | None) -> Enterprise:
    pk = enterprise_id if enterprise_id is not None else getattr(request.user, "enterprise_id", None)
    enterprise: Enterprise = Enterprise.objects.get_visible(request.user, pk=pk)
    return enterprise


def _coverage_out(enterprise: Enterprise, results: list[Any]) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise.pk,
        "enterprise_name": enterprise.name,
        "passed": all(result.passed for result in results),
        "rules": [vars(result) for result in results],
    }


@router.get("/venues", response=responses({200: list[VenueOut]}), summary="Venue codes in scope")
@paginate(BoundedLimitOffset)
def list_venues(request: AuthenticatedRequest, enterprise: Id | None = None) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.venue_list(user=request.user, enterprise_id=enterprise)


@router.post("/venues", response=responses({201: VenueOut}), summary="Add a venue code")
def create_venue(request: AuthenticatedRequest, payload: VenueIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise_id"))
    with refusals(conflict={"venues.duplicate"}):
        return Status(201, services.venue_create(actor=request.user, enterprise=enterprise, data=data))


@router.get("/venues/{venue_id}", response=responses({200: VenueOut}), summary="One venue code")
def get_venue(request: AuthenticatedRequest, venue_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.venue_get(user=request.user, pk=venue_id)


@router.patch("/venues/{venue_id}", response=responses({200: VenueOut}), summary="Edit or (de)activate a code")
def update_venue(request: AuthenticatedRequest, venue_id: Id, payload: VenuePatch) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    venue = selectors.venue_get(user=request.user, pk=venue_id)
    changes = payload.dict(exclude_unset=True)
    active = changes.pop("is_active", None)
    if changes:
        data = {"kind": venue.kind, "name": venue.name, "location": venue.location} | changes
        with refusals(conflict={"venues.duplicate"}):
            venue = services.venue_update(actor=request.user, venue=venue, data=data)
    if active is not None:
        venue = services.venue_set_active(actor=request.user, venue=venue, active=active)
    return venue


@router.put(
    "/enterprises/{enterprise_id}/declaration",
    response=responses({200: VenueCoverageOut}),
    summary="What the enterprise has; returns the coverage check",
)
def put_declaration(request: AuthenticatedRequest, enterprise_id: Id, payload: DeclarationIn) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    enterprise = _enterprise(request, enterprise_id)
    services.declaration_save(actor=request.user, enterprise=enterprise, data=payload.dict())
    return _coverage_out(enterprise, selectors.coverage(enterprise))


@router.get(
    "/enterprises/{enterprise_id}/coverage",
    response=responses({200: VenueCoverageOut}),
    summary="Coverage check of one enterprise (001 annex 2 #二.2)",
)
def get_coverage(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    enterprise = _enterprise(request, enterprise_id)
    return _coverage_out(enterprise, selectors.coverage(enterprise))


@router.get(
    "/gaps", response=responses({200: list[VenueCoverageOut]}), summary="Enterprises in scope with coverage gaps"
)
@paginate(BoundedLimitOffset)
def list_gaps(request: AuthenticatedRequest) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return [_coverage_out(item.enterprise, item.results) for item in selectors.coverage_list(user=request.user)]


@router.post(
    "/scan-imports",
    response=responses({201: ScanImportOut}),
    summary="Import a scan file",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_scans(request: AuthenticatedRequest, file: File[UploadedFile]) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    return Status(201, ingest.scans_import_submit(actor=request.user, file_name=file.name or "scans", content=file))


@router.get("/scan-imports/{import_id}", response=responses({200: ScanImportOut}), summary="One scan import")
def get_scan_import(request: AuthenticatedRequest, import_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_MANAGE)
    return selectors.scan_import_get(user=request.user, pk=import_id)


@router.post("/trace", response=responses({200: TraceOut}), summary="Trace a person (logged with its purpose)")
def trace_person(request: AuthenticatedRequest, payload: TraceIn) -> Any:
    if not services.may_trace(request.user):
        raise PermissionDenied
    employee = None
    if payload.employee_id is not None:
        employee = Employee.objects.get_visible(request.user, pk=payload.employee_id)
    log, result = services.trace_person(
        actor=request.user,
        start=payload.start,
        end=payload.end,
        purpose=payload.purpose,
        employee=employee,
        id_number="" if employee else payload.id_number or "",
    )
    return {
        "trace_id": log.pk,
        "subject": log.subject,
        "window_minutes": window_for(getattr(request.user, "region", None)),
        "visits": [vars(visit) for visit in result.visits],
        "contacts": [vars(contact) for contact in result.contacts],
    }
