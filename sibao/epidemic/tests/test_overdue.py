"""EP-2 cadence: 48 h for a normal post, 24 h for mobile/contact posts, daily in closed loop; never tested
is overdue; only a negative counts; lists are scoped per enterprise and region."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.core.summaries import refresh
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee, PostType
from sibao.epidemic.overdue import overdue_counts_by_enterprise, overdue_employee_list
from sibao.epidemic.services import employee_create
from sibao.epidemic.summaries import NAME as OVERDUE_SUMMARY
from sibao.epidemic.tests.test_employees import id_number

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2022, 5, 10, 12, 0))


def person(
    personas: Personas, body: str, *, post: str = PostType.NORMAL, tested_hours_ago: float | None, **kw: object
) -> Employee:
    enterprise = kw.get("enterprise", personas.ent_a)
    employee = employee_create(
        actor=personas.admin,
        enterprise=enterprise,  # type: ignore[arg-type]
        data={"name": f"员工{body[-3:]}", "id_number": id_number(body), "post_type": post},
    )
    if tested_hours_ago is not None:
        at = NOW - timedelta(hours=tested_hours_ago)
        Employee.objects.filter(pk=employee.pk).update(last_test_at=at, last_negative_test_at=at)
    return employee


def overdue_ids(personas: Personas, **kw: object) -> set[int]:
    return set(
        overdue_employee_list(user=personas.tongxu_epidemic, enterprise=personas.ent_a, now=NOW, **kw).values_list(  # type: ignore[arg-type]
            "pk", flat=True
        )
    )


def test_normal_post_is_fine_at_47_hours_and_overdue_at_49(personas: Personas) -> None:
    fine = person(personas, "41022219900101001", tested_hours_ago=47)
    late = person(personas, "41022219900101002", tested_hours_ago=49)
    assert overdue_ids(personas) == {late.pk}
    assert fine.pk not in overdue_ids(personas)


def test_a_logistics_post_is_overdue_at_25_hours(personas: Personas) -> None:
    driver = person(personas, "41022219900101003", post=PostType.LOGISTICS, tested_hours_ago=25)
    fresh = person(personas, "41022219900101004", post=PostType.SALES, tested_hours_ago=23)
    assert overdue_ids(personas) == {driver.pk}
    assert fresh.pk not in overdue_ids(personas)


def test_never_tested_is_overdue(personas: Personas) -> None:
    never = person(personas, "41022219900101005", tested_hours_ago=None)
    assert overdue_ids(personas) == {never.pk}


def test_closed_loop_production_is_daily(personas: Personas) -> None:
    worker = person(personas, "41022219900101006", tested_hours_ago=25)
    assert overdue_ids(personas) == set()
    Enterprise.objects.filter(pk=personas.ent_a.pk).update(closed_loop_mode="two_point")
    assert overdue_ids(personas) == {worker.pk}


def test_a_quiet_period_is_daily_until_it_ends(personas: Personas) -> None:
    newcomer = person(personas, "41022219900101012", tested_hours_ago=25)
    Employee.objects.filter(pk=newcomer.pk).update(quiet_period_until=NOW + timedelta(days=2))
    assert overdue_ids(personas) == {newcomer.pk}
    Employee.objects.filter(pk=newcomer.pk).update(quiet_period_until=NOW - timedelta(minutes=1))
    assert overdue_ids(personas) == set()


def test_only_a_negative_resets_the_clock(personas: Personas) -> None:
    employee = person(personas, "41022219900101007", tested_hours_ago=60)
    Employee.objects.filter(pk=employee.pk).update(last_test_at=NOW - timedelta(hours=1))  # a recent positive
    assert overdue_ids(personas) == {employee.pk}


def test_people_who_left_are_not_listed(personas: Personas) -> None:
    gone = person(personas, "41022219900101008", tested_hours_ago=None)
    Employee.objects.filter(pk=gone.pk).update(is_active=False)
    assert overdue_ids(personas) == set()


def test_region_lists_are_scoped(personas: Personas) -> None:
    a = person(personas, "41022219900101009", tested_hours_ago=None)
    b = person(personas, "41022219900101010", tested_hours_ago=None, enterprise=personas.ent_b)
    far = person(personas, "41022219900101011", tested_hours_ago=None, enterprise=personas.ent_xinzheng)
    county = set(overdue_employee_list(user=personas.tongxu_epidemic, now=NOW).values_list("pk", flat=True))
    assert county == {a.pk, b.pk}
    own = set(overdue_employee_list(user=personas.ent_b_user, now=NOW).values_list("pk", flat=True))
    assert own == {b.pk}
    province = set(overdue_employee_list(user=personas.henan_hq, now=NOW).values_list("pk", flat=True))
    assert far.pk in province
    refresh(OVERDUE_SUMMARY, NOW)  # the per-enterprise figures are the summary's (issue 10)
    counts = overdue_counts_by_enterprise(user=personas.tongxu_epidemic)
    assert {row["enterprise_id"]: row["overdue"] for row in counts} == {personas.ent_a.pk: 1, personas.ent_b.pk: 1}
