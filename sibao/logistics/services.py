"""Every write of the logistics app (LG-1…LG-4): vehicles and drivers of a company, pass applications and the
task force's decisions, passes following the whitelist, checks at checkpoints, checkpoints, transfer stations
and receiving points. Capability, scope and state are checked here; pages and the API only call these."""

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.permissions import region_in_scope, require_capability
from sibao.core.protected import digest, mask_id_number, protect
from sibao.core.rawsql import db_date, db_datetime, insert_returning_id, placeholders
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.validators import validate_id_number
from sibao.core.workflow import perform
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import CodeColour, Employee
from sibao.epidemic.services import reveal_id_number
from sibao.logistics.checking import Evaluation, evaluate, read_scan
from sibao.logistics.models import (
    OPEN_PASS_STATES,
    Arrangement,
    Checkpoint,
    CheckpointKind,
    Driver,
    PassCheck,
    PassDriver,
    PassEnterprise,
    PassState,
    ReceivingPoint,
    StationKind,
    StationStatus,
    TransferStation,
    Vehicle,
    VehicleKind,
    VehiclePass,
)
from sibao.logistics.plates import is_new_energy, validate_plate
from sibao.logistics.tokens import code_from_token
from sibao.logistics.workflows import PASS
from sibao.notifications.services import notify
from sibao.notifications.texts import later
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.selectors import whitelisted_q

MAX_DRIVERS = 4  # 司乘人员 of one vehicle: the drivers taking turns and a co-driver


def _required(field: str, label: str, code: str) -> ServiceError:
    return ServiceError(code, _("%(field)s is required.") % {"field": label}, field=field)


