"""EN-3 bulk entry: a township files the day's reports of its firms from one .xlsx through the kernel's import
jobs — all or nothing, a bad value named by row and column, a firm outside its area refused, today's filed
report corrected by its row."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from conftest import Personas
from sibao.core.import_jobs import import_job_submit
from sibao.core.models import ImportJob
from sibao.operations.imports import COLUMNS
from sibao.operations.models import Channel, OperatingReport
from sibao.operations.tests.factories import filed

pytestmark = pytest.mark.django_db


def row(uscc: str, status: str = "正常生产", capacity: str = "80", on_site: str = "40") -> list[str]:
    return [uscc, "", "", status, on_site, "50", capacity, "10", "2.5", "300", "", ""]


def upload(rows: list[list[str]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([column.header for column in COLUMNS])
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("日报.xlsx", buffer.getvalue())


def submit(personas: Personas, rows: list[list[str]]) -> ImportJob:
    with translation.override("zh-hans"):
        return import_job_submit(
            actor=personas.tongxu_township,
            kind="operating_reports",
            upload=upload(rows),
            file_name="日报.xlsx",
            commit=True,
        )


def test_a_township_files_its_firms_reports_and_corrects_today_s(personas: Personas) -> None:
    second = personas.ent_b
    second.region = personas.ent_a.region  # both firms in the township's area
    second.save(update_fields=["region"])
    filed(personas.ent_a_user, personas.ent_a, capacity_percent=10)
    job = submit(personas, [row(personas.ent_a.uscc, capacity="75"), row(second.uscc, status="停产", on_site="0")])
    assert job.status == "done", job.row_errors
    assert job.summary["filed"] == 1 and job.summary["corrected"] == 1
    today = timezone.localdate()
    assert OperatingReport.objects.get(enterprise=personas.ent_a, day=today).capacity_percent == 75
    halted = OperatingReport.objects.get(enterprise=second, day=today)
    assert (halted.status, halted.channel, halted.filed_by) == ("halted", Channel.IMPORT, personas.tongxu_township)


def test_a_bad_row_saves_nothing_and_names_row_and_column(personas: Personas) -> None:
    job = submit(
        personas,
        [row(personas.ent_a.uscc), row(personas.ent_b.uscc), row(personas.ent_a.uscc, capacity="130")],
    )
    assert job.status == "failed"
    assert not OperatingReport.objects.exists()
    messages = {error["row"]: error["message"] for error in job.row_errors}
    # ent_b lies in another township: not a firm this township may report for.
    assert "不是您可代为报送的企业" in messages[3]
    assert "产能利用率" in messages[4] and "130" in messages[4]
