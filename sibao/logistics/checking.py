"""LG-2: the checkpoint's question — may this driver take the green channel with this pass, now?

Green only when all five hold (001#annex2-三.5 "健康码绿色、行程码正常…持有48小时核酸阴性证明和通行证"):

1. the pass is approved and valid today (local calendar: from ``valid_from`` to ``valid_until`` inclusive);
2. the driver is on the pass (matched by the ID number's digest, or chosen from the pass's drivers);
3. the driver's health code is green — the employee record's code when the driver is linked to one, else the
   colour recorded for the driver (a red or yellow code fails every check until it turns green);
4. the itinerary is normal: no medium/high-risk area (nor a county under static management) in force on or
   after a visit within the last ``logistics.itinerary_days`` days (the itinerary card's rule: an area declared
   after the visit counts), visits being the driver's earlier checks at checkpoints and the counties the
   driver's itinerary card shows, if the checkpoint sends them;
5. a negative nucleic-acid test sampled at most ``logistics.negative_test_hours`` hours ago (imported results
   keyed by the ID digest, the employee record's, or a certificate recorded for the driver), and no positive
   result after it.

The question is answered by one statement written once (``core.rawsql``: the check runs all day at every
checkpoint, and compiling ORM queries cost several times what the database took to answer them, issue 13):
``read_scan`` — the checkpoint, the pass by its unique code and the driver on it by (pass, id or digest) with
the latest tests as index probes, the risky areas joined to the driver's checks in the window, and the two
parameters' overrides (``parameters.selectors.overrides_column``), in one round trip. ``evaluate`` only reads;
recording the check is ``services.pass_check``.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.core.protected import digest
from sibao.core.rawsql import Columns, db_date, fetch_all, placeholders
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import CodeColour, Employee, TestOutcome, TestResult
from sibao.health.models import RiskArea, RiskLevel
from sibao.logistics.models import (
    CONDITION_BITS,
    Checkpoint,
    Condition,
    Driver,
    PassCheck,
    PassDriver,
    PassState,
    Vehicle,
    VehiclePass,
)
from sibao.parameters.registry import LOGISTICS_ITINERARY_DAYS, LOGISTICS_NEGATIVE_TEST_HOURS
from sibao.parameters.selectors import overrides_column, parameter_values_from
from sibao.regions.models import Region


@dataclass(frozen=True)
class Verdict:
    condition: str
    passed: bool | None  # None: not checked (nothing to check it against)
    message: str

    @property
    def label(self) -> str:
        return str(Condition(self.condition).label)


@dataclass
class Evaluation:
    verdicts: list[Verdict] = field(default_factory=list)
    pass_id: int | None = None
    driver_id: int | None = None
    plate: str = ""
    company: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    driver_name: str = ""
    driver_id_masked: str = ""

    @property
    def failures(self) -> int:
        return sum(CONDITION_BITS[v.condition] for v in self.verdicts if v.passed is False)

    @property
    def green(self) -> bool:
        return self.failures == 0 and all(v.passed for v in self.verdicts)


# Numeric dates are the same in every language; strftime is what Django's date_format("Y-m-d") spells, without
# looking the format up (three dates a check: ~5 % of its Python time, issue 13).
def _day(value: date) -> str:
    return value.strftime("%Y-%m-%d")


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _not_checked(evaluation: Evaluation, conditions: Sequence[str]) -> Evaluation:
    for condition in conditions:
        evaluation.verdicts.append(Verdict(condition, None, _("Not checked.")))
    return evaluation


def _pass_verdict(state: str, valid_from: date, valid_until: date, suspension: str, today: date) -> Verdict:
    if state == PassState.SUSPENDED:
        return Verdict(Condition.PASS, False, _("The pass is suspended: %(reason)s") % {"reason": suspension})
    if state == PassState.REVOKED:
        return Verdict(Condition.PASS, False, _("The pass has been revoked."))
    if state == PassState.REFUSED:
        return Verdict(Condition.PASS, False, _("The pass application was refused."))
    if state != PassState.APPROVED:
        return Verdict(Condition.PASS, False, _("The pass has not been approved."))
    if today < valid_from:
        return Verdict(Condition.PASS, False, _("The pass is valid only from %(day)s.") % {"day": _day(valid_from)})
    if today > valid_until:
        return Verdict(Condition.PASS, False, _("The pass expired on %(day)s.") % {"day": _day(valid_until)})
    return Verdict(
        Condition.PASS,
        True,
        _("Approved, valid from %(start)s to %(end)s.") % {"start": _day(valid_from), "end": _day(valid_until)},
    )


@dataclass(frozen=True)
class Scan:
    """What one statement reads for a scan: the checkpoint (for the scope and the parameters' region), the pass
    the code names, the driver on it with the latest tests, and the risky areas the driver may have been in
    over the longest itinerary window the parameter allows (None / empty when absent)."""

    checkpoint_active: bool
    region_path: str
    found_pass: tuple[Any, ...] | None  # id, state, valid_from, valid_until, suspension_reason, plate, company
    driver: tuple[Any, ...] | None  # the driver's, the employee record's, the latest negative and positive test
    driver_named: bool  # a driver was chosen or an ID number entered
    # (county name, county code, area name, level, in force until, the driver's latest visit in the window)
    areas: list[tuple[Any, ...]] = field(default_factory=list)
    parameter_overrides: Any = None  # the check's parameters' overrides (``overrides_column``)


def _longest_itinerary_days() -> int:
    """The widest window ``logistics.itinerary_days`` may be set to: the scan reads the areas of that window
    and ``_itinerary_verdict`` keeps those of the window in force, so the statement needs no parameter."""
    maximum = LOGISTICS_ITINERARY_DAYS.maximum
    assert maximum is not None  # the registry bounds it
    return int(maximum)


# The risky levels: medium or high, or a static-management area that names no smaller area (then it counts for
# the whole county, as for arrivals in the health app).
_RISKY_SQL = "(a.level IN (%s, %s) OR (a.level = %s AND a.area_name = ''))"
_RISKY_PARAMS = (RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.STATIC)


# The rule numbers of the check, read with the scan (``overrides_column``) and applied in ``evaluate``.
_PARAMETERS = (LOGISTICS_ITINERARY_DAYS, LOGISTICS_NEGATIVE_TEST_HOURS)


@functools.cache
def _scan_statement(by_digest: bool, counties: int, vendor: str) -> tuple[str, Columns, list[str]]:
    """The scan's statement — the driver chosen by id or named by the ID-number digest; ``counties`` places on
    the itinerary card — its columns and the parameter keys it takes after the columns' own parameters."""

    def fields(model: Any, *names: str) -> list[Any]:
        return [model._meta.get_field(name) for name in names]

    columns = Columns(
        [
            *fields(Checkpoint, "is_active"),
            *fields(Region, "path"),
            *fields(VehiclePass, "id", "state", "valid_from", "valid_until", "suspension_reason"),
            *fields(Vehicle, "plate"),
            *fields(Enterprise, "name"),
            *fields(Driver, "id", "name", "id_masked", "is_active", "health_code", "certificate_sampled_at"),
            *fields(Driver, "employee"),
            *fields(Employee, "is_active", "health_code", "last_negative_test_at"),
            *fields(TestResult, "sampled_at", "sampled_at"),
            *fields(PassDriver, "id"),
            *fields(Region, "name", "code"),
            *fields(RiskArea, "area_name", "level", "valid_until"),
            *fields(PassCheck, "day"),
        ]
    )
    table = {
        model: model._meta.db_table
        for model in (
            Checkpoint,
            Region,
            VehiclePass,
            Vehicle,
            Enterprise,
            PassDriver,
            Driver,
            Employee,
            TestResult,
            RiskArea,
            PassCheck,
        )
    }
    # The latest negative and the latest positive test: a positive one after the negative fails the driver. Two
    # probes of every partition of the results, not three (the latest test, its result, the latest negative):
    # results are negative or positive, so "the latest test is positive and after the negative" is "the latest
    # positive is after the negative" (issue 13).
    latest = (
        f"(SELECT t.sampled_at FROM {table[TestResult]} t WHERE t.id_digest = d.id_digest AND t.result = %s"
        " ORDER BY t.sampled_at DESC LIMIT 1)"
    )
    # The driver's checks at checkpoints of the area's county within the window, before the area ended.
    visits = f"""FROM {table[PassCheck]} k JOIN {table[Checkpoint]} kc ON kc.id = k.checkpoint_id
        WHERE k.driver_id = d.id AND k.day >= %s AND k.day <= %s AND kc.region_id = a.county_id
          AND (a.valid_until IS NULL OR k.day <= a.valid_until)"""
    match = (
        f"pd.driver_id IN (SELECT x.id FROM {table[Driver]} x WHERE x.id_digest = %s)"
        if by_digest
        else "pd.driver_id = %s"
    )
    # Or the area is in a county of the itinerary card and in force on or after the window's start.
    reported = (
        f"""OR (a.county_id IN (SELECT rc.id FROM {table[Region]} rc WHERE rc.code IN ({placeholders(counties)}))
               AND (a.valid_until IS NULL OR a.valid_until >= %s))"""
        if counties
        else ""
    )
    # The parameters' overrides in the same round trip (issue 13: one statement less per check).
    parameters, keys = overrides_column(_PARAMETERS, vendor)
    statement = f"""SELECT c.is_active, r.path,
            p.id, p.state, p.valid_from, p.valid_until, p.suspension_reason, v.plate, e.name,
            d.id, d.name, d.id_masked, d.is_active, d.health_code, d.certificate_sampled_at, d.employee_id,
            m.is_active, m.health_code, m.last_negative_test_at,
            {latest}, {latest},
            pd.id, ar.name, ar.code, a.area_name, a.level, a.valid_until,
            (SELECT MAX(k.day) {visits}),
            {parameters}
        FROM {table[Checkpoint]} c
        JOIN {table[Region]} r ON r.id = c.region_id
        LEFT JOIN {table[VehiclePass]} p ON p.code = %s
        LEFT JOIN {table[Vehicle]} v ON v.id = p.vehicle_id
        LEFT JOIN {table[Enterprise]} e ON e.id = p.enterprise_id
        LEFT JOIN {table[PassDriver]} pd ON pd.vehicle_pass_id = p.id AND {match}
        LEFT JOIN {table[Driver]} d ON d.id = pd.driver_id
        LEFT JOIN {table[Employee]} m ON m.id = d.employee_id
        LEFT JOIN {table[RiskArea]} a ON d.id IS NOT NULL AND {_RISKY_SQL} AND a.valid_from <= %s
            AND (EXISTS (SELECT 1 {visits}) {reported})
        LEFT JOIN {table[Region]} ar ON ar.id = a.county_id
        WHERE c.id = %s
        ORDER BY pd.id, ar.code, a.id"""
    return statement, columns, keys


def read_scan(
    *,
    checkpoint_id: int,
    code: str | None,
    id_number: str = "",
    driver_id: int | None = None,
    counties: Sequence[str] = (),
    today: date,
) -> Scan | None:
    """The checkpoint, the pass of ``code`` (None: forged, nothing read), the driver on it — chosen by id or
    named by ID number — and the risky areas of the driver's itinerary (its checks, the ``counties`` of the
    itinerary card) in one statement: the check runs at every checkpoint all day long, and one round trip of a
    statement written once costs a fraction of the ORM queries it replaces (issue 13). None: no such
    checkpoint."""
    by_digest = driver_id is None and bool(id_number.strip())
    using = router.db_for_read(VehiclePass)
    statement, columns, keys = _scan_statement(by_digest, len(counties), connections[using].vendor)
    match: int | str | None = digest(id_number.strip()) if by_digest else driver_id
    day, first = db_date(today, using), db_date(today - timedelta(days=_longest_itinerary_days()), using)
    params: list[Any] = [TestOutcome.NEGATIVE, TestOutcome.POSITIVE, first, day, *keys, code, match]
    params += [*_RISKY_PARAMS, day, first, day]
    if counties:
        params += [*counties, first]
    params.append(checkpoint_id)
    fetched = fetch_all(statement, params, using)
    if not fetched:
        return None
    rows = [columns.convert(row, using=using) for row in fetched]
    values = rows[0]
    # Several drivers on the pass with the same ID number cannot be (one per company), but keep one anyway.
    areas = [tuple(row[22:28]) for row in rows if row[21] == values[21] and row[22] is not None]
    return Scan(
        checkpoint_active=bool(values[0]),
        region_path=values[1],
        found_pass=None if values[2] is None else tuple(values[2:9]),
        driver=None if values[9] is None else tuple(values[9:21]),
        driver_named=driver_id is not None or bool(id_number.strip()),
        areas=areas,
        parameter_overrides=fetched[0][len(columns)],
    )


def _health_verdict(colour: str) -> Verdict:
    if colour == CodeColour.GREEN:
        return Verdict(Condition.HEALTH_CODE, True, _("Green code."))
    if not colour:
        return Verdict(Condition.HEALTH_CODE, False, _("No health code has been recorded for the driver."))
    return Verdict(
        Condition.HEALTH_CODE,
        False,
        _("The driver's health code is %(colour)s.") % {"colour": CodeColour(colour).label},
    )


def _test_verdict(
    negatives: Sequence[datetime | None], last_positive: datetime | None, hours: int, now: datetime
) -> Verdict:
    latest = max((moment for moment in negatives if moment is not None), default=None)
    if last_positive is not None and (latest is None or last_positive > latest):
        return Verdict(
            Condition.TEST, False, _("The latest test, sampled %(at)s, was positive.") % {"at": _moment(last_positive)}
        )
    if latest is None:
        return Verdict(
            Condition.TEST,
            False,
            _("No negative nucleic-acid test within %(hours)d hours: no negative test on record.") % {"hours": hours},
        )
    if latest < now - timedelta(hours=hours):
        return Verdict(
            Condition.TEST,
            False,
            _("No negative nucleic-acid test within %(hours)d hours: the latest was sampled %(at)s.")
            % {"hours": hours, "at": _moment(latest)},
        )
    return Verdict(Condition.TEST, True, _("Negative, sampled %(at)s.") % {"at": _moment(latest)})


def _itinerary_verdict(areas: Sequence[tuple[Any, ...]], counties: Sequence[str], days: int, today: date) -> Verdict:
    """No medium/high-risk area in force on or after a visit within the last ``days`` days: a check of the
    driver at a checkpoint of its county (before the area ended), or its county on the itinerary card (the area
    in force on or after the window's start). ``areas``: the scan's candidates of the widest window."""
    since = today - timedelta(days=days)
    found = [
        (county, name, level)
        for county, code, name, level, until, visited in areas
        if (visited is not None and visited >= since) or (code in counties and (until is None or until >= since))
    ][:3]
    if not found:
        return Verdict(
            Condition.ITINERARY, True, _("No medium/high-risk area in the last %(days)d days.") % {"days": days}
        )
    places = "、".join(f"{county}{name}（{RiskLevel(level).label}）" for county, name, level in found)
    return Verdict(
        Condition.ITINERARY,
        False,
        _("Itinerary not normal: in the last %(days)d days the driver was in %(places)s.")
        % {"days": days, "places": places},
    )


def evaluate(*, scan: Scan, code: str | None, itinerary: Sequence[str] = (), now: datetime | None = None) -> Evaluation:
    """Judge one driver with one pass at the checkpoint ``scan`` read (its region's parameters count).
    ``code`` None: the QR token was forged or altered."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    evaluation = Evaluation()
    following = [Condition.DRIVER, Condition.HEALTH_CODE, Condition.ITINERARY, Condition.TEST]
    if code is None:
        evaluation.verdicts.append(
            Verdict(Condition.PASS, False, _("The pass code is not valid: it was forged or altered."))
        )
        return _not_checked(evaluation, following)
    if scan.found_pass is None:
        evaluation.verdicts.append(Verdict(Condition.PASS, False, _("No such pass.")))
        return _not_checked(evaluation, following)
    pass_id, state, valid_from, valid_until, suspension, plate, company = scan.found_pass
    evaluation.pass_id, evaluation.company = pass_id, company
    evaluation.plate = f"{plate[:2]}·{plate[2:]}"
    evaluation.valid_from, evaluation.valid_until = valid_from, valid_until
    evaluation.verdicts.append(_pass_verdict(state, valid_from, valid_until, suspension, today))

    if scan.driver is None and not scan.driver_named:
        evaluation.verdicts.append(
            Verdict(Condition.DRIVER, False, _("Enter the driver's ID number or choose the driver."))
        )
        return _not_checked(evaluation, following[1:])
    if scan.driver is None:
        evaluation.verdicts.append(Verdict(Condition.DRIVER, False, _("The driver is not on this pass.")))
        return _not_checked(evaluation, following[1:])
    (
        found_driver,
        name,
        masked,
        active,
        own_colour,
        certificate_at,
        employee_id,
        employee_active,
        employee_colour,
        employee_negative_at,
        last_negative_at,
        last_positive_at,
    ) = scan.driver
    evaluation.driver_id, evaluation.driver_name, evaluation.driver_id_masked = found_driver, name, masked
    if active:
        evaluation.verdicts.append(Verdict(Condition.DRIVER, True, _("%(name)s is on the pass.") % {"name": name}))
    else:
        evaluation.verdicts.append(
            Verdict(Condition.DRIVER, False, _("%(name)s no longer drives for the company.") % {"name": name})
        )
    linked = employee_id is not None and employee_active
    evaluation.verdicts.append(_health_verdict(employee_colour if linked else own_colour))
    # Both rule numbers for the checkpoint's region and its state, from the overrides the scan read (issue 13).
    days, hours = (
        int(value) for value in parameter_values_from(_PARAMETERS, scan.region_path, scan.parameter_overrides)
    )
    evaluation.verdicts.append(_itinerary_verdict(scan.areas, itinerary, days, today))
    negatives = [last_negative_at, certificate_at, employee_negative_at if linked else None]
    evaluation.verdicts.append(_test_verdict(negatives, last_positive_at, hours, now))
    return evaluation
