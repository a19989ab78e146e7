"""EP-9 pages and API: the same rules, refusals with their status, and scope (404 outside it)."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for
from sibao.epidemic.models import Employee
from sibao.incidents import services
from sibao.incidents.models import Incident, IncidentState
from sibao.incidents.tests.factories import person, reported, to_retest

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(personas: Personas) -> Incident:
    return reported(personas, person(personas, "41022219900101123", "王建军"))


@pytest.fixture
def contact(personas: Personas) -> Employee:
    return person(personas, "41022219910202234", "李明")


def post_json(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_enterprise_reports_from_the_page_and_sees_the_deadline(personas: Personas) -> None:
    employee = person(personas, "41022219900101123", "王建军")
    client = client_for(personas.ent_a_user)
    page = client.get(reverse("incidents:new"))
    assert page.status_code == 200 and "王建军" in page.content.decode()
    response = client.post(reverse("incidents:new"), {"employee": employee.pk, "trigger": "symptoms", "note": "发热"})
    incident = Incident.objects.get(employee=employee)
    assert response.status_code == 302 and response.url == reverse("incidents:detail", args=[incident.pk])
    html = client.get(response.url).content.decode()
    assert 'data-deadline="running"' in html
    assert 'data-production="producing"' in html
    assert 'data-action="observe"' not in html  # the task force acts, not the enterprise
    again = client.post(reverse("incidents:new"), {"employee": employee.pk, "trigger": "symptoms"})
    assert again.status_code == 409


def test_task_force_buttons_and_refusal_on_the_page(personas: Personas, incident: Incident) -> None:
    client = client_for(personas.tongxu_epidemic)
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert 'data-action="observe"' in html and 'data-action="confirm"' not in html
    url = reverse("incidents:act", args=[incident.pk])
    wrong = client.post(url, {"action": "confirm"})
    assert wrong.status_code == 409 and 'data-code="incidents.incident.confirm.state"' in wrong.content.decode()
    done = client.post(url, {"action": "observe", "observe-place": "point", "observe-where": "留观室"})
    assert done.status_code == 302
    incident.refresh_from_db()
    assert incident.state == IncidentState.OBSERVATION
    forbidden = client_for(personas.ent_a_user).post(url, {"action": "sample_retest"})
    assert forbidden.status_code == 403


def test_list_open_first_with_overdue_colouring(personas: Personas, incident: Incident) -> None:
    Incident.objects.filter(pk=incident.pk).update(retest_due_at=timezone.now() - timedelta(minutes=30))
    other = reported(personas, person(personas, "41022219920303345", "张华"))
    other = to_retest(personas, other)
    services.incident_clear(actor=personas.tongxu_epidemic, incident=other)
    Incident.objects.filter(pk=other.pk).update(state=IncidentState.CLOSED)
    html = client_for(personas.tongxu_epidemic).get(reverse("incidents:index")).content.decode()
    assert "王建军" in html and "张华" not in html  # default: open ones only
    assert 'data-deadline="overdue"' in html and "table-danger" in html
    everything = client_for(personas.tongxu_epidemic).get(reverse("incidents:index") + "?state=").content.decode()
    assert everything.index("王建军") < everything.index("张华")  # open first


@pytest.mark.parametrize("persona", ["xinzheng_hq", "ent_b_user"])
def test_out_of_scope_is_404_on_page_and_api(personas: Personas, incident: Incident, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert client.get(f"/api/incidents/{incident.pk}").status_code == 404
    assert post_json(client, f"/api/incidents/{incident.pk}/actions/observe", {"place": "point"}).status_code == 404
    assert "王建军" not in client.get(reverse("incidents:index") + "?state=").content.decode()
    assert client.get("/api/incidents").json()["items"] == []


@pytest.mark.parametrize("persona", ["ent_a_user", "tongxu_epidemic", "tongxu_hq", "kaifeng_hq", "admin"])
def test_in_scope_can_see(personas: Personas, incident: Incident, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    assert client.get(f"/api/incidents/{incident.pk}").json()["employee"]["id_masked"].count("*") == 12


def test_api_full_flow_with_contacts_and_shutdown(personas: Personas, contact: Employee) -> None:
    employee = person(personas, "41022219900101123", "王建军")
    ent, tf, hq = (client_for(u) for u in (personas.ent_a_user, personas.tongxu_epidemic, personas.tongxu_hq))
    created = post_json(ent, "/api/incidents", {"employee_id": employee.pk, "trigger": "initial_positive"})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["deadline"]["state"] == "running"
    assert post_json(tf, f"/api/incidents/{pk}/actions/confirm", {}).status_code == 409
    assert post_json(ent, f"/api/incidents/{pk}/actions/observe", {"place": "point"}).status_code == 403
    assert (
        post_json(tf, f"/api/incidents/{pk}/actions/observe", {"place": "dormitory"}).json()["state"] == "observation"
    )
    assert post_json(tf, f"/api/incidents/{pk}/actions/sample_retest", {}).json()["actions"] == ["confirm", "clear"]
    added = post_json(tf, f"/api/incidents/{pk}/contacts", {"employee_id": contact.pk, "kind": "close"})
    assert added.status_code == 201 and added.json()["id_masked"].count("*") == 12
    assert post_json(tf, f"/api/incidents/{pk}/actions/confirm", {}).json()["state"] == "confirmed"
    isolated = post_json(tf, f"/api/incidents/{pk}/actions/isolate_contacts", {}).json()
    assert isolated["contacts"][0]["isolated_at"] is not None
    today = timezone.localdate()
    too_long = post_json(
        tf,
        f"/api/incidents/{pk}/shutdowns",
        {"date_from": str(today), "date_to": str(today + timedelta(days=3)), "scope": "2号车间", "reason": "阳性"},
    )
    assert too_long.status_code == 400 and too_long.json()["field"] == "date_to"
    shutdown = post_json(
        tf,
        f"/api/incidents/{pk}/shutdowns",
        {"date_from": str(today), "date_to": str(today + timedelta(days=2)), "scope": "2号车间", "reason": "阳性"},
    )
    assert shutdown.status_code == 201 and shutdown.json()["days"] == 3
    sid = shutdown.json()["id"]
    # EM-4: decided under /api/emergency by both HQ offices, each for its own office.
    assert post_json(tf, f"/api/emergency/shutdowns/{sid}/approve", {"reason": "同意"}).status_code == 403
    half = post_json(hq, f"/api/emergency/shutdowns/{sid}/approve", {"reason": "同意，仅2号车间"})
    assert half.status_code == 200 and half.json()["state"] == "economic_approved"
    assert tf.get(f"/api/incidents/{pk}").json()["rest_of_enterprise_producing"] is True
    epidemic_hq = client_for(personas.tongxu_epidemic_hq)
    approved = post_json(epidemic_hq, f"/api/emergency/shutdowns/{sid}/approve", {"reason": "同意"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert tf.get(f"/api/incidents/{pk}").json()["rest_of_enterprise_producing"] is False
    html = tf.get(reverse("incidents:detail", args=[pk])).content.decode()
    assert 'data-production="shutdown"' in html
    disinfected = post_json(
        tf, f"/api/incidents/{pk}/actions/disinfect", {"areas": "2号车间", "disinfected_on": str(today)}
    )
    assert disinfected.json()["state"] == "disinfected"
    closed = post_json(tf, f"/api/incidents/{pk}/actions/close", {"reason": "处置完毕"}).json()
    assert closed["state"] == "closed" and len(closed["history"]) == 7
    assert ent.get(f"/api/incidents/{pk}/contacts").status_code == 200


def test_shutdown_form_on_the_page_names_the_field(personas: Personas, incident: Incident) -> None:
    incident = to_retest(personas, incident)
    incident = services.incident_confirm(actor=personas.tongxu_epidemic, incident=incident)
    client = client_for(personas.tongxu_epidemic)
    today = timezone.localdate()
    response = client.post(
        reverse("incidents:shutdown_new", args=[incident.pk]),
        {
            "shutdown-date_from": str(today),
            "shutdown-date_to": str(today + timedelta(days=3)),
            "shutdown-scope": "2号车间",
            "shutdown-reason": "阳性",
        },
    )
    assert response.status_code == 400 and 'data-field="date_to"' in response.content.decode()
    ok = client.post(
        reverse("incidents:shutdown_new", args=[incident.pk]),
        {
            "shutdown-date_from": str(today),
            "shutdown-date_to": str(today + timedelta(days=2)),
            "shutdown-scope": "2号车间",
            "shutdown-reason": "阳性",
        },
    )
    assert ok.status_code == 302
    shutdown = incident.shutdowns.get()
    # The incident's page links the proposal; both HQ offices decide it on the shutdown's own page (EM-4).
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert reverse("emergency:shutdown", args=[shutdown.pk]) in page
    url = reverse("emergency:shutdown_act", args=[shutdown.pk])
    assert client.post(url, {"action": "approve", "decision-reason": "同意"}).status_code == 403
    for office in (personas.tongxu_hq, personas.tongxu_epidemic_hq):
        hq = client_for(office)
        assert 'value="approve"' in hq.get(reverse("emergency:shutdown", args=[shutdown.pk])).content.decode()
        assert hq.post(url, {"action": "approve", "decision-reason": "同意"}).status_code == 302
    shutdown.refresh_from_db()
    assert shutdown.state == "approved"
