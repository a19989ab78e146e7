"""Issue 10: WL-6 coverage is read from a maintained summary (``whitelist.summaries``). It must equal the live
aggregate (``selectors.coverage_direct``) on a hand-made data set — for a region and for each of its children —
after a rebuild, right after each whitelist change (listing, removal), and after the rebuild the page says it
waits for when the registry itself changed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import Personas, client_for, region
from sibao.core.sectors import Sector
from sibao.core.summaries import refresh
from sibao.enterprises.models import Enterprise, EntityKind
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.regions.models import Region
from sibao.whitelist import selectors, services
from sibao.whitelist.models import CoverageFigures, Removal
from sibao.whitelist.summaries import NAME
from sibao.whitelist.tests.flows import listed_through_services

pytestmark = pytest.mark.django_db

FIELDS = ("sector", "total", "listed", "enterprise_count", "listed_count", "target_percent", "percent", "meets_target")


def figures(rows: list[selectors.SectorCoverage]) -> list[tuple[object, ...]]:
    return [tuple(getattr(row, name) for name in FIELDS) for row in rows]


def assert_summary_is_direct(*codes: str) -> None:
    """Each region's coverage, and each of its children's, equals the live aggregate over the registry."""
    for code in codes:
        place = region(code)
        assert figures(selectors.coverage(place, gap_limit=0)) == figures(selectors.coverage_direct(place)), code
        for child in selectors.coverage_of_children(place):
            assert figures(child["rows"]) == figures(selectors.coverage_direct(child["region"])), child["region"]


@pytest.fixture
def registry(personas: Personas) -> Personas:
    """A small registry: ent_a (industry, 1,000), a smaller firm beside it, a key project counted by its
    investment, a deregistered firm (not counted), ent_b (commerce) and ent_xinzheng (another city)."""
    EnterpriseFactory(name="通许县小五金厂", region=personas.ent_a.region, sector=Sector.INDUSTRY, output_value=300)
    EnterpriseFactory(
        name="通许县物流园项目",
        region=personas.ent_a.region,
        sector=Sector.KEY_PROJECT,
        kind=EntityKind.KEY_PROJECT,
        output_value=0,
        investment=Decimal("2500.50"),
    )
    EnterpriseFactory(
        name="通许县已注销机械厂",
        region=personas.ent_b.region,
        sector=Sector.INDUSTRY,
        output_value=9000,
        operating_status="deregistered",
    )
    refresh(NAME)
    return personas


CODES = ("410000", "410200", "410222", "410184")


def test_summary_equals_the_live_aggregate_after_the_rebuild(registry: Personas) -> None:
    assert_summary_is_direct(*CODES)
    tongxu = {row.sector: row for row in selectors.coverage(region("410222"), gap_limit=0)}
    # Not vacuous: the deregistered firm is left out, the key project counts its investment.
    assert (tongxu[Sector.INDUSTRY].total, tongxu[Sector.INDUSTRY].enterprise_count) == (Decimal("1300"), 2)
    assert tongxu[Sector.KEY_PROJECT].total == Decimal("2500.50")
    assert CoverageFigures.objects.filter(region=registry.ent_a.region).count() == 2  # industry, key project


def test_a_listing_and_a_removal_show_at_once(registry: Personas) -> None:
    personas = registry
    listing = listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq)
    # No rebuild in between: the batch publication rewrote the summary rows it changed.
    assert_summary_is_direct(*CODES)
    industry = selectors.coverage(region("410222"), sectors=[Sector.INDUSTRY], gap_limit=0)[0]
    assert (industry.listed, industry.listed_count, industry.percent) == (Decimal("1000"), 1, Decimal("76.92"))
    province = selectors.coverage(region("410000"), sectors=[Sector.INDUSTRY], gap_limit=0)[0]
    assert province.listed == Decimal("1000")

    removal = services.removal_propose(
        actor=personas.tongxu_industry, listing=listing, reason="epidemic_measures", details="抽查发现未落实防疫措施"
    )
    services.removal_decide(actor=personas.tongxu_hq, removal=Removal.objects.get(pk=removal.pk), action="confirm")
    assert_summary_is_direct(*CODES)
    industry = selectors.coverage(region("410222"), sectors=[Sector.INDUSTRY], gap_limit=0)[0]
    assert (industry.listed, industry.listed_count) == (Decimal("0"), 0)


def test_registry_changes_reach_the_summary_with_the_rebuild_the_page_announces(registry: Personas) -> None:
    personas = registry
    listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq)
    Enterprise.objects.filter(pk=personas.ent_a.pk).update(output_value=Decimal("100"))
    EnterpriseFactory(name="通许县新设机械厂", region=personas.ent_b.region, sector=Sector.INDUSTRY, output_value=50)
    # Until the rebuild the summary keeps the figures it had; the page says when they were computed.
    html = client_for(personas.tongxu_hq).get(reverse("whitelist:coverage")).content.decode()
    assert 'data-testid="freshness"' in html
    stale = selectors.coverage(region("410222"), sectors=[Sector.INDUSTRY], gap_limit=0)[0]
    assert stale.total == Decimal("1300")
    refresh(NAME)
    assert_summary_is_direct(*CODES)
    industry = selectors.coverage(region("410222"), sectors=[Sector.INDUSTRY], gap_limit=0)[0]
    assert (industry.total, industry.listed, industry.enterprise_count) == (Decimal("450"), Decimal("100"), 3)


def test_a_summary_never_built_is_built_by_the_first_read(personas: Personas) -> None:
    assert not CoverageFigures.objects.exists()
    assert_summary_is_direct("410222")
    assert CoverageFigures.objects.exists()


def test_children_cover_every_active_child_in_code_order(registry: Personas) -> None:
    henan = region("410000")
    children = selectors.coverage_of_children(henan, sectors=[Sector.INDUSTRY])
    expected = list(Region.objects.filter(parent=henan, is_active=True).order_by("code"))
    assert [child["region"] for child in children] == expected
    kaifeng = next(child for child in children if child["region"].code == "410200")
    assert kaifeng["rows"][0].total == Decimal("1300")
