"""EP-3 零报告/日报告 (001#annex2-二.6, 003#一.3/一.18): one report per enterprise and day, a zero report
counts, symptoms raise warnings, and missing reports raise a warning after the region's deadline hour."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conftest import Personas, region
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.health.models import DailyReport
from sibao.health.selectors import enterprises_missing_report
from sibao.health.services import daily_report_correct, daily_report_file, missing_report_sweep
from sibao.health.tests.factories import employee, whitelist_ent_a
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import EPIDEMIC_DAILY_REPORT_DEADLINE_HOUR
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus

pytestmark = pytest.mark.django_db


def at(day: object, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute))  # type: ignore[arg-type]


def test_a_zero_report_is_a_report_and_takes_the_enterprise_off_the_missing_list(personas: Personas) -> None:
    whitelist_ent_a(personas)
    today = timezone.localdate()
    missing = enterprises_missing_report(user=personas.tongxu_epidemic, day=today)
    assert list(missing) == [personas.ent_a]
    report = daily_report_file(actor=personas.ent_a_user, enterprise=personas.ent_a, day=today, people_on_site=120)
    assert report.is_zero and report.symptom_count == 0
    assert not enterprises_missing_report(user=personas.tongxu_epidemic, day=today).exists()


def test_a_second_report_for_the_same_day_is_refused_and_today_s_can_be_corrected(personas: Personas) -> None:
    today = timezone.localdate()
    report = daily_report_file(actor=personas.ent_a_user, enterprise=personas.ent_a, day=today, people_on_site=10)
    with pytest.raises(ServiceError) as refused:
        daily_report_file(actor=personas.tongxu_epidemic, enterprise=personas.ent_a, day=today, people_on_site=11)
    assert refused.value.code == "health.report.duplicate" and refused.value.status == 409
    assert today.isoformat() in refused.value.message
    daily_report_correct(actor=personas.ent_a_user, report=report, people_on_site=11)
    assert DailyReport.objects.get().people_on_site == 11


def test_the_task_force_files_on_behalf_but_another_enterprise_may_not(personas: Personas) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionRefused):
        daily_report_file(actor=personas.ent_b_user, enterprise=personas.ent_a, day=today, people_on_site=1)
    with pytest.raises(PermissionRefused):  # township officers only read
        daily_report_file(actor=personas.tongxu_township, enterprise=personas.ent_a, day=today, people_on_site=1)
    report = daily_report_file(actor=personas.tongxu_epidemic, enterprise=personas.ent_a, day=today, people_on_site=3)
    assert report.filed_by == personas.tongxu_epidemic


def test_people_with_symptoms_raise_a_warning_each(personas: Personas) -> None:
    today = timezone.localdate()
    ill, coughing, well = (employee(personas.ent_a, name) for name in ("李发热", "赵咳嗽", "钱健康"))
    report = daily_report_file(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        day=today,
        people_on_site=30,
        symptoms={ill.pk: ["fever", "fatigue"], coughing.pk: ["cough"]},
    )
    assert report.symptom_count == 2 and not report.is_zero
    warnings = SentinelWarning.objects.filter(kind=WarningKind.SYMPTOMS, status=WarningStatus.OPEN)
    assert {w.subject_key for w in warnings} == {f"symptoms:{ill.pk}:{today}", f"symptoms:{coughing.pk}:{today}"}
    assert {w.employee_id for w in warnings} == {ill.pk, coughing.pk}
    assert well.pk not in {w.employee_id for w in warnings}
    # A correction that takes someone off lifts theirs.
    daily_report_correct(actor=personas.ent_a_user, report=report, people_on_site=30, symptoms={ill.pk: ["fever"]})
    assert set(warnings.values_list("employee_id", flat=True)) == {ill.pk}


def test_symptoms_need_people_of_the_enterprise_and_a_symptom(personas: Personas) -> None:
    today = timezone.localdate()
    stranger = employee(personas.ent_b, "外企员工")
    with pytest.raises(ServiceError) as refused:
        daily_report_file(
            actor=personas.ent_a_user,
            enterprise=personas.ent_a,
            day=today,
            people_on_site=3,
            symptoms={stranger.pk: ["fever"]},
        )
    assert refused.value.field == "symptomatic"
    own = employee(personas.ent_a, "本企业员工")
    with pytest.raises(ServiceError) as refused:
        daily_report_file(
            actor=personas.ent_a_user, enterprise=personas.ent_a, day=today, people_on_site=3, symptoms={own.pk: []}
        )
    assert refused.value.field == "symptoms"
    with pytest.raises(ServiceError) as refused:
        daily_report_file(
            actor=personas.ent_a_user, enterprise=personas.ent_a, day=today + timedelta(days=1), people_on_site=3
        )
    assert refused.value.field == "day"
    assert not DailyReport.objects.exists()


def test_missing_reports_warn_after_the_deadline_hour_and_the_report_lifts_it(personas: Personas) -> None:
    whitelist_ent_a(personas)
    day = timezone.localdate()
    key = f"report:{personas.ent_a.pk}:{day}"
    open_warnings = SentinelWarning.objects.filter(kind=WarningKind.MISSING_DAILY_REPORT, status=WarningStatus.OPEN)
    # 12:00 is the seed's deadline (001#annex2-二.6 parameter default): 11:59 is still in time.
    assert missing_report_sweep(day, at(day, 11, 59)) == {"raised": 0, "lifted": 0}
    assert missing_report_sweep(day, at(day, 12, 0))["raised"] == 1
    assert missing_report_sweep(day, at(day, 13))["raised"] == 0  # one warning per signal
    assert list(open_warnings.values_list("subject_key", "enterprise_id")) == [(key, personas.ent_a.pk)]
    # ent_b is not whitelisted: it owes no report.
    assert not open_warnings.filter(enterprise=personas.ent_b).exists()
    daily_report_file(actor=personas.ent_a_user, enterprise=personas.ent_a, day=day, people_on_site=50)
    assert not open_warnings.exists()
    closed = SentinelWarning.objects.get(subject_key=key)
    assert closed.lifted and closed.status == WarningStatus.CLOSED


def test_the_deadline_hour_is_a_region_parameter(personas: Personas) -> None:
    whitelist_ent_a(personas)
    day = timezone.localdate()
    ParameterOverride.objects.create(key=EPIDEMIC_DAILY_REPORT_DEADLINE_HOUR.key, region=region("410222"), value=9)
    assert missing_report_sweep(day, at(day, 8, 59))["raised"] == 0
    assert missing_report_sweep(day, at(day, 9, 0))["raised"] == 1
