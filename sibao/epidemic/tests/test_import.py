"""EP-1 / X-4: employee import is all or nothing; errors name the row and the column, in Chinese; the full
ID numbers never reach the page, the stash on disk or the audit log."""

import io
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from conftest import Personas, client_for
from sibao.core.imports import ImportResult
from sibao.core.models import ImportJob, StoredUpload
from sibao.core.uploads import path_of
from sibao.epidemic.imports import COLUMNS, EmployeeRow, employee_import
from sibao.epidemic.models import Employee, PostType
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号码", "手机号码", "岗位类型", "班组", "宿舍", "管理单元", "到岗日期"]
NUMBERS = [id_number("41022219900101123"), id_number("41022219851212004"), id_number("41022220000315551")]


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def three_rows(bad_second: bool = False) -> list[list[str]]:
    second = wrong_check(NUMBERS[1]) if bad_second else NUMBERS[1]
    return [
        ["王建军", NUMBERS[0], "13812345678", "一般岗位", "一车间甲班", "3号楼201", "一车间", "2022-03-01"],
        ["李红", second, "13900001111", "物流运输", "车队", "", "车队单元", ""],
        ["赵磊", NUMBERS[2], "", "", "", "", "", "2022/3/5"],
    ]


def xlsx(rows: list[list[str]], headers: list[str] = HEADERS, name: str = "员工.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run(
    personas: Personas, upload: SimpleUploadedFile, *, commit: bool, actor: object = None
) -> ImportResult[EmployeeRow]:
    return employee_import(
        actor=actor or personas.ent_a_user,
        enterprise=personas.ent_a,
        upload=upload,
        filename=upload.name,
        commit=commit,
    )


def test_a_wrong_check_character_in_row_2_saves_nothing_and_names_row_and_column(personas: Personas) -> None:
    with translation.override("zh-hans"):
        result = run(personas, xlsx(three_rows(bad_second=True)), commit=True)
        messages = [str(error) for error in result.errors]
    assert not result.committed
    assert not Employee.objects.exists()
    assert len(messages) == 1
    error = result.errors[0]
    assert error.record == 2 and error.column == "身份证号码"
    assert "第2条" in messages[0] and "身份证号码" in messages[0] and "校验" in messages[0]
    assert wrong_check(NUMBERS[1]) not in messages[0]


def test_the_corrected_file_imports_three_employees(personas: Personas) -> None:
    preview = run(personas, xlsx(three_rows()), commit=False)
    assert preview.ok and preview.total_rows == 3 and not preview.committed
    assert not Employee.objects.exists()  # a dry run saves nothing

    result = run(personas, xlsx(three_rows()), commit=True)
    assert result.committed and result.saved == 3
    employees = {employee.name: employee for employee in Employee.objects.filter(enterprise=personas.ent_a)}
    assert set(employees) == {"王建军", "李红", "赵磊"}
    assert employees["李红"].post_type == PostType.LOGISTICS and employees["赵磊"].post_type == PostType.NORMAL
    assert str(employees["王建军"].arrival_date) == "2022-03-01" and str(employees["赵磊"].arrival_date) == "2022-03-05"
    assert employees["王建军"].id_masked == NUMBERS[0][:4] + "*" * 12 + NUMBERS[0][-2:]
    logged = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert LogEntry.objects.get_for_objects(Employee.objects.all()).count() == 3  # one per person
    assert not any(number in logged for number in NUMBERS)


def test_duplicates_inside_the_file_and_against_the_enterprise_are_refused_naming_the_row(
    personas: Personas,
) -> None:
    employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "赵磊", "id_number": NUMBERS[2]}
    )
    rows = three_rows()
    rows.append(["王建军（重复）", NUMBERS[0].lower(), "", "", "", "", "", ""])
    with translation.override("zh-hans"):
        result = run(personas, xlsx(rows), commit=True)
        messages = [str(error) for error in result.errors]
        earlier = _("The same ID number already appears in data row %(record)d of this file.") % {"record": 1}
    assert not result.committed and Employee.objects.count() == 1
    by_record = {error.record: error for error in result.errors}
    assert set(by_record) == {3, 4}
    assert by_record[3].column == by_record[4].column == "身份证号码"
    assert by_record[4].message == earlier and "第4条" in messages[1]
    assert "已在本企业登记" in by_record[3].message


