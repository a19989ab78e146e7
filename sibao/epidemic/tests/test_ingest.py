"""EP-2: test-result import — one row validator, all or nothing per file, re-import adds nothing, the stored
last-test columns follow the results (both database paths: run with DATABASE_URL for PostgreSQL)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Personas
from sibao.core.errors import ServiceError
from sibao.core.models import StoredUpload
from sibao.core.protected import digest
from sibao.epidemic import ingest
from sibao.epidemic import models as epidemic
from sibao.epidemic.ingest import validate_file
from sibao.epidemic.models import Employee
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number

pytestmark = pytest.mark.django_db

HEADER = "姓名,身份证号码,采样时间,检测结果,检测机构\n"
NUMBER = id_number("41022219900101123")
OTHER = id_number("41022219850505321")


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode(encoding)


def submit(personas: Personas, content: bytes, name: str = "results.csv") -> epidemic.TestImport:
    return ingest.results_import_submit(
        actor=personas.tongxu_epidemic, institution="通许县人民医院", file_name=name, content=content
    )


def employee(personas: Personas, number: str = NUMBER) -> Employee:
    return employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王建军", "id_number": number}
    )


def test_a_good_file_saves_every_row_and_the_employee_columns(personas: Personas) -> None:
    person = employee(personas)
    done = submit(
        personas,
        csv_file(
            f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院",
            f"王建军,{NUMBER},2022-05-03 09:00,阴性,",
            f"李四,{OTHER},2022-05-02 10:00,阴性,开封市疾控中心",
        ),
    )
    assert done.status == epidemic.TestImportStatus.DONE and done.row_count == 3 and done.added_count == 3
    assert done.progress == 100
    stored = epidemic.TestResult.objects.get(id_digest=digest(NUMBER), sampled_at__day=3)
    assert stored.sampled_at == datetime(2022, 5, 3, 1, 0, tzinfo=UTC)  # 09:00 Beijing = 01:00 UTC
    assert stored.institution == "通许县人民医院"  # an empty cell takes the uploading institution
    assert NUMBER not in str(epidemic.TestResult.objects.values_list("id_digest", flat=True))
    person.refresh_from_db()
    assert person.last_test_at == person.last_negative_test_at == datetime(2022, 5, 3, 1, 0, tzinfo=UTC)


def test_one_bad_row_saves_nothing_and_names_the_row_and_field(personas: Personas) -> None:
    person = employee(personas)
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    failed = submit(
        personas,
        csv_file(
            f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院",
            f"李四,{OTHER},2022-05-02 10:00,阴性,开封市疾控中心",
            f"张三,{wrong},2022-05-02 10:00,阴性,开封市疾控中心",
        ),
    )
    assert failed.status == epidemic.TestImportStatus.FAILED
    assert "身份证号码" in failed.error and "4" in failed.error  # sheet row 4: the header is row 1
    assert not epidemic.TestResult.objects.exists()
    person.refresh_from_db()
    assert person.last_test_at is None and person.last_negative_test_at is None


def test_every_bad_cell_is_reported() -> None:
    rows, errors = validate_file(
        csv_file(f"张三,{NUMBER},2022-13-01 08:30,弱阳性,某机构"),
        "results.csv",
        default_institution="x",
        vendor=connection.vendor,
    )
    assert rows == []
    assert [(error.row, error.column) for error in errors] == [(2, "采样时间"), (2, "检测结果")]


def test_a_missing_column_is_reported_on_the_header_row() -> None:
    rows, errors = validate_file("姓名,身份证号码\n".encode(), "x.csv", default_institution="x", vendor="sqlite")
    assert rows == [] and {error.column for error in errors} == {"采样时间", "检测结果"}
    assert all(error.row == 1 for error in errors)


def test_gbk_csv_is_read(personas: Personas) -> None:
    done = submit(personas, csv_file(f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院", encoding="gbk"))
    assert done.status == epidemic.TestImportStatus.DONE and done.added_count == 1


def test_reimporting_the_same_file_adds_nothing_and_says_so(personas: Personas) -> None:
    content = csv_file(f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院")
    submit(personas, content)
    with pytest.raises(ServiceError) as refused:
        submit(personas, content)
    assert refused.value.code == "duplicate_file"
    assert epidemic.TestResult.objects.count() == 1 and epidemic.TestImport.objects.count() == 1


def test_overlapping_files_add_only_the_new_rows(personas: Personas) -> None:
    first = f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院"
    submit(personas, csv_file(first))
    again = submit(personas, csv_file(first, f"李四,{OTHER},2022-05-02 10:00,阴性,开封市疾控中心"))
    assert again.status == epidemic.TestImportStatus.DONE and again.row_count == 2 and again.added_count == 1
    assert epidemic.TestResult.objects.count() == 2


def test_a_later_positive_is_not_a_negative(personas: Personas) -> None:
    person = employee(personas)
    submit(personas, csv_file(f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院"))
    submit(personas, csv_file(f"王建军,{NUMBER},2022-05-02 08:30,阳性,通许县人民医院"))
    person.refresh_from_db()
    assert person.last_test_at == datetime(2022, 5, 2, 0, 30, tzinfo=UTC)
    assert person.last_negative_test_at == datetime(2022, 5, 1, 0, 30, tzinfo=UTC)


def test_an_older_file_never_moves_the_columns_back(personas: Personas) -> None:
    person = employee(personas)
    submit(personas, csv_file(f"王建军,{NUMBER},2022-05-03 08:30,阴性,通许县人民医院"))
    submit(personas, csv_file(f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院"))
    person.refresh_from_db()
    assert person.last_negative_test_at == datetime(2022, 5, 3, 0, 30, tzinfo=UTC)


def test_a_large_file_runs_as_a_task_and_reports_progress(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "INLINE_MAX_BYTES", 10)
    person = employee(personas)
    content = csv_file(
        f"王建军,{NUMBER},2022-05-01 08:30,阴性,通许县人民医院", f"李四,{OTHER},2022-05-02 10:00,阴性,开封市疾控中心"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, using=None, robust=False: callback())
        pending = submit(personas, content)
    pending.refresh_from_db()
    assert pending.status == epidemic.TestImportStatus.DONE and pending.progress == 100 and pending.added_count == 2
    assert pending.upload is None and not StoredUpload.objects.exists()  # the file is not kept once imported
    person.refresh_from_db()
    assert person.last_negative_test_at is not None


def test_xlsx_files_are_read(personas: Personas) -> None:
    from sibao.core.tabular import write_xlsx

    content = write_xlsx(
        ["姓名", "身份证号码", "采样时间", "检测结果", "检测机构"],
        [["王建军", NUMBER, "2022-05-01 08:30", "阴性", "通许县人民医院"]],
        sheet_title="结果",
    )
    done = submit(personas, content, "results.xlsx")
    assert done.status == epidemic.TestImportStatus.DONE and done.added_count == 1


def test_the_ingest_digest_is_the_stored_one() -> None:
    """The importers' fast keyed digest (``core.bulk``) must be ``protected.digest``, or imported results would
    never meet their employees."""
    fast = ingest.digest_function()
    for number in (NUMBER, OTHER, "11010519491231002X"):
        assert fast(number) == digest(number)


@given(
    number=st.one_of(
        st.sampled_from([NUMBER, OTHER, NUMBER.lower(), f" {NUMBER} ", NUMBER[:-1] + "0", "41022219900230123X"]),
        st.text(alphabet="0123456789Xx ", min_size=15, max_size=19),
    ),
    sampled_at=st.one_of(
        st.sampled_from(["2022-05-01 08:30", "2022/05/01 08:30:15", "2022-02-30 08:00", "2022-05-01T23:59", ""]),
        st.text(alphabet="0123456789-: /T", max_size=20),
    ),
    result=st.sampled_from(["阴性", "阳性", "negative", " 阴性 ", "Positive", "阴", ""]),
    institution=st.sampled_from(["", "通许县人民医院", "院" * 129]),
)
@settings(max_examples=300, deadline=None)
def test_the_fast_path_agrees_with_the_row_validator(
    number: str, sampled_at: str, result: str, institution: str
) -> None:
    """The per-file fast path may only accept what ``parse_row`` accepts, with the same values."""
    row = ["某人", number, sampled_at, result, institution]
    positions = {key: index for index, key in enumerate(("name", "id_number", "sampled_at", "result", "institution"))}
    for vendor in ("postgresql", "sqlite"):
        digest_function = ingest.digest_function()
        fast = ingest.fast_row(positions, default_institution="默认机构", digest=digest_function, vendor=vendor)(row)
        try:
            expected = ingest.parse_row(
                dict(zip(positions, row, strict=True)),
                default_institution="默认机构",
                digest=digest_function,
                vendor=vendor,
            )
        except ingest.RowInvalid:
            assert fast is None
        else:
            assert fast in (None, expected)
            if (number, sampled_at, result) == (NUMBER, "2022-05-01 08:30", "阴性"):
                assert fast == expected  # the common case really takes the fast path
