"""EM-1…EM-6 through the pages and the API: the switch with its preview and one confirmation, scope (another
county: 404), the enterprise's notice and confirmation, the duty-exemption record from hand-made data."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for
from sibao.emergency.duty import duty_record
from sibao.emergency.models import Emergency, EmergencyStatus
from sibao.emergency.tests.factories import whitelist
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import TestResult as Result
from sibao.health.models import DailyReport
from sibao.health.tests.factories import employee

pytestmark = pytest.mark.django_db


def test_switch_from_the_state_page_with_preview_confirm_and_back(personas: Personas) -> None:
    firms = whitelist(personas)
    hq = client_for(personas.tongxu_hq)
    page = hq.get("/emergency/regions/410222/switch/")
    assert page.status_code == 200
    assert page.context["preview"].enterprises == 3
    refused = hq.post(
        "/emergency/regions/410222/switch/", {"switch-reason": "", "switch-document_number": "通防指〔2022〕3号"}
    )
    assert refused.status_code == 400 and not Emergency.objects.exists()
    done = hq.post(
        "/emergency/regions/410222/switch/",
        {"switch-reason": "本土疫情", "switch-document_number": "通防指〔2022〕3号"},
    )
    assert done.status_code == 302
    emergency = Emergency.objects.get()
    assert emergency.status == EmergencyStatus.ACTIVE
    # The banner is on the enterprise's pages, and it confirms readiness from its notice page.
    ent = client_for(personas.ent_a_user)
    notice = ent.get("/emergency/notice/")
    assert (
        "通防指〔2022〕3号" in notice.content.decode() and 'data-testid="emergency-banner"' in notice.content.decode()
    )
    assert (
        ent.post(f"/emergency/{emergency.pk}/confirm/", {f"confirm-{emergency.pk}-staff_inside": "35"}).status_code
        == 302
    )
    missing = hq.get(f"/emergency/{emergency.pk}/confirmations/?missing=1").content.decode()
    assert firms["b"].name in missing and firms["a"].name not in missing
    back = hq.post(
        f"/emergency/{emergency.pk}/switch-back/", {"back-reason": "解除", "back-document_number": "通防指〔2022〕9号"}
    )
    assert back.status_code == 302
    assert Enterprise.objects.get(pk=firms["a"].pk).closed_loop_mode == "two_point"


def test_another_county_neither_switches_nor_sees_the_preview(personas: Personas) -> None:
    whitelist(personas)
    xinzheng = client_for(personas.xinzheng_hq)
    assert xinzheng.get("/emergency/regions/410222/switch/").status_code == 404
    assert (
        xinzheng.post("/emergency/regions/410222/switch/", {"reason": "x", "document_number": "y"}).status_code == 404
    )
    assert xinzheng.get("/api/emergency/regions/410222/preview").status_code == 404
    answer = xinzheng.post(
        "/api/emergency/regions/410222/switch",
        {"reason": "越权", "document_number": "新防指1号"},
        content_type="application/json",
    )
    assert answer.status_code == 404 and not Emergency.objects.exists()
    assert client_for(personas.ent_a_user).get("/api/emergency/regions/410222/preview").status_code == 403


def test_the_api_switches_and_lists_who_has_not_confirmed(personas: Personas) -> None:
    firms = whitelist(personas)
    hq = client_for(personas.tongxu_hq)
    preview = hq.get("/api/emergency/regions/410222/preview").json()
    assert (preview["enterprises"], preview["to_full"], preview["to_two_point"]) == (3, 1, 1)
    made = hq.post(
        "/api/emergency/regions/410222/switch",
        {"reason": "本土疫情", "document_number": "通防指〔2022〕3号"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    emergency_id = made.json()["id"]
    again = hq.post(
        "/api/emergency/regions/410222/switch",
        {"reason": "再次", "document_number": "通防指〔2022〕4号"},
        content_type="application/json",
    )
    assert again.status_code == 409
    missing = hq.get(f"/api/emergency/emergencies/{emergency_id}/confirmations?missing=true").json()["items"]
    assert {row["enterprise"]["id"] for row in missing} == {firms["a"].pk, firms["b"].pk, firms["closed"].pk}
    state = hq.get("/api/emergency/regions/410222").json()
    assert state["state"] == "emergency" and {row["key"] for row in state["differing_parameters"]} >= {
        "epidemic.test_interval_hours"
    }


def test_the_duty_record_counts_what_the_hand_made_data_holds(personas: Personas) -> None:
    today = timezone.localdate()
    first, second = employee(personas.ent_a, "王建军"), employee(personas.ent_a, "李明")
    employee(personas.ent_b, "张华")  # another firm's: not counted
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)  # Beijing noon, whatever UTC says
    for person, days_ago in ((first, 1), (first, 2), (second, 1)):
        Result.objects.create(
            id_digest=person.id_digest,
            sampled_at=noon - timedelta(days=days_ago),
            result="negative",
            institution="县疾控",
        )
    for days_ago in (1, 2):
        DailyReport.objects.create(enterprise=personas.ent_a, day=today - timedelta(days=days_ago), people_on_site=30)
    # The day before yesterday's was filed at 08:00 that day, on time; yesterday's only now, late.
    on_time = timezone.make_aware(datetime.combine(today - timedelta(days=2), time(8)))
    DailyReport.objects.filter(day=today - timedelta(days=2)).update(filed_at=on_time)
    record = duty_record(personas.ent_a, today - timedelta(days=2), today - timedelta(days=1))
    sections = {section.key: {row.label: row.value for row in section.rows} for section in record.sections}
    assert list(sections["tests"].values())[:3] == ["2", "3", "2"]  # on the register, results, people tested
    # days due, reports filed, days without one, filed late
    assert list(sections["daily_reports"].values()) == ["2", "2", "0", "1"]
    # Printable page and .xlsx for the officials in scope and the enterprise itself; another county 404.
    url = f"/emergency/duty/{personas.ent_a.pk}/"
    assert client_for(personas.tongxu_hq).get(url).status_code == 200
    assert client_for(personas.ent_a_user).get(url).status_code == 200
    assert client_for(personas.xinzheng_hq).get(url).status_code == 404
    xlsx = client_for(personas.tongxu_hq).get(f"/emergency/duty/{personas.ent_a.pk}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
