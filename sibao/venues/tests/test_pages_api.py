"""EP-7 pages and API: venue codes (own enterprise / task force in scope), the printable QR page and SVG
download, and the tracing page — epidemic task force only, scoped, purpose required, logged, and never
showing or storing an ID number in clear text."""

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import Personas, client_for
from sibao.core.audit import security_event
from sibao.core.protected import digest
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.venues.models import Scan, TraceLog, Venue, VenueKind
from sibao.venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db

CASE = id_number("41022219900101123")
CONTACT = id_number("41022219850505321")
STRANGER = id_number("41022219950303111")


def test_enterprise_adds_edits_and_deactivates_its_codes(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    assert client.get("/venues/").status_code == 302  # an enterprise lands on its own codes
    page = client.get(f"/venues/enterprise/{personas.ent_a.pk}/")
    assert page.status_code == 200
    answer = client.post(
        f"/venues/enterprise/{personas.ent_a.pk}/add/", {"kind": "workshop", "name": "一号车间", "location": "1号楼"}
    )
    assert answer.status_code == 302
    venue = Venue.objects.get(enterprise=personas.ent_a, name="一号车间")
    assert len(venue.token) >= 20 and venue.is_active
    duplicate = client.post(f"/venues/enterprise/{personas.ent_a.pk}/add/", {"kind": "workshop", "name": "一号车间"})
    assert duplicate.status_code == 400 and 'data-field="name"' in duplicate.content.decode()
    token = venue.token
    assert client.get(f"/venues/venue/{venue.pk}/edit/").status_code == 200
    assert client_for(personas.ent_b_user).get(f"/venues/venue/{venue.pk}/edit/").status_code == 404
    client.post(f"/venues/venue/{venue.pk}/edit/", {"kind": "production_area", "name": "一号生产区", "location": ""})
    venue.refresh_from_db()
    assert venue.name == "一号生产区" and venue.token == token  # the printed code stays valid
    client.post(f"/venues/venue/{venue.pk}/active/", {"active": "0"})
    venue.refresh_from_db()
    assert not venue.is_active


def test_one_enterprise_cannot_see_or_change_another(personas: Personas) -> None:
    venue = VenueFactory(enterprise=personas.ent_a)
    other = client_for(personas.ent_b_user)
    assert other.get(f"/venues/enterprise/{personas.ent_a.pk}/").status_code == 404
    assert (
        other.post(f"/venues/enterprise/{personas.ent_a.pk}/add/", {"kind": "entrance", "name": "x"}).status_code == 404
    )
    assert other.get(f"/venues/venue/{venue.pk}/qr.svg").status_code == 404
    assert other.get(f"/api/venues/venues/{venue.pk}").status_code == 404
    assert client_for(personas.xinzheng_hq).get(f"/venues/enterprise/{personas.ent_a.pk}/").status_code == 404
    # Officials outside the task force see the codes but cannot change them.
    hq = client_for(personas.tongxu_hq)
    assert hq.get(f"/venues/enterprise/{personas.ent_a.pk}/").status_code == 200
    assert hq.post(f"/venues/enterprise/{personas.ent_a.pk}/add/", {"kind": "entrance", "name": "x"}).status_code == 403


def test_task_force_manages_codes_in_scope_through_the_api(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    answer = client.post(
        "/api/venues/venues",
        data={"enterprise_id": personas.ent_a.pk, "kind": "canteen", "name": "食堂"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["kind"] == "canteen"
    pk = answer.json()["id"]
    patched = client.patch(f"/api/venues/venues/{pk}", data={"is_active": False}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    elsewhere = client.post(
        "/api/venues/venues",
        data={"enterprise_id": personas.ent_xinzheng.pk, "kind": "entrance", "name": "门"},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404
    bad = client.post(
        "/api/venues/venues",
        data={"enterprise_id": personas.ent_a.pk, "kind": "entrance", "name": "  "},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "name"
    listing = client.get(f"/api/venues/venues?enterprise={personas.ent_a.pk}").json()
    assert listing["count"] == 1


def test_print_page_and_svg_carry_the_token(personas: Personas) -> None:
    venue = VenueFactory(enterprise=personas.ent_a, name="南门", kind=VenueKind.ENTRANCE)
    VenueFactory(enterprise=personas.ent_a, name="旧门", is_active=False)
    client = client_for(personas.ent_a_user)
    page = client.get(f"/venues/enterprise/{personas.ent_a.pk}/print/")
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text and venue.token in text
    assert "南门" in text and personas.ent_a.name in text and "旧门" not in text
    assert text.count('data-testid="code-card"') == 1 and "venue-codes-print.css" in text  # print CSS
    svg = client.get(f"/venues/venue/{venue.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and venue.token in svg.content.decode()
    landing = Client().get(f"/venues/c/{venue.token}/")  # what a phone opens: no login
    assert landing.status_code == 200 and "南门" in landing.content.decode()


@pytest.fixture
def case_scans(personas: Personas):
    gate = VenueFactory(enterprise=personas.ent_a, name="东门")
    case = employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王病例", "id_number": CASE}
    )
    contact = employee_create(
        actor=personas.ent_b_user, enterprise=personas.ent_b, data={"name": "李密接", "id_number": CONTACT}
    )
    at = timezone.now() - timedelta(days=1)
    Scan.objects.create(venue=gate, id_digest=digest(CASE), scanned_at=at)
    Scan.objects.create(venue=gate, id_digest=digest(CONTACT), scanned_at=at + timedelta(minutes=10))
    Scan.objects.create(venue=gate, id_digest=digest(STRANGER), scanned_at=at - timedelta(minutes=5))
    return case, contact


def period() -> dict[str, str]:
    now = timezone.localtime()
    return {"start": (now - timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"), "end": now.strftime("%Y-%m-%dT%H:%M")}


@pytest.mark.parametrize("persona", ["tongxu_hq", "tongxu_township", "ent_a_user", "admin", "tongxu_leader"])
def test_tracing_is_refused_outside_the_epidemic_task_force(personas: Personas, case_scans, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert client.get("/venues/trace/").status_code == 403
    assert client.post("/venues/trace/", {"employee": case_scans[0].pk, "purpose": "x", **period()}).status_code == 403
    api = client.post(
        "/api/venues/trace",
        data={"employee_id": case_scans[0].pk, "purpose": "x", "start": "2026-01-01T00:00", "end": "2026-01-02T00:00"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not TraceLog.objects.exists()


def test_tracing_page_shows_visits_and_contacts_and_logs_the_access(personas: Personas, case_scans) -> None:
    case, _contact = case_scans
    client = client_for(personas.tongxu_epidemic)
    assert client.get("/venues/trace/?q=王病").status_code == 200
    missing_purpose = client.post("/venues/trace/", {"employee": case.pk, "purpose": "", **period()})
    assert 'data-field="purpose"' in missing_purpose.content.decode() and not TraceLog.objects.exists()
    page = client.post("/venues/trace/", {"employee": case.pk, "purpose": "阳性病例流调 2026-01", **period()})
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="trace-result"' in text
    assert "东门" in text and "李密接" in text and text.count('data-testid="contact"') == 2
    assert CASE not in text and CONTACT not in text and STRANGER not in text
    log = TraceLog.objects.get()
    assert log.actor == personas.tongxu_epidemic and log.employee == case and log.purpose == "阳性病例流调 2026-01"
    assert (log.visit_count, log.contact_count) == (1, 2) and CASE not in log.subject
    access = LogEntry.objects.exclude(security_event).get(action=LogEntry.Action.ACCESS, object_pk=str(case.pk))
    assert access.actor == personas.tongxu_epidemic and "阳性病例流调" in str(access.changes)


def test_tracing_by_id_number_digests_it_and_exports(personas: Personas, case_scans) -> None:
    client = client_for(personas.tongxu_epidemic)
    shown = client.post("/venues/trace/", {"id_number": CASE, "purpose": "协查函", **period()})
    assert 'data-testid="trace-result"' in shown.content.decode() and CASE not in shown.content.decode()
    export = client.post("/venues/trace/", {"id_number": CASE, "purpose": "协查函", "export": "1", **period()})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert "李密接" in cells and CASE not in " ".join(cells)
    log = TraceLog.objects.latest("pk")
    assert (
        TraceLog.objects.count() == 2
        and log.employee is None
        and CASE not in log.subject
        and log.id_digest == digest(CASE)
    )
    # No table row holds the clear number (the trace log, the audit log).
    assert CASE not in str(list(TraceLog.objects.values_list())) and CASE not in str(
        list(LogEntry.objects.values_list("changes", flat=True))
    )
    bad = client.post("/venues/trace/", {"id_number": "123", "purpose": "x", **period()})
    assert 'data-field="id_number"' in bad.content.decode()


def test_tracing_is_scoped(personas: Personas, case_scans) -> None:
    foreign = employee_create(
        actor=personas.admin,
        enterprise=personas.ent_xinzheng,
        data={"name": "外县人员", "id_number": STRANGER},
    )
    client = client_for(personas.tongxu_epidemic)
    assert client.post("/venues/trace/", {"employee": foreign.pk, "purpose": "x", **period()}).status_code == 404
    api = client.post(
        "/api/venues/trace",
        data={"employee_id": foreign.pk, "purpose": "x", **period()},
        content_type="application/json",
    )
    assert api.status_code == 404
    # Venues outside the tracer's area are not searched.
    elsewhere = VenueFactory(enterprise=personas.ent_xinzheng)
    Scan.objects.create(venue=elsewhere, id_digest=digest(CASE), scanned_at=timezone.now() - timedelta(hours=3))
    answer = client.post(
        "/api/venues/trace",
        data={"employee_id": case_scans[0].pk, "purpose": "流调", **period()},
        content_type="application/json",
    )
    body = answer.json()
    assert answer.status_code == 200 and len(body["visits"]) == 1 and body["window_minutes"] == 30
    assert len(body["contacts"]) == 2 and "李密接" in {contact["name"] for contact in body["contacts"]}
    assert CASE not in answer.content.decode() and digest(CASE) not in answer.content.decode()