def _text(data: Mapping[str, Any], name: str, label: str, code: str, *, max_length: int, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise _required(name, label, code)
    return value[:max_length]


def _acts_for_company(actor: User, enterprise: Enterprise) -> bool:
    """The company itself (its own vehicles, drivers, receiving point) or an administrator."""
    if not has_capability(actor, Capability.VEHICLE_MANAGE):
        return False
    if getattr(actor, "role", None) == Role.ENTERPRISE:
        return bool(actor.enterprise_id == enterprise.pk)
    return bool(actor.is_superuser or actor.role == Role.ADMINISTRATOR)


def _require_company(actor: User, enterprise: Enterprise, code: str) -> None:
    if not _acts_for_company(actor, enterprise):
        raise PermissionRefused(code, _("Only the company itself may do this."))


# --- Vehicles (LG-1) ----------------------------------------------------------------------------------------


def vehicle_register(*, actor: User, enterprise: Enterprise, plate: str, kind: str = VehicleKind.TRUCK) -> Vehicle:
    _require_company(actor, enterprise, "logistics.vehicle.forbidden")
    try:
        number = validate_plate(plate)
    except ValidationError as error:
        raise ServiceError("logistics.vehicle.plate", error.messages[0], field="plate") from None
    if kind not in VehicleKind.values:
        raise ServiceError("logistics.vehicle.kind", _("Choose the vehicle type."), field="kind")
    with transaction.atomic(), as_actor(actor):
        if Vehicle.objects.filter(plate=number, is_active=True).exists():
            raise ServiceError(
                "logistics.vehicle.duplicate",
                _("The vehicle %(plate)s is already registered.") % {"plate": number},
                field="plate",
            )
        return Vehicle.objects.create(enterprise=enterprise, plate=number, kind=kind, new_energy=is_new_energy(number))


def vehicle_set_active(*, actor: User, vehicle: Vehicle, active: bool) -> Vehicle:
    _require_company(actor, vehicle.enterprise, "logistics.vehicle.forbidden")
    with transaction.atomic(), as_actor(actor):
        if active and Vehicle.objects.filter(plate=vehicle.plate, is_active=True).exclude(pk=vehicle.pk).exists():
            raise ServiceError(
                "logistics.vehicle.duplicate",
                _("The vehicle %(plate)s is already registered.") % {"plate": vehicle.plate},
                field="plate",
            )
        vehicle.is_active = active
        vehicle.save(update_fields=["is_active"])
    return vehicle


# --- Drivers (LG-1, LG-3) -----------------------------------------------------------------------------------


def employee_record_for(enterprise: Enterprise, id_key: str) -> Employee | None:
    """LG-3: the employee record of a driver — at the driver's own company first, else at any enterprise on the
    whitelist now (a whitelist enterprise's own driver registered by its outsourcing partner)."""
    people = Employee.objects.filter(id_digest=id_key, is_active=True).order_by("pk")
    own = people.filter(enterprise=enterprise).first()
    if own is not None:
        return own
    found: Employee | None = people.filter(whitelisted_q("enterprise__")).first()
    return found


def _health_colour(value: Any) -> str:
    colour = str(value or "")
    if colour and colour not in CodeColour.values:
        raise ServiceError("logistics.driver.health_code", _("Choose a code colour."), field="health_code")
    return colour


def driver_register(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> Driver:
    """Register a driver; the ID number is stored encrypted, as a digest and masked, never in clear. A driver
    without an employee record gives the colour of the health code shown (``health_code``)."""
    _require_company(actor, enterprise, "logistics.driver.forbidden")
    name = _text(data, "name", _("Person's name"), "logistics.driver.name", max_length=64)
    try:
        number = validate_id_number(str(data.get("id_number") or ""))
    except ValidationError as error:
        raise ServiceError("logistics.driver.id_number", error.messages[0], field="id_number") from None
    colour = _health_colour(data.get("health_code"))
    key = digest(number)
    if Driver.objects.filter(enterprise=enterprise, id_digest=key).exists():
        raise ServiceError(
            "logistics.driver.duplicate", _("This driver is already registered here."), field="id_number"
        )
    employee = employee_record_for(enterprise, key)
    now = timezone.now()
    driver = Driver(
        enterprise=enterprise,
        name=name,
        id_cipher=protect(number),
        id_digest=key,
        id_masked=mask_id_number(number),
        phone=str(data.get("phone") or "").strip()[:32],
        employee=employee,
        health_code="" if employee is not None else colour,
        health_code_at=now if employee is None and colour else None,
    )
    with transaction.atomic(), as_actor(actor):
        driver.save()
    return driver


def _may_record_health(actor: Any, driver: Driver) -> bool:
    if _acts_for_company(actor, driver.enterprise):
        return True
    # The epidemic task force of the company's area records codes as it does for employees.
    return bool(
        has_capability(actor, Capability.EPIDEMIC_MANAGE)
        and getattr(actor, "role", None) != Role.ENTERPRISE
        and Driver.objects.visible_to(actor).filter(pk=driver.pk).exists()
    )


def driver_record_health(
    *, actor: User, driver: Driver, health_code: str = "", certificate_sampled_at: datetime | None = None
) -> Driver:
    """For a driver without an employee record: the health code's colour now, and/or the sampling time of a
    negative certificate shown. A linked driver's code and tests come from the employee record only."""
    if not _may_record_health(actor, driver):
        raise PermissionRefused("logistics.driver.forbidden", _("You may not record this driver's health data."))
    if driver.employee_id is not None:
        raise StateRefused(
            "logistics.driver.linked",
            _("This driver's health code and tests come from the employee record."),
            field="health_code",
        )
    colour = _health_colour(health_code)
    now = timezone.now()
    if certificate_sampled_at is not None and certificate_sampled_at > now:
        raise ServiceError(
            "logistics.driver.certificate",
            _("The sampling time cannot be in the future."),
            field="certificate_sampled_at",
        )
    if not colour and certificate_sampled_at is None:
        raise _required("health_code", _("Health code"), "logistics.driver.health_code")
    with transaction.atomic(), as_actor(actor):
        locked = Driver.objects.select_for_update().get(pk=driver.pk)
        if colour:
            locked.health_code, locked.health_code_at = colour, now
        if certificate_sampled_at is not None:
            locked.certificate_sampled_at = max(
                certificate_sampled_at, locked.certificate_sampled_at or certificate_sampled_at
            )
        locked.save(update_fields=["health_code", "health_code_at", "certificate_sampled_at"])
    return locked


def driver_set_active(*, actor: User, driver: Driver, active: bool) -> Driver:
    _require_company(actor, driver.enterprise, "logistics.driver.forbidden")
    with transaction.atomic(), as_actor(actor):
        driver.is_active = active
        driver.save(update_fields=["is_active"])
    return driver


def driver_reveal_id_number(*, actor: User, driver: Driver, purpose: str) -> str:
    """The full number, exactly as for employees: the epidemic task force in scope, a purpose, logged."""
    return reveal_id_number(actor=actor, record=driver, visible=Driver.objects.visible_to(actor), purpose=purpose)


# --- Pass applications (LG-1) -------------------------------------------------------------------------------


def _link(vehicle_pass: VehiclePass) -> str:
    return reverse("logistics:pass", args=[vehicle_pass.pk])


def _county_users(enterprise: Enterprise, role: str) -> list[Any]:
    from sibao.accounts.models import User

    codes = enterprise.region.ancestor_codes()
    return list(
        User.objects.filter(role=role, is_active=True, region__code__in=codes, region__level=RegionLevel.COUNTY)
    )


def _clean_application(actor: Any, enterprise: Enterprise, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check what an application names; returns the values to store (the lists as model instances)."""
    vehicle = data.get("vehicle")
    if not isinstance(vehicle, Vehicle):
        raise _required("vehicle", _("Vehicle"), "logistics.pass.vehicle")
    if vehicle.enterprise_id != enterprise.pk or not vehicle.is_active:
        raise ServiceError("logistics.pass.vehicle", _("Choose one of the company's vehicles in use."), field="vehicle")
    drivers = list(dict.fromkeys(data.get("drivers") or []))
    if not drivers:
        raise _required("drivers", _("Drivers"), "logistics.pass.drivers")
    if len(drivers) > MAX_DRIVERS:
        raise ServiceError(
            "logistics.pass.drivers",
            _("A pass names at most %(count)d drivers.") % {"count": MAX_DRIVERS},
            field="drivers",
        )
    for driver in drivers:
        if not isinstance(driver, Driver) or driver.enterprise_id != enterprise.pk or not driver.is_active:
            raise ServiceError("logistics.pass.drivers", _("Choose the company's own active drivers."), field="drivers")
    served = list(dict.fromkeys(data.get("served") or []))
    if not served:
        raise _required("served", _("Whitelist enterprises served"), "logistics.pass.served")
    listed = set(Enterprise.objects.filter(whitelisted_q(), pk__in=[e.pk for e in served]).values_list("pk", flat=True))
    unlisted = [e.name for e in served if e.pk not in listed]
    if unlisted:
        raise ServiceError(
            "logistics.pass.not_listed",
            _("Passes are for vehicles serving whitelist enterprises; not on the whitelist: %(names)s.")
            % {"names": "、".join(unlisted)},
            field="served",
        )
    arrangement = str(data.get("arrangement") or "")
    if arrangement not in Arrangement.values:
        raise ServiceError("logistics.pass.arrangement", _("Choose how the vehicle serves them."), field="arrangement")
    if arrangement == Arrangement.OWN and enterprise.pk not in {e.pk for e in served}:
        raise ServiceError(
            "logistics.pass.arrangement",
            _("An own vehicle serves its own enterprise: add the company to the enterprises served."),
            field="arrangement",
        )
    route = _text(data, "route", _("Route or area"), "logistics.pass.route", max_length=255)
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if not isinstance(valid_from, date):
        raise _required("valid_from", _("Valid from"), "logistics.pass.valid_from")
    if not isinstance(valid_until, date):
        raise _required("valid_until", _("Valid until"), "logistics.pass.valid_until")
    if valid_until < valid_from:
        raise ServiceError(
            "logistics.pass.valid_until", _("The end date cannot be before the start date."), field="valid_until"
        )
    if valid_until < timezone.localdate():
        raise ServiceError("logistics.pass.valid_until", _("The end date cannot be in the past."), field="valid_until")
    stations = list(dict.fromkeys(data.get("stations") or []))
    for station in stations:
        if not isinstance(station, TransferStation) or station.status == StationStatus.CLOSED:
            raise ServiceError("logistics.pass.stations", _("Choose stations that are not closed."), field="stations")
    overlapping = (
        VehiclePass.objects.filter(vehicle=vehicle, state__in=OPEN_PASS_STATES)
        .filter(valid_from__lte=valid_until, valid_until__gte=valid_from)
        .exclude(pk=getattr(data.get("instance"), "pk", None))
    )
    if overlapping.exists():
        raise StateRefused(
            "logistics.pass.overlap",
            _("The vehicle %(plate)s already has a pass or an application for these dates.")
            % {"plate": vehicle.plate_display},
            field="valid_from",
        )
    return {
        "vehicle": vehicle,
        "drivers": drivers,
        "served": served,
        "arrangement": arrangement,
        "route": route,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "stations": stations,
        "toll_reduction": bool(data.get("toll_reduction", True)),
    }


def _write_lists(vehicle_pass: VehiclePass, values: Mapping[str, Any]) -> None:
    PassDriver.objects.filter(vehicle_pass=vehicle_pass).delete()
    PassDriver.objects.bulk_create([PassDriver(vehicle_pass=vehicle_pass, driver=d) for d in values["drivers"]])
    PassEnterprise.objects.filter(vehicle_pass=vehicle_pass).delete()
    PassEnterprise.objects.bulk_create(
        [PassEnterprise(vehicle_pass=vehicle_pass, enterprise=e) for e in values["served"]]
    )
    vehicle_pass.stations.set(values["stations"])


def _tell_group(vehicle_pass: VehiclePass, title: Any) -> None:
    notify(
        topic="logistics.pass_submitted",
        title=title,
        link=_link(vehicle_pass),
        users=_county_users(vehicle_pass.enterprise, Role.LOGISTICS),
    )


def pass_apply(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> VehiclePass:
    """LG-1: the vehicle's company applies (由车辆所属公司申领); the county logistics task force is told."""
    require_capability(actor, Capability.PASS_APPLY)
    if getattr(actor, "role", None) == Role.ENTERPRISE and actor.enterprise_id != enterprise.pk:
        raise PermissionRefused("logistics.pass.forbidden", _("A company applies only for its own vehicles."))
    with transaction.atomic(), as_actor(actor):
        values = _clean_application(actor, enterprise, data)
        vehicle_pass = VehiclePass.objects.create(
            enterprise=enterprise,
            applied_by=actor,
            **{k: v for k, v in values.items() if k not in ("drivers", "served", "stations")},
        )
        _write_lists(vehicle_pass, values)
        PASS.log_creation(vehicle_pass, actor=actor)
        _tell_group(
            vehicle_pass,
            later(
                gettext_noop("Vehicle pass application from %(company)s: %(plate)s"),
                company=enterprise.name,
                plate=vehicle_pass.vehicle.plate_display,
            ),
        )
    return vehicle_pass


def pass_update(*, actor: User, vehicle_pass: VehiclePass, data: Mapping[str, Any]) -> VehiclePass:
    """Correct a returned application (then send it again with ``pass_resubmit``)."""
    require_capability(actor, Capability.PASS_APPLY)
    if getattr(actor, "enterprise_id", None) != vehicle_pass.enterprise_id:
        raise PermissionRefused("logistics.pass.forbidden", _("Only the applicant company may change its application."))
    with transaction.atomic(), as_actor(actor):
        locked = VehiclePass.objects.select_for_update().select_related("enterprise").get(pk=vehicle_pass.pk)
        if locked.state != PassState.RETURNED:
            raise StateRefused(
                "logistics.pass.update.state", _("Only an application returned for correction can be changed.")
            )
        values = _clean_application(actor, locked.enterprise, {**data, "instance": locked})
        for name in ("vehicle", "arrangement", "route", "valid_from", "valid_until", "toll_reduction"):
            setattr(locked, name, values[name])
        locked.save(update_fields=["vehicle", "arrangement", "route", "valid_from", "valid_until", "toll_reduction"])
        _write_lists(locked, values)
    return locked


def pass_resubmit(*, actor: User, vehicle_pass: VehiclePass) -> VehiclePass:
    def after(locked: VehiclePass) -> None:
        _tell_group(
            locked,
            later(
                gettext_noop("Vehicle pass application sent again by %(company)s: %(plate)s"),
                company=locked.enterprise.name,
                plate=locked.vehicle.plate_display,
            ),
        )

    with as_actor(actor):
        return perform(PASS, vehicle_pass, "resubmit", actor=actor, after=after)


def pass_decide(*, actor: User, vehicle_pass: VehiclePass, action: str, reason: str = "") -> VehiclePass:
    """approve / return / refuse (a reason for the last two) or revoke (with a reason) — the task force of the
    applicant's area, on the workflow (one winner when two act at once). Approval re-checks that every
    enterprise served is still on the whitelist."""
    if action not in ("approve", "return", "refuse", "revoke"):
        raise ServiceError("logistics.pass.action", _("Unknown action “%s”.") % action)
    now = timezone.now()

    def changes(locked: VehiclePass) -> dict[str, Any]:
        if action == "approve":
            served = PassEnterprise.objects.filter(vehicle_pass=locked, dropped_at__isnull=True)
            if not served.exists():
                raise StateRefused(
                    "logistics.pass.approve.not_listed",
                    _("The application serves no whitelist enterprise any more. Return it for correction."),
                )
            unlisted = list(served.exclude(whitelisted_q("enterprise__")).values_list("enterprise__name", flat=True))
            if unlisted:
                raise StateRefused(
                    "logistics.pass.approve.not_listed",
                    _("Not on the whitelist any more: %(names)s. Return the application for correction.")
                    % {"names": "、".join(unlisted)},
                )
            if locked.valid_until < timezone.localdate():
                raise StateRefused("logistics.pass.approve.expired", _("The application's dates are over."))
        if action == "revoke":
            return {"suspension_reason": reason.strip(), "suspended_at": now}
        return {"decided_by": actor, "decided_at": now, "decision_reason": reason.strip()}

    def after(locked: VehiclePass) -> None:
        titles = {
            "approve": gettext_noop("Vehicle pass approved: %(plate)s, valid %(start)s to %(end)s"),
            "return": gettext_noop("Vehicle pass application returned for correction: %(plate)s"),
            "refuse": gettext_noop("Vehicle pass application refused: %(plate)s"),
            "revoke": gettext_noop("Vehicle pass revoked: %(plate)s"),
        }
        notify(
            topic=f"logistics.pass_{action}",
            title=later(
                titles[action],
                plate=locked.vehicle.plate_display,
                start=locked.valid_from,
                end=locked.valid_until,
            ),
            body=reason.strip(),
            link=_link(locked),
            enterprise=locked.enterprise,
        )

    with as_actor(actor):
        return perform(PASS, vehicle_pass, action, actor=actor, reason=reason, changes=changes, after=after)


# --- Passes follow the whitelist (beyond the seeds; WL-9) ---------------------------------------------------


def passes_follow_removal(*, actor: User, enterprise: Enterprise, reason: Any) -> dict[str, int]:
    """Called by the whitelist's removal confirmation, inside its transaction. Every approved pass serving
    ``enterprise``: when it serves no other enterprise still listed, it is suspended at once with the reason;
    otherwise the enterprise is dropped from it. The holder is told either way. Re-listing revives nothing.
    Passes still awaiting a decision drop the enterprise too (approval refuses an unlisted one anyway)."""
    now = timezone.now()
    # Stored reasons are read later by officers and the company alike: in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        why = _("%(enterprise)s was removed from the whitelist (%(reason)s).") % {
            "enterprise": enterprise.name,
            "reason": str(reason),
        }
    links = PassEnterprise.objects.filter(
        enterprise=enterprise,
        dropped_at__isnull=True,
        vehicle_pass__state__in=OPEN_PASS_STATES,
    ).select_related("vehicle_pass__vehicle", "vehicle_pass__enterprise")
    suspended = dropped = 0
    with as_actor(actor):
        for link in links:
            vehicle_pass = link.vehicle_pass
            others_listed = (
                PassEnterprise.objects.filter(vehicle_pass=vehicle_pass, dropped_at__isnull=True)
                .exclude(pk=link.pk)
                .filter(whitelisted_q("enterprise__"))
                .exists()
            )
            PassEnterprise.objects.filter(pk=link.pk).update(dropped_at=now, drop_reason=why[:255])
            plate = vehicle_pass.vehicle.plate_display
            if vehicle_pass.state == PassState.APPROVED and not others_listed:
                perform(
                    PASS,
                    vehicle_pass,
                    "suspend",
                    actor=None,
                    reason=why,
                    changes={"suspended_at": now, "suspension_reason": why},
                )
                suspended += 1
                title = later(
                    gettext_noop("Vehicle pass suspended: %(plate)s — %(enterprise)s left the whitelist"),
                    plate=plate,
                    enterprise=enterprise.name,
                )
                body = later(
                    gettext_noop(
                        "The pass served no other whitelist enterprise and is suspended from now on; checkpoints "
                        "refuse it. Reason: %(reason)s. Apply for a new pass for other enterprises."
                    ),
                    reason=reason,
                )
            else:
                dropped += 1
                title = later(
                    gettext_noop("Vehicle pass %(plate)s no longer serves %(enterprise)s"),
                    plate=plate,
                    enterprise=enterprise.name,
                )
                body = later(gettext_noop("Reason: %(reason)s."), reason=reason)
            notify(
                topic="logistics.pass_follows_whitelist",
                title=title,
                body=body,
                link=_link(vehicle_pass),
                enterprise=vehicle_pass.enterprise,
            )
    return {"suspended": suspended, "dropped": dropped}


# --- Checks at checkpoints (LG-2) ---------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，、;；]+")


def resolve_counties(values: Sequence[str] | str) -> list[str]:
    """The county codes of an itinerary card's places, given as codes or county names (一一对应, else a
    refusal naming the place)."""
    items = _SPLIT.split(values) if isinstance(values, str) else [str(v) for v in values]
    items = [item.strip() for item in items if item and item.strip()][:50]
    if not items:
        return []
    names: dict[str, list[str]] = {}
    by_code: set[str] = set()
    found = Region.objects.filter(Q(code__in=items) | Q(name__in=items), level=RegionLevel.COUNTY)
    for code, name in found.values_list("code", "name"):
        by_code.add(code)
        names.setdefault(name, []).append(code)
    codes = []
    for item in items:
        if item in by_code:
            codes.append(item)
        elif len(names.get(item, [])) == 1:
            codes.append(names[item][0])
        else:
            problem = _("is not a county") if item not in names else _("is ambiguous: give its code")
            raise ServiceError(
                "logistics.check.itinerary",
                _("Itinerary: “%(place)s” %(problem)s.") % {"place": item[:32], "problem": problem},
                field="itinerary",
            )
    return list(dict.fromkeys(codes))


def _checkpoint_visible(actor: User, region_path: str) -> bool:
    """Whether a checkpoint of the region at ``region_path`` lies in the actor's scope: what
    ``Checkpoint.objects.visible_to`` selects (a region subtree; an enterprise account sees none), judged on the
    row the scan read instead of a second query."""
    if actor.role == Role.ENTERPRISE and not actor.is_superuser:
        return False
    return region_in_scope(actor, SimpleNamespace(path=region_path))


@functools.cache
def _check_insert() -> str:
    columns = ("checkpoint_id", "day", "checked_at", "officer_id", "vehicle_pass_id", "driver_id", "failures")
    return f"INSERT INTO {PassCheck._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders(len(columns))})"


def _record_check(
    *,
    checkpoint_id: int,
    now: datetime,
    officer_id: int | None,
    pass_id: int | None,
    driver_id: int | None,
    failures: int,
) -> int:
    """The ``PassCheck`` row of one check; its id. ``day`` is the local date of ``now`` (the tally's day)."""
    using = router.db_for_write(PassCheck)
    params = [
        checkpoint_id,
        db_date(timezone.localdate(now), using),
        db_datetime(now, using),
        officer_id,
        pass_id,
        driver_id,
        failures,
    ]
    return insert_returning_id(_check_insert(), params, using)


def pass_check(
    *,
    actor: User,
    checkpoint_id: int,
    token: str,
    id_number: str = "",
    driver_id: int | None = None,
    itinerary: Sequence[str] | str = (),
    now: datetime | None = None,
) -> tuple[int, Evaluation]:
    """LG-2: judge the driver and the pass and record the check (checkpoint, officer, time, result) whatever
    the answer. Returns the check's id and the judgement (each condition with its message). A checkpoint out
    of operation or outside the actor's area: 404."""
    require_capability(actor, Capability.PASS_CHECK)
    code = code_from_token(token)
    counties = resolve_counties(itinerary)
    now = now or timezone.now()
    scan = read_scan(
        checkpoint_id=checkpoint_id,
        code=code,
        id_number=id_number,
        driver_id=driver_id,
        counties=counties,
        today=timezone.localdate(now),
    )
    if scan is None or not scan.checkpoint_active or not _checkpoint_visible(actor, scan.region_path):
        raise Http404
    result = evaluate(scan=scan, code=code, itinerary=counties, now=now)
    # One INSERT, no audit entry: the row is the record (who, where, when, result), and the big table must
    # stay one write per check (a statement written once, as the reads: issue 13).
    check_id = _record_check(
        checkpoint_id=checkpoint_id,
        now=now,
        officer_id=getattr(actor, "pk", None),
        pass_id=result.pass_id,
        driver_id=result.driver_id,
        failures=result.failures,
    )
    return check_id, result


# --- Checkpoints, transfer stations, receiving points (LG-2, LG-4) ---------------------------------------


def _coordinate(data: Mapping[str, Any], name: str, limit: int) -> Decimal | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) > limit:
        label = _("Latitude") if name == "latitude" else _("Longitude")
        raise ServiceError(
            f"logistics.{name}",
            _("%(field)s: enter degrees between -%(limit)d and %(limit)d.") % {"field": label, "limit": limit},
            field=name,
        )
    return value


def _coordinates(data: Mapping[str, Any]) -> dict[str, Decimal | None]:
    latitude, longitude = _coordinate(data, "latitude", 90), _coordinate(data, "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise ServiceError(
            "logistics.coordinates", _("Give both latitude and longitude, or neither."), field="longitude"
        )
    return {"latitude": latitude, "longitude": longitude}


def _managed_region(actor: Any, data: Mapping[str, Any], *, county_only: bool) -> Region:
    require_capability(actor, Capability.LOGISTICS_MANAGE)
    region = data.get("region")
    if not isinstance(region, Region):
        raise _required("region", _("Region"), "logistics.region")
    if county_only and region.level != RegionLevel.COUNTY:
        raise ServiceError(
            "logistics.region", _("Choose a county, city district or county-level city."), field="region"
        )
    if region.level == RegionLevel.TOWNSHIP:
        raise ServiceError("logistics.region", _("Choose a city or a county."), field="region")
    if not region_in_scope(actor, region):
        raise PermissionRefused("logistics.region.forbidden", _("This region is outside your area."))
    return region


def checkpoint_save(*, actor: User, data: Mapping[str, Any], checkpoint: Checkpoint | None = None) -> Checkpoint:
    if checkpoint is not None and not Checkpoint.objects.visible_to(actor).filter(pk=checkpoint.pk).exists():
        raise Http404
    region = _managed_region(actor, data, county_only=True)
    kind = str(data.get("kind") or "")
    if kind not in CheckpointKind.values:
        raise ServiceError("logistics.checkpoint.kind", _("Choose the kind of checkpoint."), field="kind")
    target = checkpoint or Checkpoint()
    target.region = region
    target.kind = kind
    target.name = _text(data, "name", _("Name"), "logistics.checkpoint.name", max_length=128)
    target.location = _text(
        data, "location", _("Location"), "logistics.checkpoint.location", max_length=255, required=False
    )
    target.is_active = bool(data.get("is_active", True))
    for name, value in _coordinates(data).items():
        setattr(target, name, value)
    with transaction.atomic(), as_actor(actor):
        target.save()
    return target


def station_save(*, actor: User, data: Mapping[str, Any], station: TransferStation | None = None) -> TransferStation:
    """LG-4 (000#六.2, 001#annex1-五.2): a transfer station, connection point or distribution yard of a city or
    county, with address, capacity, hours and an optional position for the command screen's map."""
    if station is not None and not TransferStation.objects.visible_to(actor).filter(pk=station.pk).exists():
        raise Http404
    region = _managed_region(actor, data, county_only=False)
    kind = str(data.get("kind") or "")
    if kind not in StationKind.values:
        raise ServiceError("logistics.station.kind", _("Choose the kind of station."), field="kind")
    status = str(data.get("status") or StationStatus.STANDBY)
    if status not in StationStatus.values:
        raise ServiceError("logistics.station.status", _("Choose the station's status."), field="status")
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1 or capacity > 1_000_000:
        raise ServiceError(
            "logistics.station.capacity",
            _("%(field)s: enter a whole number from 1 to 1,000,000.") % {"field": _("Capacity (vehicles per day)")},
            field="capacity",
        )
    target = station or TransferStation()
    target.region, target.kind, target.status, target.capacity = region, kind, status, capacity
    target.name = _text(data, "name", _("Name"), "logistics.station.name", max_length=128)
    target.address = _text(data, "address", _("Address"), "logistics.station.address", max_length=255)
    target.hours = _text(data, "hours", _("Opening hours"), "logistics.station.hours", max_length=64)
    target.contact_phone = _text(
        data, "contact_phone", _("Contact phone"), "logistics.station.phone", max_length=32, required=False
    )
    for name, value in _coordinates(data).items():
        setattr(target, name, value)
    with transaction.atomic(), as_actor(actor):
        target.save()
    return target


def receiving_point_set(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> ReceivingPoint:
    """LG-4 (000#六.2 "在企业（项目）内划出固定接收点"): the enterprise's fixed contactless receiving point."""
    _require_company(actor, enterprise, "logistics.receiving_point.forbidden")
    values = {
        "location": _text(data, "location", _("Where"), "logistics.receiving_point.location", max_length=255),
        "hours": _text(data, "hours", _("Receiving hours"), "logistics.receiving_point.hours", max_length=64),
        "contact_name": _text(
            data, "contact_name", _("Contact person"), "logistics.receiving_point.contact", max_length=64
        ),
        "contact_phone": _text(
            data, "contact_phone", _("Contact phone"), "logistics.receiving_point.phone", max_length=32
        ),
        "instructions": str(data.get("instructions") or "").strip()[:2000],
        **_coordinates(data),
    }
    with transaction.atomic(), as_actor(actor):
        point, _created = ReceivingPoint.objects.update_or_create(enterprise=enterprise, defaults=values)
    return point
