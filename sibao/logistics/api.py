"""LG endpoints (X-5): the same selectors and services as the pages, under the same scope (out of scope → 404).
A checkpoint system authenticates with an API token of a checkpoint officer's account and calls
``POST /api/logistics/checks`` once per driver."""

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id, Input, IsoDate
from sibao.core.errors import PermissionRefused
from sibao.core.protected import mask_phone
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.logistics import selectors, services
from sibao.logistics.checking import Evaluation
from sibao.logistics.models import (
    Checkpoint,
    CheckTally,
    Driver,
    PassCheck,
    PassState,
    ReceivingPoint,
    TransferStation,
    Vehicle,
    VehiclePass,
)
from sibao.logistics.schemas import (
    ActiveIn,
    CheckIn,
    CheckOut,
    CheckpointIn,
    CheckpointOut,
    CheckRowOut,
    DriverHealthIn,
    DriverIn,
    DriverOut,
    DriverRevealIn,
    DriverRevealOut,
    MapPointOut,
    PassIn,
    PassLookupOut,
    PassOut,
    PassReasonIn,
    ReceivingPointIn,
    ReceivingPointOut,
    StationIn,
    StationOut,
    TallyOut,
    VehicleIn,
    VehicleOut,
)
from sibao.logistics.tokens import check_url, sign_code
from sibao.logistics.workflows import PASS
from sibao.regions.models import Region

router = Router(tags=["logistics"])


def _ref(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "name": str(obj)}


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise NotFoundRefused("logistics.region", _("Unknown region code."), field="region_code")
    return region


def _own_company(request: AuthenticatedRequest) -> Enterprise:
    pk = getattr(request.user, "enterprise_id", None)
    if pk is None:
        raise PermissionRefused("logistics.company", _("Only a company's own account may do this."))
    enterprise: Enterprise = Enterprise.objects.get(pk=pk)
    return enterprise


# --- Vehicles -----------------------------------------------------------------------------------------------


def _vehicle(vehicle: Vehicle) -> dict[str, Any]:
    return {
        "id": vehicle.pk,
        "enterprise": _ref(vehicle.enterprise),
        "plate": vehicle.plate,
        "plate_display": vehicle.plate_display,
        "kind": vehicle.kind,
        "new_energy": vehicle.new_energy,
        "is_active": vehicle.is_active,
    }


@router.get("/vehicles", response=responses({200: list[VehicleOut]}), summary="Vehicles in scope")
@paginate(BoundedLimitOffset)
def list_vehicles(request: AuthenticatedRequest, enterprise: Id | None = None) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return [_vehicle(v) for v in selectors.vehicle_list(user=request.user, enterprise_id=enterprise)]


@router.post("/vehicles", response=responses({201: VehicleOut}), summary="Register one of the company's vehicles")
def create_vehicle(request: AuthenticatedRequest, payload: VehicleIn) -> Any:
    with refusals(conflict={"logistics.vehicle.duplicate"}):
        vehicle = services.vehicle_register(
            actor=request.user, enterprise=_own_company(request), plate=payload.plate, kind=payload.kind
        )
    return Status(201, _vehicle(vehicle))


@router.get("/vehicles/{vehicle_id}", response=responses({200: VehicleOut}), summary="One vehicle")
def get_vehicle(request: AuthenticatedRequest, vehicle_id: Id) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return _vehicle(selectors.vehicle_get(user=request.user, pk=vehicle_id))


@router.post(
    "/vehicles/{vehicle_id}/status", response=responses({200: VehicleOut}), summary="Take out of or back into use"
)
def set_vehicle_status(request: AuthenticatedRequest, vehicle_id: Id, payload: ActiveIn) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    vehicle = selectors.vehicle_get(user=request.user, pk=vehicle_id)
    return _vehicle(services.vehicle_set_active(actor=request.user, vehicle=vehicle, active=payload.is_active))


# --- Drivers ------------------------------------------------------------------------------------------------


