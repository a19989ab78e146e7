"""LG-2: the green channel only when every condition holds; each condition alone fails with its own message, on
both sides of every time boundary; forged and altered codes are refused; every check is recorded and counted per
checkpoint and day."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import region
from sibao.core.errors import ServiceError
from sibao.core.protected import digest
from sibao.epidemic import models as epidemic
from sibao.epidemic.models import CodeColour
from sibao.epidemic.services import employee_create
from sibao.health.models import CodeBasis, RiskLevel
from sibao.health.services import health_code_assign, risk_area_create
from sibao.logistics import services
from sibao.logistics.models import CONDITION_BITS, Condition, PassCheck
from sibao.logistics.selectors import checks_at
from sibao.logistics.tests.factories import World, next_id_number
from sibao.logistics.tokens import sign_code
from sibao.parameters.services import parameter_set

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def verdicts(result: Any) -> dict[str, tuple[bool | None, str]]:
    return {v.condition: (v.passed, v.message) for v in result.verdicts}


def only_failure(result: Any, condition: str) -> str:
    """The one failed condition's message, asserting nothing else failed."""
    assert result.failures == CONDITION_BITS[condition], verdicts(result)
    assert not result.green
    return verdicts(result)[condition][1]


def test_everything_in_order_is_the_green_channel(world: World) -> None:
    check_id, result = world.check(world.approved())
    assert result.green and result.failures == 0
    assert all(passed for passed, _message in verdicts(result).values())
    assert result.driver_name == world.driver.name and result.driver_id_masked == world.driver.id_masked
    row = PassCheck.objects.get(pk=check_id)
    assert (row.checkpoint_id, row.officer_id, row.driver_id, row.failures) == (
        world.checkpoint.pk,
        world.officer.pk,
        world.driver.pk,
        0,
    )
    assert row.day == timezone.localdate(row.checked_at)


def test_the_driver_may_be_named_by_id_number(world: World) -> None:
    _check_id, result = world.check(world.approved(), id_number=world.driver_number.lower())
    assert result.green


# --- 1. the pass, valid today (local calendar) --------------------------------------------------------------


class TestPassValidToday:
    def test_first_and_last_day_count(self, world: World) -> None:
        vehicle_pass = world.approved()
        today = timezone.localdate()
        world.dates(vehicle_pass, today, today)
        assert world.check(vehicle_pass)[1].green

    def test_before_the_first_day(self, world: World) -> None:
        vehicle_pass = world.approved()
        tomorrow = timezone.localdate() + timedelta(days=1)
        world.dates(vehicle_pass, tomorrow, tomorrow + timedelta(days=3))
        message = only_failure(world.check(vehicle_pass)[1], Condition.PASS)
        assert "生效" in message and tomorrow.isoformat() in message

    def test_after_the_last_day(self, world: World) -> None:
        vehicle_pass = world.approved()
        yesterday = timezone.localdate() - timedelta(days=1)
        world.dates(vehicle_pass, yesterday - timedelta(days=3), yesterday)
        message = only_failure(world.check(vehicle_pass)[1], Condition.PASS)
        assert "过期" in message and yesterday.isoformat() in message

    def test_the_day_ends_at_local_midnight(self, world: World) -> None:
        vehicle_pass = world.approved()
        day = timezone.localdate()
        world.dates(vehicle_pass, day - timedelta(days=1), day)
        last_moment = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)
        next_day = last_moment + timedelta(seconds=1)
        # The test certificate would be old by then: judge the calendar alone.
        world.driver.certificate_sampled_at = None
        epidemic.TestResult.objects.create(
            id_digest=world.driver.id_digest,
            sampled_at=last_moment - timedelta(hours=1),
            result=epidemic.TestOutcome.NEGATIVE,
        )
        assert world.check(vehicle_pass, now=last_moment)[1].green
        only_failure(world.check(vehicle_pass, now=next_day)[1], Condition.PASS)

    def test_not_yet_approved(self, world: World) -> None:
        message = only_failure(world.check(world.application())[1], Condition.PASS)
        assert "尚未批准" in message

    def test_revoked(self, world: World) -> None:
        vehicle_pass = services.pass_decide(
            actor=world.group, vehicle_pass=world.approved(), action="revoke", reason="车辆转让"
        )
        assert "注销" in only_failure(world.check(vehicle_pass)[1], Condition.PASS)


# --- the code itself ------------------------------------------------------------------------------------------


