"""EP-6 overdue-test warnings (001#annex2-二.1/二.5): 47 h fine / 49 h warned for a normal post, 25 h warned
for logistics, the same people as the overdue list (whitelisted or not), lifted when the test arrives,
idempotent."""

from datetime import timedelta

import pytest

from conftest import Personas
from sibao.core.workflow import history
from sibao.epidemic.models import Employee, PostType
from sibao.epidemic.overdue import overdue_employee_list
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import EPIDEMIC_TEST_INTERVAL_HOURS
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus
from sibao.sentinel.sweeps import overdue_sweep
from sibao.sentinel.tests.helpers import NOW, person, whitelist

pytestmark = pytest.mark.django_db


def open_for(employee: Employee) -> bool:
    return SentinelWarning.objects.filter(
        employee=employee, kind=WarningKind.OVERDUE_TEST, status__in=["open", "handling"]
    ).exists()


def test_the_sweep_warns_everyone_the_overdue_list_shows(personas: Personas) -> None:
    whitelist(personas.ent_a, personas.tongxu_hq)
    fine = person(personas.ent_a, "41022219900101001", admin=personas.admin, tested_hours_ago=47)
    late = person(personas.ent_a, "41022219900101002", admin=personas.admin, tested_hours_ago=49)
    driver = person(
        personas.ent_a, "41022219900101003", admin=personas.admin, post=PostType.LOGISTICS, tested_hours_ago=25
    )
    never = person(personas.ent_a, "41022219900101004", admin=personas.admin)
    # Issue 9 #3: one rule for the list and the warnings; an enterprise not (yet) listed is tested all the same.
    not_listed = person(personas.ent_b, "41022219900101005", admin=personas.admin, tested_hours_ago=100)

    assert overdue_sweep(NOW) == {"raised": 4, "lifted": 0}
    assert not open_for(fine)
    assert open_for(late) and open_for(driver) and open_for(never) and open_for(not_listed)
    listed = overdue_employee_list(user=personas.tongxu_epidemic, now=NOW)
    assert set(listed.values_list("pk", flat=True)) == {late.pk, driver.pk, never.pk, not_listed.pk}
    warning = SentinelWarning.objects.get(employee=late)
    assert warning.subject_key == f"test:{late.pk}" and warning.enterprise_id == personas.ent_a.pk
    assert warning.raised_at == NOW and late.name in warning.detail

    # Idempotent: a second run at the same moment raises nothing.
    assert overdue_sweep(NOW) == {"raised": 0, "lifted": 0}
    assert SentinelWarning.objects.count() == 4


def test_the_warning_is_lifted_when_the_test_arrives(personas: Personas) -> None:
    whitelist(personas.ent_a, personas.tongxu_hq)
    late = person(personas.ent_a, "41022219900101002", admin=personas.admin, tested_hours_ago=49)
    other = person(personas.ent_a, "41022219900101006", admin=personas.admin, tested_hours_ago=60)
    overdue_sweep(NOW)
    Employee.objects.filter(pk=late.pk).update(last_negative_test_at=NOW - timedelta(hours=1))

    assert overdue_sweep(NOW) == {"raised": 0, "lifted": 1}
    warning = SentinelWarning.objects.get(employee=late)
    assert warning.status == WarningStatus.CLOSED and warning.lifted
    assert [row.action for row in history(warning)] == ["lift"]
    assert open_for(other)
    # Overdue again later: a new warning.
    assert overdue_sweep(NOW + timedelta(hours=50))["raised"] == 1
    assert SentinelWarning.objects.filter(employee=late).count() == 2


def test_leaving_the_enterprise_lifts_the_warning(personas: Personas) -> None:
    whitelist(personas.ent_a, personas.tongxu_hq)
    late = person(personas.ent_a, "41022219900101002", admin=personas.admin, tested_hours_ago=49)
    overdue_sweep(NOW)
    Employee.objects.filter(pk=late.pk).update(is_active=False)
    assert overdue_sweep(NOW)["lifted"] == 1


def test_the_cadence_is_that_of_the_enterprise_region(personas: Personas) -> None:
    """A county that sets 24 h for everyone: its enterprises are warned at 25 h, the others are not."""
    whitelist(personas.ent_a, personas.tongxu_hq)
    whitelist(personas.ent_xinzheng, personas.xinzheng_hq)
    ParameterOverride.objects.create(
        key=EPIDEMIC_TEST_INTERVAL_HOURS.key, region=personas.ent_a.region.parent, value=24
    )
    tongxu = person(personas.ent_a, "41022219900101007", admin=personas.admin, tested_hours_ago=25)
    xinzheng = person(personas.ent_xinzheng, "41022219900101008", admin=personas.admin, tested_hours_ago=25)
    overdue_sweep(NOW)
    assert open_for(tongxu) and not open_for(xinzheng)


def test_the_detail_names_the_person_and_the_last_negative_test(personas: Personas) -> None:
    from sibao.sentinel.sweeps import _detail

    whitelist(personas.ent_a, personas.tongxu_hq)
    late = person(personas.ent_a, "41022219900101002", admin=personas.admin, tested_hours_ago=49, name="李四")
    never = person(personas.ent_a, "41022219900101004", admin=personas.admin, name="张三")
    overdue_sweep(NOW)
    late.refresh_from_db()
    assert SentinelWarning.objects.get(employee=late).detail == _detail("李四", late.last_negative_test_at)
    assert SentinelWarning.objects.get(employee=never).detail == _detail("张三", None)
    assert "2022-05-08 11:00" in _detail("李四", late.last_negative_test_at)  # 49 h before 12:00 on the 10th