def _driver(driver: Driver) -> dict[str, Any]:
    linked = driver.employee_id is not None and driver.employee is not None and driver.employee.is_active
    return {
        "id": driver.pk,
        "enterprise": _ref(driver.enterprise),
        "name": driver.name,
        "id_masked": driver.id_masked,
        "phone_masked": mask_phone(driver.phone),
        "employee_id": driver.employee_id,
        "health_code": driver.employee.health_code if linked and driver.employee else driver.health_code,
        "health_code_source": "employee" if linked else "recorded",
        "is_active": driver.is_active,
        "on_transport_whitelist": bool(getattr(driver, "on_transport_whitelist", False)),
    }


class DriverQuery(Input):
    enterprise: Id | None = None
    transport_whitelist: bool = False


@router.get(
    "/drivers",
    response=responses({200: list[DriverOut]}),
    summary="Drivers in scope (masked); transport_whitelist=true: the LG-3 transport whitelist",
)
@paginate(BoundedLimitOffset)
def list_drivers(request: AuthenticatedRequest, filters: Query[DriverQuery]) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    found = selectors.driver_list(
        user=request.user,
        filters=selectors.DriverFilters(
            enterprise_id=filters.enterprise, transport_whitelist=filters.transport_whitelist
        ),
    )
    return [_driver(driver) for driver in found]


@router.post("/drivers", response=responses({201: DriverOut}), summary="Register one of the company's drivers")
def create_driver(request: AuthenticatedRequest, payload: DriverIn) -> Any:
    with refusals(conflict={"logistics.driver.duplicate"}):  # registered already: a conflict with stored data
        driver = services.driver_register(actor=request.user, enterprise=_own_company(request), data=payload.dict())
    return Status(201, _driver(selectors.driver_get(user=request.user, pk=driver.pk)))


@router.get("/drivers/{driver_id}", response=responses({200: DriverOut}), summary="One driver (masked)")
def get_driver(request: AuthenticatedRequest, driver_id: Id) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return _driver(selectors.driver_get(user=request.user, pk=driver_id))


@router.post(
    "/drivers/{driver_id}/health",
    response=responses({200: DriverOut}),
    summary="Record a driver's health code or negative certificate (drivers without an employee record)",
)
def record_driver_health(request: AuthenticatedRequest, driver_id: Id, payload: DriverHealthIn) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    driver = selectors.driver_get(user=request.user, pk=driver_id)
    services.driver_record_health(
        actor=request.user,
        driver=driver,
        health_code=payload.health_code or "",
        certificate_sampled_at=payload.certificate_sampled_at,
    )
    return _driver(selectors.driver_get(user=request.user, pk=driver_id))


@router.post("/drivers/{driver_id}/status", response=responses({200: DriverOut}), summary="Deactivate or reactivate")
def set_driver_status(request: AuthenticatedRequest, driver_id: Id, payload: ActiveIn) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    driver = selectors.driver_get(user=request.user, pk=driver_id)
    services.driver_set_active(actor=request.user, driver=driver, active=payload.is_active)
    return _driver(selectors.driver_get(user=request.user, pk=driver_id))


@router.post(
    "/drivers/{driver_id}/reveal",
    response=responses({200: DriverRevealOut}),
    summary="The full ID number (epidemic task force only; audit-logged with the purpose)",
)
def reveal_driver_id(
    request: AuthenticatedRequest, response: HttpResponse, driver_id: Id, payload: DriverRevealIn
) -> Any:
    require(request, Capability.ID_REVEAL)
    driver = selectors.driver_get(user=request.user, pk=driver_id)
    number = services.driver_reveal_id_number(actor=request.user, driver=driver, purpose=payload.purpose)
    response["Cache-Control"] = "no-store"
    return {"id": driver.pk, "id_number": number}


# --- Passes -------------------------------------------------------------------------------------------------


