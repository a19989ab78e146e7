"""EP-6 pharmacy purchases of the four drug types: all-or-nothing import naming the bad row; a purchase by
an employee in the importer's area warns that employee only; others are kept as digests and matched later;
no ID number is stored in clear text."""

import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for
from sibao.core.models import ImportJob
from sibao.core.protected import digest
from sibao.epidemic.tests.test_employees import id_number
from sibao.sentinel.imports import purchase_import
from sibao.sentinel.models import PharmacyImport, PharmacyPurchase, SentinelWarning, WarningKind
from sibao.sentinel.pharmacy import match_pending
from sibao.sentinel.tests.helpers import person

pytestmark = pytest.mark.django_db

HEADER = "药店名称,身份证号码,姓名,药品名称,药品类别,购药时间\n"
A_NUMBER = id_number("41022219850203001")
B_NUMBER = id_number("41022219850203002")
XZ_NUMBER = id_number("41022219850203003")
OUTSIDER = id_number("41022219850203004")


def csv_file(*lines: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(lines) + "\n").encode())


def purchased_at(hours_ago: int = 3) -> datetime:
    """Hours before yesterday's Beijing noon: a few hours apart stay one day, at whatever hour the suite runs."""
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    return noon - timedelta(hours=hours_ago)


def when(hours_ago: int = 3) -> str:
    return purchased_at(hours_ago).strftime("%Y-%m-%d %H:%M")


def run(actor: object, *lines: str, commit: bool = True):  # type: ignore[no-untyped-def]
    return purchase_import(actor=actor, upload=csv_file(*lines), filename="sales.csv", commit=commit)


def test_a_bad_row_saves_nothing_and_is_named(personas: Personas) -> None:
    result = run(
        personas.tongxu_epidemic,
        f"百姓大药房,{A_NUMBER},王五,布洛芬,退热类,{when()}",
        f"百姓大药房,{A_NUMBER[:-1]}0,王五,布洛芬,止痛类,{when()}",
    )
    assert not result.committed
    messages = [str(error) for error in result.errors]
    assert {(error.row, error.column) for error in result.errors} == {(3, "身份证号码"), (3, "药品类别")}
    assert all("2" in message for message in messages)  # data row 2 (sheet row 3)
    assert not PharmacyPurchase.objects.exists() and not PharmacyImport.objects.exists()
    assert not SentinelWarning.objects.exists()


def test_a_purchase_by_an_employee_warns_that_employee_only(personas: Personas) -> None:
    buyer = person(personas.ent_a, "41022219850203001", admin=personas.admin, name="王五")
    colleague = person(personas.ent_a, "41022219850203005", admin=personas.admin)
    other_enterprise = person(personas.ent_b, "41022219850203002", admin=personas.admin)
    other_county = person(personas.ent_xinzheng, "41022219850203003", admin=personas.admin)
    result = run(
        personas.tongxu_epidemic,
        f"百姓大药房,{A_NUMBER},王五,布洛芬缓释胶囊,退热类,{when(3)}",
        f"百姓大药房,{A_NUMBER},王五,连花清瘟,抗病毒,{when(2)}",  # same person, same day: one warning
        f"百姓大药房,{XZ_NUMBER},孙六,阿莫西林,抗生素类,{when()}",  # an employee of another county
        f"仁和药店,{OUTSIDER},赵七,复方甘草片,止咳类,{when()}",  # not an employee
    )
    assert result.committed, [str(e) for e in result.errors]
    warnings = SentinelWarning.objects.filter(kind=WarningKind.DRUG_PURCHASE)
    assert [(w.employee_id, w.enterprise_id) for w in warnings] == [(buyer.pk, personas.ent_a.pk)]
    day = purchased_at(3).date()
    assert warnings.get().subject_key == f"drug:{buyer.pk}:{day.isoformat()}"
    assert "布洛芬缓释胶囊" in warnings.get().detail
    assert not SentinelWarning.objects.filter(employee__in=[colleague, other_enterprise, other_county]).exists()
    # The non-employee's purchase is kept for later matching, as a digest.
    kept = PharmacyPurchase.objects.get(id_digest=digest(OUTSIDER))
    assert kept.employee is None
    record = PharmacyImport.objects.get()
    assert (record.row_count, record.added_count, record.matched_count, record.warning_count) == (4, 4, 2, 1)

    # Re-importing the same file adds nothing and raises nothing, even after the warning was closed.
    SentinelWarning.objects.update(status="closed")
    run(personas.tongxu_epidemic, f"百姓大药房,{A_NUMBER},王五,布洛芬缓释胶囊,退热类,{when(3)}")
    assert PharmacyPurchase.objects.count() == 4
    assert SentinelWarning.objects.filter(kind=WarningKind.DRUG_PURCHASE).count() == 1


