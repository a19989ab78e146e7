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

The question is answered with a handful of indexed reads of plain values (no model instances): the pass by
its unique code, the driver on it by (pass, digest) with the latest tests as index probes, one risk-area query
joined to the driver's checks in the window, and the two parameters. ``evaluate`` only reads; recording the
check is ``services.pass_check``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sibao.core.protected import digest
from sibao.epidemic.models import CodeColour, TestOutcome, TestResult
from sibao.health.models import RiskArea, RiskLevel
from sibao.logistics.models import CONDITION_BITS, Condition, PassCheck, PassDriver, PassState, VehiclePass
from sibao.parameters.registry import LOGISTICS_ITINERARY_DAYS, LOGISTICS_NEGATIVE_TEST_HOURS
from sibao.parameters.selectors import parameter_value_at


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


# The risk levels an itinerary must not touch; a static-management area counts for the whole county only when
# it names no smaller area (as for arrivals, health app).
_RISKY = Q(level__in=[RiskLevel.MEDIUM, RiskLevel.HIGH]) | Q(level=RiskLevel.STATIC, area_name="")


def _day(value: date) -> str:
    return date_format(value, "Y-m-d")


def _moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i")


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


def _driver_row(pass_id: int, *, id_number: str, driver_id: int | None) -> tuple[Any, ...] | None:
    rows = PassDriver.objects.filter(vehicle_pass_id=pass_id)
    if driver_id is not None:
        rows = rows.filter(driver_id=driver_id)
    else:
        rows = rows.filter(driver__id_digest=digest(id_number.strip()))
    tests = TestResult.objects.filter(id_digest=OuterRef("driver__id_digest")).order_by("-sampled_at")
    row: tuple[Any, ...] | None = (
        rows.annotate(
            last_test_at=Subquery(tests.values("sampled_at")[:1]),
            last_result=Subquery(tests.values("result")[:1]),
            last_negative_at=Subquery(tests.filter(result=TestOutcome.NEGATIVE).values("sampled_at")[:1]),
        )
        .values_list(
            "driver_id",
            "driver__name",
            "driver__id_masked",
            "driver__is_active",
            "driver__health_code",
            "driver__certificate_sampled_at",
            "driver__employee_id",
            "driver__employee__is_active",
            "driver__employee__health_code",
            "driver__employee__last_negative_test_at",
            "last_test_at",
            "last_result",
            "last_negative_at",
        )
        .first()
    )
    return row


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
    negatives: Sequence[datetime | None], last_test: datetime | None, last_result: str, hours: int, now: datetime
) -> Verdict:
    latest = max((moment for moment in negatives if moment is not None), default=None)
    if last_result == TestOutcome.POSITIVE and last_test is not None and (latest is None or last_test > latest):
        return Verdict(
            Condition.TEST, False, _("The latest test, sampled %(at)s, was positive.") % {"at": _moment(last_test)}
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


def _itinerary_verdict(driver_id: int, counties: Sequence[str], days: int, today: date) -> Verdict:
    since = today - timedelta(days=days)
    visits = PassCheck.objects.filter(
        driver_id=driver_id, day__gte=since, day__lte=today, checkpoint__region_id=OuterRef("county_id")
    )
    visited = Q(valid_until__isnull=True, _visit=True) | Q(_visit_before_end=True)
    reported = Q(county__code__in=list(counties)) & (Q(valid_until__isnull=True) | Q(valid_until__gte=since))
    areas = (
        RiskArea.objects.filter(_RISKY, valid_from__lte=today)
        .annotate(_visit=Exists(visits), _visit_before_end=Exists(visits.filter(day__lte=OuterRef("valid_until"))))
        .filter(visited | reported if counties else visited)
        .order_by("county__code", "pk")
        .values_list("county__name", "area_name", "level")[:3]
    )
    found = list(areas)
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


def evaluate(
    *,
    code: str | None,
    region_path: str,
    id_number: str = "",
    driver_id: int | None = None,
    itinerary: Sequence[str] = (),
    now: datetime | None = None,
) -> Evaluation:
    """Judge one driver with one pass at a checkpoint of the region at ``region_path`` (its parameters count).
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
    found = (
        VehiclePass.objects.filter(code=code)
        .values_list(
            "id", "state", "valid_from", "valid_until", "suspension_reason", "vehicle__plate", "enterprise__name"
        )
        .first()
    )
    if found is None:
        evaluation.verdicts.append(Verdict(Condition.PASS, False, _("No such pass.")))
        return _not_checked(evaluation, following)
    pass_id, state, valid_from, valid_until, suspension, plate, company = found
    evaluation.pass_id, evaluation.company = pass_id, company
    evaluation.plate = f"{plate[:2]}·{plate[2:]}"
    evaluation.valid_from, evaluation.valid_until = valid_from, valid_until
    evaluation.verdicts.append(_pass_verdict(state, valid_from, valid_until, suspension, today))

    if driver_id is None and not id_number.strip():
        evaluation.verdicts.append(
            Verdict(Condition.DRIVER, False, _("Enter the driver's ID number or choose the driver."))
        )
        return _not_checked(evaluation, following[1:])
    row = _driver_row(pass_id, id_number=id_number, driver_id=driver_id)
    if row is None:
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
        last_test_at,
        last_result,
        last_negative_at,
    ) = row
    evaluation.driver_id, evaluation.driver_name, evaluation.driver_id_masked = found_driver, name, masked
    if active:
        evaluation.verdicts.append(Verdict(Condition.DRIVER, True, _("%(name)s is on the pass.") % {"name": name}))
    else:
        evaluation.verdicts.append(
            Verdict(Condition.DRIVER, False, _("%(name)s no longer drives for the company.") % {"name": name})
        )
    linked = employee_id is not None and employee_active
    evaluation.verdicts.append(_health_verdict(employee_colour if linked else own_colour))
    days = int(parameter_value_at(LOGISTICS_ITINERARY_DAYS, region_path))
    evaluation.verdicts.append(_itinerary_verdict(found_driver, itinerary, days, today))
    hours = int(parameter_value_at(LOGISTICS_NEGATIVE_TEST_HOURS, region_path))
    negatives = [last_negative_at, certificate_at, employee_negative_at if linked else None]
    evaluation.verdicts.append(_test_verdict(negatives, last_test_at, last_result or "", hours, now))
    return evaluation