def _pass(request: AuthenticatedRequest, vehicle_pass: VehiclePass, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        **{
            name: getattr(vehicle_pass, name)
            for name in (
                "number",
                "arrangement",
                "route",
                "valid_from",
                "valid_until",
                "toll_reduction",
                "state",
                "applied_at",
                "decided_at",
                "decision_reason",
                "suspended_at",
                "suspension_reason",
            )
        },
        "id": vehicle_pass.pk,
        "enterprise": _ref(vehicle_pass.enterprise),
        "vehicle_plate": vehicle_pass.vehicle.plate_display,
        "drivers": [
            {"id": row.driver.pk, "name": row.driver.name, "id_masked": row.driver.id_masked}
            for row in vehicle_pass.pass_drivers.all()
        ],
        "served": [
            {
                "id": row.enterprise_id,
                "name": row.enterprise.name,
                "dropped_at": row.dropped_at,
                "drop_reason": row.drop_reason,
            }
            for row in vehicle_pass.pass_enterprises.all()
        ],
        "stations": [{"id": s.pk, "name": s.name, "kind": s.kind} for s in vehicle_pass.stations.all()],
    }
    if detail:
        out["actions"] = [t.action for t in PASS.available(vehicle_pass, request.user)]
        if vehicle_pass.state == PassState.APPROVED:
            out["qr_token"] = sign_code(vehicle_pass.code)
            out["check_url"] = check_url(request, vehicle_pass.code)
    return out


class PassFilterQuery(Input):
    state: str = ""
    enterprise: Id | None = None
    region: str = ""


@router.get("/passes", response=responses({200: list[PassOut]}), summary="Passes in scope; state=valid: valid today")
@paginate(BoundedLimitOffset)
def list_passes(request: AuthenticatedRequest, filters: Query[PassFilterQuery]) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    found = selectors.pass_list(
        user=request.user,
        filters=selectors.PassFilters(
            state=filters.state[:16], enterprise_id=filters.enterprise, region_code=filters.region[:12]
        ),
    )
    return [_pass(request, vehicle_pass) for vehicle_pass in found]


def _application(request: AuthenticatedRequest, payload: PassIn) -> dict[str, Any]:
    """The ids of a payload as the company's own rows (another company's id is simply not found)."""
    company = getattr(request.user, "enterprise_id", None) or 0
    vehicles = Vehicle.objects.filter(enterprise_id=company)
    drivers = {d.pk: d for d in Driver.objects.filter(enterprise_id=company, pk__in=payload.drivers)}
    served = {e.pk: e for e in Enterprise.objects.filter(pk__in=payload.served)}
    stations = {s.pk: s for s in TransferStation.objects.filter(pk__in=payload.stations)}
    for name, wanted, found in (
        ("drivers", payload.drivers, drivers),
        ("served", payload.served, served),
        ("stations", payload.stations, stations),
    ):
        if any(pk not in found for pk in wanted):
            raise NotFoundRefused(
                "logistics.pass.unknown", _("Unknown or not yours: %(field)s.") % {"field": name}, field=name
            )
    return {
        "vehicle": vehicles.filter(pk=payload.vehicle).first(),
        "drivers": [drivers[pk] for pk in payload.drivers],
        "served": [served[pk] for pk in payload.served],
        "stations": [stations[pk] for pk in payload.stations],
        "arrangement": payload.arrangement,
        "route": payload.route,
        "valid_from": payload.valid_from,
        "valid_until": payload.valid_until,
        "toll_reduction": payload.toll_reduction,
    }


@router.post("/passes", response=responses({201: PassOut}), summary="Apply for a pass (the vehicle's company)")
def apply_pass(request: AuthenticatedRequest, payload: PassIn) -> Any:
    require(request, Capability.PASS_APPLY)
    company = _own_company(request)
    # An id of no vehicle of the company's (or one out of use) is a reference out of reach: 404.
    with refusals(not_found={"logistics.pass.vehicle"}):
        vehicle_pass = services.pass_apply(actor=request.user, enterprise=company, data=_application(request, payload))
    return Status(201, _pass(request, selectors.pass_get(user=request.user, pk=vehicle_pass.pk), detail=True))


@router.get(
    "/passes/{pass_id}", response=responses({200: PassOut}), summary="One pass (with its QR token when approved)"
)
def get_pass(request: AuthenticatedRequest, pass_id: Id) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return _pass(request, selectors.pass_get(user=request.user, pk=pass_id), detail=True)


