"""EP-7 scan import: all or nothing with row-numbered errors, re-import adds nothing, only codes in the
uploader's area, ID numbers stored only as digests (both database paths: run with DATABASE_URL for PG)."""

from datetime import UTC, datetime

import pytest

from conftest import Personas, client_for
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.protected import digest
from sibao.epidemic.tests.test_employees import id_number
from sibao.venues import ingest
from sibao.venues.models import ImportStatus, Scan, ScanImport
from sibao.venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db

HEADER = "场所码,身份证号码,扫码时间,姓名\n"
NUMBER = id_number("41022219900101123")
OTHER = id_number("41022219850505321")


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def submit(personas: Personas, content: bytes, name: str = "scans.csv") -> ScanImport:
    return ingest.scans_import_submit(actor=personas.tongxu_epidemic, file_name=name, content=content)


@pytest.fixture
def gate(personas: Personas):
    return VenueFactory(enterprise=personas.ent_a, name="东门")


def test_a_good_file_saves_every_row_as_digests(personas: Personas, gate) -> None:
    done = submit(
        personas,
        csv_file(
            f"{gate.token},{NUMBER},2026-05-01 08:30,王建军",
            f"https://sibao.example.cn/venues/c/{gate.token}/,{OTHER},2026-05-01 08:31:15,李四",
        ),
    )
    assert done.status == ImportStatus.DONE and (done.row_count, done.added_count) == (2, 2)
    stored = Scan.objects.get(id_digest=digest(NUMBER))
    assert stored.venue == gate and stored.scanned_at == datetime(2026, 5, 1, 0, 30, tzinfo=UTC)  # Beijing
    assert stored.scan_import == done
    every_value = str(list(Scan.objects.values_list()))
    assert NUMBER not in every_value and OTHER not in every_value
    assert NUMBER not in str(list(ScanImport.objects.values_list()))


def test_a_bad_row_saves_nothing_and_names_row_and_column(personas: Personas, gate) -> None:
    done = submit(
        personas,
        csv_file(
            f"{gate.token},{NUMBER},2026-05-01 08:30,王建军",
            f"nosuchcode,{NUMBER[:-1]}0,2026-13-01 08:30,李四",
        ),
    )
    assert done.status == ImportStatus.FAILED
    assert Scan.objects.count() == 0
    assert "表格第3行" in done.error
    for column in ("场所码", "身份证号码", "扫码时间"):
        assert column in done.error
    assert NUMBER[:-1] not in done.error  # the message names the row, never the number


def test_reimport_adds_nothing(personas: Personas, gate) -> None:
    content = csv_file(f"{gate.token},{NUMBER},2026-05-01 08:30,王建军")
    submit(personas, content)
    with pytest.raises(ServiceError) as refused:
        submit(personas, content)
    assert refused.value.code == "duplicate_file"
    overlapping = submit(
        personas,
        csv_file(f"{gate.token},{NUMBER},2026-05-01 08:30,王建军", f"{gate.token},{OTHER},2026-05-01 09:00,李四"),
        name="scans2.csv",
    )
    assert (overlapping.row_count, overlapping.added_count) == (2, 1)
    assert Scan.objects.count() == 2


def test_codes_of_other_areas_are_unknown(personas: Personas) -> None:
    elsewhere = VenueFactory(enterprise=personas.ent_xinzheng)
    done = submit(personas, csv_file(f"{elsewhere.token},{NUMBER},2026-05-01 08:30,"))
    assert done.status == ImportStatus.FAILED and "场所码" in done.error
    assert not Scan.objects.exists()


def test_missing_column_and_role(personas: Personas, gate) -> None:
    done = submit(personas, f"场所码,扫码时间\n{gate.token},2026-05-01 08:30\n".encode())
    assert done.status == ImportStatus.FAILED and "身份证号码" in done.error
    with pytest.raises(PermissionRefused):
        ingest.scans_import_submit(actor=personas.ent_a_user, file_name="x.csv", content=b"x")


def test_large_file_runs_as_background_task(
    personas: Personas, gate, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(ingest, "INLINE_MAX_BYTES", 10)
    lines = [f"{gate.token},{NUMBER},2026-05-01 08:{minute:02d},王建军" for minute in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        with_task = submit(personas, csv_file(*lines))
    assert with_task.status == ImportStatus.PENDING  # queued, not run inside the request
    with_task.refresh_from_db()
    assert with_task.status == ImportStatus.DONE and with_task.added_count == 5 and with_task.progress == 100


def test_import_page_and_api(personas: Personas, gate) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(personas.tongxu_epidemic)
    upload = SimpleUploadedFile("scans.csv", csv_file(f"{gate.token},{NUMBER},2026-05-01 08:30,王建军"))
    answer = client.post("/venues/scans/", {"file": upload})
    assert answer.status_code == 302
    detail = client.get(answer["Location"])
    assert detail.status_code == 200 and NUMBER not in detail.content.decode()
    assert client_for(personas.ent_a_user).get("/venues/scans/").status_code == 403
    api = client.post(
        "/api/venues/scan-imports",
        {"file": SimpleUploadedFile("s2.csv", csv_file(f"{gate.token},{OTHER},2026-05-01 08:40,李四"))},
    )
    assert api.status_code == 201 and api.json()["added_count"] == 1
    imported = api.json()["id"]
    assert client_for(personas.xinzheng_hq).get(f"/api/venues/scan-imports/{imported}").status_code in (403, 404)
