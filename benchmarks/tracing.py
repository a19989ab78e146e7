"""EP-7 figures: tracing (精准流调) over a county's venue scans, and the scan ingest (issue 5).

Usage: DATABASE_URL=postgres://…/sibao_bench_tracing .venv/bin/python benchmarks/tracing.py [SCALE]
(SCALE=1.0: 10,000,000 scans of 120,000 people — 96,000 of them employees on record — at 200 enterprises ×
20 venues over 21 days; default 0.25).
PostgreSQL only: the database's tables are dropped and re-created, so its name must contain "bench".
The scans are generated inside the server (``INSERT … SELECT … FROM generate_series``), with the indexes
built afterwards, as a bulk load would. Prints `name: value unit` lines.

- ``trace_query_ms``: ``venues.tracing.trace`` of one person over 14 days (visits + contacts, the two
  queries and the employee lookup), median over several people.
- ``trace_busiest_venue_ms``: the worst case — a person who scanned the busiest venue every 30 minutes
  for 14 days (672 scans), so every stay there is matched.
- ``scans_ingest_pg_rows_per_s``: the whole ingest of a scan file (read the CSV, validate each row, digest
  the ID number, COPY + INSERT … ON CONFLICT into the indexed 10M-row table, one transaction).
- ``purge_day_s``: the daily purge of one expired day of 10,000,000 scans (SCALE 1.0) — the day's tally per
  region from the rows per day the triggers kept, then its partition dropped (issue 15;
  ``retention.purging.drop_expired_days``). Printed with how much of it the COMMIT took: the file system freeing
  the day's files (~3.6 GiB at SCALE 1.0), slow where it is mounted with online ``discard`` (this machine's is).

The scans table is partitioned by day (``core.partitions``): the days of the data get their partitions before the
load, as the scheduler makes them ahead in production.
"""

import hashlib
import os
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ENTERPRISES = 200
VENUES_PER_ENTERPRISE = 20
DAYS = 21
START = datetime(2026, 5, 1, tzinfo=UTC)
PURGE_DAY = date(2026, 4, 29)  # before the traced data (Beijing day), so the trace figures do not read it


