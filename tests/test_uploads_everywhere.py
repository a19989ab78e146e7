"""Issue 8 #9 / issue 9 #6: one upload validator behind every upload. A web page or a program renamed to an
accepted extension is refused by its content, with the field named, and nothing is kept; the bulk files
(test results, venue scans) have a size cap."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import Personas, client_for
from sibao.core.models import ImportJob, StoredUpload
from sibao.epidemic import models as epidemic
from sibao.tickets.models import Ticket
from sibao.venues.models import ScanImport

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def test_a_web_page_renamed_pdf_is_refused_as_a_request_attachment(personas: Personas) -> None:
    """The issue's case: request attachments took HTML or EXE content renamed .pdf."""
    client = client_for(personas.ent_a_user)
    data = {"category": "labour", "urgency": "normal", "title": "招工", "text": "缺人"}
    page = client.post(reverse("tickets:new"), {**data, "attachments": [SimpleUploadedFile("合同.pdf", HTML)]})
    assert page.status_code == 200 and Ticket.objects.count() == 0 and "合同.pdf" in page.content.decode()
    filed = client.post(reverse("tickets:new"), data)
    ticket = Ticket.objects.get()
    assert filed.status_code == 302
    for name, content in (("合同.pdf", HTML), ("照片.jpg", EXE), ("表格.xlsx", HTML)):
        refused = client.post(f"/api/requests/{ticket.pk}/attachments", {"file": SimpleUploadedFile(name, content)})
        assert refused.status_code == 400 and refused.json()["code"] == "tickets.attachment.content"
        assert refused.json()["field"] == "attachments"
    assert not ticket.attachments.exists()


@pytest.mark.parametrize(
    ("persona", "url", "code"),
    [
        ("tongxu_hq", "/api/enterprises/import", "enterprises.import.content"),
        ("ent_a_user", "/api/employees/import", "employees.import.content"),
        ("tongxu_epidemic", "/api/warnings/pharmacy/import", "pharmacy.import.content"),
    ],
)
def test_registry_imports_refuse_content_that_is_not_a_spreadsheet(
    personas: Personas, persona: str, url: str, code: str
) -> None:
    client = client_for(getattr(personas, persona))
    for name, content in (("名单.xlsx", HTML), ("名单.csv", EXE), ("名单.xlsx", b"PK\x03\x04 not a zip")):
        refused = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert refused.status_code == 400 and refused.json()["code"] == code and refused.json()["field"] == "file"
    assert not ImportJob.objects.exists() and not StoredUpload.objects.exists()


def test_the_import_page_names_the_file_it_refuses(personas: Personas) -> None:
    page = client_for(personas.tongxu_hq).post(
        "/enterprises/import/", {"file": SimpleUploadedFile("企业.xlsx", HTML), "preview": "1"}
    )
    assert page.status_code == 200 and "企业.xlsx" in page.content.decode() and not ImportJob.objects.exists()


def test_bulk_files_are_checked_and_capped(personas: Personas, settings: object) -> None:
    client = client_for(personas.tongxu_epidemic)
    results = client.post(
        "/api/employees/results", {"institution": "通许县人民医院", "file": SimpleUploadedFile("r.csv", HTML)}
    )
    assert results.status_code == 400 and results.json()["code"] == "epidemic.results.content"
    scans = client.post("/api/venues/scan-imports", {"file": SimpleUploadedFile("s.xlsx", EXE)})
    assert scans.status_code == 400 and scans.json()["code"] == "venues.import.content"
    settings.BULK_IMPORT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    big = ("姓名,身份证号码,采样时间,检测结果\n" + "某,x,y,z\n" * 200).encode()
    capped = client.post(
        "/api/employees/results", {"institution": "通许县人民医院", "file": SimpleUploadedFile("r.csv", big)}
    )
    assert capped.status_code == 400 and capped.json()["code"] == "epidemic.results.size"
    assert not epidemic.TestImport.objects.exists() and not ScanImport.objects.exists()
    assert not StoredUpload.objects.exists()
