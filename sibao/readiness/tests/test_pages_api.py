"""EP-10 / EP-11 pages and API: same rules, same scope (another county 404, one enterprise never sees another)."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import Personas, client_for
from sibao.readiness.models import Drill, Readiness, SupplyStock
from sibao.readiness.services import readiness_save, stock_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def put_json(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data=json.dumps(data), content_type="application/json")


def post_json(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def staffed(personas: Personas) -> Personas:
    for enterprise, staff in ((personas.ent_a, 150), (personas.ent_b, 40), (personas.ent_xinzheng, 80)):
        enterprise.employee_count = staff
        enterprise.save(update_fields=["employee_count"])
    return personas


def test_enterprise_page_shows_reserve_and_headcount_source(staffed: Personas) -> None:
    response = client_for(staffed.ent_a_user).get(f"/readiness/enterprise/{staffed.ent_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-item="masks"' in html and ">2100<" in html  # 14 × 150
    assert "150" in html
    assert 'data-item="observation_rooms" data-passed="no"' in html


def test_enterprise_user_index_goes_to_its_own_page(staffed: Personas) -> None:
    response = client_for(staffed.ent_a_user).get("/readiness/")
    assert response.status_code == 302 and response["Location"].endswith(f"/readiness/enterprise/{staffed.ent_a.pk}/")


def test_stock_form_saves_and_warns(staffed: Personas) -> None:
    client = client_for(staffed.ent_a_user)
    response = client.post(f"/readiness/enterprise/{staffed.ent_a.pk}/stock/", {"masks": "100", "note": "月初盘点"})
    assert response.status_code == 302
    assert SupplyStock.objects.get(enterprise=staffed.ent_a, item="masks").quantity == 100
    region_page = client_for(staffed.tongxu_epidemic).get("/readiness/supplies/?all=on").content.decode()
    assert staffed.ent_a.name in region_page


def test_stock_form_refuses_negative_with_the_field(staffed: Personas) -> None:
    response = client_for(staffed.ent_a_user).post(f"/readiness/enterprise/{staffed.ent_a.pk}/stock/", {"masks": "-5"})
    assert response.status_code == 400
    assert 'data-field="masks"' in response.content.decode()
    assert not SupplyStock.objects.exists()


def test_plan_page_upload_refuses_a_wrong_type(staffed: Personas) -> None:
    response = client_for(staffed.ent_a_user).post(
        f"/readiness/enterprise/{staffed.ent_a.pk}/plan/",
        {"file": SimpleUploadedFile("plan.txt", b"hello")},
    )
    assert response.status_code == 400 and 'data-field="file"' in response.content.decode()
    ok = client_for(staffed.ent_a_user).post(
        f"/readiness/enterprise/{staffed.ent_a.pk}/plan/", {"file": SimpleUploadedFile("预案.pdf", PDF)}
    )
    assert ok.status_code == 302
    download = client_for(staffed.tongxu_epidemic).get(f"/readiness/enterprise/{staffed.ent_a.pk}/plan/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_region_ranking_lists_most_gaps_first(staffed: Personas) -> None:
    readiness_save(
        actor=staffed.ent_b_user,
        enterprise=staffed.ent_b,
        data={"leader_name": "李红", "leader_post": "总经理", "observation_rooms": 1},
    )
    html = client_for(staffed.tongxu_hq).get("/readiness/?all=on").content.decode()
    assert html.index(staffed.ent_a.name) < html.index(staffed.ent_b.name)
    assert staffed.ent_xinzheng.name not in html
    # Whitelisted only by default: neither is listed.
    assert staffed.ent_a.name not in client_for(staffed.tongxu_hq).get("/readiness/").content.decode()


@pytest.mark.parametrize("url", ["/readiness/enterprise/{pk}/", "/readiness/enterprise/{pk}/plan/download/"])
def test_pages_answer_404_outside_scope(staffed: Personas, url: str) -> None:
    Readiness.objects.create(enterprise=staffed.ent_a)
    assert client_for(staffed.xinzheng_hq).get(url.format(pk=staffed.ent_a.pk)).status_code == 404
    assert client_for(staffed.ent_b_user).get(url.format(pk=staffed.ent_a.pk)).status_code == 404


def test_enterprise_b_cannot_post_to_a(staffed: Personas) -> None:
    client = client_for(staffed.ent_b_user)
    assert client.post(f"/readiness/enterprise/{staffed.ent_a.pk}/stock/", {"masks": "1"}).status_code == 404
    assert (
        client.post(f"/readiness/enterprise/{staffed.ent_a.pk}/drills/", {"held_on": "2024-01-01"}).status_code == 404
    )
    assert not SupplyStock.objects.exists() and not Drill.objects.exists()


def test_officials_read_but_do_not_write(staffed: Personas) -> None:
    client = client_for(staffed.tongxu_epidemic)
    assert client.get(f"/readiness/enterprise/{staffed.ent_a.pk}/").status_code == 200
    assert client.post(f"/readiness/enterprise/{staffed.ent_a.pk}/stock/", {"masks": "1"}).status_code == 403


def test_other_county_does_not_see_the_shortfall(staffed: Personas) -> None:
    stock_report(actor=staffed.ent_a_user, enterprise=staffed.ent_a, quantities={"masks": 1})
    assert staffed.ent_a.name in client_for(staffed.tongxu_hq).get("/readiness/supplies/?all=on").content.decode()
    assert staffed.ent_a.name not in client_for(staffed.xinzheng_hq).get("/readiness/supplies/?all=on").content.decode()


# --- API ---------------------------------------------------------------------------------------------


def test_api_supplies_read_and_write(staffed: Personas) -> None:
    client = client_for(staffed.ent_a_user)
    url = f"/api/readiness/enterprises/{staffed.ent_a.pk}/supplies"
    response = put_json(client, url, {"quantities": {"masks": 2100, "antigen_tests": 10}, "note": "盘点"})
    assert response.status_code == 200, response.content
    body = response.json()
    lines = {line["item"]: line for line in body["lines"]}
    assert body["headcount"] == {"count": 150, "source": "registry", "source_label": body["headcount"]["source_label"]}
    assert lines["masks"]["reserve"] == "2100" and lines["masks"]["short"] is False
    assert lines["antigen_tests"]["short"] is True and lines["antigen_tests"]["missing"] == "290.00"
    history = client.get(url + "/history").json()
    assert history["count"] == 2
    shortfalls = client_for(staffed.tongxu_epidemic).get("/api/readiness/shortfalls?include_not_whitelisted=true")
    rows = {row["enterprise"]["id"]: row for row in shortfalls.json()}
    assert set(rows) == {staffed.ent_a.pk, staffed.ent_b.pk}  # ent_b has reported nothing; 新郑市 is out of scope
    assert [line["item"] for line in rows[staffed.ent_a.pk]["short"]] == [
        "protective_suits",
        "gloves",
        "disinfectant",
        "hand_sanitiser",
        "thermometers",
        "antigen_tests",
    ]


def test_api_bad_quantity_names_the_field(staffed: Personas) -> None:
    response = put_json(
        client_for(staffed.ent_a_user),
        f"/api/readiness/enterprises/{staffed.ent_a.pk}/supplies",
        {"quantities": {"masks": "1.5"}},
    )
    assert response.status_code == 422 and response.json()["field"] == "masks"  # a count is a whole number


def test_api_readiness_and_drills(staffed: Personas) -> None:
    client = client_for(staffed.ent_a_user)
    url = f"/api/readiness/enterprises/{staffed.ent_a.pk}"
    response = put_json(client, url, {"leader_name": "张伟", "leader_post": "副总经理", "observation_rooms": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["required_rooms"] == 2 and body["sampling_booth_encouraged"] is False
    checklist = {item["key"]: item["passed"] for item in body["checklist"]}
    assert checklist["observation_rooms"] and checklist["task_force"] and not checklist["drill"]
    held = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert post_json(client, url + "/drills", {"held_on": held, "note": "疏散演练"}).status_code == 201
    assert client.get(url).json()["days_since_drill"] == 3
    assert client.get(url + "/drills").json()["items"][0]["held_on"] == held


def test_api_plan_upload_refusal(staffed: Personas) -> None:
    client = client_for(staffed.ent_a_user)
    url = f"/api/readiness/enterprises/{staffed.ent_a.pk}/plan"
    refused = client.post(url, {"file": SimpleUploadedFile("预案.pdf", b"not a pdf")})
    assert refused.status_code == 400 and refused.json()["code"] == "readiness.plan.content"
    accepted = client.post(url, {"file": SimpleUploadedFile("预案.pdf", PDF), "plan_date": "2024-05-01"})
    assert accepted.status_code == 200 and accepted.json()["plan_date"] == "2024-05-01"


@pytest.mark.parametrize("path", ["", "/supplies", "/supplies/history", "/drills", "/plan"])
def test_api_answers_404_outside_scope(staffed: Personas, path: str) -> None:
    url = f"/api/readiness/enterprises/{staffed.ent_a.pk}{path}"
    assert client_for(staffed.xinzheng_hq).get(url).status_code == 404
    assert client_for(staffed.ent_b_user).get(url).status_code == 404


def test_api_enterprise_b_cannot_change_a(staffed: Personas) -> None:
    client = client_for(staffed.ent_b_user)
    base = f"/api/readiness/enterprises/{staffed.ent_a.pk}"
    assert put_json(client, base + "/supplies", {"quantities": {"masks": 1}}).status_code == 404
    assert put_json(client, base, {"observation_rooms": 3}).status_code == 404
    assert post_json(client, base + "/drills", {"held_on": "2024-01-01"}).status_code == 404
    assert not SupplyStock.objects.exists() and not Readiness.objects.exists() and not Drill.objects.exists()


def test_api_oversized_id_is_422(staffed: Personas) -> None:
    response = client_for(staffed.tongxu_hq).get(f"/api/readiness/enterprises/{2**64}/supplies")
    assert response.status_code == 422