class TestForgedCodes:
    def test_an_altered_code_is_refused(self, world: World) -> None:
        vehicle_pass = world.approved()
        token = sign_code(vehicle_pass.code)
        code, signature = token.split(".")
        altered = ("A" if code[0] != "A" else "B") + code[1:] + "." + signature
        _id, result = world.check(None, token=altered)
        assert "伪造" in only_failure(result, Condition.PASS)
        assert {v.condition: v.passed for v in result.verdicts}[Condition.DRIVER] is None  # not checked

    def test_a_forged_signature_is_refused(self, world: World) -> None:
        vehicle_pass = world.approved()
        code = vehicle_pass.code
        for forged in (f"{code}.{'x' * 43}", code, f"{code}.", "", "https://evil.example/?t=abc.def"):
            _id, result = world.check(None, token=forged)
            assert "伪造" in only_failure(result, Condition.PASS), forged

    def test_a_code_signed_with_another_key_is_refused(self, world: World, settings: Any) -> None:
        vehicle_pass = world.approved()
        settings.SIBAO_PASS_SIGNING_KEY = "someone-elses-key"
        token = sign_code(vehicle_pass.code)
        settings.SIBAO_PASS_SIGNING_KEY = "sibao-test-key"
        assert "伪造" in only_failure(world.check(None, token=token)[1], Condition.PASS)

    def test_the_url_the_qr_code_holds_is_accepted(self, world: World) -> None:
        vehicle_pass = world.approved()
        url = f"http://testserver/logistics/check/?t={sign_code(vehicle_pass.code)}"
        assert world.check(None, token=url)[1].green

    def test_a_genuine_signature_of_an_unknown_code(self, world: World) -> None:
        _id, result = world.check(None, token=sign_code("not-a-pass-code"))
        assert "不存在" in only_failure(result, Condition.PASS)

    def test_forged_checks_are_recorded_too(self, world: World) -> None:
        check_id, _result = world.check(None, token="garbage")
        row = PassCheck.objects.get(pk=check_id)
        assert row.vehicle_pass_id is None and row.failures == CONDITION_BITS[Condition.PASS]


# --- 2. the driver on the pass -------------------------------------------------------------------------------


class TestDriverOnThePass:
    def test_someone_else(self, world: World) -> None:
        _id, result = world.check(world.approved(), id_number=next_id_number())
        assert "不在本通行证" in only_failure(result, Condition.DRIVER)

    def test_a_driver_of_the_company_not_named_on_this_pass(self, world: World) -> None:
        other, _number = world.driver_with(tested=timezone.now())
        _id, result = world.check(world.approved(), driver_id=other.pk)
        only_failure(result, Condition.DRIVER)

    def test_a_driver_who_left(self, world: World) -> None:
        vehicle_pass = world.approved()
        services.driver_set_active(actor=world.company_user, driver=world.driver, active=False)
        assert world.driver.name in only_failure(world.check(vehicle_pass)[1], Condition.DRIVER)

    def test_nobody_named(self, world: World) -> None:
        _id, result = world.check(world.approved(), id_number="")
        only_failure(result, Condition.DRIVER)


# --- 3. the health code ----------------------------------------------------------------------------------------


class TestHealthCode:
    @pytest.mark.parametrize(("colour", "word"), [(CodeColour.YELLOW, "黄码"), (CodeColour.RED, "红码")])
    def test_red_or_yellow_fails_every_check_until_green(self, world: World, colour: str, word: str) -> None:
        vehicle_pass = world.approved()
        services.driver_record_health(actor=world.company_user, driver=world.driver, health_code=colour)
        for _ in range(2):
            assert word in only_failure(world.check(vehicle_pass)[1], Condition.HEALTH_CODE)
        services.driver_record_health(actor=world.company_user, driver=world.driver, health_code=CodeColour.GREEN)
        assert world.check(vehicle_pass)[1].green

    def test_never_recorded(self, world: World) -> None:
        driver, _number = world.driver_with(colour="", tested=timezone.now())
        _id, result = world.check(world.approved(drivers=[driver]), driver_id=driver.pk)
        assert "未登记" in only_failure(result, Condition.HEALTH_CODE)

    def test_an_employee_drivers_code_comes_from_the_employee_record(self, world: World) -> None:
        number = next_id_number()
        employee = employee_create(
            actor=world.p.ent_a_user, enterprise=world.p.ent_a, data={"name": "王海军", "id_number": number}
        )
        driver, _number = world.driver_with(number=number, colour=CodeColour.YELLOW)
        assert driver.employee_id == employee.pk and driver.health_code == ""  # the employee record counts
        epidemic.TestResult.objects.create(
            id_digest=digest(number), sampled_at=timezone.now(), result=epidemic.TestOutcome.NEGATIVE
        )
        vehicle_pass = world.approved(drivers=[driver])
        assert world.check(vehicle_pass, driver_id=driver.pk)[1].green
        health_code_assign(actor=None, employee=employee, colour=CodeColour.RED, basis=CodeBasis.CLOSE_CONTACT)
        assert "红码" in only_failure(world.check(vehicle_pass, driver_id=driver.pk)[1], Condition.HEALTH_CODE)


