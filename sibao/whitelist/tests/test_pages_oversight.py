"""Oversight pages: coverage (WL-6), listings, spot checks and removals (WL-8), liaison gaps (OR-5)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conftest import Personas, client_for, make_user, region
from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.organisation.models import Liaison, Person, Unit, UnitKind
from sibao.whitelist.models import Listing, Removal, RemovalState, SpotCheck
from sibao.whitelist.tests.flows import (
    listed_through_services,
)

pytestmark = pytest.mark.django_db

APPLICATION_DATA = {
    "contact_name": "王经理",
    "contact_phone": "13800000000",
    "statement": "保障重点产品生产",
    "measures": "闭环管理，每日测温",
}


def make_listing(personas: Personas, enterprise_user: User | None = None, reviewer: User | None = None) -> Listing:
    """Through the services: apply, attach, submit, approve (sector department), publish (HQ office)."""
    enterprise_user = enterprise_user or personas.ent_a_user
    reviewer = reviewer or personas.tongxu_industry
    return listed_through_services(enterprise_user, reviewer, personas.tongxu_hq, APPLICATION_DATA)


def page(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Permissions and scope ----------------------------------------------------------------------

PAGES = ["whitelist:coverage", "whitelist:listings", "whitelist:removals", "whitelist:liaison_gaps"]
VIEWERS = ["tongxu_hq", "tongxu_industry", "tongxu_township", "tongxu_leader", "kaifeng_hq", "henan_hq", "admin"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", VIEWERS)
def test_overview_pages_render_for_officials(personas: Personas, name: str, persona: str) -> None:
    make_listing(personas)
    client = client_for(getattr(personas, persona))
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_enterprise_users_may_not_open_the_oversight_pages(personas: Personas, name: str) -> None:
    assert client_for(personas.ent_a_user).get(reverse(name)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(db: None) -> None:
    response = Client().get(reverse("whitelist:coverage"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_listing_of_another_county_is_not_found(personas: Personas) -> None:
    listing = make_listing(personas)
    url = reverse("whitelist:listing", args=[listing.pk])
    assert client_for(personas.xinzheng_hq).get(url).status_code == 404
    assert client_for(personas.tongxu_commerce).get(url).status_code == 404  # other sector
    assert client_for(personas.ent_a_user).get(url).status_code == 403
    for persona in ("tongxu_hq", "tongxu_industry", "kaifeng_hq", "henan_hq"):
        assert personas.ent_a.name in page(client_for(getattr(personas, persona)), url)


def test_listings_page_lists_in_scope_only_and_filters(personas: Personas) -> None:
    listing = make_listing(personas)
    html = page(client_for(personas.tongxu_hq), reverse("whitelist:listings"))
    assert personas.ent_a.name in html and reverse("whitelist:listing", args=[listing.pk]) in html
    assert personas.ent_a.name not in page(client_for(personas.xinzheng_hq), reverse("whitelist:listings"))
    assert personas.ent_a.name not in page(client_for(personas.tongxu_commerce), reverse("whitelist:listings"))
    client = client_for(personas.kaifeng_hq)
    assert personas.ent_a.name in page(client, reverse("whitelist:listings"), region="410222", sector="industry")
    assert personas.ent_a.name not in page(client, reverse("whitelist:listings"), sector="commerce")
    assert personas.ent_a.name not in page(client, reverse("whitelist:listings"), level="city")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert personas.ent_a.name not in page(client, reverse("whitelist:listings"), since=tomorrow)


# --- WL-6: coverage ---------------------------------------------------------------------------------


def test_coverage_is_exactly_seventy_percent_and_met(personas: Personas) -> None:
    Enterprise.objects.filter(pk=personas.ent_a.pk).update(output_value=Decimal("700"))
    small = EnterpriseFactory(name="通许县小五金厂", region=personas.ent_a.region, output_value=Decimal("300"))
    make_listing(personas)
    html = page(client_for(personas.tongxu_industry), reverse("whitelist:coverage"))
    row = html[html.index('data-sector="industry"') :]
    row = row[: row.index("</tr>")]
    assert "70.00%" in row and str(_("Met")) in row and str(_("Not met")) not in row
    assert "1 / 2" in row and "1,000.00" in row and "700.00" in row
    # A sector department sees its sector only.
    assert 'data-sector="commerce"' not in html
    # The gap table of the sector ranks what is left to list.
    assert small.name in html


def test_coverage_below_target_names_the_enterprises_that_close_the_gap(personas: Personas) -> None:
    Enterprise.objects.filter(pk=personas.ent_a.pk).update(output_value=Decimal("699"))
    big = EnterpriseFactory(name="通许县大型机械厂", region=personas.ent_a.region, output_value=Decimal("301"))
    make_listing(personas)
    html = page(client_for(personas.tongxu_hq), reverse("whitelist:coverage"), sector="industry")
    row = html[html.index('data-sector="industry"') :]
    row = row[: row.index("</tr>")]
    assert "69.90%" in row and str(_("Not met")) in row and ">1.00<" in row  # shortfall 1 (万元)
    gap = html[html.index('data-testid="gap-table"') :]
    assert big.name in gap and "100.00%" in gap and str(_("Target reached")) in gap
    # The county's townships are listed with their own percentages.
    children = html[html.index('data-testid="children-table"') :]
    assert personas.ent_a.region.name in children and "69.90%" in children


def test_coverage_region_choice_stays_in_the_subtree(personas: Personas) -> None:
    client = client_for(personas.kaifeng_hq)
    html = page(client, reverse("whitelist:coverage"))
    assert "通许县" in html  # a city sees its counties
    assert page(client, reverse("whitelist:coverage"), region="410222")
    assert client.get(reverse("whitelist:coverage"), {"region": "410184"}).status_code == 404
    assert client_for(personas.tongxu_hq).get(reverse("whitelist:coverage"), {"region": "410200"}).status_code == 404


# --- WL-8: spot checks and removals -----------------------------------------------------------------


def spot_check(client: Any, listing: Listing, **data: Any) -> Any:
    values = {
        "form": "spot_check",
        "check-checked_on": timezone.localdate().isoformat(),
        "check-inspectors": "县科工信局 张三",
        "check-result": "failed",
        "check-findings": "未落实测温登记",
    }
    values |= {f"check-{name}": value for name, value in data.items()}
    return client.post(reverse("whitelist:listing", args=[listing.pk]), values)


def propose(client: Any, listing: Listing, **data: Any) -> Any:
    values = {"form": "removal", "removal-reason": "epidemic_measures", "removal-details": "抽查发现未落实防疫措施"}
    values |= {f"removal-{name}": value for name, value in data.items()}
    return client.post(reverse("whitelist:listing", args=[listing.pk]), values)


def test_spot_check_removal_and_hq_confirmation_take_the_enterprise_off(personas: Personas) -> None:
    listing = make_listing(personas)
    department = client_for(personas.tongxu_industry)
    assert spot_check(department, listing).status_code == 302
    check = SpotCheck.objects.get(listing=listing)
    assert propose(department, listing, spot_check=check.pk).status_code == 302
    removal = Removal.objects.get(listing=listing)
    assert (removal.state, removal.spot_check) == (RemovalState.PROPOSED, check)
    # The department cannot decide; the HQ office can.
    act_url = reverse("whitelist:removal_act", args=[removal.pk])
    assert department.post(act_url, {"action": "confirm"}).status_code == 403
    hq = client_for(personas.tongxu_hq)
    assert personas.ent_a.name in page(hq, reverse("whitelist:removals"))
    assert hq.get(act_url).status_code == 405
    assert hq.post(act_url, {"action": "confirm", "reason": "情况属实"}).status_code == 302
    listing.refresh_from_db()
    removal.refresh_from_db()
    assert listing.removed_at is not None and listing.removal_reason == "epidemic_measures"
    assert removal.state == RemovalState.CONFIRMED
    listed = page(hq, reverse("whitelist:listings"))
    assert personas.ent_a.name not in listed[listed.index("<table") :]
    detail = page(hq, reverse("whitelist:listing", args=[listing.pk]))
    assert str(_("Removed from the whitelist")) in detail
    decided = page(hq, reverse("whitelist:removals"))
    assert "情况属实" in decided[decided.index('data-testid="decided-removals"') :]


def test_declined_removal_keeps_the_listing(personas: Personas) -> None:
    listing = make_listing(personas)
    propose(client_for(personas.tongxu_industry), listing)
    removal = Removal.objects.get(listing=listing)
    hq = client_for(personas.tongxu_hq)
    act_url = reverse("whitelist:removal_act", args=[removal.pk])
    # Declining needs a reason: refused, nothing changes.
    hq.post(act_url, {"action": "decline"})
    removal.refresh_from_db()
    assert removal.state == RemovalState.PROPOSED
    hq.post(act_url, {"action": "decline", "reason": "证据不足"})
    removal.refresh_from_db()
    listing.refresh_from_db()
    assert removal.state == RemovalState.DECLINED and listing.removed_at is None
    assert personas.ent_a.name in page(hq, reverse("whitelist:listings"))


def test_hq_of_another_county_cannot_decide(personas: Personas) -> None:
    listing = make_listing(personas)
    propose(client_for(personas.tongxu_industry), listing)
    removal = Removal.objects.get()
    response = client_for(personas.xinzheng_hq).post(
        reverse("whitelist:removal_act", args=[removal.pk]), {"action": "confirm"}
    )
    assert response.status_code == 404
    removal.refresh_from_db()
    assert removal.state == RemovalState.PROPOSED


def test_service_refusals_show_next_to_the_field_and_save_nothing(personas: Personas) -> None:
    listing = make_listing(personas)
    department = client_for(personas.tongxu_industry)
    response = spot_check(department, listing, findings="")
    assert response.status_code == 200
    assert str(_("Describe what was found.")) in response.content.decode()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    html = spot_check(department, listing, checked_on=future).content.decode()
    assert 'data-field="checked_on"' in html and str(_("The check date cannot be in the future.")) in html
    html = propose(department, listing, details="  ").content.decode()
    assert 'data-field="details"' in html and str(_("Describe the facts behind the removal.")) in html
    assert not SpotCheck.objects.exists() and not Removal.objects.exists()
    # Roles without the capability may look but not record.
    leader = client_for(personas.tongxu_leader)
    assert spot_check(leader, listing).status_code == 403
    assert str(_("Record a spot check")) not in page(leader, reverse("whitelist:listing", args=[listing.pk]))
    assert not SpotCheck.objects.exists()


# --- OR-5: liaison gaps -------------------------------------------------------------------------------


def test_liaison_gap_disappears_after_assignment(personas: Personas) -> None:
    listing = make_listing(personas)
    township = listing.enterprise.region
    clinic = Unit.objects.create(region=township, kind=UnitKind.MEDICAL, name="咸平街道卫生院")
    office = Unit.objects.create(region=region("410222"), kind=UnitKind.DEPARTMENT, name="通许县测试局")
    cadre = Person.objects.create(name="李干部", employer=office, post="副局长")
    officer = Person.objects.create(name="赵专员", employer=clinic)
    elsewhere = Person.objects.create(
        name="外县人员",
        employer=Unit.objects.create(region=region("410184"), kind=UnitKind.DEPARTMENT, name="新郑测试局"),
    )
    hq = client_for(personas.tongxu_hq)
    html = page(hq, reverse("whitelist:liaison_gaps"))
    gaps = html[html.index('data-testid="liaison-gaps"') :]
    assert personas.ent_a.name in gaps and str(_("epidemic officer")) in gaps
    assert township.name in html  # counts per township
    edit_url = reverse("whitelist:liaison_edit", args=[personas.ent_a.pk])
    assert edit_url in html
    form = page(hq, edit_url)
    assert cadre.name in form and clinic.name in form and elsewhere.name not in form
    # Someone from another county is not a valid choice: nothing saved.
    response = hq.post(edit_url, {"liaison_cadre": elsewhere.pk})
    assert response.status_code == 200 and not Liaison.objects.exists()
    # Only two of three: still a gap, now naming only the missing institution.
    hq.post(edit_url, {"liaison_cadre": cadre.pk, "epidemic_officer": officer.pk})
    gaps = page(hq, reverse("whitelist:liaison_gaps"))
    gaps = gaps[gaps.index('data-testid="liaison-gaps"') :]
    assert personas.ent_a.name in gaps and str(_("paired medical institution")) in gaps
    assert str(_("liaison cadre")) not in gaps
    response = hq.post(
        edit_url, {"liaison_cadre": cadre.pk, "epidemic_officer": officer.pk, "medical_institution": clinic.pk}
    )
    assert response.status_code == 302
    liaison = Liaison.objects.get(enterprise=personas.ent_a)
    assert (liaison.liaison_cadre, liaison.epidemic_officer, liaison.medical_institution) == (cadre, officer, clinic)
    html = page(hq, reverse("whitelist:liaison_gaps"))
    assert personas.ent_a.name not in html[html.index('data-testid="liaison-gaps"') :]


def test_liaison_edit_needs_the_capability_and_the_scope(personas: Personas) -> None:
    make_listing(personas)
    edit_url = reverse("whitelist:liaison_edit", args=[personas.ent_a.pk])
    assert client_for(personas.tongxu_industry).get(edit_url).status_code == 403
    assert client_for(personas.xinzheng_hq).get(edit_url).status_code == 404
    html = page(client_for(personas.tongxu_industry), reverse("whitelist:liaison_gaps"))
    assert personas.ent_a.name in html and edit_url not in html


# --- Query counts ---------------------------------------------------------------------------------------


def test_list_pages_do_not_query_per_row(personas: Personas) -> None:
    def counts() -> dict[str, int]:
        client = client_for(personas.tongxu_hq)
        result = {}
        for name in ("whitelist:listings", "whitelist:removals", "whitelist:liaison_gaps", "whitelist:coverage"):
            client.get(reverse(name), {"sector": "industry"})  # warm-up: the coverage summary's first build
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name), {"sector": "industry"}).status_code == 200
            result[name] = len(queries)
        return result

    first = make_listing(personas)
    propose(client_for(personas.tongxu_industry), first)
    before = counts()
    for number in range(2):
        enterprise = EnterpriseFactory(name=f"通许县新增企业{number}", region=personas.ent_a.region)
        user = make_user(f"p_extra_{number}", Role.ENTERPRISE, enterprise=enterprise)
        propose(client_for(personas.tongxu_industry), make_listing(personas, enterprise_user=user))
    assert counts() == before
