"""The rule numbers through the API (X-5): each parameter's default, the region's own normal and emergency
values and the one in force — which switches with the region's state — for the reader's region; another
county's is 404."""

from typing import Any

import pytest

from conftest import Personas, client_for, region
from sibao.parameters.services import parameter_set
from sibao.parameters.tests.test_pages import in_emergency

pytestmark = pytest.mark.django_db


def _parameters(client: Any, **query: str) -> dict[str, Any]:
    response = client.get("/api/parameters", query)
    assert response.status_code == 200
    answer = response.json()
    return {"answer": answer, **{row["key"]: row for row in answer["parameters"]}}


def test_the_seeds_numbers_and_a_regions_own_value(personas: Personas) -> None:
    read = _parameters(client_for(personas.tongxu_hq))
    assert read["answer"]["region_code"] == "410222" and read["answer"]["state"] == "normal"
    hours = read["logistics.negative_test_hours"]
    assert (hours["default"], hours["normal"], hours["in_force"]) == (48, 48, 48) and hours["unit"]
    coverage = read["whitelist.coverage_percent"]
    assert coverage["default"] == "70"  # 70 %, a decimal sent as text

    parameter_set(actor=personas.admin, key="logistics.negative_test_hours", region=region("410222"), value=24)
    assert _parameters(client_for(personas.tongxu_hq))["logistics.negative_test_hours"]["in_force"] == 24
    assert _parameters(client_for(personas.xinzheng_hq))["logistics.negative_test_hours"]["in_force"] == 48


def test_the_value_in_force_follows_the_regions_state(personas: Personas) -> None:
    before = _parameters(client_for(personas.tongxu_hq))["epidemic.test_interval_hours"]
    assert before["emergency"] == 24 and before["in_force"] == before["normal"] == 48
    in_emergency(personas, "410222")
    during = _parameters(client_for(personas.tongxu_hq))
    assert during["answer"]["state"] == "emergency" and during["epidemic.test_interval_hours"]["in_force"] == 24
    assert _parameters(client_for(personas.xinzheng_hq))["epidemic.test_interval_hours"]["in_force"] == 48


def test_another_countys_numbers_are_not_found(personas: Personas) -> None:
    assert client_for(personas.xinzheng_hq).get("/api/parameters", {"region": "410222"}).status_code == 404
    assert client_for(personas.ent_a_user).get("/api/parameters").status_code == 403
    city = _parameters(client_for(personas.kaifeng_hq), region="410222")
    assert city["answer"]["region_name"] == "通许县"