@router.put("/passes/{pass_id}", response=responses({200: PassOut}), summary="Correct a returned application")
def update_pass(request: AuthenticatedRequest, pass_id: Id, payload: PassIn) -> Any:
    require(request, Capability.PASS_APPLY)
    vehicle_pass = selectors.pass_get(user=request.user, pk=pass_id)
    services.pass_update(actor=request.user, vehicle_pass=vehicle_pass, data=_application(request, payload))
    return _pass(request, selectors.pass_get(user=request.user, pk=pass_id), detail=True)


def _decide(action: str, summary: str) -> Any:
    return router.post(
        f"/passes/{{pass_id}}/actions/{action}",
        response=responses({200: PassOut}),
        summary=summary,
        operation_id=f"sibao_logistics_api_{action}",
    )


def _decided(request: AuthenticatedRequest, pass_id: int, action: str, reason: str = "") -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    vehicle_pass = selectors.pass_get(user=request.user, pk=pass_id)
    services.pass_decide(actor=request.user, vehicle_pass=vehicle_pass, action=action, reason=reason)
    return _pass(request, selectors.pass_get(user=request.user, pk=pass_id), detail=True)


@_decide("approve", "批准: the logistics task force of the applicant's county approves")
def approve_pass(request: AuthenticatedRequest, pass_id: Id) -> Any:
    return _decided(request, pass_id, "approve")


@_decide("return", "退回修改: back to the applicant with the reason")
def return_pass(request: AuthenticatedRequest, pass_id: Id, payload: PassReasonIn) -> Any:
    return _decided(request, pass_id, "return", payload.reason)


@_decide("refuse", "不予批准: refused with the reason")
def refuse_pass(request: AuthenticatedRequest, pass_id: Id, payload: PassReasonIn) -> Any:
    return _decided(request, pass_id, "refuse", payload.reason)


@_decide("revoke", "撤销: an approved pass revoked with the reason")
def revoke_pass(request: AuthenticatedRequest, pass_id: Id, payload: PassReasonIn) -> Any:
    return _decided(request, pass_id, "revoke", payload.reason)


@_decide("resubmit", "重新提交: the applicant sends a corrected application again")
def resubmit_pass(request: AuthenticatedRequest, pass_id: Id) -> Any:
    require(request, Capability.PASS_APPLY)
    vehicle_pass = selectors.pass_get(user=request.user, pk=pass_id)
    services.pass_resubmit(actor=request.user, vehicle_pass=vehicle_pass)
    return _pass(request, selectors.pass_get(user=request.user, pk=pass_id), detail=True)


# --- Checks (LG-2) ------------------------------------------------------------------------------------------


def check_out(check_id: int, result: Evaluation, checked_at: Any) -> dict[str, Any]:
    return {
        "id": check_id,
        "green": result.green,
        "checked_at": checked_at,
        "failed": [v.condition for v in result.verdicts if v.passed is False],
        "conditions": [
            {"condition": v.condition, "label": v.label, "passed": v.passed, "message": v.message}
            for v in result.verdicts
        ],
        "plate": result.plate,
        "company": result.company,
        "valid_from": result.valid_from,
        "valid_until": result.valid_until,
        "driver_name": result.driver_name,
        "driver_id_masked": result.driver_id_masked,
    }


@router.post(
    "/checks",
    response=responses({201: CheckOut}),
    summary="Check a pass and its driver at a checkpoint; the answer names each failed condition (recorded)",
)
def check(request: AuthenticatedRequest, payload: CheckIn) -> Any:
    now = timezone.now()
    check_id, result = services.pass_check(
        actor=request.user,
        checkpoint_id=payload.checkpoint,
        token=payload.token,
        id_number=payload.id_number,
        driver_id=payload.driver,
        itinerary=payload.itinerary,
        now=now,
    )
    # Validated here: ninja then only serialises a model instance of the response type (issue 13).
    return Status(201, CheckOut.model_validate(check_out(check_id, result, now)))


