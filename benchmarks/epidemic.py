"""EP-2 figures: test-result ingest against the engine's raw limit, and the overdue list (issue 5).

Usage: .venv/bin/python benchmarks/epidemic.py [SCALE]   (SCALE=1.0: 1,000,000 employees with two tests each;
default 0.25). SQLite always runs (a throwaway file); PostgreSQL runs when DATABASE_URL names a PostgreSQL
database (its tables are dropped and re-created: use a database of its own, e.g. sibao_bench). Prints
`name: value unit` lines.

- ``tests_ingest_*_rows_per_s``: the whole ingest (read the CSV, validate every row, digest the ID number,
  write the results and the employees' last-test columns in one transaction).
- ``tests_copy_raw_pg_rows_per_s``: ``COPY … (FORMAT csv)`` of the same file into a bare text table.
- ``tests_copy_indexed_pg_rows_per_s``: ``COPY`` of the same results, as stored (digest, time, outcome,
  institution), into an empty copy of the results table with the same keys and indexes — the engine's own cost
  of storing this data (issue 15); ``tests_ingest_pg_ratio_indexed`` is the ingest against it.
- ``tests_executemany_raw_sqlite_rows_per_s``: the same file through ``csv.reader`` and one ``executemany``
  into a bare text table, one transaction.
- ``overdue_query_ms``: the province-wide overdue list (count + first page of 100), PostgreSQL.
"""

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
INSTITUTIONS = ("通许县人民医院", "开封市疾控中心", "郑州金域医学检验所", "新郑市人民医院")


