"""EP-3/EP-4/EP-5 reads, all through ``visible_to(user)`` (risk areas excepted: the list is the same for all)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import CodeColour, Employee, TestOutcome, TestResult
from sibao.epidemic.overdue import overdue_employees
from sibao.health.models import (
    ArrivalRegistration,
    ArrivalSighting,
    CodingDecision,
    DailyReport,
    HealthCodeChange,
    RiskArea,
    RiskLevel,
)
from sibao.parameters.registry import EPIDEMIC_DAILY_REPORT_DEADLINE_HOUR, LOGISTICS_ITINERARY_DAYS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.selectors import whitelisted_q

# --- regions and risk areas ----------------------------------------------------------------------


def county_of(region: Region) -> Region | None:
    """The county (county, city district or county-level city) a region lies in; None above county level."""
    if region.level == RegionLevel.COUNTY:
        return region
    if region.level == RegionLevel.TOWNSHIP:
        return region.parent
    return None


def _normalise(text: str) -> str:
    return "".join(text.split())


_SEVERITY = {RiskLevel.HIGH: 0, RiskLevel.STATIC: 1, RiskLevel.MEDIUM: 2}


def risk_areas_in_force(day: date) -> QuerySet[RiskArea]:
    return RiskArea.objects.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def risk_area_on(region_or_county: Region, day: date, *, area: str = "") -> RiskArea | None:
    """The risk area that makes an arrival from ``region_or_county`` (and the named ``area``) on ``day`` a
    risk-area arrival, or None (001#annex2-二.4).

    A medium- or high-risk area counts for its whole county ("中高风险地区所在县（市、区）"); a
    static-management area counts for its county when it has no name, and otherwise only for an origin
    whose area text names it."""
    county = county_of(region_or_county)
    if county is None:
        return None
    candidates = sorted(
        risk_areas_in_force(day).filter(county=county).select_related("county"),
        key=lambda a: (_SEVERITY.get(RiskLevel(a.level), 9), -a.valid_from.toordinal(), a.pk),
    )
    origin = _normalise(area)
    for candidate in candidates:
        if candidate.level != RiskLevel.STATIC or not candidate.area_name:
            return candidate
        name = _normalise(candidate.area_name)
        if origin and (name in origin or origin in name):
            return candidate
    return None


def risk_area_list(*, in_force_on: date | None = None, include_ended: bool = True) -> QuerySet[RiskArea]:
    areas = RiskArea.objects.select_related("county", "county__parent", "created_by")
    if in_force_on is not None:
        areas = areas.filter(pk__in=risk_areas_in_force(in_force_on).values("pk"))
    elif not include_ended:
        areas = areas.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
    return areas.order_by("-valid_from", "county__code", "pk")


def risk_areas_changeable_by(user: Any) -> QuerySet[RiskArea]:
    """Issue 8 #4: the risk areas ``user`` may end — those its region (or a region below) entered, and those in
    its own county or below. Another county's are out of its scope (404)."""
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return RiskArea.objects.all()
    if user.region_id is None:
        return RiskArea.objects.none()
    path = user.region.path
    return RiskArea.objects.filter(Q(owner_region__path__startswith=path) | Q(county__path__startswith=path))


def risk_area_ids_to_end(*, user: Any, today: date) -> set[int]:
    """The areas ``user`` may still end (its own, not yet lifted): the page shows an "end" form on these."""
    open_areas = risk_areas_changeable_by(user).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return set(open_areas.values_list("pk", flat=True))


def risk_area_get_to_change(*, user: Any, pk: int) -> RiskArea:
    """The risk area if ``user`` may end it, else 404 (out of scope)."""
    try:
        return risk_areas_changeable_by(user).select_related("county", "county__parent").get(pk=pk)
    except RiskArea.DoesNotExist:
        raise Http404 from None


def risk_area_get(*, pk: int) -> RiskArea:
    try:
        return RiskArea.objects.select_related("county", "county__parent").get(pk=pk)
    except RiskArea.DoesNotExist:
        raise Http404 from None


# --- EP-3 ----------------------------------------------------------------------------------------


def _region_filter(queryset: Any, region_code: str, lookup: str) -> Any:
    if not region_code:
        return queryset
    region = Region.objects.filter(code=region_code).only("path").first()
    return queryset.filter(**{f"{lookup}__startswith": region.path}) if region else queryset.none()


def daily_report_list(
    *, user: Any, day: date | None = None, enterprise_id: int | None = None, region_code: str = ""
) -> QuerySet[DailyReport]:
    reports = DailyReport.objects.visible_to(user).select_related("enterprise", "enterprise__region", "filed_by")
    if day is not None:
        reports = reports.filter(day=day)
    if enterprise_id:
        reports = reports.filter(enterprise_id=enterprise_id)
    reports = _region_filter(reports, region_code, "enterprise__region__path")
    return reports.order_by("-day", "enterprise__name", "pk")


def daily_report_get(*, user: Any, pk: int) -> DailyReport:
    report: DailyReport = (
        DailyReport.objects.select_related("enterprise", "enterprise__region", "filed_by")
        .prefetch_related("symptoms__employee")
        .get_visible(user, pk=pk)
    )
    return report


def daily_report_of(enterprise: Enterprise, day: date) -> DailyReport | None:
    report: DailyReport | None = DailyReport.objects.filter(enterprise=enterprise, day=day).first()
    return report


def enterprises_missing_report(*, user: Any, day: date, region_code: str = "") -> QuerySet[Enterprise]:
    """Whitelisted enterprises in the user's scope without a report for ``day`` (EP-3)."""
    filed = DailyReport.objects.filter(day=day).values("enterprise_id")
    enterprises = (
        Enterprise.objects.visible_to(user).filter(whitelisted_q()).exclude(pk__in=filed).select_related("region")
    )
    return _region_filter(enterprises, region_code, "region__path").order_by("region__code", "name", "pk")


def report_deadline(region: Region, day: date, *, state: str | None = None) -> datetime:
    """When the report of ``day`` is due in ``region`` (EPIDEMIC_DAILY_REPORT_DEADLINE_HOUR, local time); ``state``
    names the region state of that day when it is not today's (EM-1: the hour may differ in an emergency)."""
    hour = int(parameter_value(EPIDEMIC_DAILY_REPORT_DEADLINE_HOUR, region, state=state))
    return timezone.make_aware(datetime.combine(day, time(hour=hour)))


def employees_for_report(enterprise: Enterprise) -> QuerySet[Employee]:
    return Employee.objects.filter(enterprise=enterprise, is_active=True).order_by("name", "pk")


# --- EP-4 ----------------------------------------------------------------------------------------


def coded_employees(*, user: Any, enterprise_id: int | None = None, region_code: str = "") -> QuerySet[Employee]:
    """People with a red or yellow code in scope, reddest first."""
    employees = (
        Employee.objects.visible_to(user)
        .filter(health_code__in=[CodeColour.RED, CodeColour.YELLOW])
        .select_related("enterprise", "enterprise__region")
    )
    if enterprise_id:
        employees = employees.filter(enterprise_id=enterprise_id)
    employees = _region_filter(employees, region_code, "enterprise__region__path")
    return employees.order_by("-health_code", "enterprise__name", "name", "pk")


def code_history(*, user: Any, employee_id: int | None = None, limit: int = 200) -> QuerySet[HealthCodeChange]:
    changes = HealthCodeChange.objects.visible_to(user).select_related("employee", "employee__enterprise", "changed_by")
    if employee_id:
        changes = changes.filter(employee_id=employee_id)
    return changes.order_by("-changed_at", "-pk")


def employee_get(*, user: Any, pk: int) -> Employee:
    employee: Employee = Employee.objects.select_related("enterprise", "enterprise__region").get_visible(user, pk=pk)
    return employee


# --- EP-5 ----------------------------------------------------------------------------------------


class ArrivalStatus:
    EXPECTED = "expected"
    ISOLATED = "isolated"
    TEST_DUE = "test_due"
    TEST_OVERDUE = "test_overdue"
    TESTED = "tested"
    RELEASED = "released"

    LABELS = {
        EXPECTED: _("Expected"),
        ISOLATED: _("In centralised isolation"),
        TEST_DUE: _("Test due"),
        TEST_OVERDUE: _("Test overdue"),
        TESTED: _("Tested negative"),
        RELEASED: _("Isolation ended"),
    }
    BADGES = {
        EXPECTED: "secondary",
        ISOLATED: "danger",
        TEST_DUE: "warning",
        TEST_OVERDUE: "danger",
        TESTED: "success",
        RELEASED: "success",
    }


def _with_test(queryset: Any) -> Any:
    """Annotate ``negative_since_arrival``: a negative test sampled since arrival (result file or employee)."""
    results = TestResult.objects.filter(
        id_digest=OuterRef("id_digest"), result=TestOutcome.NEGATIVE, sampled_at__gte=OuterRef("arrived_at")
    )
    return queryset.annotate(
        negative_result=Exists(results),
        negative_employee=ExpressionWrapper(
            Q(employee__last_negative_test_at__gte=F("arrived_at")), output_field=BooleanField()
        ),
    )


def arrival_status(registration: ArrivalRegistration, now: datetime | None = None) -> str:
    """Expected, isolated, test due / overdue / done (EPIDEMIC_ARRIVAL_TEST_HOURS after arrival), released."""
    now = now or timezone.now()
    if registration.arrived_at is None:
        return ArrivalStatus.EXPECTED
    if registration.coding == CodingDecision.RED_ISOLATION:
        if registration.isolation_until and now < registration.isolation_until:
            return ArrivalStatus.ISOLATED
        return ArrivalStatus.RELEASED
    if hasattr(registration, "negative_result"):
        tested = bool(
            getattr(registration, "negative_result", False) or getattr(registration, "negative_employee", False)
        )
    else:
        tested = has_negative_test_since(registration, registration.arrived_at)
    if tested:
        return ArrivalStatus.TESTED
    if registration.test_due_by and now > registration.test_due_by:
        return ArrivalStatus.TEST_OVERDUE
    return ArrivalStatus.TEST_DUE


def has_negative_test_since(registration: ArrivalRegistration, since: datetime) -> bool:
    employee = registration.employee
    if employee is not None and employee.last_negative_test_at and employee.last_negative_test_at >= since:
        return True
    return TestResult.objects.filter(
        id_digest=registration.id_digest, result=TestOutcome.NEGATIVE, sampled_at__gte=since
    ).exists()


@dataclass(frozen=True)
class ArrivalFilters:
    enterprise_id: int | None = None
    region_code: str = ""
    kind: str = ""
    arrived: bool | None = None


def arrival_list(*, user: Any, filters: ArrivalFilters | None = None) -> QuerySet[ArrivalRegistration]:
    filters = filters or ArrivalFilters()
    arrivals = ArrivalRegistration.objects.visible_to(user).select_related(
        "enterprise", "enterprise__region", "origin_county", "origin_county__parent", "employee", "risk_area"
    )
    if filters.enterprise_id:
        arrivals = arrivals.filter(enterprise_id=filters.enterprise_id)
    if filters.kind:
        arrivals = arrivals.filter(kind=filters.kind)
    if filters.arrived is not None:
        arrivals = arrivals.filter(arrived_at__isnull=not filters.arrived)
    arrivals = _region_filter(arrivals, filters.region_code, "enterprise__region__path")
    return _with_test(arrivals).order_by("-registered_at", "-pk")


def arrival_get(*, user: Any, pk: int) -> ArrivalRegistration:
    registration: ArrivalRegistration = _with_test(
        ArrivalRegistration.objects.select_related("enterprise", "origin_county", "employee", "risk_area")
    ).get_visible(user, pk=pk)
    return registration


def unregistered_sightings(*, user: Any, enterprise_id: int | None = None) -> QuerySet[ArrivalSighting]:
    sightings = ArrivalSighting.objects.visible_to(user).filter(registration__isnull=True).select_related("enterprise")
    if enterprise_id:
        sightings = sightings.filter(enterprise_id=enterprise_id)
    return sightings.order_by("-seen_at", "-pk")


def sighting_list(*, user: Any, enterprise_id: int | None = None) -> QuerySet[ArrivalSighting]:
    sightings = ArrivalSighting.objects.visible_to(user).select_related("enterprise", "registration")
    if enterprise_id:
        sightings = sightings.filter(enterprise_id=enterprise_id)
    return sightings.order_by("-seen_at", "-pk")


def enterprises_for_user(*, user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user).order_by("name", "pk")


def origin_counties() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.COUNTY, is_active=True).select_related("parent").order_by("code")


