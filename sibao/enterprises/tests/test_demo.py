"""EN-1, EN-2: the demo registry is plausible, valid, spread over the seed counties, and idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.db.models import Q

from sibao.core.sectors import Sector
from sibao.core.validators import normalise_uscc
from sibao.enterprises.demo import COUNTIES, REFERENCE_DATE, build_demo, load_demo_enterprises, seed_townships
from sibao.enterprises.models import (
    CreditStatus,
    Enterprise,
    EnterpriseRecord,
    EntityKind,
    OperatingStatus,
    Pairing,
    PairingKind,
    SupplyChainLink,
)
from sibao.enterprises.search import name_initials
from sibao.regions.models import RegionLevel

pytestmark = pytest.mark.django_db
COUNTY_CODES = {county.code for county in COUNTIES}


@pytest.fixture
def demo(reference_data: None) -> dict[str, int]:
    return load_demo_enterprises()


def county_of(enterprise: Enterprise) -> str:
    return enterprise.uscc[2:8]


def test_generator_is_deterministic(reference_data: None) -> None:
    townships = seed_townships()
    first, second = build_demo(townships), build_demo(townships)
    assert [(spec.fields, spec.region_code) for spec in first.enterprises] == [
        (spec.fields, spec.region_code) for spec in second.enterprises
    ]
    assert (first.records, first.links, first.pairings) == (second.records, second.links, second.pairings)


def test_counts_and_spread(demo: dict[str, int]) -> None:
    enterprises = list(Enterprise.objects.all())
    assert demo["enterprises"] == len(enterprises) >= 300
    per_county = Counter(county_of(enterprise) for enterprise in enterprises)
    per_sector = Counter(enterprise.sector for enterprise in enterprises)
    per_pair = Counter((county_of(enterprise), enterprise.sector) for enterprise in enterprises)
    assert set(per_county) == COUNTY_CODES
    assert min(per_county.values()) >= 50
    assert set(per_sector) == set(Sector.values)
    assert min(per_sector.values()) >= 20
    for code in COUNTY_CODES:
        for sector in Sector.values:
            assert per_pair[(code, sector)] > 0, (code, sector)
    assert len({enterprise.name for enterprise in enterprises}) == len(enterprises)


def test_codes_are_valid_and_rows_pass_model_validation(demo: dict[str, int]) -> None:
    for enterprise in Enterprise.objects.all():
        assert normalise_uscc(enterprise.uscc) == enterprise.uscc
        assert not enterprise.uscc[8:].startswith("T")  # the test factories' space
        enterprise.full_clean()  # choices, lengths, validators, unique code
        assert enterprise.name_initials == name_initials(enterprise.name)
        assert enterprise.name_pinyin


def test_every_enterprise_sits_in_a_township_of_its_county(demo: dict[str, int]) -> None:
    for enterprise in Enterprise.objects.select_related("region__parent"):
        region = enterprise.region
        assert region.level == RegionLevel.TOWNSHIP, enterprise
        assert region.parent is not None and region.parent.code == county_of(enterprise), enterprise
        assert region.code.startswith(county_of(enterprise))
        assert region.is_active


def test_values_are_positive_and_kinds_consistent(demo: dict[str, int]) -> None:
    for enterprise in Enterprise.objects.all():
        is_project = enterprise.kind == EntityKind.KEY_PROJECT
        assert is_project == (enterprise.sector == Sector.KEY_PROJECT), enterprise
        if is_project:
            assert enterprise.investment > 0, enterprise
            assert enterprise.name.endswith("项目")
        else:
            assert enterprise.output_value > 0, enterprise
            assert enterprise.name.endswith("有限公司")
        assert enterprise.value_for_coverage > 0
        assert enterprise.employee_count > 0
        assert enterprise.legal_representative and enterprise.contact_name
        assert len(enterprise.contact_phone) == 11 and enterprise.contact_phone.startswith("1")


def test_values_are_skewed_and_flags_plausible(demo: dict[str, int]) -> None:
    industry = list(Enterprise.objects.filter(sector=Sector.INDUSTRY).order_by("-output_value"))
    values = [enterprise.output_value for enterprise in industry]
    total = sum(values, Decimal(0))
    assert sum(values[: len(values) // 10], Decimal(0)) > total * Decimal("0.3")  # a few big ones
    assert values[len(values) // 2] < total / len(values)  # median below mean
    big = [enterprise for enterprise in industry if enterprise.output_value >= 2000]
    assert sum(enterprise.above_designated_size for enterprise in big) > len(big) * 0.8
    assert not any(enterprise.above_designated_size for enterprise in industry if enterprise.output_value < 2000)
    assert Enterprise.objects.filter(specialised_sme=True).count() >= 5
    assert Enterprise.objects.filter(leader_linked=True).count() >= 10
    assert Enterprise.objects.filter(livelihood=True).exclude(sector=Sector.COMMERCE).count() == 0
    assert Enterprise.objects.filter(livelihood=True).count() >= 10
    assert Enterprise.objects.filter(city_operation=True).count() >= 10
    # About 5 % are not whitelist material today (bad credit, not operating, not compliant).
    troubled = Enterprise.objects.filter(
        Q(credit_status=CreditStatus.DISHONEST)
        | ~Q(operating_status=OperatingStatus.OPERATING)
        | Q(environmental_compliant=False)
        | Q(safety_compliant=False)
    ).count()
    assert 0.02 < troubled / Enterprise.objects.count() < 0.1


def test_records_links_and_pairings(demo: dict[str, int]) -> None:
    records = list(EnterpriseRecord.objects.all())
    assert demo["records"] == len(records) >= 12
    three_years_ago = REFERENCE_DATE - timedelta(days=3 * 365)
    assert any(record.occurred_on >= three_years_ago for record in records)
    assert any(record.occurred_on < three_years_ago for record in records)
    assert all(REFERENCE_DATE - timedelta(days=5 * 366) <= record.occurred_on <= REFERENCE_DATE for record in records)
    assert len({record.severity for record in records}) >= 2

    links = list(SupplyChainLink.objects.select_related("supplier", "customer"))
    assert demo["supply_links"] == len(links) >= 50
    assert all(link.customer.sector == Sector.INDUSTRY for link in links)
    same_county = sum(county_of(link.supplier) == county_of(link.customer) for link in links)
    assert same_county > len(links) * 0.6

    pairings = list(Pairing.objects.select_related("enterprise", "partner"))
    assert demo["pairings"] == len(pairings) >= 25
    assert {pairing.kind for pairing in pairings} == set(PairingKind.values)
    partner_sector = {
        PairingKind.TRANSPORT: Sector.TRANSPORT,
        PairingKind.COMMERCE: Sector.COMMERCE,
        PairingKind.ACCOMMODATION_CATERING: Sector.COMMERCE,
    }
    for pairing in pairings:
        assert pairing.enterprise.sector in {Sector.INDUSTRY, Sector.CULTURE_TOURISM, Sector.KEY_PROJECT}
        assert pairing.partner.sector == partner_sector[PairingKind(pairing.kind)]
        if pairing.kind == PairingKind.ACCOMMODATION_CATERING:
            assert any(word in pairing.partner.name for word in ("餐饮", "酒店", "宾馆")), pairing.partner


def test_second_load_creates_nothing_and_keeps_edits(demo: dict[str, int]) -> None:
    edited = Enterprise.objects.order_by("uscc").first()
    assert edited is not None
    Enterprise.objects.filter(pk=edited.pk).update(name="演示中改过的名称有限公司", employee_count=1)
    before: dict[str, Any] = {
        "enterprises": Enterprise.objects.count(),
        "records": EnterpriseRecord.objects.count(),
        "links": SupplyChainLink.objects.count(),
        "pairings": Pairing.objects.count(),
    }
    out = StringIO()
    again = load_demo_enterprises(stdout=out)
    assert again == {"enterprises": 0, "records": 0, "supply_links": 0, "pairings": 0}
    assert "新建 0 家" in out.getvalue()
    assert before == {
        "enterprises": Enterprise.objects.count(),
        "records": EnterpriseRecord.objects.count(),
        "links": SupplyChainLink.objects.count(),
        "pairings": Pairing.objects.count(),
    }
    edited.refresh_from_db()
    assert (edited.name, edited.employee_count) == ("演示中改过的名称有限公司", 1)


def test_a_deleted_demo_enterprise_comes_back(demo: dict[str, int]) -> None:
    victim = Enterprise.objects.filter(pairings__isnull=False).order_by("uscc").first()
    assert victim is not None
    uscc, pairings = victim.uscc, victim.pairings.count()
    victim.delete()
    again = load_demo_enterprises()
    assert again["enterprises"] == 1 and again["pairings"] >= pairings
    assert Enterprise.objects.get(uscc=uscc).pairings.count() == pairings
