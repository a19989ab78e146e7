"""Input hygiene at the door: a NUL character is refused for pages and API alike, nothing is saved."""

import json

import pytest

from conftest import Personas, client_for
from sibao.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def test_api_refuses_a_nul_character_in_the_query_string(personas: Personas) -> None:
    response = client_for(personas.tongxu_hq).get("/api/enterprises", {"q": "恒达\x00"})
    assert response.status_code == 400
    assert "NUL" in response.json()["message"] and "不允许" in response.json()["message"]


def test_api_refuses_a_nul_character_in_a_json_body_and_saves_nothing(personas: Personas) -> None:
    before = Enterprise.objects.count()
    body = json.dumps({"name": "坏\x00名", "uscc": "91410222MA00000000", "sector": "industry", "region_code": "410222"})
    assert "\\u0000" in body
    response = client_for(personas.tongxu_hq).post("/api/enterprises", body, content_type="application/json")
    assert response.status_code == 400
    assert Enterprise.objects.count() == before


def test_a_literal_backslash_u0000_text_is_not_mistaken_for_nul(personas: Personas) -> None:
    body = json.dumps({"address": "路径 C:\\u0000"})  # an escaped backslash, then ordinary text
    response = client_for(personas.tongxu_hq).patch(
        f"/api/enterprises/{personas.ent_a.pk}", body, content_type="application/json"
    )
    assert response.status_code == 200
    personas.ent_a.refresh_from_db()
    assert personas.ent_a.address == "路径 C:\\u0000"


def test_pages_refuse_a_nul_character_in_the_query_string(personas: Personas) -> None:
    response = client_for(personas.tongxu_hq).get("/enterprises/", {"q": "\x00"})
    assert response.status_code == 400
