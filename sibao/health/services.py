"""EP-3/EP-4/EP-5 writes: daily reports, risk areas, health codes, arrivals and gate sightings.

Every write checks the capability and the scope, runs inside ``transaction.atomic()`` + ``as_actor`` and
raises or lifts the sentinel warnings (EP-6) of the signals it changes.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.permissions import require_capability
from sibao.core.protected import digest, mask_id_number
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.validators import validate_id_number
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import CodeColour, Employee, Zone
from sibao.health.models import (
    PROTECTION_EXCEPTIONS,
    ArrivalKind,
    ArrivalRegistration,
    ArrivalSighting,
    CodeBasis,
    CodingDecision,
    DailyReport,
    HealthCodeChange,
    ReportSymptom,
    RiskArea,
    RiskLevel,
    Symptom,
)
from sibao.health.selectors import county_of, risk_area_on, risk_areas_changeable_by
from sibao.notifications.texts import later
from sibao.parameters.registry import EPIDEMIC_ARRIVAL_TEST_HOURS, EPIDEMIC_RISK_ARRIVAL_ISOLATION_DAYS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region, RegionLevel
from sibao.sentinel.models import WarningKind
from sibao.sentinel.services import warning_lift, warning_raise
from sibao.whitelist.selectors import listing_status


def _required(field: str, label: str, code: str) -> ServiceError:
    return ServiceError(code, _("%(field)s is required.") % {"field": label}, field=field)


def acts_for(actor: User, enterprise: Enterprise) -> bool:
    """The enterprise itself (its epidemic duties) or the epidemic task force of its area, on its behalf."""
    if actor is None:
        return False
    if getattr(actor, "role", None) == Role.ENTERPRISE:
        return has_capability(actor, Capability.EPIDEMIC_REPORT) and actor.enterprise_id == enterprise.pk
    return (
        has_capability(actor, Capability.EPIDEMIC_MANAGE)
        and Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
    )


def _require_acts_for(actor: User, enterprise: Enterprise, code: str) -> None:
    if not acts_for(actor, enterprise):
        raise PermissionRefused(code, _("You may not do this for this enterprise."))


# --- EP-4: health codes ------------------------------------------------------------------------


def health_code_assign(
    *, actor: User | None, employee: Employee, colour: str, basis: str, note: str = ""
) -> HealthCodeChange | None:
    """Give ``employee`` the health-code ``colour`` on ``basis``; None when the colour is already that.

    ``actor`` None means the platform (incidents, arrivals). A person changes colour only here, so every
    change has a ``HealthCodeChange`` row; red and yellow raise a HEALTH_CODE warning, green lifts it.

    Whitelist protection (001#annex2-三.2 "进行赋码保护，除核酸阳性、密接、次密接外，免予赋红黄码"): an
    employee of an enterprise whitelisted now gets red or yellow only on the basis positive, close contact
    or secondary contact; any other basis — arrival from a risk area included — is refused with
    ``health.code.protected``. The clause is the specific rule for these employees and names its only
    exceptions, so it prevails over the general arrival rule of 二.4 for them; such an employee is instead
    tested and observed (see ``arrival_mark_arrived``). Visitors and people of other enterprises are not
    protected.
    """
    if colour not in CodeColour.values:
        raise ServiceError("health.code.colour", _("Choose a code colour."), field="colour")
    if basis not in CodeBasis.values:
        raise ServiceError("health.code.basis", _("Choose the basis of the code."), field="basis")
    note = (note or "").strip()[:255]
    if actor is not None:
        require_capability(actor, Capability.EPIDEMIC_MANAGE)
        if not Employee.objects.visible_to(actor).filter(pk=employee.pk).exists():
            raise PermissionRefused("health.code.forbidden", _("This person is outside your area."))
    with transaction.atomic(), as_actor(actor):
        locked = Employee.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=employee.pk)
        if locked.health_code == colour:
            return None
        if (
            colour != CodeColour.GREEN
            and basis not in PROTECTION_EXCEPTIONS
            and listing_status(locked.enterprise).listed
        ):
            raise ServiceError(
                "health.code.protected",
                _(
                    "%(name)s works for a whitelisted enterprise and is protected from red and yellow codes "
                    "except when positive, a close contact or a secondary contact."
                )
                % {"name": locked.name},
                field="basis",
            )
        change = HealthCodeChange.objects.create(
            employee=locked,
            from_colour=locked.health_code,
            to_colour=colour,
            basis=basis,
            note=note,
            changed_by=actor,
        )
        locked.health_code = colour
        locked.save(update_fields=["health_code"])
        key = f"code:{locked.pk}"
        if colour == CodeColour.GREEN:
            warning_lift(kind=WarningKind.HEALTH_CODE, subject_keys=[key], note=_("The code is green again."))
        else:
            warning_raise(
                kind=WarningKind.HEALTH_CODE,
                enterprise=locked.enterprise,
                employee=locked,
                subject_key=key,
                detail=later(
                    gettext_noop("%(name)s has a %(colour)s (%(basis)s)."),
                    name=locked.name,
                    colour=CodeColour(colour).label,
                    basis=CodeBasis(basis).label,
                ),
            )
    employee.health_code = colour
    return change


# --- EP-4: risk areas --------------------------------------------------------------------------


def risk_area_create(*, actor: User, data: Mapping[str, Any]) -> RiskArea:
    require_capability(actor, Capability.EPIDEMIC_MANAGE)
    county = data.get("county")
    if not isinstance(county, Region):
        raise _required("county", _("County"), "health.risk_area.county")
    if county.level != RegionLevel.COUNTY:
        raise ServiceError(
            "health.risk_area.county", _("Choose a county, city district or county-level city."), field="county"
        )
    level = str(data.get("level") or "")
    if level not in RiskLevel.values:
        raise ServiceError("health.risk_area.level", _("Choose a risk level."), field="level")
    valid_from = data.get("valid_from")
    if not isinstance(valid_from, date):
        raise _required("valid_from", _("In force from"), "health.risk_area.valid_from")
    valid_until = data.get("valid_until")
    if valid_until is not None and (not isinstance(valid_until, date) or valid_until < valid_from):
        raise ServiceError(
            "health.risk_area.valid_until", _("The end date cannot be before the start date."), field="valid_until"
        )
    area = RiskArea(
        owner_region=actor.region if getattr(actor, "region_id", None) else None,
        county=county,
        area_name=str(data.get("area_name") or "").strip()[:128],
        level=level,
        valid_from=valid_from,
        valid_until=valid_until,
        source=str(data.get("source") or "").strip()[:255],
        created_by=actor,
    )
    with transaction.atomic(), as_actor(actor):
        area.save()
    return area


def risk_area_end(*, actor: User, area: RiskArea, until: date) -> RiskArea:
    """Lift a risk area: it stays in the list with its dates (arrivals coded on it keep their basis).

    Issue 8 #4: only the task force that entered it (or one above) or the area's own county may end it, and
    an end date may only move earlier: a later one would silently re-open an area already lifted."""
    require_capability(actor, Capability.EPIDEMIC_MANAGE)
    label = _("In force until")
    if not isinstance(until, date) or isinstance(until, datetime):
        raise _required("valid_until", label, "health.risk_area.valid_until")
    with transaction.atomic(), as_actor(actor):
        if not risk_areas_changeable_by(actor).filter(pk=area.pk).exists():
            raise PermissionRefused("health.risk_area.forbidden", _("This risk area was entered by another region."))
        locked = RiskArea.objects.select_for_update().get(pk=area.pk)
        if until < locked.valid_from:
            raise ServiceError(
                "health.risk_area.valid_until",
                _("%(field)s: the end date cannot be before the start date (%(start)s).")
                % {"field": label, "start": locked.valid_from.isoformat()},
                field="valid_until",
            )
        if locked.valid_until is not None and until > locked.valid_until:
            raise ServiceError(
                "health.risk_area.reopen",
                _(
                    "%(field)s: this risk area already ends on %(end)s; the end date may only move earlier. "
                    "To put the area back in force, add it again."
                )
                % {"field": label, "end": locked.valid_until.isoformat()},
                field="valid_until",
            )
        locked.valid_until = until
        locked.save(update_fields=["valid_until"])
    area.valid_until = until
    return locked


# --- EP-3: daily reports -----------------------------------------------------------------------


def _clean_symptoms(enterprise: Enterprise, symptoms: Mapping[int, Sequence[str]]) -> dict[Employee, list[str]]:
    cleaned: dict[Employee, list[str]] = {}
    employees = {e.pk: e for e in Employee.objects.filter(enterprise=enterprise, pk__in=list(symptoms))}
    for pk, values in symptoms.items():
        employee = employees.get(pk)
        if employee is None:
            raise ServiceError("health.report.employee", _("Choose people of this enterprise."), field="symptomatic")
        chosen = [value for value in Symptom.values if value in set(values)]
        if not chosen or len(chosen) != len(set(values)):
            raise ServiceError(
                "health.report.symptoms",
                _("Say which symptoms %(name)s has (fever, cough, fatigue).") % {"name": employee.name},
                field="symptoms",
            )
        cleaned[employee] = chosen
    return cleaned


def _check_report_numbers(people_on_site: Any) -> int:
    if people_on_site is None or people_on_site == "":
        raise _required("people_on_site", _("People on site"), "health.report.people_on_site")
    try:
        number = int(people_on_site)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ServiceError(
            "health.report.people_on_site", _("Enter a whole number of 0 or more."), field="people_on_site"
        )
    return number


def _raise_symptom_warnings(report: DailyReport, people: dict[Employee, list[str]]) -> None:
    for employee, values in people.items():
        warning_raise(
            kind=WarningKind.SYMPTOMS,
            enterprise=report.enterprise,
            employee=employee,
            subject_key=f"symptoms:{employee.pk}:{report.day.isoformat()}",
            detail=later(
                gettext_noop("%(name)s reported with %(symptoms)s on %(day)s."),
                name=employee.name,
                symptoms=[Symptom(v).label for v in values],
                day=report.day,
            ),
        )


def daily_report_file(
    *,
    actor: User,
    enterprise: Enterprise,
    day: date,
    people_on_site: Any,
    symptoms: Mapping[int, Sequence[str]] | None = None,
    note: str = "",
) -> DailyReport:
    """EP-3: file the day's report (``symptoms`` maps employee id → symptoms; empty = zero report).

    One report per enterprise and day: a second one is refused (``health.report.duplicate``, 409); the
    filed report can be corrected on its own day with ``daily_report_correct`` (a correction keeps one
    record per day and its audit history, instead of two competing reports)."""
    _require_acts_for(actor, enterprise, "health.report.forbidden")
    if not isinstance(day, date):
        raise _required("day", _("Day"), "health.report.day")
    if day > timezone.localdate():
        raise ServiceError("health.report.day", _("A report cannot be filed for a future day."), field="day")
    number = _check_report_numbers(people_on_site)
    people = _clean_symptoms(enterprise, symptoms or {})
    if DailyReport.objects.filter(enterprise=enterprise, day=day).exists():
        raise _duplicate(day)
    try:
        with transaction.atomic(), as_actor(actor):
            report = DailyReport.objects.create(
                enterprise=enterprise,
                day=day,
                people_on_site=number,
                symptom_count=len(people),
                note=(note or "").strip(),
                filed_by=actor,
            )
            ReportSymptom.objects.bulk_create(
                ReportSymptom(report=report, employee=employee, symptoms=",".join(values))
                for employee, values in people.items()
            )
            _raise_symptom_warnings(report, people)
            warning_lift(
                kind=WarningKind.MISSING_DAILY_REPORT,
                subject_keys=[f"report:{enterprise.pk}:{day.isoformat()}"],
                note=_("The daily report was filed."),
            )
    except IntegrityError:  # filed concurrently by someone else
        raise _duplicate(day) from None
    return report


def _duplicate(day: date) -> StateRefused:
    return StateRefused(
        "health.report.duplicate",
        _("The report for %(day)s has already been filed; correct that report instead.") % {"day": day.isoformat()},
        field="day",
    )


def daily_report_correct(
    *,
    actor: User,
    report: DailyReport,
    people_on_site: Any,
    symptoms: Mapping[int, Sequence[str]] | None = None,
    note: str = "",
) -> DailyReport:
    """Correct today's report (same rights as filing). Past days are a record and stay as filed.

    People added raise a SYMPTOMS warning; people taken off the report have theirs lifted."""
    _require_acts_for(actor, report.enterprise, "health.report.forbidden")
    if report.day != timezone.localdate():
        raise StateRefused("health.report.closed", _("Only today's report can be corrected."), field="day")
    number = _check_report_numbers(people_on_site)
    people = _clean_symptoms(report.enterprise, symptoms or {})
    with transaction.atomic(), as_actor(actor):
        before = set(report.symptoms.values_list("employee_id", flat=True))
        report.symptoms.all().delete()
        ReportSymptom.objects.bulk_create(
            ReportSymptom(report=report, employee=employee, symptoms=",".join(values))
            for employee, values in people.items()
        )
        report.people_on_site = number
        report.symptom_count = len(people)
        report.note = (note or "").strip()
        report.save(update_fields=["people_on_site", "symptom_count", "note", "updated_at"])
        _raise_symptom_warnings(report, {e: v for e, v in people.items() if e.pk not in before})
        removed = before - {e.pk for e in people}
        warning_lift(
            kind=WarningKind.SYMPTOMS,
            subject_keys=[f"symptoms:{pk}:{report.day.isoformat()}" for pk in removed],
            note=_("Taken off the daily report by its correction."),
        )
    return report


# --- EP-5: arrivals ----------------------------------------------------------------------------


def _person(data: Mapping[str, Any], code: str) -> tuple[str, str, str]:
    """Name, digest and masked form of the ID number; the clear number goes no further than here."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise _required("name", _("Name"), f"{code}.name")
    try:
        number = validate_id_number(str(data.get("id_number") or ""))
    except ValidationError as error:
        raise ServiceError(f"{code}.id_number", error.messages[0], field="id_number") from None
    return name[:64], digest(number), mask_id_number(number)


def _isolation_days(enterprise: Enterprise) -> int:
    return int(parameter_value(EPIDEMIC_RISK_ARRIVAL_ISOLATION_DAYS, enterprise.region))


def _test_hours(enterprise: Enterprise) -> int:
    return int(parameter_value(EPIDEMIC_ARRIVAL_TEST_HOURS, enterprise.region))


def _apply_coding(registration: ArrivalRegistration) -> None:
    """Differentiated coding (001#annex2-二.4) on the arrival day, inside the caller's transaction.

    From a county with a medium/high-risk area or from a static-management area in force that day → red
    code and centralised isolation for EPIDEMIC_RISK_ARRIVAL_ISOLATION_DAYS; everyone else → a test
    within EPIDEMIC_ARRIVAL_TEST_HOURS of arrival. An employee of a whitelisted enterprise is protected
    from the red code (001#annex2-三.2, see ``health_code_assign``): "原则上不予隔离" on the basis of
    strict monitoring and testing, so the test is due and the person goes to the blue zone (new arrivals
    under observation, 003#一.4/一.15) instead of isolation.
    """
    assert registration.arrived_at is not None
    enterprise = registration.enterprise
    arrived = registration.arrived_at
    area = risk_area_on(registration.origin_county, timezone.localdate(arrived), area=registration.origin_area)
    registration.risk_area = area
    employee = registration.employee
    protected = area is not None and employee is not None and listing_status(enterprise).listed
    if area is not None and not protected:
        registration.coding = CodingDecision.RED_ISOLATION
        registration.isolation_until = arrived + timedelta(days=_isolation_days(enterprise))
        registration.test_due_by = None
        if employee is not None:
            health_code_assign(
                actor=None,
                employee=employee,
                colour=CodeColour.RED,
                basis=CodeBasis.RISK_AREA_ARRIVAL,
                note=_("Arrived from %(area)s.") % {"area": str(area)},
            )
        return
    registration.isolation_until = None
    registration.test_due_by = arrived + timedelta(hours=_test_hours(enterprise))
    registration.coding = CodingDecision.PROTECTED if protected else CodingDecision.TEST_REQUIRED
    if protected and employee is not None:
        from sibao.epidemic.services import employee_move_zone

        employee_move_zone(
            actor=None,
            employee=employee,
            zone=Zone.BLUE,
            reason=_("Arrived from %(area)s (whitelist protection: observation instead of isolation).")
            % {"area": str(area)},
        )


def _open_sighting(enterprise: Enterprise, key: str) -> ArrivalSighting | None:
    sighting: ArrivalSighting | None = (
        ArrivalSighting.objects.filter(enterprise=enterprise, id_digest=key, registration__isnull=True)
        .order_by("seen_at", "pk")
        .first()
    )
    return sighting


def _lift_unregistered(enterprise: Enterprise, key: str) -> None:
    warning_lift(
        kind=WarningKind.UNREGISTERED_ARRIVAL,
        subject_keys=[f"arrival:{enterprise.pk}:{key}"],
        note=_("Registered after arrival."),
    )


def arrival_register(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> ArrivalRegistration:
    """EP-5 入豫报备 with the destination enterprise, in advance or after the fact.

    A registration for someone already seen at the gate without one (or with ``arrived_at`` given) is
    marked "registered after arrival", takes the arrival time, is coded at once, and lifts the
    UNREGISTERED_ARRIVAL warning."""
    _require_acts_for(actor, enterprise, "health.arrival.forbidden")
    name, key, masked = _person(data, "health.arrival")
    kind = str(data.get("kind") or "")
    if kind not in ArrivalKind.values:
        raise ServiceError("health.arrival.kind", _("Choose visitor or returnee."), field="kind")
    origin = data.get("origin_county")
    if not isinstance(origin, Region):
        raise _required("origin_county", _("Coming from (county)"), "health.arrival.origin_county")
    county = county_of(origin)
    if county is None:
        raise ServiceError(
            "health.arrival.origin_county",
            _("Choose a county, city district or county-level city."),
            field="origin_county",
        )
    expected = data.get("expected_date")
    if expected is not None and not isinstance(expected, date):
        raise ServiceError("health.arrival.expected_date", _("Enter a valid date."), field="expected_date")
    arrived_at = data.get("arrived_at")
    if arrived_at is not None and (not isinstance(arrived_at, datetime) or arrived_at > timezone.now()):
        raise ServiceError(
            "health.arrival.arrived_at", _("The arrival time cannot be in the future."), field="arrived_at"
        )
    with transaction.atomic(), as_actor(actor):
        sighting = _open_sighting(enterprise, key)
        if expected is None and arrived_at is None and sighting is None:
            raise _required("expected_date", _("Expected arrival"), "health.arrival.expected_date")
        if sighting is not None:
            arrived_at = sighting.seen_at
        registration = ArrivalRegistration(
            enterprise=enterprise,
            kind=kind,
            name=name,
            id_digest=key,
            id_masked=masked,
            phone=str(data.get("phone") or "").strip()[:32],
            origin_county=county,
            origin_area=str(data.get("origin_area") or "").strip()[:128],
            expected_date=expected,
            registered_by=actor,
            employee=Employee.objects.filter(enterprise=enterprise, id_digest=key).first(),
        )
        if arrived_at is not None:
            registration.arrived_at = arrived_at
            registration.registered_after_arrival = True
            _apply_coding(registration)
        registration.save()
        if sighting is not None:
            ArrivalSighting.objects.filter(enterprise=enterprise, id_digest=key, registration__isnull=True).update(
                registration=registration
            )
        if registration.registered_after_arrival:
            _lift_unregistered(enterprise, key)
    return registration


def arrival_mark_arrived(
    *, actor: User | None, registration: ArrivalRegistration, arrived_at: datetime | None = None
) -> ArrivalRegistration:
    """A registered person arrived: apply differentiated coding on the arrival day."""
    if actor is not None:
        _require_acts_for(actor, registration.enterprise, "health.arrival.forbidden")
    arrived_at = arrived_at or timezone.now()
    if arrived_at > timezone.now():
        raise ServiceError(
            "health.arrival.arrived_at", _("The arrival time cannot be in the future."), field="arrived_at"
        )
    with transaction.atomic(), as_actor(actor):
        locked = (
            ArrivalRegistration.objects.select_for_update(of=("self",))
            .select_related("enterprise__region", "origin_county", "employee")
            .get(pk=registration.pk)
        )
        if locked.arrived_at is not None:
            raise StateRefused(
                "health.arrival.already_arrived",
                _("This arrival was already recorded at %(time)s.")
                % {"time": timezone.localtime(locked.arrived_at).strftime("%Y-%m-%d %H:%M")},
            )
        locked.arrived_at = arrived_at
        _apply_coding(locked)
        locked.save(update_fields=["arrived_at", "coding", "risk_area", "isolation_until", "test_due_by"])
    return locked


def arrival_sighted(
    *, actor: User, enterprise: Enterprise, id_number: str, name: str, seen_at: datetime, source: str
) -> ArrivalSighting:
    """Someone arrives at ``enterprise`` (gate check, scan). A matching registration not yet arrived is
    marked arrived (and coded); otherwise the sighting raises an UNREGISTERED_ARRIVAL warning until the
    person is registered after the fact. ``actor`` None: a platform feed."""
    if actor is not None:
        _require_acts_for(actor, enterprise, "health.sighting.forbidden")
    name, key, masked = _person({"name": name, "id_number": id_number}, "health.sighting")
    if not isinstance(seen_at, datetime):
        raise _required("seen_at", _("Seen at"), "health.sighting.seen_at")
    if seen_at > timezone.now() + timedelta(minutes=5):
        raise ServiceError("health.sighting.seen_at", _("The time cannot be in the future."), field="seen_at")
    source = (source or "").strip()[:64]
    if not source:
        raise _required("source", _("Source"), "health.sighting.source")
    with transaction.atomic(), as_actor(actor):
        registration = (
            ArrivalRegistration.objects.filter(enterprise=enterprise, id_digest=key, arrived_at__isnull=True)
            .order_by("-registered_at", "-pk")
            .first()
        )
        sighting = ArrivalSighting.objects.create(
            enterprise=enterprise,
            name=name,
            id_digest=key,
            id_masked=masked,
            seen_at=seen_at,
            source=source,
            registration=registration,
            recorded_by=actor,
        )
        if registration is not None:
            arrival_mark_arrived(actor=None, registration=registration, arrived_at=min(seen_at, timezone.now()))
        elif not ArrivalRegistration.objects.filter(enterprise=enterprise, id_digest=key).exists():
            warning_raise(
                kind=WarningKind.UNREGISTERED_ARRIVAL,
                enterprise=enterprise,
                employee=Employee.objects.filter(enterprise=enterprise, id_digest=key).first(),
                subject_key=f"arrival:{enterprise.pk}:{key}",
                detail=later(
                    gettext_noop("%(name)s (%(id)s) arrived on %(time)s without registering."),
                    name=name,
                    id=masked,
                    time=seen_at,
                ),
                at=seen_at,
            )
        else:
            # Registered and already arrived: a repeated gate pass, linked to that registration.
            sighting.registration = (
                ArrivalRegistration.objects.filter(enterprise=enterprise, id_digest=key).order_by("-arrived_at").first()
            )
            sighting.save(update_fields=["registration"])
    return sighting


# --- EP-3: the deadline sweep ------------------------------------------------------------------


def missing_report_sweep(day: date, now: datetime | None = None) -> dict[str, int]:
    """For every whitelisted enterprise: after its region's deadline hour without a report for ``day``,
    raise MISSING_DAILY_REPORT (``report:<enterprise>:<day>``); with a report, lift it. Idempotent."""
    from sibao.health.selectors import report_deadline
    from sibao.whitelist.selectors import whitelisted_enterprises

    now = now or timezone.now()
    key_day = day.isoformat()
    filed = set(DailyReport.objects.filter(day=day).values_list("enterprise_id", flat=True))
    deadlines: dict[int, datetime] = {}
    raised = 0
    lift_keys: list[str] = []
    for enterprise in whitelisted_enterprises().select_related("region").order_by("pk").iterator(chunk_size=500):
        key = f"report:{enterprise.pk}:{key_day}"
        if enterprise.pk in filed:
            lift_keys.append(key)
            continue
        if enterprise.region_id not in deadlines:
            deadlines[enterprise.region_id] = report_deadline(enterprise.region, day)
        deadline = deadlines[enterprise.region_id]
        if now < deadline:
            continue
        with transaction.atomic():
            created = warning_raise(
                kind=WarningKind.MISSING_DAILY_REPORT,
                enterprise=enterprise,
                subject_key=key,
                detail=later(
                    gettext_noop(
                        "%(enterprise)s has not filed the daily health report for %(day)s (due %(deadline)s)."
                    ),
                    enterprise=enterprise.name,
                    day=key_day,
                    deadline=timezone.localtime(deadline).strftime("%H:%M"),
                ),
                at=now,
            )
        raised += created is not None
    lifted = warning_lift(
        kind=WarningKind.MISSING_DAILY_REPORT, subject_keys=lift_keys, note=_("The daily report was filed.")
    )
    return {"raised": raised, "lifted": lifted}
