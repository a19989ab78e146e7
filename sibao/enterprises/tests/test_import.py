"""EN-4 / X-4: import is all or nothing, errors name the row and the column, in Chinese."""

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from conftest import Personas, client_for
from sibao.core.imports import run_import
from sibao.core.models import ImportJob
from sibao.enterprises.imports import COLUMNS, enterprise_importer
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import valid_uscc

pytestmark = pytest.mark.django_db

HEADERS = [
    "企业（项目）名称",
    "统一社会信用代码",
    "所属行业",
    "所属县（市、区）",
    "乡镇（街道）",
    "年产值（万元）",
    "规上企业",
]


def three_rows(bad_second: bool) -> list[list[str]]:
    second_code = valid_uscc()
    if bad_second:
        second_code = second_code[:-1] + ("0" if second_code[-1] != "0" else "1")  # wrong check digit
    return [
        ["通许县甲机械有限公司", valid_uscc(), "工业生产", "通许县", "咸平街道", "1200", "是"],
        ["通许县乙商贸有限公司", second_code, "商贸流通", "通许县", "", "300.5", "否"],
        ["通许县丙物流有限公司", valid_uscc(), "交通运输", "410222", "", "80", ""],
    ]


def xlsx(rows: list[list[str]], headers: list[str] = HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("企业.xlsx", buffer.getvalue())


def test_bad_second_row_saves_nothing_and_names_row_2_and_the_field(personas: Personas) -> None:
    before = Enterprise.objects.count()
    with translation.override("zh-hans"):
        result = run_import(
            enterprise_importer(actor=personas.tongxu_hq), xlsx(three_rows(True)), "企业.xlsx", commit=True
        )
        messages = [str(error) for error in result.errors]
    assert not result.committed
    assert Enterprise.objects.count() == before
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.record == 2 and error.row == 3 and error.column == "统一社会信用代码"
    assert "第2条" in messages[0] and "统一社会信用代码" in messages[0] and "校验码" in messages[0]


def test_corrected_file_imports_three_enterprises(personas: Personas) -> None:
    rows = three_rows(False)
    preview = run_import(enterprise_importer(actor=personas.tongxu_hq), xlsx(rows), "企业.xlsx", commit=False)
    assert preview.ok and not preview.committed and preview.total_rows == 3
    assert not Enterprise.objects.filter(name__in=[r[0] for r in rows]).exists()  # dry run saves nothing
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), xlsx(rows), "企业.xlsx", commit=True)
    assert result.committed and result.saved == 3
    first = Enterprise.objects.get(name="通许县甲机械有限公司")
    assert first.region.name == "咸平街道" and first.above_designated_size and first.output_value == 1200
    third = Enterprise.objects.get(name="通许县丙物流有限公司")
    assert third.region.code == "410222" and third.sector == "transport"
    assert third.name_initials == "txxbwlyxgs"


def test_csv_in_gbk_is_read(personas: Personas) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(three_rows(False))
    upload = SimpleUploadedFile("企业.csv", buffer.getvalue().encode("gb18030"))
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), upload, "企业.csv", commit=True)
    assert result.committed and result.saved == 3


def test_duplicate_inside_file_and_against_database_are_refused(personas: Personas) -> None:
    rows = three_rows(False)
    rows[2][1] = rows[0][1]
    rows.append(["已有企业", personas.ent_a.uscc, "工业生产", "通许县", "", "1", "否"])
    with translation.override("zh-hans"):
        result = run_import(enterprise_importer(actor=personas.tongxu_hq), xlsx(rows), "x.xlsx", commit=True)
    assert not result.committed
    assert {(e.record, e.column) for e in result.errors} == {(3, "统一社会信用代码"), (4, "统一社会信用代码")}
    assert "第2行" in result.errors[0].message or "row 2" in result.errors[0].message


def test_region_outside_the_importers_county_is_refused(personas: Personas) -> None:
    rows = three_rows(False)
    rows[0][3] = "新郑市"
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), xlsx(rows), "x.xlsx", commit=True)
    assert not result.committed
    assert [(e.record, e.column) for e in result.errors] == [(1, "所属县（市、区）")]


def test_missing_required_column_is_reported_on_the_header(personas: Personas) -> None:
    headers = [h for h in HEADERS if h != "所属行业"]
    rows = [[c for i, c in enumerate(r) if i != 2] for r in three_rows(False)]
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), xlsx(rows, headers), "x.xlsx", commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(1, "所属行业")]


def test_not_a_spreadsheet_is_refused(personas: Personas) -> None:
    upload = SimpleUploadedFile("x.xlsx", b"not really excel")
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), upload, "x.xlsx", commit=True)
    assert not result.committed and result.errors


