"""EP-4: health codes with history and warnings, and the whitelist protection of 001#annex2-三.2 (no red
or yellow code for a whitelisted enterprise's employee except positive, close or secondary contact)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, region, township_of
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.epidemic.models import CodeColour
from sibao.health.models import CodeBasis, HealthCodeChange, RiskLevel
from sibao.health.selectors import risk_area_on
from sibao.health.services import health_code_assign, risk_area_create, risk_area_end
from sibao.health.tests.factories import employee, whitelist_ent_a
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("colour", [CodeColour.YELLOW, CodeColour.RED])
def test_whitelist_employees_are_protected_on_other_grounds(personas: Personas, colour: str) -> None:
    whitelist_ent_a(personas)
    person = employee(personas.ent_a)
    for basis in (CodeBasis.OTHER, CodeBasis.RISK_AREA_ARRIVAL):
        with pytest.raises(ServiceError) as refused:
            health_code_assign(actor=personas.tongxu_epidemic, employee=person, colour=colour, basis=basis)
        assert refused.value.code == "health.code.protected"
        assert "白名单" in refused.value.message or "whitelist" in refused.value.message
    person.refresh_from_db()
    assert person.health_code == CodeColour.GREEN and not HealthCodeChange.objects.exists()


@pytest.mark.parametrize("basis", [CodeBasis.POSITIVE, CodeBasis.CLOSE_CONTACT, CodeBasis.SECONDARY_CONTACT])
def test_whitelist_protection_gives_way_to_positive_and_contacts(personas: Personas, basis: str) -> None:
    whitelist_ent_a(personas)
    person = employee(personas.ent_a)
    change = health_code_assign(actor=personas.tongxu_epidemic, employee=person, colour=CodeColour.YELLOW, basis=basis)
    assert change is not None and change.from_colour == CodeColour.GREEN and change.to_colour == CodeColour.YELLOW
    person.refresh_from_db()
    assert person.health_code == CodeColour.YELLOW


def test_employees_of_an_enterprise_not_listed_are_coded_on_any_basis(personas: Personas) -> None:
    whitelist_ent_a(personas)
    person = employee(personas.ent_b)
    change = health_code_assign(
        actor=personas.tongxu_epidemic, employee=person, colour=CodeColour.RED, basis=CodeBasis.OTHER, note="研判"
    )
    assert change is not None and change.changed_by == personas.tongxu_epidemic and change.note == "研判"


def test_red_and_yellow_raise_a_warning_and_green_lifts_it_with_history(personas: Personas) -> None:
    person = employee(personas.ent_b)
    key = f"code:{person.pk}"
    health_code_assign(actor=None, employee=person, colour=CodeColour.YELLOW, basis=CodeBasis.SECONDARY_CONTACT)
    assert health_code_assign(actor=None, employee=person, colour=CodeColour.YELLOW, basis=CodeBasis.OTHER) is None
    health_code_assign(actor=personas.tongxu_epidemic, employee=person, colour=CodeColour.RED, basis=CodeBasis.POSITIVE)
    warning = SentinelWarning.objects.get(kind=WarningKind.HEALTH_CODE, subject_key=key)
    assert warning.status == WarningStatus.OPEN and warning.employee == person
    health_code_assign(actor=personas.tongxu_epidemic, employee=person, colour=CodeColour.GREEN, basis=CodeBasis.OTHER)
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED and warning.lifted
    history = list(
        HealthCodeChange.objects.filter(employee=person).order_by("pk").values_list("from_colour", "to_colour")
    )
    assert history == [("green", "yellow"), ("yellow", "red"), ("red", "green")]


def test_only_the_task_force_in_scope_assigns_codes(personas: Personas) -> None:
    person = employee(personas.ent_a)
    for actor in (personas.ent_a_user, personas.tongxu_hq):
        with pytest.raises(PermissionRefused):
            health_code_assign(actor=actor, employee=person, colour=CodeColour.RED, basis=CodeBasis.POSITIVE)
    from conftest import make_user
    from sibao.core.roles import Role

    xinzheng_epidemic = make_user("xz_epi", Role.EPIDEMIC, region=region("410184"))
    with pytest.raises(PermissionRefused):
        health_code_assign(actor=xinzheng_epidemic, employee=person, colour=CodeColour.RED, basis=CodeBasis.POSITIVE)


def test_risk_areas_count_in_their_dates_for_their_county_or_named_area(personas: Personas) -> None:
    today = timezone.localdate()
    erqi = region("410103")  # 郑州市二七区
    medium = risk_area_create(
        actor=personas.tongxu_epidemic,
        data={"county": erqi, "level": RiskLevel.MEDIUM, "valid_from": today - timedelta(days=3), "source": "示例"},
    )
    assert risk_area_on(erqi, today) == medium
    assert risk_area_on(township_of("410103"), today) == medium  # a township of the county
    assert risk_area_on(erqi, today - timedelta(days=4)) is None
    risk_area_end(actor=personas.tongxu_epidemic, area=medium, until=today - timedelta(days=1))
    assert risk_area_on(erqi, today) is None
    assert risk_area_on(erqi, today - timedelta(days=1)) == medium
    zhongmu = region("410122")  # 中牟县
    static = risk_area_create(
        actor=personas.tongxu_epidemic,
        data={"county": zhongmu, "area_name": "某某小区", "level": RiskLevel.STATIC, "valid_from": today},
    )
    assert risk_area_on(zhongmu, today) is None
    assert risk_area_on(zhongmu, today, area="中牟县 某某小区 3号楼") == static
    with pytest.raises(PermissionRefused):
        risk_area_create(actor=personas.tongxu_hq, data={"county": erqi, "level": "high", "valid_from": today})
    with pytest.raises(ServiceError) as refused:
        risk_area_create(
            actor=personas.tongxu_epidemic, data={"county": region("410100"), "level": "high", "valid_from": today}
        )
    assert refused.value.field == "county"