def id_numbers(count: int) -> list[str]:
    """``count`` distinct valid ID numbers (通许县 prefix, birth dates from 1960, 1000 per day)."""
    numbers = []
    born = date(1960, 1, 1)
    for index in range(count):
        day, serial = divmod(index, 1000)
        body = f"410222{born + timedelta(days=day):%Y%m%d}{serial:03d}"
        total = sum(int(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
        numbers.append(body + "10X98765432"[total % 11])
    return numbers


def results_csv(numbers: list[str], *, now_local: str) -> bytes:
    """Two tests per person over the last four days (Beijing time), one in 50 positive."""
    from datetime import datetime

    start = datetime.fromisoformat(now_local) - timedelta(hours=96)
    lines = ["姓名,身份证号码,采样时间,检测结果,检测机构"]
    for index, number in enumerate(numbers):
        for test in range(2):
            minutes = (index * 37 + test * 2900) % (96 * 60)
            at = (start + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
            result = "阳性" if (index + test) % 50 == 0 else "阴性"
            lines.append(f"员工{index},{number},{at},{result},{INSTITUTIONS[index % len(INSTITUTIONS)]}")
    return ("\n".join(lines) + "\n").encode()


def print_figure(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.{0 if value >= 100 else 2}f} {unit}", flush=True)


# --- One database (run in a child process so each has its own Django settings) ------------------------


def copy_indexed(content: bytes, digest: Any) -> float:
    """Seconds to COPY the file's results, as stored, into an empty indexed copy of the results table (the
    rows are prepared before the clock starts: what is timed is the engine storing them)."""
    from django.db import connection, transaction

    outcomes = {"阴性": "negative", "阳性": "positive"}
    reader = csv.reader(io.StringIO(content.decode()))
    next(reader)
    stored = io.StringIO()
    writer = csv.writer(stored)
    for _name, number, at, outcome, institution in reader:
        writer.writerow((digest(number), f"{at}+08", outcomes[outcome], institution))
    data = stored.getvalue().encode()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_indexed (LIKE epidemic_testresult INCLUDING ALL)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = "id_digest, sampled_at, result, institution"
        with cursor.copy(f"COPY bench_indexed ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(data)
    return time.perf_counter() - started


def run_one(scale: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from sibao.accounts.models import User
    from sibao.core.partitions import ensure_day_partitions
    from sibao.core.protected import digest, mask_id_number
    from sibao.core.roles import Role
    from sibao.core.sectors import Sector
    from sibao.core.validators import uscc_with_check_digits
    from sibao.enterprises.models import Enterprise
    from sibao.epidemic.ingest import validate_file, write_results
    from sibao.epidemic.models import TestImport
    from sibao.epidemic.overdue import overdue_employee_list
    from sibao.regions.models import Region

    vendor = connection.vendor
    short = "pg" if vendor == "postgresql" else "sqlite"
    people = max(1000, int(1_000_000 * scale))
    if vendor == "postgresql":
        # It wipes the database: only ever one whose name says it is for benchmarks.
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise SystemExit("benchmarks/epidemic.py: DATABASE_URL must name a database containing 'bench'")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)

    # Enterprises (~100 employees each) and employees, written the fast way: this is set-up, not measured.
    townships = list(Region.objects.filter(level="township").order_by("code")[:200])
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"基准企业{index}",
            uscc=uscc_with_check_digits(f"91410222B{index:07d}"),
            region=townships[index % len(townships)],
            sector=Sector.INDUSTRY,
            output_value=1000,
            employee_count=100,
        )
        for index in range(max(1, people // 100))
    )
    numbers = id_numbers(people)
    posts = ("normal", "normal", "normal", "logistics", "sales")
    employee_rows = [
        (
            enterprises[index % len(enterprises)].pk,
            f"员工{index}",
            "x",
            digest(number),
            mask_id_number(number),
            posts[index % len(posts)],
        )
        for index, number in enumerate(numbers)
    ]
    columns = "enterprise_id, name, id_cipher, id_digest, id_masked, post_type, phone, team, dormitory, "
    columns += "management_unit, is_active, created_at, zone, health_code"
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            with cursor.copy(f"COPY epidemic_employee ({columns}) FROM STDIN") as copy:
                for row in employee_rows:
                    copy.write_row((*row, "", "", "", "", True, timezone.now(), "green", "green"))
        else:
            values = "%s, %s, %s, %s, %s, %s, '', '', '', '', 1, %s, 'green', 'green'"
            cursor.executemany(
                f"INSERT INTO epidemic_employee ({columns}) VALUES ({values})",
                [(*row, timezone.now()) for row in employee_rows],
            )
    del employee_rows
    now = timezone.now()
    # The results' days have their partitions, as the scheduler makes them ahead (PostgreSQL; no-op on SQLite).
    ensure_day_partitions("epidemic_testresult", [timezone.localdate(now) - timedelta(days=n) for n in range(6)])
    content = results_csv(numbers, now_local=timezone.localtime(now).strftime("%Y-%m-%d %H:%M"))
    rows = len(numbers) * 2
    print(f"# {short}: {people} employees, {len(enterprises)} enterprises, {rows} test rows", flush=True)

    # The engine's limit: the same file into a bare text table, no validation.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_raw (name text, id_number text, sampled_at text, result text, inst text)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            with cursor.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                copy.write(content)
        else:
            reader = csv.reader(io.StringIO(content.decode()))
            next(reader)
            cursor.executemany("INSERT INTO bench_raw VALUES (%s, %s, %s, %s, %s)", list(reader))
    raw_seconds = time.perf_counter() - started
    raw_name = "tests_copy_raw_pg_rows_per_s" if vendor == "postgresql" else "tests_executemany_raw_sqlite_rows_per_s"
    indexed_seconds = copy_indexed(content, digest) if vendor == "postgresql" else 0.0

    # The real ingest: validate every row, then one transaction for results and employees.
    test_import = TestImport.objects.create(institution="基准", file_name="bench.csv", sha256="0" * 64)
    started = time.perf_counter()
    parsed, errors = validate_file(content, "bench.csv", default_institution="基准", vendor=vendor)
    assert not errors, errors[:3]
    validated = time.perf_counter()
    with transaction.atomic():
        added = write_results(parsed, import_id=test_import.pk)
    ingest_seconds = time.perf_counter() - started
    assert added == rows, (added, rows)
    print(
        f"# {short}: validate {validated - started:.1f} s, write {ingest_seconds - (validated - started):.1f} s",
        flush=True,
    )
    print_figure(f"tests_ingest_{short}_rows_per_s", rows / ingest_seconds, "rows/s")
    print_figure(raw_name, rows / raw_seconds, "rows/s")
    print_figure(f"tests_ingest_{short}_ratio", raw_seconds / ingest_seconds, "")
    if indexed_seconds:
        print_figure("tests_copy_indexed_pg_rows_per_s", rows / indexed_seconds, "rows/s")
        print_figure("tests_ingest_pg_ratio_indexed", indexed_seconds / ingest_seconds, "")

    if vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    province = User(username="bench", role=Role.ADMINISTRATOR, is_superuser=True, is_active=True)
    best = float("inf")
    for _attempt in range(3):
        started = time.perf_counter()
        overdue = overdue_employee_list(user=province, now=now)
        total = overdue.count()
        page = list(overdue.values_list("pk", "name", "id_masked", "last_negative_test_at")[:100])
        best = min(best, time.perf_counter() - started)
    print(f"# pg: {total} of {people} overdue; first page {len(page)} rows", flush=True)
    print_figure("overdue_query_ms", best * 1000, "ms")
    best = float("inf")
    for _attempt in range(3):
        started = time.perf_counter()
        list(overdue_employee_list(user=province, enterprise=enterprises[len(enterprises) // 2], now=now))
        best = min(best, time.perf_counter() - started)
    print_figure("overdue_enterprise_query_ms", best * 1000, "ms")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        run_one(float(sys.argv[2]))
        return
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.25
    python = sys.executable
    script = str(Path(__file__).resolve())
    environment = dict(os.environ)
    sqlite_environment = environment | {"DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"}
    subprocess.run([python, script, "--one", str(scale)], env=sqlite_environment, check=True, cwd=ROOT)
    url = environment.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        subprocess.run([python, script, "--one", str(scale)], env=environment, check=True, cwd=ROOT)
    else:
        print("# PostgreSQL figures skipped: set DATABASE_URL=postgres://… (a database of its own)", flush=True)


if __name__ == "__main__":
    main()
