"""Data scope (SPEC §1): who sees which enterprise, on pages and API alike; out of scope is 404."""

import json

import pytest
from django.test import Client

from conftest import Personas, client_for
from sibao.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

# persona → the names of the persona enterprises it must see (everything else is out of scope)
EXPECTED_VISIBLE = {
    "tongxu_hq": {"ent_a", "ent_b"},
    "tongxu_industry": {"ent_a"},  # sector department: its sector only
    "tongxu_commerce": {"ent_b"},
    "tongxu_township": {"ent_a"},  # ent_a lies in 咸平街道, ent_b in another township
    "tongxu_epidemic": {"ent_a", "ent_b"},
    "tongxu_supervision": {"ent_a", "ent_b"},
    "tongxu_leader": {"ent_a", "ent_b"},
    "xinzheng_hq": {"ent_xinzheng"},
    "kaifeng_hq": {"ent_a", "ent_b"},  # 开封市 contains 通许县, not 新郑市 (郑州)
    "henan_hq": {"ent_a", "ent_b", "ent_xinzheng"},
    "admin": {"ent_a", "ent_b", "ent_xinzheng"},
    "ent_a_user": {"ent_a"},
    "ent_b_user": {"ent_b"},
}
PERSONA_ENTERPRISES = ("ent_a", "ent_b", "ent_xinzheng")


@pytest.mark.parametrize("persona", sorted(EXPECTED_VISIBLE))
def test_visible_to_matches_the_scope_rules(personas: Personas, persona: str) -> None:
    user = getattr(personas, persona)
    visible = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
    for name in PERSONA_ENTERPRISES:
        enterprise = getattr(personas, name)
        assert (enterprise.pk in visible) == (name in EXPECTED_VISIBLE[persona]), (persona, name)


@pytest.mark.parametrize("persona", sorted(EXPECTED_VISIBLE))
def test_detail_page_and_api_answer_404_outside_scope(personas: Personas, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    for name in PERSONA_ENTERPRISES:
        enterprise = getattr(personas, name)
        expected = 200 if name in EXPECTED_VISIBLE[persona] else 404
        assert client.get(f"/enterprises/{enterprise.pk}/").status_code == expected, (persona, name, "page")
        assert client.get(f"/api/enterprises/{enterprise.pk}").status_code == expected, (persona, name, "api")


@pytest.mark.parametrize("persona", ["tongxu_hq", "xinzheng_hq", "tongxu_industry", "ent_a_user"])
def test_list_page_and_api_list_show_only_scope(personas: Personas, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    page = client.get("/enterprises/").content.decode()
    api_names = {row["name"] for row in client.get("/api/enterprises?limit=100").json()["items"]}
    for name in PERSONA_ENTERPRISES:
        enterprise = getattr(personas, name)
        visible = name in EXPECTED_VISIBLE[persona]
        assert (enterprise.name in page) == visible, (persona, name)
        assert (enterprise.name in api_names) == visible, (persona, name)


def test_anonymous_is_sent_to_login_and_api_refuses(personas: Personas) -> None:
    client = Client()
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/enterprises").status_code == 401
    assert client.get(f"/api/enterprises/{personas.ent_a.pk}").status_code == 401


def test_other_county_cannot_change_an_enterprise_and_nothing_changes(personas: Personas) -> None:
    client = client_for(personas.xinzheng_hq)
    before = Enterprise.objects.get(pk=personas.ent_a.pk).name
    response = client.patch(
        f"/api/enterprises/{personas.ent_a.pk}", data=json.dumps({"name": "篡改"}), content_type="application/json"
    )
    assert response.status_code == 404
    page = client.post(f"/enterprises/{personas.ent_a.pk}/edit/", {"name": "篡改"})
    assert page.status_code == 404
    assert Enterprise.objects.get(pk=personas.ent_a.pk).name == before


def test_enterprise_user_cannot_see_or_change_another_enterprise(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    assert client.get(f"/enterprises/{personas.ent_b.pk}/").status_code == 404
    response = client.patch(
        f"/api/enterprises/{personas.ent_b.pk}", data=json.dumps({"contact_name": "X"}), content_type="application/json"
    )
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=personas.ent_b.pk).contact_name == ""


def test_enterprise_user_may_change_its_contact_but_not_its_output_value(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    url = f"/api/enterprises/{personas.ent_a.pk}"
    ok = client.patch(url, data=json.dumps({"contact_name": "王经理"}), content_type="application/json")
    assert ok.status_code == 200, ok.content
    refused = client.patch(url, data=json.dumps({"output_value": "999999"}), content_type="application/json")
    assert refused.status_code == 403  # which fields it may change is a permission
    assert refused.json()["field"] == "output_value"
    enterprise = Enterprise.objects.get(pk=personas.ent_a.pk)
    assert enterprise.contact_name == "王经理"
    assert enterprise.output_value == 1000


def test_sector_department_cannot_move_an_enterprise_out_of_its_sector(personas: Personas) -> None:
    client = client_for(personas.tongxu_industry)
    response = client.patch(
        f"/api/enterprises/{personas.ent_a.pk}",
        data=json.dumps({"sector": "commerce"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "sector"
    assert Enterprise.objects.get(pk=personas.ent_a.pk).sector == "industry"


def test_county_cannot_create_an_enterprise_in_another_county(personas: Personas) -> None:
    from sibao.enterprises.tests.factories import valid_uscc

    client = client_for(personas.tongxu_hq)
    payload = {"name": "越界企业", "uscc": valid_uscc("410184"), "sector": "industry", "region_code": "410184"}
    response = client.post("/api/enterprises", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "region"
    assert not Enterprise.objects.filter(name="越界企业").exists()
