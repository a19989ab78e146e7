"""Reads of the logistics app in the reader's scope (404 outside it): vehicles, drivers, the transport whitelist
(LG-3), passes, checks and their counts, checkpoints, transfer stations and receiving points (LG-4)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from sibao.logistics.models import (
    CONDITION_BITS,
    TRANSPORT_WHITELIST_ARRANGEMENTS,
    Checkpoint,
    CheckTally,
    Driver,
    PassCheck,
    PassDriver,
    PassEnterprise,
    PassState,
    PassTally,
    ReceivingPoint,
    StationStatus,
    TransferStation,
    Vehicle,
    VehiclePass,
)
from sibao.logistics.tokens import code_from_token
from sibao.regions.models import Region


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def valid_passes_q(today: date, prefix: str = "") -> Q:
    """LG-1: approved and within its dates today — the one definition used by lists, the summary and the panel
    (the check itself reads the same fields from one row)."""
    return Q(
        **{
            f"{prefix}state": PassState.APPROVED,
            f"{prefix}valid_from__lte": today,
            f"{prefix}valid_until__gte": today,
        }
    )


def transport_whitelist_q(today: date | None = None, region_path: str = "", sector: str = "") -> Q:
    """LG-3 (001#annex1-六.2): a driver is on the transport whitelist while named on a pass valid today of a
    whitelist enterprise's own or fixed outsourced vehicle — with ``region_path`` / ``sector``, a pass of an
    enterprise of that region subtree / sector (the command screen's figure, counted the same way by
    ``summaries.refresh_passes``)."""
    today = _today(today)
    on_pass = PassDriver.objects.filter(
        driver_id=OuterRef("pk"),
        vehicle_pass__arrangement__in=TRANSPORT_WHITELIST_ARRANGEMENTS,
    ).filter(valid_passes_q(today, "vehicle_pass__"))
    if region_path:
        on_pass = on_pass.filter(vehicle_pass__enterprise__region__path__startswith=region_path)
    if sector:
        on_pass = on_pass.filter(vehicle_pass__enterprise__sector=sector)
    return Q(is_active=True) & Q(Exists(on_pass))


def _region_path(code: str) -> str | None:
    """The path of the region a list is filtered to; None when the code names no region (an empty list)."""
    return Region.objects.filter(code=code).values_list("path", flat=True).first()


# --- Vehicles and drivers ---------------------------------------------------------------------------------


def vehicle_list(*, user: Any, enterprise_id: int | None = None) -> QuerySet[Vehicle]:
    vehicles = Vehicle.objects.visible_to(user).select_related("enterprise")
    if enterprise_id is not None:
        vehicles = vehicles.filter(enterprise_id=enterprise_id)
    return vehicles.order_by("-is_active", "plate", "pk")


def vehicle_get(*, user: Any, pk: int) -> Vehicle:
    vehicle: Vehicle = Vehicle.objects.select_related("enterprise").get_visible(user, pk=pk)
    return vehicle


@dataclass(frozen=True)
class DriverFilters:
    enterprise_id: int | None = None
    transport_whitelist: bool = False
    q: str = ""
    # With the transport whitelist: drivers on a valid pass of an enterprise of this region subtree / sector.
    region_code: str = ""
    sector: str = ""


def driver_list(*, user: Any, filters: DriverFilters | None = None, today: date | None = None) -> QuerySet[Driver]:
    filters = filters or DriverFilters()
    drivers = (
        Driver.objects.visible_to(user)
        .select_related("enterprise", "employee")
        .annotate(on_transport_whitelist=transport_whitelist_q(today))
    )
    if filters.enterprise_id is not None:
        drivers = drivers.filter(enterprise_id=filters.enterprise_id)
    if filters.transport_whitelist:
        drivers = drivers.filter(on_transport_whitelist=True)
        if filters.region_code or filters.sector:
            path = _region_path(filters.region_code) if filters.region_code else ""
            if path is None:
                return drivers.none()
            drivers = drivers.filter(transport_whitelist_q(today, path, filters.sector))
    if filters.q:
        drivers = drivers.filter(name__contains=filters.q.strip()[:64])
    return drivers.order_by("-is_active", "enterprise__name", "name", "pk")


def driver_get(*, user: Any, pk: int) -> Driver:
    driver: Driver = (
        Driver.objects.select_related("enterprise", "employee", "employee__enterprise")
        .annotate(on_transport_whitelist=transport_whitelist_q())
        .get_visible(user, pk=pk)
    )
    return driver


def company_choices(*, user: Any) -> dict[str, Any]:
    """What a company's application form offers: its vehicles and drivers in use."""
    enterprise_id = getattr(user, "enterprise_id", None) or 0
    return {
        "vehicles": Vehicle.objects.filter(enterprise_id=enterprise_id, is_active=True).order_by("plate"),
        "drivers": Driver.objects.filter(enterprise_id=enterprise_id, is_active=True).order_by("name", "pk"),
    }


# --- Passes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassFilters:
    state: str = ""  # a state, "valid" (approved and valid today) or "" (all)
    enterprise_id: int | None = None
    region_code: str = ""
    sector: str = ""  # the applicant enterprise's


def _with_lists(passes: Any) -> Any:
    return passes.select_related("enterprise", "vehicle").prefetch_related(
        Prefetch("pass_drivers", queryset=PassDriver.objects.select_related("driver").order_by("pk")),
        Prefetch(
            "pass_enterprises",
            queryset=PassEnterprise.objects.select_related("enterprise", "enterprise__receiving_point").order_by(
                "dropped_at", "pk"
            ),
        ),
        Prefetch("stations", queryset=TransferStation.objects.select_related("region").order_by("name")),
    )


def pass_list(*, user: Any, filters: PassFilters | None = None, today: date | None = None) -> QuerySet[VehiclePass]:
    filters = filters or PassFilters()
    passes = VehiclePass.objects.visible_to(user)
    if filters.state == "valid":
        passes = passes.filter(valid_passes_q(_today(today)))
    elif filters.state:
        passes = passes.filter(state=filters.state)
    if filters.enterprise_id is not None:
        passes = passes.filter(enterprise_id=filters.enterprise_id)
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        passes = passes.filter(enterprise__region__path__startswith=region.path) if region else passes.none()
    if filters.sector:
        passes = passes.filter(enterprise__sector=filters.sector)
    return _with_lists(passes).order_by("-applied_at", "-pk")


def pass_get(*, user: Any, pk: int) -> VehiclePass:
    vehicle_pass: VehiclePass = _with_lists(VehiclePass.objects.all()).get_visible(user, pk=pk)
    return vehicle_pass


def pass_for_check(token: str) -> VehiclePass | None:
    """What an officer holding the QR code may see to choose the driver: the pass the signed code names
    (anyone's: a checkpoint checks passes from every county), drivers masked. None when forged or unknown."""
    code = code_from_token(token)
    if code is None:
        return None
    found: VehiclePass | None = _with_lists(VehiclePass.objects.filter(code=code)).first()
    return found


# --- Checks and their counts --------------------------------------------------------------------------------


def checkpoint_list(*, user: Any, active_only: bool = False) -> QuerySet[Checkpoint]:
    checkpoints = Checkpoint.objects.visible_to(user).select_related("region")
    if active_only:
        checkpoints = checkpoints.filter(is_active=True)
    return checkpoints.order_by("region__code", "name", "pk")


def checkpoint_get(*, user: Any, pk: int) -> Checkpoint:
    checkpoint: Checkpoint = Checkpoint.objects.select_related("region").get_visible(user, pk=pk)
    return checkpoint


def checks_at(checkpoint_id: int, day: date) -> dict[str, int]:
    """LG-2 "counted per checkpoint and day", live: one count on the (checkpoint, day) index."""
    rows = PassCheck.objects.filter(checkpoint_id=checkpoint_id, day=day)
    return {"checks": rows.count(), "green": rows.filter(failures=0).count()}


def failed_on(condition: str) -> GreaterThan:
    """A check that failed on ``condition``: its bit is set in ``failures`` (the list and the tallies)."""
    return GreaterThan(F("failures").bitand(CONDITION_BITS[condition]), 0)


@dataclass(frozen=True)
class CheckFilters:
    checkpoint_id: int | None = None
    day: date | None = None
    failed_only: bool = False
    region_code: str = ""  # checkpoints of this region subtree
    condition: str = ""  # checks that failed on this condition (``Condition``)


def check_list(*, user: Any, filters: CheckFilters | None = None) -> QuerySet[PassCheck]:
    """One checkpoint-day at a time (the index's question); newest first."""
    filters = filters or CheckFilters()
    checks = PassCheck.objects.visible_to(user).filter(day=filters.day or timezone.localdate())
    if filters.checkpoint_id is not None:
        checks = checks.filter(checkpoint_id=filters.checkpoint_id)
    if filters.failed_only:
        checks = checks.exclude(failures=0)
    if filters.condition in CONDITION_BITS:
        checks = checks.filter(failed_on(filters.condition))
    if filters.region_code:
        path = _region_path(filters.region_code)
        checks = checks.filter(checkpoint__region__path__startswith=path) if path else checks.none()
    return checks.select_related("checkpoint", "officer", "vehicle_pass__vehicle", "driver").order_by(
        "-checked_at", "-pk"
    )


def tally_list(*, user: Any, day: date) -> QuerySet[CheckTally]:
    """Per checkpoint in scope: the day's counts from the summary (failures by condition)."""
    return (
        CheckTally.objects.filter(day=day, checkpoint__in=Checkpoint.objects.visible_to(user).values("pk"))
        .select_related("checkpoint", "checkpoint__region")
        .order_by("checkpoint__region__code", "checkpoint__name")
    )


def screen_figures(region: Region, sector: str, day: date) -> dict[str, int]:
    """The command-screen panel's figures for a region subtree (and sector, for the passes), from the two
    summaries — never a scan of the checks."""
    tallies = CheckTally.objects.filter(day=day, checkpoint__region__path__startswith=region.path).aggregate(
        checks=Sum("checks"),
        green=Sum("green"),
        failed_pass=Sum("failed_pass"),
        failed_driver=Sum("failed_driver"),
        failed_health_code=Sum("failed_health_code"),
        failed_itinerary=Sum("failed_itinerary"),
        failed_test=Sum("failed_test"),
    )
    passes = PassTally.objects.filter(region__path__startswith=region.path)
    if sector:
        passes = passes.filter(sector=sector)
    totals = passes.aggregate(valid=Sum("valid"), drivers=Sum("transport_whitelist_drivers"))
    return {
        **{name: int(value or 0) for name, value in tallies.items()},
        "passes_valid": int(totals["valid"] or 0),
        "transport_whitelist_drivers": int(totals["drivers"] or 0),
    }


# --- Stations and receiving points (LG-4) -------------------------------------------------------------------


@dataclass(frozen=True)
class StationFilters:
    region_code: str = ""
    kind: str = ""
    status: str = ""


def station_list(*, filters: StationFilters | None = None) -> QuerySet[TransferStation]:
    """Every region's stations: route planning crosses counties, and stations are public facilities, not
    personal data (changing one is scoped: ``services.station_save``)."""
    filters = filters or StationFilters()
    stations = TransferStation.objects.select_related("region")
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        stations = stations.filter(region__path__startswith=region.path) if region else stations.none()
    if filters.kind:
        stations = stations.filter(kind=filters.kind)
    if filters.status:
        stations = stations.filter(status=filters.status)
    return stations.order_by("region__code", "kind", "name", "pk")


def station_get(*, user: Any, pk: int) -> TransferStation:
    """For changing one: in the user's scope only."""
    station: TransferStation = TransferStation.objects.select_related("region").get_visible(user, pk=pk)
    return station


def station_choices() -> QuerySet[TransferStation]:
    return (
        TransferStation.objects.exclude(status=StationStatus.CLOSED)
        .select_related("region")
        .order_by("region__code", "name")
    )


def map_points(region: Region) -> list[dict[str, Any]]:
    """LG-4 for the command screen's map layer: the stations of a region subtree with a position."""
    stations = (
        TransferStation.objects.filter(region__path__startswith=region.path, latitude__isnull=False)
        .exclude(status=StationStatus.CLOSED)
        .order_by("pk")
        .annotate(region_code=F("region__code"))
        .values("id", "name", "kind", "status", "capacity", "latitude", "longitude", "region_code")
    )
    return list(stations)


def receiving_point_list(*, user: Any) -> QuerySet[ReceivingPoint]:
    return ReceivingPoint.objects.visible_to(user).select_related("enterprise", "enterprise__region")


def receiving_point_of(enterprise_id: int) -> ReceivingPoint | None:
    point: ReceivingPoint | None = ReceivingPoint.objects.filter(enterprise_id=enterprise_id).first()
    return point
