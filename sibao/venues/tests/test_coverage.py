"""EP-7 coverage (001 annex 2 #二.2): 一门一码, 一车间一码, 一区一码 (areas, living areas, canteen), 一楼一码,
一单元一码, 一层一码 — each rule passes or fails with its reason; the region page lists the gaps in scope."""

import pytest

from conftest import Personas, client_for
from sibao.core.errors import PermissionRefused
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.venues import services
from sibao.venues.models import VenueDeclaration, VenueKind
from sibao.venues.selectors import coverage, coverage_list, coverage_rows
from sibao.venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def by_code(results):
    return {result.code: result for result in results}


def test_no_entrance_code_fails_with_the_reason(personas: Personas) -> None:
    results = by_code(coverage(personas.ent_a))
    assert not results["entrance"].passed and results["entrance"].required == 1
    assert results["entrance"].reason and results["entrance"].actual == 0
    VenueFactory(enterprise=personas.ent_a, kind=VenueKind.ENTRANCE)
    assert by_code(coverage(personas.ent_a))["entrance"].passed


def test_declared_counts_are_required(personas: Personas) -> None:
    enterprise = personas.ent_a
    services.declaration_save(
        actor=personas.ent_a_user,
        enterprise=enterprise,
        data={"entrances": 2, "workshops": 3, "production_areas": 1, "buildings": 1, "floors": 2, "units": 1},
    )
    for kind, count in [(VenueKind.ENTRANCE, 2), (VenueKind.WORKSHOP, 2), (VenueKind.PRODUCTION_AREA, 1)]:
        for _index in range(count):
            VenueFactory(enterprise=enterprise, kind=kind)
    VenueFactory(enterprise=enterprise, kind=VenueKind.WORKSHOP, is_active=False)  # out of use: not counted
    results = by_code(coverage(enterprise))
    assert results["entrance"].passed and results["production_area"].passed
    workshop = results["workshop"]
    assert not workshop.passed and (workshop.required, workshop.actual) == (3, 2)
    assert "2" in workshop.reason and "3" in workshop.reason
    assert not results["building"].passed and not results["floor"].passed and not results["unit"].passed
    assert results["closed_space"].passed and not results["closed_space"].applicable


def test_dormitory_and_canteen_need_living_area_and_canteen_codes(personas: Personas) -> None:
    enterprise = personas.ent_a
    VenueFactory(enterprise=enterprise, kind=VenueKind.ENTRANCE)
    results = by_code(coverage(enterprise))
    assert results["living_area"].passed and results["canteen"].passed  # none: not required
    enterprise.dormitory_capacity = 120
    enterprise.canteen_capacity = 300
    enterprise.save()
    results = by_code(coverage(enterprise))
    assert not results["living_area"].passed and results["living_area"].required == 1
    assert not results["canteen"].passed
    VenueFactory(enterprise=enterprise, kind=VenueKind.LIVING_AREA)
    VenueFactory(enterprise=enterprise, kind=VenueKind.CANTEEN)
    assert all(result.passed for result in coverage(enterprise))


def test_region_page_lists_enterprises_with_gaps_in_scope(personas: Personas) -> None:
    VenueFactory(enterprise=personas.ent_b, kind=VenueKind.ENTRANCE)  # ent_b fully covered
    listing = coverage_list(user=personas.tongxu_epidemic)
    names = {item.enterprise.name for item in listing}
    assert personas.ent_a.name in names and personas.ent_b.name not in names
    assert personas.ent_xinzheng.name not in names  # another county
    page = client_for(personas.tongxu_epidemic).get("/venues/")
    assert page.status_code == 200
    text = page.content.decode()
    assert personas.ent_a.name in text and personas.ent_xinzheng.name not in text and personas.ent_b.name not in text
    everything = client_for(personas.tongxu_epidemic).get("/venues/?all=1").content.decode()
    assert personas.ent_b.name in everything


def test_coverage_api_and_scope(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    answer = client.get(f"/api/venues/enterprises/{personas.ent_a.pk}/coverage")
    assert answer.status_code == 200
    body = answer.json()
    assert body["passed"] is False and {rule["code"] for rule in body["rules"]} >= {"entrance", "workshop"}
    assert client.get(f"/api/venues/enterprises/{personas.ent_xinzheng.pk}/coverage").status_code == 404
    gaps = client.get("/api/venues/gaps").json()["items"]
    assert personas.ent_a.pk in {item["enterprise_id"] for item in gaps}


def test_only_own_enterprise_or_task_force_may_declare(personas: Personas) -> None:
    with pytest.raises(PermissionRefused):
        services.declaration_save(actor=personas.ent_b_user, enterprise=personas.ent_a, data={"entrances": 1})
    with pytest.raises(PermissionRefused):
        services.declaration_save(actor=personas.tongxu_hq, enterprise=personas.ent_a, data={"entrances": 1})
    services.declaration_save(actor=personas.tongxu_epidemic, enterprise=personas.ent_a, data={"entrances": 3})
    answer = client_for(personas.ent_a_user).put(
        f"/api/venues/enterprises/{personas.ent_a.pk}/declaration",
        data={"entrances": 1, "workshops": 4},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert next(rule for rule in answer.json()["rules"] if rule["code"] == "workshop")["required"] == 4


def test_sql_gap_filter_agrees_with_the_rules_and_pages_each_enterprise_once(personas: Personas) -> None:
    """Issue 10: the region list filters gaps in SQL (``coverage_rows``); on a hand-made set each enterprise
    is listed exactly when ``evaluate`` finds a gap, and paging the API returns each once."""
    VenueFactory(enterprise=personas.ent_b, kind=VenueKind.ENTRANCE)  # covered
    declared = EnterpriseFactory(name="通许县多车间机械有限公司", region=personas.ent_a.region)
    VenueDeclaration.objects.create(enterprise=declared, entrances=2, workshops=1)
    VenueFactory(enterprise=declared, kind=VenueKind.ENTRANCE)
    VenueFactory(enterprise=declared, kind=VenueKind.ENTRANCE)
    VenueFactory(enterprise=declared, kind=VenueKind.WORKSHOP, is_active=False)  # inactive: still a gap
    canteen = EnterpriseFactory(name="通许县食堂商贸有限公司", region=personas.ent_a.region, canteen_capacity=30)
    VenueFactory(enterprise=canteen, kind=VenueKind.ENTRANCE)
    everyone = coverage_list(user=personas.tongxu_epidemic, only_gaps=False)
    expected = {item.enterprise.pk for item in everyone if item.gaps}
    assert {declared.pk, canteen.pk, personas.ent_a.pk} <= expected and personas.ent_b.pk not in expected
    assert {enterprise.pk for enterprise in coverage_rows(user=personas.tongxu_epidemic)} == expected
    client = client_for(personas.tongxu_epidemic)
    seen: list[int] = []
    for offset in range(len(expected) + 1):
        page = client.get(f"/api/venues/gaps?limit=1&offset={offset}").json()
        seen += [item["enterprise_id"] for item in page["items"]]
    assert sorted(seen) == sorted(expected)