def test_a_kept_purchase_is_matched_when_the_person_is_registered(personas: Personas) -> None:
    run(personas.tongxu_epidemic, f"仁和药店,{OUTSIDER},赵七,复方甘草片,止咳类,{when()}")
    assert not SentinelWarning.objects.exists()
    newcomer = person(personas.ent_b, "41022219850203004", admin=personas.admin)
    assert match_pending(timezone.now()) == {"matched": 1, "raised": 1}
    assert SentinelWarning.objects.get(kind=WarningKind.DRUG_PURCHASE).employee_id == newcomer.pk
    assert match_pending(timezone.now()) == {"matched": 0, "raised": 0}


def test_only_the_epidemic_task_force_imports(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    assert client.get(reverse("sentinel:pharmacy_import")).status_code == 403
    upload = csv_file(f"百姓大药房,{A_NUMBER},王五,布洛芬,退热类,{when()}")
    upload.name = "sales.csv"
    assert client.post("/api/warnings/pharmacy/import", {"file": upload}).status_code == 403


def test_page_preview_then_confirm(personas: Personas) -> None:
    person(personas.ent_a, "41022219850203001", admin=personas.admin, name="王五")
    client = client_for(personas.tongxu_epidemic)
    upload = csv_file(f"百姓大药房,{A_NUMBER},王五,布洛芬,退热类,{when()}")
    upload.name = "sales.csv"
    preview = client.post(reverse("sentinel:pharmacy_import"), {"file": upload, "preview": "1"}, follow=True)
    body = preview.content.decode()
    assert 'data-testid="import-preview-ok"' in body and A_NUMBER not in body
    assert not PharmacyPurchase.objects.exists()
    job = ImportJob.objects.get()
    done = client.post(reverse("core:import_job_confirm", args=[job.pk]), follow=True)
    assert "新增购药记录 1 条" in done.content.decode()
    assert PharmacyPurchase.objects.count() == 1
    assert SentinelWarning.objects.filter(kind=WarningKind.DRUG_PURCHASE).count() == 1


def test_api_import_dry_run_then_commit(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    for dry_run, expected in (("true", 0), ("false", 1)):
        upload = csv_file(f"百姓大药房,{OUTSIDER},赵七,布洛芬,退热类,{when()}")
        upload.name = "sales.csv"
        response = client.post(f"/api/warnings/pharmacy/import?dry_run={dry_run}", {"file": upload})
        assert response.status_code == 200 and response.json()["errors"] == []
        assert PharmacyPurchase.objects.count() == expected


def test_no_id_number_in_clear_text_anywhere_stored(personas: Personas) -> None:
    person(personas.ent_a, "41022219850203001", admin=personas.admin, name="王五")
    run(
        personas.tongxu_epidemic,
        f"百姓大药房,{A_NUMBER},王五,布洛芬,退热类,{when()}",
        f"仁和药店,{OUTSIDER},赵七,复方甘草片,止咳类,{when()}",
    )
    assert PharmacyPurchase.objects.count() == 2
    tables = ["sentinel_pharmacypurchase", "sentinel_pharmacyimport", "sentinel_sentinelwarning", "auditlog_logentry"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            for number in (A_NUMBER, OUTSIDER):
                assert number not in dump, table
                assert number[:-1] not in dump, table
