"""OR-2/OR-3/OR-5/OR-6 edits through the API (X-5): the HQ office keeps its county's roster, a unit's office and
a department's policy consultant through the same services as the page — another county's unit is 404, a role
that may not is 403, OR-5's last epidemic expert stays until a new one is added, and every write is audited."""

import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client

from conftest import Personas, client_for, region
from sibao.accounts.models import User
from sibao.organisation.models import Membership, MembershipRole, Person, Unit, UnitKind

pytestmark = pytest.mark.django_db


def task_force(code: str = "410222", name: str = "测试专班") -> Unit:
    return Unit.objects.create(region=region(code), kind=UnitKind.TASK_FORCE, name=name)


def department(code: str = "410222", name: str = "测试局") -> Unit:
    return Unit.objects.create(region=region(code), kind=UnitKind.DEPARTMENT, name=name)


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def add(client: Client, unit: Unit, **body: Any) -> Any:
    return send(client, "POST", f"/api/organisation/units/{unit.pk}/members", body)


def audited(model: type[Model], pk: int, actor: User) -> bool:
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_pk=str(pk), actor=actor).exists()


def test_the_hq_office_puts_a_leader_and_an_expert_on_a_task_force(personas: Personas) -> None:
    unit = task_force()
    client = client_for(personas.tongxu_hq)
    leader = add(client, unit, role="leader", name="王刚", post="县工信局局长", phone="0371-1234567")
    assert leader.status_code == 201, leader.content
    assert leader.json() == {
        "id": leader.json()["id"],
        "role": "leader",
        "role_label": "组长",
        "name": "王刚",
        "post": "县工信局局长",
        "phone": "0371-1234567",
    }
    assert add(client, unit, role="epidemic_expert", name="李医生").status_code == 201
    roster = client.get(f"/api/organisation/units/{unit.pk}").json()
    assert [(m["name"], m["role_label"]) for m in roster["members"]] == [("王刚", "组长"), ("李医生", "防疫专家")]
    assert roster["has_epidemic_expert"] is True
    assert {"value": "epidemic_expert", "label": "防疫专家"} in roster["roles"]
    assert "commander" not in {role["value"] for role in roster["roles"]}  # the HQ's posts, not a task force's
    assert Person.objects.get(name="李医生").is_epidemic_expert
    membership = Membership.objects.get(pk=leader.json()["id"])
    assert audited(Membership, membership.pk, personas.tongxu_hq)
    assert audited(Person, membership.person_id, personas.tongxu_hq)