# --- EP-4 两码一证 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    key: str  # "code", "itinerary", "certificate"
    label: Any
    ok: bool
    detail: str


@dataclass(frozen=True)
class TwoCodesOneCertificate:
    """EP-4 (001#annex2-二.4 差异化赋码, 三.5): a person's health code, itinerary and negative-test certificate
    as a gate or checkpoint reads them, each with why it passes or not."""

    credentials: list[Credential]

    @property
    def ok(self) -> bool:
        return all(credential.ok for credential in self.credentials)


def two_codes_one_certificate(employee: Employee, now: datetime | None = None) -> TwoCodesOneCertificate:
    """The three for one employee, from what the platform keeps: the code colour (EP-4), a registered arrival from
    a county with a risk area within the itinerary window (the checkpoint's ``logistics.itinerary_days``), and a
    negative test within the person's own cadence (EP-2's one rule, ``overdue_employees``)."""
    now = now or timezone.now()
    region = employee.enterprise.region
    code = Credential(
        "code",
        _("Health code"),
        employee.health_code == CodeColour.GREEN,
        str(CodeColour(employee.health_code).label),
    )
    days = int(parameter_value(LOGISTICS_ITINERARY_DAYS, region))
    trip = (
        ArrivalRegistration.objects.filter(
            employee=employee, arrived_at__gte=now - timedelta(days=days), risk_area__isnull=False
        )
        .select_related("origin_county")
        .order_by("-arrived_at")
        .first()
    )
    itinerary = Credential(
        "itinerary",
        _("Itinerary"),
        trip is None,
        (
            gettext("No arrival from a county with a risk area in the last %(days)d days") % {"days": days}
            if trip is None
            else gettext("Arrived from %(county)s (a county with a risk area) on %(day)s")
            % {"county": trip.origin_county.name, "day": timezone.localtime(trip.arrived_at).strftime("%m-%d")}
        ),
    )
    overdue = overdue_employees(now, Employee.objects.filter(pk=employee.pk)).exists()
    tested = employee.last_negative_test_at
    certificate = Credential(
        "certificate",
        _("Negative test"),
        not overdue,
        (
            gettext("No negative test on record")
            if tested is None
            else gettext("Last negative sample %(time)s") % {"time": timezone.localtime(tested).strftime("%m-%d %H:%M")}
        )
        + ("" if not overdue else gettext(" — overdue")),
    )
    return TwoCodesOneCertificate([code, itinerary, certificate])
