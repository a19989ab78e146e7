"""Registry figures: enterprise import throughput and scoped list latency.

Usage: .venv/bin/python benchmarks/registry.py [ROWS]   (DATABASE_URL selects PostgreSQL; default is a
throwaway SQLite file). Prints `name: value unit` lines.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from sibao.accounts.models import User  # noqa: E402
from sibao.core.import_jobs import import_job_run  # noqa: E402
from sibao.core.imports import run_import  # noqa: E402
from sibao.core.roles import Role  # noqa: E402
from sibao.core.validators import uscc_with_check_digits  # noqa: E402
from sibao.enterprises.imports import enterprise_importer  # noqa: E402
from sibao.enterprises.models import Enterprise  # noqa: E402
from sibao.regions.models import Region  # noqa: E402


def workbook(rows: int) -> bytes:
    townships = list(Region.objects.filter(parent__code="410222").values_list("name", flat=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        [
            "企业（项目）名称",
            "统一社会信用代码",
            "所属行业",
            "所属县（市、区）",
            "乡镇（街道）",
            "年产值（万元）",
            "规上企业",
        ]
    )
    for index in range(rows):
        code = uscc_with_check_digits(f"91410222B{index:07d}")
        sheet.append(
            [
                f"通许县基准测试{index}有限公司",
                code,
                "工业生产",
                "通许县",
                townships[index % len(townships)],
                1000 + index,
                "是",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    Enterprise.objects.filter(name__startswith="通许县基准测试").delete()
    User.objects.filter(username="bench_hq").delete()
    officer = User.objects.create(username="bench_hq", role=Role.HQ_OFFICE, region=Region.objects.get(code="410222"))
    content = workbook(rows)
    vendor = connection.vendor

    started = time.perf_counter()
    preview = run_import(enterprise_importer(actor=officer), io.BytesIO(content), "bench.xlsx", commit=False)
    preview_s = time.perf_counter() - started
    assert preview.ok, preview.errors[:3]
    started = time.perf_counter()
    result = run_import(enterprise_importer(actor=officer), io.BytesIO(content), "bench.xlsx", commit=True)
    commit_s = time.perf_counter() - started
    assert result.saved == rows

    # Issue 8 #8: through the API the request only stores the file and queues a job; the worker imports it.
    Enterprise.objects.filter(name__startswith="通许县基准测试").delete()
    client = Client()
    client.force_login(officer)
    upload = SimpleUploadedFile("bench.xlsx", content)
    client.get("/api/enterprises?limit=1")  # a warm worker: URLconf and views imported
    started = time.perf_counter()
    answer = client.post("/api/enterprises/import?dry_run=false", {"file": upload})
    request_ms = (time.perf_counter() - started) * 1000
    assert answer.status_code == 202, answer.content
    started = time.perf_counter()
    job = import_job_run(answer.json()["id"])
    job_s = time.perf_counter() - started
    assert job.status == "done" and job.saved == rows, (job.status, job.error, job.row_errors[:3])

    timings = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get("/api/enterprises?limit=50&q=txxjz&sector=industry")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()

    print(f"enterprise_import_preview_{vendor}_rows_per_s: {rows / preview_s:.0f} rows/s")
    print(f"enterprise_import_commit_{vendor}_rows_per_s: {rows / commit_s:.0f} rows/s")
    print(f"enterprise_import_api_request_{vendor}_ms: {request_ms:.0f} ms ({rows} rows, answered 202)")
    print(f"enterprise_import_job_{vendor}_s: {job_s:.1f} s ({rows} rows checked and saved by the worker)")
    print(f"enterprise_list_api_{vendor}_median_ms: {timings[len(timings) // 2]:.1f} ms")
    Enterprise.objects.filter(name__startswith="通许县基准测试").delete()


if __name__ == "__main__":
    main()