def test_the_last_epidemic_expert_stays_until_a_new_one_is_added(personas: Personas) -> None:
    unit = task_force()
    client = client_for(personas.tongxu_hq)
    first = add(client, unit, role="epidemic_expert", name="李医生").json()["id"]
    refused = client.delete(f"/api/organisation/members/{first}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "organisation.last_expert" and refused.json()["field"] == "role"
    assert "防疫专家" in refused.json()["message"] and unit.name in refused.json()["message"]
    assert Membership.objects.filter(pk=first).exists()
    add(client, unit, role="epidemic_expert", name="赵医生")
    assert client.delete(f"/api/organisation/members/{first}").status_code == 204
    assert not Membership.objects.filter(pk=first).exists()
    assert audited(Membership, first, personas.tongxu_hq)
    assert client.get(f"/api/organisation/units/{unit.pk}").json()["has_epidemic_expert"] is True


def test_a_post_the_unit_does_not_have_is_refused(personas: Personas) -> None:
    unit = task_force()
    client = client_for(personas.tongxu_hq)
    response = add(client, unit, role=MembershipRole.COMMANDER, name="王刚")
    assert response.status_code == 400
    assert response.json()["code"] == "organisation.role" and response.json()["field"] == "role"
    assert "组长" in response.json()["message"]
    assert add(client, unit, role="chairman", name="王刚").status_code == 422  # not a post at all
    assert not unit.memberships.exists()


def test_another_countys_unit_is_not_found_on_every_endpoint(personas: Personas) -> None:
    unit = task_force()
    office = department()
    membership = add(client_for(personas.tongxu_hq), unit, role="epidemic_expert", name="李医生").json()["id"]
    client = client_for(personas.xinzheng_hq)
    answers = [
        client.get(f"/api/organisation/units/{unit.pk}"),
        add(client, unit, role="leader", name="王刚"),
        client.delete(f"/api/organisation/members/{membership}"),
        send(client, "PATCH", f"/api/organisation/units/{unit.pk}", {"phone": "110"}),
        send(client, "PUT", f"/api/organisation/units/{office.pk}/consultant", {"name": "张三", "phone": "110"}),
        client.get("/api/organisation/departments-without-consultant", {"region": "410222"}),
    ]
    assert [answer.status_code for answer in answers] == [404] * 6
    assert client.get("/api/organisation/departments-without-consultant").json() == []
    unit.refresh_from_db()
    office.refresh_from_db()
    assert unit.phone == "" and office.policy_consultant is None
    assert list(unit.memberships.values_list("pk", flat=True)) == [membership]


@pytest.mark.parametrize("who", ["tongxu_industry", "ent_a_user"])
def test_only_the_hq_office_edits_the_roster(personas: Personas, who: str) -> None:
    unit = task_force()
    office = department()
    membership = add(client_for(personas.tongxu_hq), unit, role="epidemic_expert", name="李医生").json()["id"]
    client = client_for(getattr(personas, who))
    answers = [
        add(client, unit, role="leader", name="王刚"),
        client.delete(f"/api/organisation/members/{membership}"),
        send(client, "PATCH", f"/api/organisation/units/{unit.pk}", {"phone": "110"}),
        send(client, "PUT", f"/api/organisation/units/{office.pk}/consultant", {"name": "张三", "phone": "110"}),
    ]
    assert [answer.status_code for answer in answers] == [403] * 4
    assert unit.memberships.count() == 1
    # The industry department reads the roster it may not edit; an enterprise reads neither.
    expected = 200 if who == "tongxu_industry" else 403
    assert client.get(f"/api/organisation/units/{unit.pk}").status_code == expected


def test_a_patch_changes_only_the_fields_sent(personas: Personas) -> None:
    unit = task_force()
    Unit.objects.filter(pk=unit.pk).update(office_location="县政府3楼", phone="0371-1111111", duties="统筹协调")
    client = client_for(personas.tongxu_hq)
    response = send(client, "PATCH", f"/api/organisation/units/{unit.pk}", {"phone": "0371-2222222", "duties": ""})
    assert response.status_code == 200, response.content
    assert (response.json()["office_location"], response.json()["phone"], response.json()["duties"]) == (
        "县政府3楼",
        "0371-2222222",
        "",
    )
    unit.refresh_from_db()
    assert (unit.office_location, unit.phone, unit.duties) == ("县政府3楼", "0371-2222222", "")
    assert audited(Unit, unit.pk, personas.tongxu_hq)
    assert send(client, "PATCH", f"/api/organisation/units/{unit.pk}", {"phone": None}).status_code == 422


def test_a_department_names_its_policy_consultant(personas: Personas) -> None:
    office = department()
    client = client_for(personas.tongxu_hq)
    gaps = "/api/organisation/departments-without-consultant"
    assert client.get(gaps).json() == [
        {"id": office.pk, "name": "测试局", "region_code": "410222", "region_name": "通许县"}
    ]
    url = f"/api/organisation/units/{office.pk}/consultant"
    response = send(client, "PUT", url, {"name": "张三", "post": "科长", "phone": "0371-3333333"})
    assert response.status_code == 200, response.content
    assert response.json()["policy_consultant"] == {"name": "张三", "post": "科长", "phone": "0371-3333333"}
    assert client.get(gaps).json() == []
    office.refresh_from_db()
    assert office.policy_consultant is not None
    assert audited(Unit, office.pk, personas.tongxu_hq)
    assert audited(Person, office.policy_consultant.pk, personas.tongxu_hq)
    assert send(client, "PUT", url, {"name": "张三"}).status_code == 422  # the phone is what the list publishes


def test_a_task_force_names_no_policy_consultant(personas: Personas) -> None:
    unit = task_force()
    response = send(
        client_for(personas.tongxu_hq),
        "PUT",
        f"/api/organisation/units/{unit.pk}/consultant",
        {"name": "张三", "phone": "0371-3333333"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "organisation.not_department" and response.json()["message"]
    unit.refresh_from_db()
    assert unit.policy_consultant is None
