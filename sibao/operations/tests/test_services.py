"""EN-3 writes: one report per enterprise and day, bad values refused naming the field, same-day corrections
(audit-logged), the late flag, and who may file for whom."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from conftest import Personas
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.operations.models import OperatingReport
from sibao.operations.services import operating_report_correct, operating_report_file
from sibao.operations.tests.factories import filed, values

pytestmark = pytest.mark.django_db


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_one_report_per_enterprise_per_day(personas: Personas) -> None:
    filed(personas.ent_a_user, personas.ent_a)
    with pytest.raises(StateRefused) as refused:
        filed(personas.tongxu_hq, personas.ent_a, status="halted", staff_on_site=0, capacity_percent=0)
    assert refused.value.code == "operations.report.duplicate" and refused.value.field == "day"
    assert OperatingReport.objects.filter(enterprise=personas.ent_a).count() == 1
    filed(personas.ent_a_user, personas.ent_a, day=timezone.localdate() - timedelta(days=1))  # another day is fine


@pytest.mark.parametrize(
    ("field", "bad", "words"),
    [
        ("capacity_percent", 130, "产能利用率"),
        ("staff_on_site", -3, "在岗人数"),
        ("staff_total", "很多", "职工总数"),
        ("raw_material_days", "-1", "原材料"),
        ("finished_goods_days", "2.55", "产成品"),
        ("output_month", "", "本月产值"),
        ("status", "busy", "生产状态"),
        ("problem_category", "weather", "问题类别"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(personas: Personas, field: str, bad: object, words: str) -> None:
    with pytest.raises(ServiceError) as refused:
        filed(personas.ent_a_user, personas.ent_a, **{field: bad})
    assert refused.value.field == field and refused.value.code == f"operations.report.{field}"
    assert words in refused.value.message  # the platform speaks Chinese by default
    assert not OperatingReport.objects.exists()


def test_more_on_site_than_in_total_is_refused_naming_the_field(personas: Personas) -> None:
    with pytest.raises(ServiceError) as refused:
        filed(personas.ent_a_user, personas.ent_a, staff_on_site=120, staff_total=100)
    assert refused.value.field == "staff_on_site" and refused.value.code == "operations.report.staff_over_total"
    assert "在岗人数" in refused.value.message and not OperatingReport.objects.exists()


def test_a_kind_of_problem_needs_the_problem_described(personas: Personas) -> None:
    with pytest.raises(ServiceError) as refused:
        filed(personas.ent_a_user, personas.ent_a, problem_category="raw_materials", main_problem=" ")
    assert refused.value.field == "main_problem" and refused.value.code == "operations.report.problem_missing"


def test_no_report_for_a_future_day(personas: Personas) -> None:
    with pytest.raises(ServiceError) as refused:
        filed(personas.ent_a_user, personas.ent_a, day=timezone.localdate() + timedelta(days=1))
    assert refused.value.field == "day"
    with pytest.raises(ServiceError) as refused:
        filed(personas.ent_a_user, personas.ent_a, day=date(1999, 12, 31))
    assert refused.value.field == "day" and "2000-01-01" in refused.value.message


def test_late_is_judged_by_the_region_deadline_when_filed(personas: Personas) -> None:
    on_time = operating_report_file(
        actor=personas.ent_a_user, enterprise=personas.ent_a, day=timezone.localdate(), values=values(), now=at(0, 9)
    )
    late = operating_report_file(
        actor=personas.ent_b_user,
        enterprise=personas.ent_b,
        day=timezone.localdate() - timedelta(days=1),
        values=values(),
        now=at(0, 9),  # yesterday's report, filed this morning
    )
    assert not on_time.late and late.late


def test_a_report_is_corrected_the_same_day_and_the_change_is_audited(personas: Personas) -> None:
    report = filed(personas.ent_a_user, personas.ent_a)
    corrected = operating_report_correct(
        actor=personas.ent_a_user, report=report, values=values(capacity_percent=40, status="reduced")
    )
    assert corrected.capacity_percent == 40 and corrected.status == "reduced"
    entry = LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["capacity_percent"] == ["85", "40"]
    assert entry.actor_id == personas.ent_a_user.pk


def test_a_past_report_stays_as_filed(personas: Personas) -> None:
    report = filed(personas.ent_a_user, personas.ent_a, day=timezone.localdate() - timedelta(days=1))
    with pytest.raises(StateRefused) as refused:
        operating_report_correct(actor=personas.ent_a_user, report=report, values=values(capacity_percent=10))
    assert refused.value.code == "operations.report.closed"
    report.refresh_from_db()
    assert report.capacity_percent == 85


def test_who_may_file_for_whom(personas: Personas) -> None:
    p = personas
    filed(p.tongxu_township, p.ent_a)  # its township's firm, on its behalf
    filed(p.tongxu_hq, p.ent_b)  # the county HQ office: any firm of the county
    for actor, enterprise in [
        (p.ent_a_user, p.ent_b),  # an enterprise only for itself
        (p.tongxu_township, p.ent_b),  # another township's firm
        (p.xinzheng_hq, p.ent_a),  # another county's
        (p.tongxu_epidemic, p.ent_xinzheng),  # reads, never files
        (p.tongxu_leader, p.ent_a),
    ]:
        with pytest.raises(PermissionRefused):
            filed(actor, enterprise, day=timezone.localdate() - timedelta(days=2))
    assert OperatingReport.objects.count() == 2


def test_values_are_stored_as_numbers(personas: Personas) -> None:
    report = filed(personas.ent_a_user, personas.ent_a, raw_material_days="7.5", output_month="1,234.50")
    report.refresh_from_db()
    assert report.raw_material_days == Decimal("7.5") and report.output_month == Decimal("1234.50")