def test_a_failure_while_saving_rolls_everything_back(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing also when the database refuses a row during the write itself."""
    from sibao.enterprises import imports as enterprise_imports

    rows = three_rows(False)
    real_save = Enterprise.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Enterprise, "save", failing_save)
    with pytest.raises(RuntimeError):
        run_import(enterprise_imports.enterprise_importer(actor=personas.tongxu_hq), xlsx(rows), "x.xlsx", commit=True)
    monkeypatch.setattr(Enterprise, "save", real_save)
    assert not Enterprise.objects.filter(name__in=[r[0] for r in rows]).exists()


def test_template_has_every_column_and_export_round_trips(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    template = load_workbook(io.BytesIO(client.get("/enterprises/import/template.xlsx").content))
    titles = [cell.value.lstrip("*") for cell in template.active[1]]
    assert titles == [column.header for column in COLUMNS]
    exported = client.get("/enterprises/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {personas.ent_a.name, personas.ent_b.name}  # 新郑 is not in 通许's scope
    # Re-import the export somewhere empty: every row parses (codes exist already → duplicates only).
    upload = SimpleUploadedFile("export.xlsx", exported.content)
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), upload, "export.xlsx", commit=False)
    assert {e.column for e in result.errors} == {"统一社会信用代码"}


def test_csv_export_has_the_excel_columns_opens_in_chinese_excel_and_round_trips(personas: Personas) -> None:
    """EN-4: the export also as CSV — UTF-8 with a byte-order mark (else Excel on Chinese Windows reads GBK), the
    import's columns, the reader's scope, a formula-looking name kept inert, and the file imports back."""
    Enterprise.objects.filter(pk=personas.ent_b.pk).update(name="=HYPERLINK(1)有限公司", contact_phone="+8613912345678")
    for url in ("/enterprises/export.csv", "/api/enterprises/export.csv"):
        exported = client_for(personas.tongxu_hq).get(url)
        assert exported.status_code == 200 and exported["Content-Type"] == "text/csv; charset=utf-8"
        assert exported.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert rows[0] == [column.header for column in COLUMNS]
        assert {row[0] for row in rows[1:]} == {personas.ent_a.name, "'=HYPERLINK(1)有限公司"}  # not 新郑's
    upload = SimpleUploadedFile("export.csv", exported.content)
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), upload, "export.csv", commit=False)
    assert {e.column for e in result.errors} == {"统一社会信用代码"}  # the codes exist already: nothing else
    # With new codes the same rows import, and what was written behind an apostrophe comes back as it was.
    content = exported.content.decode("utf-8-sig")
    for existing in (personas.ent_a.uscc, personas.ent_b.uscc):
        content = content.replace(existing, valid_uscc())
    upload = SimpleUploadedFile("export.csv", codecs.BOM_UTF8 + content.encode())
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), upload, "export.csv", commit=False)
    assert not result.errors
    imported = {enterprise.name: enterprise for _row, enterprise in result.values}
    assert imported["=HYPERLINK(1)有限公司"].contact_phone == "+8613912345678"


def test_import_page_previews_then_commits(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    bad = client.post("/enterprises/import/", {"file": xlsx(three_rows(True)), "preview": "1"}, follow=True)
    assert bad.status_code == 200
    assert "import-errors" in bad.content.decode()
    rows = three_rows(False)
    preview = client.post("/enterprises/import/", {"file": xlsx(rows), "preview": "1"}, follow=True)
    assert "import-preview-ok" in preview.content.decode()
    assert not Enterprise.objects.filter(name=rows[0][0]).exists()
    job = ImportJob.objects.latest("pk")
    done = client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert done.status_code == 302 and done["Location"] == reverse("enterprises:list")
    assert Enterprise.objects.filter(name__in=[r[0] for r in rows]).count() == 3


def test_import_api_dry_run_and_commit(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    bad = client.post("/api/enterprises/import?dry_run=false", {"file": xlsx(three_rows(True))})
    body = bad.json()
    assert bad.status_code == 200 and not body["committed"]
    assert body["errors"][0]["record"] == 2 and body["errors"][0]["column"] == "统一社会信用代码"
    rows = three_rows(False)
    dry = client.post("/api/enterprises/import", {"file": xlsx(rows)}).json()
    assert dry["errors"] == [] and not dry["committed"]
    done = client.post("/api/enterprises/import?dry_run=false", {"file": xlsx(rows)}).json()
    assert done["committed"] and done["saved"] == 3


@pytest.mark.parametrize("persona", ["tongxu_township", "tongxu_epidemic", "tongxu_leader", "ent_a_user"])
def test_roles_without_import_right_are_refused(personas: Personas, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    rows = three_rows(False)
    assert client.post("/api/enterprises/import?dry_run=false", {"file": xlsx(rows)}).status_code == 403
    assert client.post("/enterprises/import/", {"file": xlsx(rows)}).status_code == 403
    assert not Enterprise.objects.filter(name=rows[0][0]).exists()
