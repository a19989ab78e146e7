"""OR-2…OR-6 through the API (X-5): the command structure the page shows, under the same scope — another
county's region is 404 — and OR-5's task forces that lost their epidemic expert."""

import pytest

from conftest import Personas, client_for
from sibao.organisation.models import Membership, MembershipRole, Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_the_county_hq_reads_its_command_structure(personas: Personas, loaded: dict[str, int]) -> None:
    client = client_for(personas.tongxu_hq)
    assert [region["code"] for region in client.get("/api/organisation/regions").json()] == ["410222"]
    structure = client.get("/api/organisation/structure").json()
    assert structure["region"]["code"] == "410222"
    hq = structure["hq"]
    assert hq["kind"] == UnitKind.HQ and any(
        member["name"] == "憨振强" and member["post"] == "县委副书记、县长" for member in hq["members"]
    )
    task_forces = {unit["name"]: unit for unit in structure["task_forces"]}
    assert "通许县工业生产工作专班" in task_forces
    assert all(unit["has_epidemic_expert"] is True for unit in task_forces.values())
    assert structure["departments"] and all(unit["has_epidemic_expert"] is None for unit in structure["departments"])
    # OR-6: each department names the policy consultant whose contact is published with the policy list.
    assert all(unit["policy_consultant"] for unit in structure["departments"])


def test_another_countys_structure_is_not_found(personas: Personas, loaded: dict[str, int]) -> None:
    client = client_for(personas.xinzheng_hq)
    assert client.get("/api/organisation/structure", {"region": "410222"}).status_code == 404
    assert client.get("/api/organisation/task-forces-without-expert", {"region": "410222"}).status_code == 404
    assert client.get("/api/organisation/structure").json()["region"]["code"] == "410184"
    city = client_for(personas.kaifeng_hq).get("/api/organisation/structure", {"region": "410222"})
    assert (
        city.status_code == 200
        and city.json()["hq"]["name"]
        == client_for(personas.tongxu_hq).get("/api/organisation/structure").json()["hq"]["name"]
    )


def test_an_enterprise_may_not_read_the_command_structure(personas: Personas, loaded: dict[str, int]) -> None:
    assert client_for(personas.ent_a_user).get("/api/organisation/structure").status_code == 403


def test_a_task_force_without_its_epidemic_expert_is_listed_for_its_county(
    personas: Personas, loaded: dict[str, int]
) -> None:
    client = client_for(personas.tongxu_hq)
    url = "/api/organisation/task-forces-without-expert"
    assert client.get(url).json() == []
    industry = Unit.objects.get(region__code="410222", kind=UnitKind.TASK_FORCE, name="通许县工业生产工作专班")
    Membership.objects.filter(unit=industry, role=MembershipRole.EPIDEMIC_EXPERT).delete()
    assert client.get(url).json() == [
        {"id": industry.pk, "name": industry.name, "region_code": "410222", "region_name": "通许县"}
    ]
    structure = client.get("/api/organisation/structure").json()
    assert [unit["name"] for unit in structure["task_forces"] if not unit["has_epidemic_expert"]] == [industry.name]
    assert client_for(personas.xinzheng_hq).get(url).json() == []
