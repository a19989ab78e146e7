"""PO-4: each shipped formula on hand-made enterprises, to the yuan, on both sides of each threshold; the
explanation names the failing condition (PO-2)."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.policies.matching import reasons
from sibao.policies.models import PolicyMatch
from sibao.policies.services import facts_save
from sibao.policies.shipped import sampling_booth, tax_deferral, toll_reduction, unemployment_refund
from sibao.policies.tests.factories import published
from sibao.sentinel.tests.helpers import whitelist

pytestmark = pytest.mark.django_db


def enterprise(p: Personas, *, staff: int = 100, listed: bool = False, **facts: Any) -> Any:
    made = EnterpriseFactory(region=p.ent_a.region, employee_count=staff)
    if listed:
        whitelist(made, p.tongxu_hq)
    if facts:
        facts_save(actor=p.tongxu_hq, enterprise=made, data=facts)
    return made


def amount(policy: Any, made: Any) -> Decimal | None:
    match = PolicyMatch.objects.filter(policy=policy, enterprise=made, eligible=True).first()
    return match.estimated_amount if match else None


def failing(policy: Any, made: Any) -> list[str]:
    explanation = reasons(policy, made, today=timezone.localdate()).explanation
    assert explanation is not None
    return [leaf.label for leaf in explanation.failed_leaves()]


def test_sampling_booth_half_the_cost_split_seven_to_three(personas: Personas) -> None:
    p = personas
    big = enterprise(p, staff=1000, listed=True, booth_cost="123456.78")
    small = enterprise(p, staff=999, listed=True, booth_cost="123456.78")
    unlisted = enterprise(p, staff=5000, booth_cost="50000")
    no_booth = enterprise(p, staff=1200, listed=True)
    policy = published(p.henan_hq, sampling_booth)
    assert amount(policy, big) == Decimal("61728.39")  # 123,456.78 × 50 % = 61,728.39
    computation = reasons(policy, big, today=timezone.localdate()).computation
    assert computation is not None
    shares = {step.name: step.value for step in computation.steps}
    assert shares == {"subsidy": Decimal("61728.39"), "province": Decimal("43209.87"), "local": Decimal("18518.52")}
    assert amount(policy, small) is None
    assert failing(policy, small) == ["用工1000人以上"]
    assert amount(policy, unlisted) is None
    assert failing(policy, unlisted) == ["已列入“四保”白名单"]
    assert failing(policy, no_booth) == ["已自行配置核酸采样屋（有购置费用）"]


def test_unemployment_refund_below_five_percent_layoffs(personas: Personas) -> None:
    p = personas
    steady = enterprise(p, ui_insured=True, layoff_rate="4.99", ui_contributions="80000.01")
    at_five = enterprise(p, ui_insured=True, layoff_rate="5", ui_contributions="80000.01")
    uninsured = enterprise(p, ui_insured=False, layoff_rate="0", ui_contributions="1000")
    no_layoffs = enterprise(p, ui_insured=True, layoff_rate="0", ui_contributions="1")
    policy = published(p.henan_hq, unemployment_refund, at="410222")
    assert amount(policy, steady) == Decimal("40000.01")  # 40,000.005 rounds half up
    assert amount(policy, no_layoffs) == Decimal("0.50")
    assert amount(policy, at_five) is None
    assert failing(policy, at_five) == ["上年末裁员率低于5%"]
    assert failing(policy, uninsured) == ["参加失业保险"]


def test_tax_deferral_up_to_three_months(personas: Personas) -> None:
    p = personas
    long_ask = enterprise(p, tax_hardship=True, tax_deferral_amount="300000", tax_deferral_months=5)
    short_ask = enterprise(p, tax_hardship=True, tax_deferral_amount="2500.5", tax_deferral_months=2)
    no_hardship = enterprise(p, tax_hardship=False, tax_deferral_amount="300000", tax_deferral_months=3)
    policy = published(p.henan_hq, tax_deferral)
    assert amount(policy, long_ask) == Decimal("300000.00")
    months = {
        made.pk: reasons(policy, made, today=timezone.localdate()).computation.steps[0].value  # type: ignore[union-attr]
        for made in (long_ask, short_ask)
    }
    assert months == {long_ask.pk: Decimal("3.00"), short_ask.pk: Decimal("2.00")}
    assert amount(policy, short_ask) == Decimal("2500.50")
    assert failing(policy, no_hardship) == ["确有特殊困难不能按期缴纳税款"]


def test_toll_reduction_for_logistics_vehicles(personas: Personas) -> None:
    p = personas
    carrier = enterprise(p, listed=True, logistics_vehicles=3, monthly_toll="12000")
    cents = enterprise(p, listed=True, logistics_vehicles=1, monthly_toll="0.03")
    no_vehicles = enterprise(p, listed=True, logistics_vehicles=0, monthly_toll="12000")
    policy = published(p.henan_hq, toll_reduction)
    assert amount(policy, carrier) == Decimal("1800.00")  # 15 %
    assert amount(policy, cents) == Decimal("0.00")  # 0.0045 rounds to 0.00: still a match
    assert PolicyMatch.objects.filter(policy=policy, enterprise=cents, eligible=True).exists()
    assert failing(policy, no_vehicles) == ["有自有或固定外协物流车辆"]


def test_a_region_override_of_a_parameter_changes_the_amount_there_only(personas: Personas) -> None:
    from conftest import region
    from sibao.parameters.services import parameter_set

    p = personas
    here = enterprise(p, ui_insured=True, layoff_rate="1", ui_contributions="1000")
    elsewhere = EnterpriseFactory(region=p.ent_xinzheng.region)
    facts_save(actor=p.admin, enterprise=elsewhere, data={"ui_insured": True, "ui_contributions": "1000"})
    parameter_set(actor=p.admin, key="policies.ui_refund_percent", region=region("410222"), value="60")
    policy = published(p.henan_hq, unemployment_refund)
    assert amount(policy, here) == Decimal("600.00")
    assert amount(policy, elsewhere) == Decimal("500.00")
