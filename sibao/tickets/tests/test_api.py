"""The requests API (X-5 over RQ-1…RQ-6): the closed loop, reopening, escalation, common issues, refusals."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import Personas, client_for, make_user, region
from sibao.accounts.models import User
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.tickets.models import Ticket, TicketState

pytestmark = pytest.mark.django_db

API = "/api/requests"


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data=json.dumps(data if data is not None else {}), content_type="application/json")


@pytest.fixture
def unit(personas: Personas) -> Unit:
    return Unit.objects.create(
        region=region("410222"),
        kind=UnitKind.DEPARTMENT,
        function=DepartmentFunction.INDUSTRY_IT,
        name="通许县工业和信息化局",
    )


@pytest.fixture
def department(unit: Unit) -> User:
    return make_user("p_tongxu_gxj", Role.SECTOR_DEPARTMENT, region=region("410222"), sector=Sector.INDUSTRY, unit=unit)


def file_request(client: Client, **fields: Any) -> dict[str, Any]:
    data = {"category": "raw_materials", "title": "钢材采购受阻", "text": "原材料钢材因物流管控无法到厂，请协调。"}
    response = post(client, API, data | fields)
    assert response.status_code == 201, response.json()
    return response.json()  # type: ignore[no-any-return]


def act(client: Client, ticket_id: int, action: str, data: Any = None) -> Any:
    return post(client, f"{API}/{ticket_id}/actions/{action}", data)


def answered_request(personas: Personas, unit: Unit, department: User) -> int:
    ticket_id = file_request(client_for(personas.ent_a_user))["id"]
    assert act(client_for(personas.tongxu_hq), ticket_id, "assign", {"unit_id": unit.pk}).status_code == 200
    dept = client_for(department)
    assert act(dept, ticket_id, "respond", {"text": "已受理，正在协调物流"}).status_code == 200
    answered = act(dept, ticket_id, "answer", {"outcome": "resolved", "reply": "已协调专班车辆送达"})
    assert answered.status_code == 200, answered.json()
    return ticket_id  # type: ignore[no-any-return]


def test_full_loop_file_assign_respond_answer_rate_verify_close(
    personas: Personas, unit: Unit, department: User
) -> None:
    enterprise, hq, dept = client_for(personas.ent_a_user), client_for(personas.tongxu_hq), client_for(department)
    filed = file_request(enterprise, urgency="urgent")
    ticket_id = filed["id"]
    assert filed["state"] == "submitted" and filed["holder_region"]["code"] == "410222"
    assert [a["action"] for a in filed["actions"]] == []  # nothing for the enterprise to do yet

    attached = enterprise.post(
        f"{API}/{ticket_id}/attachments", {"file": SimpleUploadedFile("发票.pdf", b"%PDF-1.4 x")}
    )
    assert attached.status_code == 201, attached.json()

    # The holding HQ office sees the routing suggestion and its triage queue.
    detail = hq.get(f"{API}/{ticket_id}").json()
    assert detail["routing"]["unit"]["id"] == unit.pk
    assert "assign" in [a["action"] for a in detail["actions"]]
    assert [row["id"] for row in hq.get(f"{API}/triage").json()["items"]] == [ticket_id]
    assert enterprise.get(f"{API}/{ticket_id}").json()["routing"] is None

    assigned = act(hq, ticket_id, "assign", {"unit_id": unit.pk})
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["state"] == "assigned" and assigned.json()["unit"]["id"] == unit.pk
    assert assigned.json()["deadline_state"] == "on_time"

    responded = act(dept, ticket_id, "respond", {"text": "已受理"})
    assert responded.json()["state"] == "in_progress"
    internal = post(dept, f"{API}/{ticket_id}/notes", {"text": "内部：已联系交通局", "visible_to_enterprise": False})
    assert internal.status_code == 201, internal.json()
    assert post(dept, f"{API}/{ticket_id}/notes", {"text": "车辆已安排"}).status_code == 201
    assert [n["text"] for n in enterprise.get(f"{API}/{ticket_id}").json()["notes"]] == ["已受理", "车辆已安排"]
    assert len(dept.get(f"{API}/{ticket_id}").json()["notes"]) == 3

    answered = act(dept, ticket_id, "answer", {"outcome": "resolved", "reply": "钢材已送达"})
    assert answered.json()["state"] == "answered"
    rated = act(enterprise, ticket_id, "rate", {"satisfaction": "satisfied", "score": 5})
    assert rated.status_code == 200, rated.json()
    assert rated.json()["state"] == "rated"
    verified = act(client_for(personas.tongxu_supervision), ticket_id, "verify", {"verification": "电话回访属实"})
    assert verified.json()["state"] == "verified"
    closed = act(hq, ticket_id, "close")
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["state"] == "closed" and body["closed_at"]
    assert [h["action"] for h in body["history"]] == [
        "create", "assign", "respond", "answer", "rate", "verify", "close"
    ]  # fmt: skip

    late = enterprise.post(f"{API}/{ticket_id}/attachments", {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 x")})
    assert late.status_code == 409 and late.json()["code"] == "tickets.attachment.state"

    listed = enterprise.get(API, {"state": "closed"}).json()
    assert [row["id"] for row in listed["items"]] == [ticket_id]
    assert listed["items"][0]["deadline_state"] == ""


def test_an_unsatisfied_rating_reopens_the_request(personas: Personas, unit: Unit, department: User) -> None:
    ticket_id = answered_request(personas, unit, department)
    enterprise = client_for(personas.ent_a_user)

    missing = act(enterprise, ticket_id, "rate", {"satisfaction": "unsatisfied", "score": 1})
    assert missing.status_code == 400 and missing.json()["field"] == "comment"

    reopened = act(enterprise, ticket_id, "rate", {"satisfaction": "unsatisfied", "score": 1, "comment": "仍未到货"})
    assert reopened.status_code == 200, reopened.json()
    body = reopened.json()
    assert body["state"] == "in_progress" and body["reopen_count"] == 1 and body["outcome"] is None
    assert body["unit"]["id"] == unit.pk
    assert "answer" in [a["action"] for a in client_for(department).get(f"{API}/{ticket_id}").json()["actions"]]


def test_escalation_county_to_city_to_province(personas: Personas) -> None:
    ticket_id = file_request(client_for(personas.ent_a_user))["id"]
    county, city, province = (
        client_for(personas.tongxu_hq),
        client_for(personas.kaifeng_hq),
        client_for(personas.henan_hq),
    )
    no_code = act(county, ticket_id, "escalate", {"reason": "需市级协调"})
    assert no_code.status_code == 422 and no_code.json()["field"] == "reason_code"

    to_city = act(county, ticket_id, "escalate", {"reason_code": "major", "reason": "需市级协调跨县物流"})
    assert to_city.status_code == 200, to_city.json()
    assert to_city.json()["holder_region"]["code"] == "410200" and to_city.json()["state"] == "submitted"
    assert act(county, ticket_id, "escalate", {"reason_code": "major", "reason": "再报"}).status_code == 403
    assert [row["id"] for row in city.get(f"{API}/triage").json()["items"]] == [ticket_id]

    to_province = act(city, ticket_id, "escalate", {"reason_code": "beyond_powers", "reason": "涉及省际运输"})
    assert to_province.status_code == 200, to_province.json()
    body = to_province.json()
    assert body["holder_region"]["code"] == "410000" and body["escalation_count"] == 2
    assert [h["action"] for h in body["history"]] == ["create", "escalate", "escalate"]
    assert [row["id"] for row in province.get(f"{API}/triage").json()["items"]] == [ticket_id]

    top = act(province, ticket_id, "escalate", {"reason_code": "major", "reason": "再报"})
    assert top.status_code == 409 and top.json()["code"] == "tickets.escalate.top"


def test_a_common_issue_answers_its_linked_requests(personas: Personas, unit: Unit, department: User) -> None:
    first = file_request(client_for(personas.ent_a_user), category="policy", title="电费补贴", text="电费补贴")
    second = file_request(client_for(personas.ent_b_user), category="policy", title="电费补贴", text="电费补贴标准")
    hq = client_for(personas.tongxu_hq)
    assert [d["ticket"]["id"] for d in hq.get(f"{API}/{second['id']}").json()["duplicates"]] == [first["id"]]

    too_few = post(hq, f"{API}/common-issues", {"title": "电费", "unit_id": unit.pk, "ticket_ids": [first["id"]]})
    assert too_few.status_code == 422 and too_few.json()["field"] == "ticket_ids"
    created = post(
        hq,
        f"{API}/common-issues",
        {"title": "工业电价补贴标准不明", "unit_id": unit.pk, "ticket_ids": [first["id"], second["id"]]},
    )
    assert created.status_code == 201, created.json()
    issue = created.json()
    assert issue["ticket_count"] == 2 and {t["state"] for t in issue["tickets"]} == {"linked"}

    dept = client_for(department)
    assert [row["id"] for row in dept.get(f"{API}/common-issues").json()["items"]] == [issue["id"]]
    answered = post(
        dept, f"{API}/common-issues/{issue['id']}/answer", {"outcome": "resolved", "answer": "按新标准执行"}
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["answered_at"] and {t["state"] for t in answered.json()["tickets"]} == {"answered"}
    again = post(dept, f"{API}/common-issues/{issue['id']}/answer", {"outcome": "resolved", "answer": "再答"})
    assert again.status_code == 409 and again.json()["code"] == "tickets.common.answered"

    rated = act(client_for(personas.ent_b_user), second["id"], "rate", {"satisfaction": "basic", "score": 4})
    assert rated.status_code == 200 and rated.json()["reply"] == "按新标准执行"


def test_refusals_change_nothing(personas: Personas, unit: Unit) -> None:
    enterprise = client_for(personas.ent_a_user)
    ticket_id = file_request(enterprise)["id"]
    logs = TransitionLog.objects.count()

    wrong_state = act(client_for(personas.tongxu_hq), ticket_id, "close")
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "tickets.ticket.close.state"
    forbidden = act(enterprise, ticket_id, "assign", {"unit_id": unit.pk})
    assert forbidden.status_code in (403, 404) and forbidden.json()["code"] == "tickets.ticket.assign.forbidden"
    unknown_unit = act(client_for(personas.tongxu_hq), ticket_id, "assign", {"unit_id": 2**40})
    assert unknown_unit.status_code == 404 and unknown_unit.json()["field"] == "unit_id"
    blank = post(enterprise, API, {"category": "labour", "title": "  ", "text": "x"})
    assert blank.status_code == 422 and blank.json()["field"] == "title"

    other = client_for(personas.ent_b_user)
    assert other.get(f"{API}/{ticket_id}").status_code == 404
    assert act(other, ticket_id, "rate", {"satisfaction": "satisfied", "score": 5}).status_code == 404
    assert other.get(API).json()["items"] == []
    assert client_for(personas.xinzheng_hq).get(f"{API}/{ticket_id}").status_code == 404
    on_behalf = post(
        client_for(personas.xinzheng_hq),
        API,
        {"category": "labour", "title": "缺工", "text": "缺工", "enterprise_id": personas.ent_a.pk},
    )
    assert on_behalf.status_code == 404

    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.state == TicketState.SUBMITTED and ticket.unit_id is None
    assert TransitionLog.objects.count() == logs
    assert Ticket.objects.count() == 1


def test_an_official_files_on_the_enterprise_s_behalf(personas: Personas) -> None:
    filed = file_request(client_for(personas.tongxu_township), enterprise_id=personas.ent_a.pk)
    assert filed["enterprise"]["id"] == personas.ent_a.pk
    missing = post(client_for(personas.tongxu_township), API, {"category": "labour", "title": "缺工", "text": "缺工"})
    assert missing.status_code == 404 and missing.json()["field"] == "enterprise_id"