# --- 4. the itinerary -------------------------------------------------------------------------------------------


class TestItinerary:
    def _risk(self, world: World, code: str = "410184", **dates: Any) -> None:
        risk_area_create(
            actor=world.p.tongxu_epidemic,
            data={
                "county": region(code),
                "level": RiskLevel.MEDIUM,
                "valid_from": dates.get("valid_from", timezone.localdate() - timedelta(days=30)),
                "valid_until": dates.get("valid_until"),
            },
        )

    def _checked_in_xinzheng(self, world: World, vehicle_pass: Any, days_ago: int) -> None:
        world.check(
            vehicle_pass,
            actor=world.other_officer,
            checkpoint_id=world.other_checkpoint.pk,
            now=timezone.now() - timedelta(days=days_ago),
        )

    @pytest.mark.parametrize(("days_ago", "green"), [(7, False), (8, True)])
    def test_a_checkpoint_in_a_risk_county_within_the_window(self, world: World, days_ago: int, green: bool) -> None:
        vehicle_pass = world.approved()
        self._risk(world)
        self._checked_in_xinzheng(world, vehicle_pass, days_ago)
        _id, result = world.check(vehicle_pass)
        if green:
            assert result.green, verdicts(result)
        else:
            message = only_failure(result, Condition.ITINERARY)
            assert "新郑市" in message and "中风险" in message and "7" in message

    @pytest.mark.parametrize(("ended_days_ago", "green"), [(3, True), (2, False)])
    def test_an_area_lifted_before_the_visit_does_not_count(
        self, world: World, ended_days_ago: int, green: bool
    ) -> None:
        vehicle_pass = world.approved()
        self._risk(world, valid_until=timezone.localdate() - timedelta(days=ended_days_ago))
        self._checked_in_xinzheng(world, vehicle_pass, 2)
        assert world.check(vehicle_pass)[1].green is green

    def test_an_area_declared_after_the_visit_counts(self, world: World) -> None:
        vehicle_pass = world.approved()
        self._checked_in_xinzheng(world, vehicle_pass, 4)
        self._risk(world, valid_from=timezone.localdate() - timedelta(days=1))
        only_failure(world.check(vehicle_pass)[1], Condition.ITINERARY)

    def test_the_itinerary_card_counties_count(self, world: World) -> None:
        vehicle_pass = world.approved()
        self._risk(world)
        assert world.check(vehicle_pass, itinerary="通许县, 410225")[1].green
        only_failure(world.check(vehicle_pass, itinerary="杞县、新郑市")[1], Condition.ITINERARY)
        only_failure(world.check(vehicle_pass, itinerary=["410184"])[1], Condition.ITINERARY)

    def test_an_unknown_place_is_refused_naming_it(self, world: World) -> None:
        with pytest.raises(ServiceError) as refused:
            world.check(world.approved(), itinerary="火星县")
        assert refused.value.field == "itinerary" and "火星县" in refused.value.message


# --- 5. the negative test ---------------------------------------------------------------------------------------


class TestNegativeTest:
    @pytest.mark.parametrize(("age", "green"), [(timedelta(hours=48), True), (timedelta(hours=48, seconds=1), False)])
    def test_forty_eight_hours(self, world: World, age: timedelta, green: bool) -> None:
        now = timezone.now()
        driver, _number = world.driver_with(tested=now - age)
        _id, result = world.check(world.approved(drivers=[driver]), driver_id=driver.pk, now=now)
        if green:
            assert result.green, verdicts(result)
        else:
            assert "48" in only_failure(result, Condition.TEST)

    def test_no_test_at_all(self, world: World) -> None:
        driver, _number = world.driver_with()
        _id, result = world.check(world.approved(drivers=[driver]), driver_id=driver.pk)
        assert "没有核酸阴性记录" in only_failure(result, Condition.TEST)

    def test_an_imported_result_counts(self, world: World) -> None:
        driver, number = world.driver_with()
        epidemic.TestResult.objects.create(
            id_digest=digest(number),
            sampled_at=timezone.now() - timedelta(hours=5),
            result=epidemic.TestOutcome.NEGATIVE,
        )
        assert world.check(world.approved(drivers=[driver]), driver_id=driver.pk)[1].green

    def test_a_positive_result_after_the_negative_one_fails(self, world: World) -> None:
        epidemic.TestResult.objects.create(
            id_digest=world.driver.id_digest,
            sampled_at=timezone.now() - timedelta(hours=1),
            result=epidemic.TestOutcome.POSITIVE,
        )
        assert "阳性" in only_failure(world.check(world.approved())[1], Condition.TEST)

    def test_a_negative_result_after_the_positive_one_counts(self, world: World) -> None:
        driver, number = world.driver_with()
        for hours, outcome in ((3, epidemic.TestOutcome.POSITIVE), (1, epidemic.TestOutcome.NEGATIVE)):
            epidemic.TestResult.objects.create(
                id_digest=digest(number), sampled_at=timezone.now() - timedelta(hours=hours), result=outcome
            )
        _id, result = world.check(world.approved(drivers=[driver]), driver_id=driver.pk)
        assert result.green, verdicts(result)

    def test_the_hours_are_the_checkpoint_regions_parameter(self, world: World) -> None:
        now = timezone.now()
        driver, _number = world.driver_with(tested=now - timedelta(hours=30))
        vehicle_pass = world.approved(drivers=[driver])
        parameter_set(actor=world.p.admin, key="logistics.negative_test_hours", region=region("410222"), value=24)
        assert "24" in only_failure(world.check(vehicle_pass, driver_id=driver.pk, now=now)[1], Condition.TEST)
        _id, at_xinzheng = world.check(
            vehicle_pass,
            driver_id=driver.pk,
            now=now,
            actor=world.other_officer,
            checkpoint_id=world.other_checkpoint.pk,
        )
        assert at_xinzheng.green