def mount_options(path: str) -> str:
    """The options of the file system holding ``path`` (the database's files, when the server is local)."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "file system unknown"
    found = max((m for m in mounts if path.startswith(m[1].rstrip("/") + "/")), key=lambda m: len(m[1]), default=None)
    return f"{found[1]} is {found[2]} mounted {found[3]}" if found else "file system unknown"


def print_figure(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.{0 if value >= 100 else 2}f} {unit}", flush=True)


def id_number(index: int) -> str:
    """A valid ID number (通许县, born from 1970, 1000 per birth day)."""
    body = f"410222{datetime(1970, 1, 1) + timedelta(days=index // 1000):%Y%m%d}{index % 1000:03d}"
    total = sum(int(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def explain_partitions(case: str, start: datetime, end: datetime) -> None:
    """Which day partitions of the scans the trace's two queries read (issue 15: pruned to the period's days);
    ``SIBAO_BENCH_EXPLAIN=1`` prints the plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sibao.venues.tracing import trace

    with CaptureQueriesContext(connection) as captured:
        trace(case_digest=case, start=start, end=end, window_minutes=30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'venues_scan'::regclass")
        (total,) = cursor.fetchone()
        for query in captured.captured_queries:
            if "venues_scan" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plan = [line for (line,) in cursor.fetchall()]
            read = {
                word for line in plan for word in line.split() if re.fullmatch(r"venues_scan_(p\d{8}|default)", word)
            }
            print(
                f"# pg: trace query reads {len(read)} of {total} scan partitions: {min(read)} … {max(read)}", flush=True
            )
            if os.environ.get("SIBAO_BENCH_EXPLAIN"):
                print("\n".join(f"#   {line}" for line in plan), flush=True)


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.25
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from sibao.core.partitions import ensure_day_partitions
    from sibao.core.personal_data import registered_personal_tables
    from sibao.core.sectors import Sector
    from sibao.core.validators import uscc_with_check_digits
    from sibao.enterprises.models import Enterprise
    from sibao.epidemic.models import Employee
    from sibao.regions.models import Region
    from sibao.retention.models import Purge, PurgeReason
    from sibao.retention.purging import day_start, drop_expired_days
    from sibao.venues.ingest import validate_file, write_scans
    from sibao.venues.models import ScanImport, Venue, VenueKind
    from sibao.venues.tracing import trace

    if connection.vendor != "postgresql":
        raise SystemExit("benchmarks/tracing.py: DATABASE_URL must name a PostgreSQL database")
    if "bench" not in str(connection.settings_dict["NAME"]):
        raise SystemExit("benchmarks/tracing.py: DATABASE_URL must name a database containing 'bench'")
    scans = max(10_000, int(10_000_000 * scale))
    purge_scans = max(10_000, int(10_000_000 * scale))
    people = max(1_000, int(120_000 * scale))
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    first_day = START.date() - timedelta(days=1)  # Beijing days: the first starts 08:00 on the UTC date
    ensure_day_partitions(
        "venues_scan", [PURGE_DAY, date(2026, 5, 25), *(first_day + timedelta(days=n) for n in range(DAYS + 2))]
    )

    townships = list(Region.objects.filter(parent__code="410222", level="township").order_by("code"))
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"基准企业{index}",
            uscc=uscc_with_check_digits(f"91410222C{index:07d}"),
            region=townships[index % len(townships)],
            sector=Sector.INDUSTRY,
            employee_count=people // ENTERPRISES,
        )
        for index in range(ENTERPRISES)
    )
    kinds = [VenueKind.ENTRANCE, VenueKind.CANTEEN, VenueKind.LIVING_AREA] + [VenueKind.WORKSHOP] * 17
    venues = Venue.objects.bulk_create(
        Venue(enterprise=enterprise, kind=kinds[slot], name=f"场所{slot}")
        for enterprise in enterprises
        for slot in range(VENUES_PER_ENTERPRISE)
    )
    # Four in five people are employees on record (the rest visitors): contacts are named from Employee.
    Employee.objects.bulk_create(
        (
            Employee(
                enterprise=enterprises[person % ENTERPRISES],
                name=f"员工{person}",
                id_cipher="x",
                id_digest=hashlib.sha256(person.to_bytes(8, "big")).hexdigest(),
                id_masked="410222********0000",
            )
            for person in range(people)
            if person % 5
        ),
        batch_size=5000,
    )
    first_venue = venues[0].pk
    assert venues[-1].pk == first_venue + len(venues) - 1  # consecutive: venue = first + enterprise*20 + slot

    # Scans: distinct times spread evenly over DAYS (so (venue, time, person) is unique by construction);
    # person p by a multiplicative hash of the row number (so each person scans every DAYS/(scans/people)),
    # working at enterprise p mod 200; of a person's scans one in four is at the entrance, one in four in
    # the canteen, the rest spread over the other 18 codes.
    step_seconds = DAYS * 86400 / scans
    load_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("ALTER TABLE venues_scan DROP CONSTRAINT venue_scan_once")
        cursor.execute("DROP INDEX venue_scan_person_time")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'venues_scan'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE venues_scan DROP CONSTRAINT "{name}"')
        cursor.execute("ALTER TABLE venues_scan DROP CONSTRAINT venues_scan_pkey")
        # Each person's digest once (not per scan), then one INSERT … SELECT with explicit ids.
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_people AS SELECT p, "
            "encode(sha256(int8send(p::bigint)), 'hex')::varchar(64) AS d FROM generate_series(0, %s) AS p",
            [people - 1],
        )
        cursor.execute("ALTER TABLE bench_people ADD PRIMARY KEY (p)")
        cursor.execute("ANALYZE bench_people")
        cursor.execute(
            "INSERT INTO venues_scan (id, venue_id, id_digest, scanned_at) "
            "SELECT g, %s + ((g * 2654435761) %% %s %% %s) * %s "
            "  + CASE (g / %s) %% 4 WHEN 0 THEN 0 WHEN 1 THEN 1 ELSE 2 + (g / %s + g) %% %s END, "
            "  bench_people.d, %s::timestamptz + g * make_interval(secs => %s) "
            "FROM generate_series(1, %s) AS g JOIN bench_people ON bench_people.p = (g * 2654435761) %% %s",
            [
                first_venue,
                people,
                ENTERPRISES,
                VENUES_PER_ENTERPRISE,
                people,
                people,
                VENUES_PER_ENTERPRISE - 2,
                START,
                step_seconds,
                scans,
                people,
            ],
        )
        # One Beijing day of PURGE_SCANS (the day the purge figure drops), ids after the others.
        purge_start = datetime(PURGE_DAY.year, PURGE_DAY.month, PURGE_DAY.day, tzinfo=UTC) - timedelta(hours=8)
        cursor.execute(
            "INSERT INTO venues_scan (id, venue_id, id_digest, scanned_at) "
            "SELECT %s + g, %s + g %% %s, bench_people.d, %s::timestamptz + g::bigint * %s * interval '1 microsecond' "
            "FROM generate_series(1, %s) AS g JOIN bench_people ON bench_people.p = (g * 2654435761) %% %s",
            [scans, first_venue, len(venues), purge_start, 86_400_000_000 // (purge_scans + 1), purge_scans, people],
        )
        inserted = time.perf_counter()
        cursor.execute("ALTER TABLE venues_scan ADD PRIMARY KEY (id, scanned_at)")
        cursor.execute("SELECT setval(pg_get_serial_sequence('venues_scan', 'id'), %s)", [scans + purge_scans])
        cursor.execute(
            "ALTER TABLE venues_scan ADD CONSTRAINT venue_scan_once UNIQUE (venue_id, scanned_at, id_digest)"
        )
        cursor.execute("CREATE INDEX venue_scan_person_time ON venues_scan (id_digest, scanned_at)")
        indexed = time.perf_counter()
        for name, definition in foreign_keys:  # (PostgreSQL 15 cannot add one NOT VALID to a partitioned table)
            cursor.execute(f'ALTER TABLE venues_scan ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("VACUUM ANALYZE venues_scan")
    loaded = time.perf_counter()
    print(
        f"# pg: {scans} scans of {people} people at {len(venues)} venues over {DAYS} days (+ {purge_scans} on "
        f"{PURGE_DAY}); insert "
        f"{inserted - load_started:.0f} s, indexes {indexed - inserted:.0f} s, vacuum/analyze {loaded - indexed:.0f} s "
        f"(set-up {loaded - began:.0f} s)",
        flush=True,
    )

    # trace_query_ms: several people over a 14-day period in the middle of the data.
    period_start = START + timedelta(days=3)
    period_end = period_start + timedelta(days=14)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encode(sha256(int8send(p::bigint)), 'hex') FROM generate_series(1, %s, %s) AS p",
            [people - 1, max(1, people // 9)],
        )
        cases = [row[0] for row in cursor.fetchall()][:9]
    timings = []
    sizes = []
    for case in cases:
        trace(case_digest=case, start=period_start, end=period_end, window_minutes=30)  # warm the cache
        started = time.perf_counter()
        result = trace(case_digest=case, start=period_start, end=period_end, window_minutes=30)
        timings.append(time.perf_counter() - started)
        sizes.append((len(result.visits), len(result.contacts)))
    print(f"# pg: traced {len(cases)} people; (visits, contacts) {sizes}", flush=True)
    print_figure("trace_query_ms", statistics.median(timings) * 1000, "ms")
    explain_partitions(cases[0], period_start, period_end)

    # trace_busiest_venue_ms: one person at the busiest venue every 30 minutes for 14 days.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT venue_id FROM venues_scan WHERE scanned_at >= %s AND scanned_at < %s "
            "GROUP BY venue_id ORDER BY count(*) DESC LIMIT 1",
            [period_start, period_start + timedelta(days=1)],
        )
        busiest = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO venues_scan (venue_id, id_digest, scanned_at) "
            "SELECT %s, %s, %s::timestamptz + n * interval '30 minutes' + interval '7 seconds' "
            "FROM generate_series(0, 671) AS n ON CONFLICT DO NOTHING",
            [busiest, "f" * 64, period_start],
        )
        cursor.execute("ANALYZE venues_scan")
    busiest_timings = []
    for _attempt in range(3):
        started = time.perf_counter()
        result = trace(case_digest="f" * 64, start=period_start, end=period_end, window_minutes=30)
        busiest_timings.append(time.perf_counter() - started)
    print(
        f"# pg: busiest venue {busiest}: {len(result.visits)} visits, {len(result.contacts)} contact stays",
        flush=True,
    )
    print_figure("trace_busiest_venue_ms", statistics.median(busiest_timings) * 1000, "ms")

    # scans_ingest_pg_rows_per_s: a file of the venue-code system through the real ingest.
    rows = max(5_000, int(200_000 * scale))
    tokens = [venue.token for venue in venues]
    day = datetime(2026, 5, 25)  # Beijing time, after the generated scans: every row is new
    lines = ["场所码,身份证号码,扫码时间,姓名"]
    for index in range(rows):
        at = day + timedelta(seconds=index * 86400 // rows)
        lines.append(f"{tokens[index * 7 % len(tokens)]},{id_number(index % 50_000)},{at:%Y-%m-%d %H:%M:%S},员工")
    content = ("\n".join(lines) + "\n").encode()
    scan_import = ScanImport.objects.create(file_name="bench.csv", sha256="0" * 64)
    started = time.perf_counter()
    parsed, errors = validate_file(
        content, "bench.csv", venues={venue.token: venue.pk for venue in venues}, vendor="postgresql"
    )
    assert not errors, errors[:3]
    validated = time.perf_counter()
    with transaction.atomic():
        added = write_scans(parsed, import_id=scan_import.pk)
    finished = time.perf_counter()
    assert added == rows, (added, rows)
    print(
        f"# pg: {rows} file rows: validate {validated - started:.1f} s, write {finished - validated:.1f} s", flush=True
    )
    print_figure("scans_ingest_pg_rows_per_s", rows / (finished - started), "rows/s")

    # purge_day_s: the daily purge of one expired day, as ``purge_expired`` does it for a day expired everywhere.
    table = next(table for table in registered_personal_tables() if table.kind == "venues.scan")
    purge = Purge.objects.create(reason=PurgeReason.EXPIRED, before=day_start(PURGE_DAY + timedelta(days=1)))
    with connection.cursor() as cursor:  # as the nightly purge finds it: the day long written and vacuumed
        cursor.execute(f"VACUUM ANALYZE venues_scan_p{PURGE_DAY:%Y%m%d}")
        cursor.execute("CHECKPOINT")
        cursor.execute(f"SELECT pg_total_relation_size('venues_scan_p{PURGE_DAY:%Y%m%d}')")
        (size,) = cursor.fetchone()
        cursor.execute("SHOW data_directory")
        (data_directory,) = cursor.fetchone()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        dropped = drop_expired_days(table, day_start(PURGE_DAY + timedelta(days=1)), purge)
        purged = time.perf_counter() - started
    assert dropped == purge_scans, (dropped, purge_scans)
    # The commit is when PostgreSQL gives the dropped files back to the file system; freeing their blocks is the
    # file system's work, and with online ``discard`` it also trims them on the disk, synchronously.
    commit = sum(float(q["time"]) for q in queries.captured_queries if q["sql"] == "COMMIT")
    print(
        f"# pg: {dropped} scans of {PURGE_DAY} ({size / 2**30:.1f} GiB with indexes) tallied and dropped in "
        f"{len(queries)} statements: {purged - commit:.2f} s, then {commit:.2f} s in COMMIT freeing the files "
        f"({mount_options(data_directory)})",
        flush=True,
    )
    print_figure("purge_day_s", purged, "s")
    print(f"# pg: total {time.perf_counter() - began:.0f} s", flush=True)


if __name__ == "__main__":
    main()
