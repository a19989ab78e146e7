"""EN-3 through the API (X-5): an enterprise's own system files the day's report; refusals name the field; the
missing list, the reports and the figures are in scope."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, client_for
from sibao.operations.models import Channel, OperatingReport
from sibao.operations.summaries import refresh
from sibao.operations.tests.factories import filed, values
from sibao.sentinel.tests.helpers import whitelist

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, payload: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_an_enterprise_system_files_today_s_report(personas: Personas) -> None:
    response = post(client_for(personas.ent_a_user), "/api/operations/reports", values(capacity_percent=91))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enterprise"]["id"] == personas.ent_a.pk and body["day"] == timezone.localdate().isoformat()
    assert body["capacity_percent"] == 91 and body["channel"] == Channel.API
    again = post(client_for(personas.ent_a_user), "/api/operations/reports", values())
    assert again.status_code == 409 and again.json()["code"] == "operations.report.duplicate"


@pytest.mark.parametrize(
    ("field", "bad"), [("capacity_percent", 130), ("staff_on_site", -1), ("raw_material_days", "-0.5")]
)
def test_a_bad_value_is_refused_naming_the_field(personas: Personas, field: str, bad: object) -> None:
    # The schema states the bounds: 422 naming the field, before the service is reached.
    response = post(client_for(personas.ent_a_user), "/api/operations/reports", values(**{field: bad}))
    assert response.status_code == 422 and response.json()["field"] == field
    assert not OperatingReport.objects.exists()


def test_a_rule_between_fields_is_refused_by_the_service_naming_the_field(personas: Personas) -> None:
    response = post(
        client_for(personas.ent_a_user), "/api/operations/reports", values(staff_on_site=120, staff_total=100)
    )
    assert response.status_code == 400
    assert response.json()["field"] == "staff_on_site" and "在岗人数" in response.json()["message"]
    assert response.json()["code"] == "operations.report.staff_over_total"
    assert not OperatingReport.objects.exists()


def test_out_of_scope_is_404(personas: Personas) -> None:
    payload = values() | {"enterprise_id": personas.ent_xinzheng.pk}
    assert post(client_for(personas.tongxu_hq), "/api/operations/reports", payload).status_code == 404
    report = filed(personas.xinzheng_hq, personas.ent_xinzheng)
    assert client_for(personas.tongxu_hq).get(f"/api/operations/reports/{report.pk}").status_code == 404
    corrected = client_for(personas.tongxu_hq).put(
        f"/api/operations/reports/{report.pk}", data=json.dumps(values()), content_type="application/json"
    )
    assert corrected.status_code == 404


def test_correct_today_s_report(personas: Personas) -> None:
    report = filed(personas.ent_a_user, personas.ent_a)
    response = client_for(personas.ent_a_user).put(
        f"/api/operations/reports/{report.pk}",
        data=json.dumps(values(status="halted", staff_on_site=0, capacity_percent=0)),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "halted"
    old = filed(personas.ent_a_user, personas.ent_a, day=timezone.localdate() - timedelta(days=1))
    closed = client_for(personas.ent_a_user).put(
        f"/api/operations/reports/{old.pk}", data=json.dumps(values()), content_type="application/json"
    )
    assert closed.status_code == 409 and closed.json()["code"] == "operations.report.closed"


def test_missing_and_summary_in_scope(personas: Personas) -> None:
    p = personas
    for enterprise in (p.ent_a, p.ent_b, p.ent_xinzheng):
        whitelist(enterprise, p.henan_hq)
    filed(p.ent_a_user, p.ent_a, status="reduced")
    missing = client_for(p.tongxu_hq).get("/api/operations/reports/missing").json()
    assert [row["name"] for row in missing["items"]] == [p.ent_b.name] and missing["count"] == 1
    assert "due_at" in missing["items"][0] and missing["items"][0]["region"]["code"]
    refresh(timezone.now())
    summary = client_for(p.tongxu_hq).get("/api/operations/summary").json()
    assert (summary["due"], summary["reported"], summary["missing"], summary["reduced"]) == (2, 1, 1, 1)
    assert summary["not_normal_percent"] == "100.0" and summary["region"]["code"] == "410222"
    assert client_for(p.tongxu_hq).get("/api/operations/summary", {"region": "410184"}).status_code == 404
    province = client_for(p.henan_hq).get("/api/operations/summary").json()
    assert province["due"] == 3
    assert client_for(p.ent_a_user).get("/api/operations/summary").status_code == 403