# --- recording and counting -------------------------------------------------------------------------------------


def test_every_check_is_recorded_and_counted_per_checkpoint_and_day(world: World) -> None:
    vehicle_pass = world.approved()
    world.check(vehicle_pass)
    world.check(vehicle_pass, id_number=next_id_number())
    world.check(None, token="forged")
    world.check(vehicle_pass, actor=world.other_officer, checkpoint_id=world.other_checkpoint.pk)
    today = timezone.localdate()
    assert checks_at(world.checkpoint.pk, today) == {"checks": 3, "green": 1}
    assert checks_at(world.other_checkpoint.pk, today) == {"checks": 1, "green": 1}
    assert checks_at(world.checkpoint.pk, today - timedelta(days=1)) == {"checks": 0, "green": 0}


def test_an_officer_checks_only_at_checkpoints_of_its_area(world: World) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        world.check(world.approved(), actor=world.other_officer)  # 新郑市's officer at 通许县's checkpoint
    assert not PassCheck.objects.exists()


def test_a_checkpoint_out_of_operation_or_unknown_checks_nothing(world: World) -> None:
    """The checkpoint's scope and state are judged on the row the scan reads (issue 13): still 404."""
    from django.http import Http404

    from sibao.logistics.models import Checkpoint

    vehicle_pass = world.approved()
    Checkpoint.objects.filter(pk=world.checkpoint.pk).update(is_active=False)
    with pytest.raises(Http404):
        world.check(vehicle_pass)
    with pytest.raises(Http404):
        world.check(vehicle_pass, checkpoint_id=world.checkpoint.pk + 1000)
    assert not PassCheck.objects.exists()


def test_the_check_reads_a_handful_of_queries(world: World, django_assert_max_num_queries: Any) -> None:
    vehicle_pass = world.approved()
    token = sign_code(vehicle_pass.code)
    officer = type(world.officer).objects.select_related("region").get(pk=world.officer.pk)
    # Issue 13: the itinerary card's counties; one statement for the checkpoint, the pass, the driver, the tests,
    # the risk areas of the itinerary and both rule parameters' overrides; the record.
    with django_assert_max_num_queries(3):
        _id, result = services.pass_check(
            actor=officer, checkpoint_id=world.checkpoint.pk, token=token, driver_id=world.driver.pk, itinerary="杞县"
        )
    assert result.green


def test_in_emergency_the_checkpoints_region_reads_the_emergency_hours(world: World) -> None:
    """The check's parameters are read in one statement (issue 13) and still follow the region's state (EM-1)."""
    from sibao.emergency.services import emergency_switch
    from sibao.parameters.models import ParameterOverride

    now = timezone.now()
    driver, _number = world.driver_with(tested=now - timedelta(hours=30))
    vehicle_pass = world.approved(drivers=[driver])
    ParameterOverride.objects.create(
        key="logistics.negative_test_hours", region=region("410222"), state="emergency", value=24
    )
    assert world.check(vehicle_pass, driver_id=driver.pk, now=now)[1].green  # normal state: 48 hours
    emergency_switch(
        actor=world.p.tongxu_hq,
        region=region("410222"),
        reason="发现本土阳性病例，全县进入应急状态",
        document_number="通防指〔2022〕3号",
    )
    message = only_failure(world.check(vehicle_pass, driver_id=driver.pk, now=timezone.now())[1], Condition.TEST)
    assert "24" in message