@router.get(
    "/checks/passes/{token}",
    response=responses({200: PassLookupOut}),
    summary="The pass a scanned code (the token of the QR code) names, to choose the driver (drivers masked)",
)
def lookup_pass(request: AuthenticatedRequest, token: str) -> Any:
    require(request, Capability.PASS_CHECK)
    vehicle_pass = selectors.pass_for_check(token[:512])
    if vehicle_pass is None:  # forged, altered or unknown: no such pass (404)
        raise NotFoundRefused(
            "logistics.check.code", _("The pass code is not valid: it was forged or altered."), field="token"
        )
    return {
        "number": vehicle_pass.number,
        "plate": vehicle_pass.vehicle.plate_display,
        "company": vehicle_pass.enterprise.name,
        "state": vehicle_pass.state,
        "valid_from": vehicle_pass.valid_from,
        "valid_until": vehicle_pass.valid_until,
        "drivers": [
            {"id": row.driver.pk, "name": row.driver.name, "id_masked": row.driver.id_masked}
            for row in vehicle_pass.pass_drivers.all()
        ],
        "served": [row.enterprise.name for row in vehicle_pass.pass_enterprises.all() if row.dropped_at is None],
    }


class CheckQuery(Input):
    checkpoint: Id | None = None
    day: IsoDate | None = None
    failed: bool = False


def _day(day: date | None) -> date:
    return day or timezone.localdate()


def _check_row(row: PassCheck) -> dict[str, Any]:
    return {
        "id": row.pk,
        "checkpoint": _ref(row.checkpoint),
        "checked_at": row.checked_at,
        "officer": str(row.officer) if row.officer else "",
        "plate": row.vehicle_pass.vehicle.plate_display if row.vehicle_pass else "",
        "driver_name": row.driver.name if row.driver else "",
        "green": row.green,
        "failed": row.failed_conditions,
    }


@router.get("/checks", response=responses({200: list[CheckRowOut]}), summary="Checks of a day at checkpoints in scope")
@paginate(BoundedLimitOffset)
def list_checks(request: AuthenticatedRequest, filters: Query[CheckQuery]) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    found = selectors.check_list(
        user=request.user,
        filters=selectors.CheckFilters(
            checkpoint_id=filters.checkpoint, day=_day(filters.day), failed_only=filters.failed
        ),
    )
    return [_check_row(row) for row in found]


def _tally(row: CheckTally) -> dict[str, Any]:
    return {
        "checkpoint": _ref(row.checkpoint),
        **{
            name: getattr(row, name)
            for name in (
                "day",
                "checks",
                "green",
                "failed_pass",
                "failed_driver",
                "failed_health_code",
                "failed_itinerary",
                "failed_test",
            )
        },
    }


@router.get(
    "/checks/counts",
    response=responses({200: list[TallyOut]}),
    summary="Checks per checkpoint for a day, with failures by condition (summary, refreshed every minute)",
)
@paginate(BoundedLimitOffset)
def list_tallies(request: AuthenticatedRequest, day: IsoDate | None = None) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return [_tally(row) for row in selectors.tally_list(user=request.user, day=_day(day))]


# --- Checkpoints ----------------------------------------------------------------------------------------------


def _checkpoint(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        **{
            name: getattr(checkpoint, name)
            for name in ("name", "kind", "location", "latitude", "longitude", "is_active")
        },
        "id": checkpoint.pk,
        "region": _ref(checkpoint.region),
    }


@router.get("/checkpoints", response=responses({200: list[CheckpointOut]}), summary="Checkpoints in scope")
@paginate(BoundedLimitOffset)
def list_checkpoints(request: AuthenticatedRequest) -> Any:
    require(request, Capability.LOGISTICS_VIEW, Capability.PASS_CHECK)
    return [_checkpoint(c) for c in selectors.checkpoint_list(user=request.user)]


