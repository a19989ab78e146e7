"""Pages and API of EP-3/EP-4/EP-5: what users see, the same rules through both, scope (another county →
404, one enterprise never sees another's reports or arrivals) and masked ID numbers everywhere."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for, make_user, region
from sibao.core.roles import Role
from sibao.epidemic.models import CodeColour
from sibao.health.models import ArrivalRegistration, CodeBasis, DailyReport
from sibao.health.services import arrival_register, daily_report_file, health_code_assign
from sibao.health.tests.factories import employee, id_number, whitelist_ent_a
from sibao.sentinel.models import SentinelWarning, WarningKind

pytestmark = pytest.mark.django_db

NUMBER = id_number("11010519850312003")


def api(client: object, method: str, url: str, body: object = None) -> object:
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(url, **kwargs)


def _arrival(personas: Personas, enterprise: object = None, user: object = None) -> ArrivalRegistration:
    return arrival_register(
        actor=user or personas.ent_a_user,
        enterprise=enterprise or personas.ent_a,
        data={
            "kind": "visitor",
            "name": "孙来访",
            "id_number": NUMBER,
            "origin_county": region("410184"),
            "expected_date": timezone.localdate(),
        },
    )


def test_enterprise_files_a_zero_report_on_its_page_and_a_second_is_refused(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    assert 'data-testid="today-status"' in client.get("/health/").content.decode()
    day = timezone.localdate().isoformat()
    response = client.post("/health/reports/new/", {"day": day, "people_on_site": "80"})
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert report.is_zero and report.enterprise == personas.ent_a
    again = client.post("/health/reports/new/", {"day": day, "people_on_site": "81"})
    assert again.status_code == 400
    assert day in again.content.decode()
    page = client.get("/health/").content.decode()
    assert f"/health/reports/{report.pk}/" in page


def test_officials_see_the_missing_whitelisted_enterprises(personas: Personas) -> None:
    whitelist_ent_a(personas)
    client = client_for(personas.tongxu_epidemic)
    page = client.get("/health/").content.decode()
    assert personas.ent_a.name in page and f"?enterprise={personas.ent_a.pk}" in page
    # Filing on its behalf through the link takes it off the list.
    assert (
        client.post(
            f"/health/reports/new/?enterprise={personas.ent_a.pk}",
            {"day": timezone.localdate().isoformat(), "people_on_site": "5"},
        ).status_code
        == 302
    )
    page = client.get("/health/").content.decode()
    assert 'data-testid="missing-count">0<' in page
    listed = client.get("/api/health/reports/missing").json()
    assert listed["count"] == 0
    assert client.get("/api/health/reports").json()["count"] == 1


def test_report_scope_other_county_and_other_enterprise(personas: Personas) -> None:
    report = daily_report_file(
        actor=personas.ent_a_user, enterprise=personas.ent_a, day=timezone.localdate(), people_on_site=9
    )
    xinzheng_epidemic = make_user("xz_epi", Role.EPIDEMIC, region=region("410184"))
    for user in (xinzheng_epidemic, personas.ent_b_user):
        client = client_for(user)
        assert client.get(f"/health/reports/{report.pk}/").status_code == 404
        assert client.get(f"/api/health/reports/{report.pk}").status_code == 404
        assert client.get("/api/health/reports").json()["count"] == 0
    assert client_for(personas.ent_b_user).get(f"/health/reports/new/?enterprise={personas.ent_a.pk}").status_code in (
        200,
        403,
        404,
    )
    assert DailyReport.objects.filter(enterprise=personas.ent_b).count() == 0
    assert client_for(personas.tongxu_township).get(f"/health/reports/{report.pk}/").status_code == 200


def test_api_files_reports_with_symptoms_and_refuses_the_duplicate(personas: Personas) -> None:
    ill = employee(personas.ent_a, "李发热")
    client = client_for(personas.ent_a_user)
    body = {
        "day": timezone.localdate().isoformat(),
        "people_on_site": 40,
        "symptoms": [{"employee_id": ill.pk, "symptoms": ["fever", "cough"]}],
    }
    created = api(client, "post", "/api/health/reports", body)
    assert created.status_code == 201, created.content
    assert created.json()["symptom_count"] == 1 and created.json()["is_zero"] is False
    assert SentinelWarning.objects.filter(kind=WarningKind.SYMPTOMS, employee=ill).exists()
    duplicate = api(client, "post", "/api/health/reports", body)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "health.report.duplicate"
    other = api(client_for(personas.ent_b_user), "post", "/api/health/reports", {**body, "symptoms": []})
    assert other.status_code == 201 and other.json()["enterprise"]["id"] == personas.ent_b.pk
    huge = api(client, "post", "/api/health/reports", {**body, "enterprise_id": 2**70})
    assert huge.status_code == 422


def test_code_page_shows_the_protection_refusal_and_history(personas: Personas) -> None:
    whitelist_ent_a(personas)
    person = employee(personas.ent_a, "王员工")
    client = client_for(personas.tongxu_epidemic)
    refused = client.post(f"/health/codes/{person.pk}/", {"colour": "yellow", "basis": "other"})
    assert refused.status_code == 400
    assert "白名单" in refused.content.decode()
    allowed = client.post(f"/health/codes/{person.pk}/", {"colour": "yellow", "basis": "close_contact"})
    assert allowed.status_code == 302
    listing = client.get("/health/codes/").content.decode()
    assert person.name in listing and person.id_masked in listing
    api_refused = api(client, "post", f"/api/health/codes/{person.pk}", {"colour": "red", "basis": "other"})
    assert api_refused.status_code == 409 and api_refused.json()["code"] == "health.code.protected"
    assert client.get("/api/health/codes").json()["items"][0]["health_code"] == "yellow"
    history = client.get(f"/api/health/codes/{person.pk}/history").json()["items"]
    assert [h["basis"] for h in history] == ["close_contact"]
    # Enterprise users read but never assign; other counties do not find the person.
    assert (
        client_for(personas.ent_a_user)
        .post(f"/health/codes/{person.pk}/", {"colour": "green", "basis": "other"})
        .status_code
        == 403
    )
    xinzheng_epidemic = make_user("xz_epi2", Role.EPIDEMIC, region=region("410184"))
    assert client_for(xinzheng_epidemic).get(f"/health/codes/{person.pk}/").status_code == 404
    assert (
        api(
            client_for(xinzheng_epidemic),
            "post",
            f"/api/health/codes/{person.pk}",
            {"colour": "green", "basis": "other"},
        ).status_code
        == 404
    )
    assert client_for(personas.ent_b_user).get(f"/health/codes/{person.pk}/").status_code == 404


def test_risk_areas_are_managed_by_the_task_force(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    today = timezone.localdate()
    created = api(
        client,
        "post",
        "/api/health/risk-areas",
        {
            "county_code": "410103",
            "level": "medium",
            "valid_from": (today - timedelta(days=1)).isoformat(),
            "source": "示例",
        },
    )
    assert created.status_code == 201, created.content
    assert client.get(f"/api/health/risk-areas?in_force_on={today}").json()["count"] == 1
    not_county = api(
        client,
        "post",
        "/api/health/risk-areas",
        {"county_code": "410100", "level": "high", "valid_from": today.isoformat()},
    )
    assert not_county.status_code == 404 and not_county.json()["field"] == "county_code"
    hq = client_for(personas.tongxu_hq)
    assert "二七区" in hq.get("/health/risk-areas/").content.decode()
    assert (
        hq.post(
            "/health/risk-areas/", {"county": region("410103").pk, "level": "high", "valid_from": today}
        ).status_code
        == 403
    )
    page = client.post(
        "/health/risk-areas/",
        {"county": region("410122").pk, "level": "static", "area_name": "某小区", "valid_from": today},
    )
    assert page.status_code == 302
    area_id = created.json()["id"]
    ended = api(client, "post", f"/api/health/risk-areas/{area_id}/end", {"until": today.isoformat()})
    assert ended.status_code == 200 and ended.json()["valid_until"] == today.isoformat()


def test_arrival_pages_register_sight_and_mask(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    assert client.get("/health/arrivals/new/").status_code == 200
    seen = timezone.localtime() - timedelta(hours=1)
    sighted = client.post(
        "/health/arrivals/sighting/",
        {"name": "孙来访", "id_number": NUMBER, "seen_at": seen.strftime("%Y-%m-%dT%H:%M"), "source": "门岗查验"},
    )
    assert sighted.status_code == 302
    page = client.get("/health/arrivals/").content.decode()
    assert 'data-testid="unregistered"' in page and NUMBER not in page
    registered = client.post(
        "/health/arrivals/new/",
        {"kind": "visitor", "name": "孙来访", "id_number": NUMBER, "origin_county": region("410184").pk},
    )
    assert registered.status_code == 302, registered.content.decode()[:2000]
    registration = ArrivalRegistration.objects.get()
    assert registration.registered_after_arrival
    detail = client.get(f"/health/arrivals/{registration.pk}/").content.decode()
    assert 'data-status="test_due"' in detail and NUMBER not in detail
    page = client.get("/health/arrivals/").content.decode()
    assert 'data-testid="unregistered"' not in page
    bad = client.post(
        "/health/arrivals/new/",
        {"kind": "visitor", "name": "x", "id_number": "123", "origin_county": region("410184").pk},
    )
    assert bad.status_code == 400 and 'data-field="id_number"' in bad.content.decode()


def test_arrival_api_masks_numbers_and_keeps_scope(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    created = api(
        client,
        "post",
        "/api/health/arrivals",
        {
            "kind": "returnee",
            "name": "周返岗",
            "id_number": NUMBER,
            "origin_county_code": "410184",
            "expected_date": timezone.localdate().isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["status"] == "expected" and body["id_masked"].startswith("1101") and NUMBER not in created.content.decode()
    )
    arrived = api(client, "post", f"/api/health/arrivals/{body['id']}/arrived", {})
    assert arrived.status_code == 200 and arrived.json()["status"] == "test_due"
    assert arrived.json()["coding"] == "test_required"
    listed = client.get("/api/health/arrivals")
    assert listed.json()["count"] == 1 and NUMBER not in listed.content.decode()
    sighting = api(
        client,
        "post",
        "/api/health/sightings",
        {
            "name": "陌生人",
            "id_number": id_number("11010519850312004"),
            "seen_at": timezone.now().isoformat(),
            "source": "门岗",
        },
    )
    assert sighting.status_code == 201 and sighting.json()["registration_id"] is None
    assert SentinelWarning.objects.filter(kind=WarningKind.UNREGISTERED_ARRIVAL).count() == 1
    xinzheng_epidemic = make_user("xz_epi3", Role.EPIDEMIC, region=region("410184"))
    for user in (xinzheng_epidemic, personas.ent_b_user):
        other = client_for(user)
        assert other.get(f"/api/health/arrivals/{body['id']}").status_code == 404
        assert other.get(f"/health/arrivals/{body['id']}/").status_code == 404
        assert other.get("/api/health/arrivals").json()["count"] == 0
        assert other.get("/api/health/sightings").json()["count"] == 0
    assert client_for(personas.tongxu_epidemic).get("/api/health/arrivals").json()["count"] == 1


def test_every_page_renders_for_officials_and_the_enterprise(personas: Personas) -> None:
    whitelist_ent_a(personas)
    person = employee(personas.ent_b, "红码员工")
    health_code_assign(actor=None, employee=person, colour=CodeColour.RED, basis=CodeBasis.POSITIVE)
    _arrival(personas)
    for user in (personas.tongxu_epidemic, personas.tongxu_hq, personas.henan_hq, personas.admin, personas.ent_a_user):
        client = client_for(user)
        for url in ("/health/", "/health/codes/", "/health/risk-areas/", "/health/arrivals/"):
            assert client.get(url).status_code == 200, (user.username, url)
    assert "红码员工" in client_for(personas.tongxu_epidemic).get("/health/codes/").content.decode()
    assert "红码员工" not in client_for(personas.ent_a_user).get("/health/codes/").content.decode()