def test_other_bad_cells_are_named_too(personas: Personas) -> None:
    rows = [["", NUMBERS[0], "", "司机", "", "", "", "2022-13-01"]]
    result = run(personas, xlsx(rows), commit=False)
    columns = sorted(error.column for error in result.errors)
    assert columns == sorted(["姓名", "岗位类型", "到岗日期"])


def test_a_missing_required_column_is_reported_on_the_header(personas: Personas) -> None:
    result = run(personas, xlsx([["王建军", "13812345678"]], headers=["姓名", "手机号码"]), commit=True)
    assert [(error.row, error.column) for error in result.errors] == [(1, "身份证号码")]


def test_the_template_has_the_columns(personas: Personas) -> None:
    response = client_for(personas.ent_a_user).get("/employees/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value.lstrip("*") for cell in sheet[1]] == [column.header for column in COLUMNS]


def test_page_preview_shows_masked_numbers_stashes_encrypted_and_confirm_imports(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(personas.ent_a_user)
    preview = client.post("/employees/import/", {"file": xlsx(three_rows()), "preview": "1"}, follow=True)
    page = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="import-preview-ok"' in page
    assert not any(number in page for number in NUMBERS)
    assert NUMBERS[0][:4] + "*" * 12 + NUMBERS[0][-2:] in page
    job = ImportJob.objects.get()
    assert job.upload is not None and not any(number in str(job.preview) for number in NUMBERS)
    stashed = path_of(job.upload)
    assert stashed.is_relative_to(Path(settings.MEDIA_ROOT)) and NUMBERS[0].encode() not in stashed.read_bytes()
    assert not Employee.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert confirmed.status_code == 302
    assert Employee.objects.filter(enterprise=personas.ent_a).count() == 3
    assert not stashed.exists() and not StoredUpload.objects.exists()


def test_page_errors_name_the_row_and_save_nothing(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "zh-hans"})
    response = client.post(
        "/employees/import/", {"file": xlsx(three_rows(bad_second=True)), "preview": "1"}, follow=True
    )
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page and "第2条" in page and "身份证号码" in page
    assert not StoredUpload.objects.exists() and not Employee.objects.exists()  # nothing kept, nothing saved


def test_an_official_imports_for_an_enterprise_in_scope_only(personas: Personas) -> None:
    client = client_for(personas.tongxu_epidemic)
    response = client.post(
        "/employees/import/", {"file": xlsx(three_rows()), "preview": "1", "enterprise": personas.ent_xinzheng.pk}
    )
    assert response.status_code == 200 and not ImportJob.objects.exists()  # not a valid choice
    response = client.post(
        "/employees/import/", {"file": xlsx(three_rows()), "preview": "1", "enterprise": personas.ent_b.pk}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "checked" and job.params == {"enterprise": personas.ent_b.pk}
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert Employee.objects.filter(enterprise=personas.ent_b).count() == 3


def test_api_import_is_a_dry_run_by_default(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    dry = client.post("/api/employees/import", {"file": xlsx(three_rows())})
    assert dry.status_code == 200 and dry.json()["committed"] is False and dry.json()["total_rows"] == 3
    assert not Employee.objects.exists()
    bad = client.post("/api/employees/import?dry_run=false", {"file": xlsx(three_rows(bad_second=True))})
    assert bad.json()["committed"] is False and bad.json()["errors"][0]["record"] == 2
    assert not Employee.objects.exists()
    done = client.post("/api/employees/import?dry_run=false", {"file": xlsx(three_rows())})
    assert done.json()["committed"] is True and Employee.objects.count() == 3
    # Another enterprise's user cannot import into ent_a: out of scope is 404.
    other = client_for(personas.ent_b_user).post(
        f"/api/employees/import?enterprise_id={personas.ent_a.pk}", {"file": xlsx(three_rows())}
    )
    assert other.status_code == 404