@router.post(
    "/checkpoints", response=responses({201: CheckpointOut}), summary="Add a checkpoint (logistics task force)"
)
def create_checkpoint(request: AuthenticatedRequest, payload: CheckpointIn) -> Any:
    data = {**payload.dict(), "region": _region(payload.region_code)}
    return Status(201, _checkpoint(services.checkpoint_save(actor=request.user, data=data)))


@router.put("/checkpoints/{checkpoint_id}", response=responses({200: CheckpointOut}), summary="Change a checkpoint")
def update_checkpoint(request: AuthenticatedRequest, checkpoint_id: Id, payload: CheckpointIn) -> Any:
    require(request, Capability.LOGISTICS_MANAGE)
    checkpoint = selectors.checkpoint_get(user=request.user, pk=checkpoint_id)
    data = {**payload.dict(), "region": _region(payload.region_code)}
    return _checkpoint(services.checkpoint_save(actor=request.user, data=data, checkpoint=checkpoint))


# --- Transfer stations and receiving points (LG-4) -------------------------------------------------------------


def _station(station: TransferStation) -> dict[str, Any]:
    return {
        **{
            name: getattr(station, name)
            for name in (
                "kind",
                "name",
                "address",
                "capacity",
                "hours",
                "contact_phone",
                "latitude",
                "longitude",
                "status",
            )
        },
        "id": station.pk,
        "region": _ref(station.region),
        "region_code": station.region.code,
    }


class StationQuery(Input):
    region: str = ""
    kind: str = ""
    status: str = ""


@router.get(
    "/stations", response=responses({200: list[StationOut]}), summary="Transfer stations, connection points, yards"
)
@paginate(BoundedLimitOffset)
def list_stations(request: AuthenticatedRequest, filters: Query[StationQuery]) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    found = selectors.station_list(
        filters=selectors.StationFilters(
            region_code=filters.region[:12], kind=filters.kind[:16], status=filters.status[:8]
        )
    )
    return [_station(s) for s in found]


@router.get(
    "/stations/map",
    response=responses({200: list[MapPointOut]}),
    summary="Stations with coordinates under a region (the command screen's map layer)",
)
def station_map(request: AuthenticatedRequest, region: str = "410000") -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return selectors.map_points(_region(region[:12]))


@router.post("/stations", response=responses({201: StationOut}), summary="Add a station (logistics task force)")
def create_station(request: AuthenticatedRequest, payload: StationIn) -> Any:
    data = {**payload.dict(), "region": _region(payload.region_code)}
    return Status(201, _station(services.station_save(actor=request.user, data=data)))


@router.put("/stations/{station_id}", response=responses({200: StationOut}), summary="Change a station or its status")
def update_station(request: AuthenticatedRequest, station_id: Id, payload: StationIn) -> Any:
    require(request, Capability.LOGISTICS_MANAGE)
    station = selectors.station_get(user=request.user, pk=station_id)
    data = {**payload.dict(), "region": _region(payload.region_code)}
    return _station(services.station_save(actor=request.user, data=data, station=station))


def _point(point: ReceivingPoint) -> dict[str, Any]:
    return {
        **{
            name: getattr(point, name)
            for name in ("location", "hours", "contact_name", "contact_phone", "instructions", "latitude", "longitude")
        },
        "enterprise": _ref(point.enterprise),
    }


@router.get(
    "/receiving-points",
    response=responses({200: list[ReceivingPointOut]}),
    summary="Enterprises' contactless receiving points in scope",
)
@paginate(BoundedLimitOffset)
def list_receiving_points(request: AuthenticatedRequest) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    return [_point(point) for point in selectors.receiving_point_list(user=request.user)]


@router.put(
    "/receiving-points/{enterprise_id}",
    response=responses({200: ReceivingPointOut}),
    summary="Set the enterprise's own fixed contactless receiving point",
)
def set_receiving_point(request: AuthenticatedRequest, enterprise_id: Id, payload: ReceivingPointIn) -> Any:
    require(request, Capability.LOGISTICS_VIEW)
    enterprise: Enterprise = Enterprise.objects.get_visible(request.user, pk=enterprise_id)
    return _point(services.receiving_point_set(actor=request.user, enterprise=enterprise, data=payload.dict()))
