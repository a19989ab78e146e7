"""LG-2 figures: the checkpoint check (issue 13).

Usage: DATABASE_URL=postgres://…/sibao_bench .venv/bin/python benchmarks/logistics.py [SCALE] [--reuse]
(SCALE=1.0: 1,000,000 approved passes and 2,000,000 drivers, two per pass; default 1.0; ``--reuse`` keeps
the rows a previous run wrote, migrating them if needed, to iterate on the check without rebuilding them).
PostgreSQL only: the database's tables are dropped and re-created, so its name must contain "bench".
The bulk rows are generated inside the server (``INSERT … SELECT … FROM generate_series``, as
``tracing.py`` does); the world around them (a company, a whitelist enterprise, the task force, an officer, a
checkpoint, one pass made through the services) goes through the services. Prints `name: value unit` lines.

- ``pass_check_p95_ms``: ``POST /api/logistics/checks`` through Django's test client (the whole API stack:
  authentication, schema, service, the check's record), 95th percentile over random passes and drivers.
- ``pass_check_http_ratio``: checks per second over HTTP with gunicorn as ``make run`` serves it (3 workers,
  bearer token of the officer, read once a second per worker as ``make run`` does: ``accounts/api_auth.py``) ÷
  requests per second of a bare Django JSON view behind the same gunicorn,
  middleware and database in the same run — what the check costs beyond Django itself; the two are measured
  in alternating rounds so that both see the same load, and the load average is printed with the figures.
  Both get the same request: a POST of the same JSON bodies with the same headers, which the bare view parses
  (until issue 13's second pass the bare view got a GET without a body, so the ratio also charged the check
  for the HTTP work of sending, reading and parsing its request — work any JSON API does; the yardstick is
  Django answering the same call, not a lighter one).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("SIBAO_BENCH_PORT", "8941"))
SAMPLES = 400
HTTP_SECONDS = 2.0  # per round
HTTP_ROUNDS = 4
HTTP_CLIENTS = 6


def print_figure(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.{0 if value >= 100 else 2}f} {unit}", flush=True)


def build(scale: float) -> tuple[int, str, list[tuple[str, int]]]:
    """The database: returns (checkpoint id, officer's API token, sample (token, driver id) pairs)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from sibao.accounts.models import User
    from sibao.accounts.services import api_token_create
    from sibao.core.roles import Role
    from sibao.core.sectors import Sector
    from sibao.core.validators import uscc_with_check_digits
    from sibao.enterprises.models import Enterprise
    from sibao.logistics import services
    from sibao.logistics.models import Driver, PassDriver, PassEnterprise, Vehicle, VehiclePass
    from sibao.regions.models import Region
    from sibao.whitelist.models import Application, ApplicationState
    from sibao.whitelist.services import batch_publish

    passes = max(1_000, int(1_000_000 * scale))
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    tongxu = Region.objects.get(code="410222")
    township = Region.objects.filter(parent=tongxu, level="township").order_by("code").first()

    def user(name: str, role: str, **extra: object) -> User:
        return User.objects.create_user(username=name, password="Bench#2026pw", role=role, **extra)  # type: ignore[no-any-return]

    hq = user("bench_hq", Role.HQ_OFFICE, region=tongxu)
    served = Enterprise.objects.create(
        name="基准白名单企业", uscc=uscc_with_check_digits("91410222B0000001"), sector=Sector.INDUSTRY, region=township
    )
    application = Application.objects.create(
        enterprise=served,
        sector=served.sector,
        service_level=served.service_level,
        state=ApplicationState.APPROVED,
        created_by=hq,
        contact_name="李娜",
        contact_phone="13912345678",
        statement="申请纳入白名单。",
        measures="已落实闭环管理。",
    )
    batch_publish(actor=hq, applications=[application])
    company = Enterprise.objects.create(
        name="基准物流运输有限公司",
        uscc=uscc_with_check_digits("91410222B0000002"),
        sector=Sector.TRANSPORT,
        region=township,
    )
    company_user = user("bench_transport", Role.ENTERPRISE, enterprise=company)
    group = user("bench_logistics", Role.LOGISTICS, region=tongxu)
    officer = user("bench_checkpoint", Role.CHECKPOINT, region=tongxu)
    checkpoint = services.checkpoint_save(
        actor=group, data={"region": tongxu, "name": "基准检查点", "kind": "highway_exit"}
    )
    # One pass through the services: its rows are the template the bulk rows copy (cipher, defaults).
    vehicle = services.vehicle_register(actor=company_user, enterprise=company, plate="豫B00001")
    driver = services.driver_register(
        actor=company_user,
        enterprise=company,
        data={"name": "基准司机", "id_number": "410222199001011235", "health_code": "green"},
    )
    services.driver_record_health(actor=company_user, driver=driver, certificate_sampled_at=timezone.now())
    today = timezone.localdate()
    template = services.pass_apply(
        actor=company_user,
        enterprise=company,
        data={
            "vehicle": vehicle,
            "drivers": [driver],
            "served": [served],
            "arrangement": "fixed_outsourced",
            "route": "通许县—开封市区",
            "valid_from": today,
            "valid_until": today + timedelta(days=30),
        },
    )
    services.pass_decide(actor=group, vehicle_pass=template, action="approve")

    began = time.perf_counter()
    tables = {model: model._meta.db_table for model in (Vehicle, Driver, VehiclePass, PassDriver, PassEnterprise)}
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    with connection.cursor() as cursor:
        # Plates 豫<letter><5 digits>: unique among vehicles in use, 100,000 per office letter.
        cursor.execute(
            f"""INSERT INTO {tables[Vehicle]} (id, enterprise_id, plate, kind, new_energy, is_active, created_at)
            SELECT 100 + i, %s, '豫' || substr(%s, i / 100000 + 1, 1) || lpad((i %% 100000)::text, 5, '0'),
                   'truck', false, true, now()
            FROM generate_series(1, %s) AS i""",
            [company.pk, letters.replace("B", ""), passes],
        )
        cursor.execute(
            f"""INSERT INTO {tables[Driver]} (id, enterprise_id, name, id_cipher, id_digest, id_masked, phone,
                   health_code, health_code_at, certificate_sampled_at, is_active, created_at)
            SELECT 100 + i, %s, '司机' || i, d.id_cipher, md5('bench-driver-' || i) || md5('x' || i),
                   d.id_masked, '', 'green', now(), now() - interval '3 hours', true, now()
            FROM generate_series(1, %s) AS i, {tables[Driver]} AS d WHERE d.id = %s""",
            [company.pk, 2 * passes, driver.pk],
        )
        cursor.execute(
            f"""INSERT INTO {tables[VehiclePass]} (id, code, enterprise_id, vehicle_id, arrangement, route,
                   valid_from, valid_until, toll_reduction, state, applied_by_id, applied_at, decided_by_id,
                   decided_at, decision_reason, suspension_reason)
            SELECT 100 + i, 'bench' || lpad(i::text, 10, '0'), %s, 100 + i, 'fixed_outsourced', '通许县—开封市区',
                   %s, %s, true, 'approved', %s, now(), %s, now(), '', ''
            FROM generate_series(1, %s) AS i""",
            [company.pk, today - timedelta(days=3), today + timedelta(days=27), company_user.pk, group.pk, passes],
        )
        cursor.execute(
            f"""INSERT INTO {tables[PassDriver]} (vehicle_pass_id, driver_id)
            SELECT 100 + (i + 1) / 2, 100 + i FROM generate_series(1, %s) AS i""",
            [2 * passes],
        )
        cursor.execute(
            f"""INSERT INTO {tables[PassEnterprise]} (vehicle_pass_id, enterprise_id, drop_reason)
            SELECT 100 + i, %s, '' FROM generate_series(1, %s) AS i""",
            [served.pk, passes],
        )
        for table in tables.values():
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            # VACUUM too, as autovacuum does soon after a bulk load: otherwise it ran during the measurement
            # (passdriver's 2,000,000 rows, seen in pg_stat_user_tables) and the first reads set hint bits.
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"# {passes:,} passes, {2 * passes:,} drivers written in {time.perf_counter() - began:.0f} s", flush=True)

    _, raw = api_token_create(actor=None, user=officer, name="基准检查站系统")
    return checkpoint.pk, raw, _samples(passes)


def _samples(passes: int) -> list[tuple[str, int]]:
    """(signed code, driver id) of random bulk passes and one of their two drivers."""
    from sibao.logistics.tokens import sign_code

    rng = random.Random(13)
    samples = []
    for _ in range(SAMPLES):
        index = rng.randint(1, passes)
        samples.append((sign_code(f"bench{index:010d}"), 100 + 2 * index - rng.randint(0, 1)))
    return samples


def reuse() -> tuple[int, str, list[tuple[str, int]]]:
    """The data a previous run built (``--reuse``), to iterate on the check without regenerating it: the same
    checkpoint and samples, a fresh token of the officer (only its hash is stored)."""
    from django.core.management import call_command

    from sibao.accounts.models import User
    from sibao.accounts.services import api_token_create
    from sibao.logistics.models import Checkpoint, VehiclePass

    call_command("migrate", verbosity=0)
    checkpoint = Checkpoint.objects.get(name="基准检查点")
    last = VehiclePass.objects.filter(code__startswith="bench").order_by("-code").values_list("code", flat=True)[0]
    passes = int(last.removeprefix("bench"))
    _, raw = api_token_create(actor=None, user=User.objects.get(username="bench_checkpoint"), name="基准检查站系统")
    print(f"# reusing {passes:,} passes", flush=True)
    return checkpoint.pk, raw, _samples(passes)


def api_p95(checkpoint: int, token: str, samples: list[tuple[str, int]]) -> float:
    from django.test import Client

    client = Client()
    header = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    timings = []
    for scanned, driver in [samples[0]] * 5 + samples:  # the first calls warm caches (parameters, regions)
        body = json.dumps({"checkpoint": checkpoint, "token": scanned, "driver": driver})
        began = time.perf_counter()
        response = client.post("/api/logistics/checks", body, content_type="application/json", **header)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 201 and response.json()["green"], response.content[:300]
    return statistics.quantiles(timings[5:], n=20)[18]


def http_rate(url: str, bodies: list[bytes], token: str) -> float:
    """Requests per second with HTTP_CLIENTS threads, each on its own keep-alive-free connection loop."""
    done = [0] * HTTP_CLIENTS
    stop = time.perf_counter() + HTTP_SECONDS

    def run(slot: int) -> None:
        count = 0
        while time.perf_counter() < stop:
            body = bodies[(slot + count * HTTP_CLIENTS) % len(bodies)] if bodies else None
            request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
            request.add_header("Authorization", f"Bearer {token}")
            request.add_header("Content-Type", "application/json")
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            count += 1
        done[slot] = count

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(HTTP_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / HTTP_SECONDS


def http_ratio(checkpoint: int, token: str, samples: list[tuple[str, int]]) -> float:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sibao.settings"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "benchmarks.bench_wsgi:application",
            *("--chdir", str(ROOT), "--bind", f"127.0.0.1:{PORT}", "--workers", "3", "--log-level", "warning"),
            *("--timeout", "300"),  # a cold worker on a loaded machine must not be killed mid-start
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/bare/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        bodies = [
            json.dumps({"checkpoint": checkpoint, "token": scanned, "driver": driver}).encode()
            for scanned, driver in samples
        ]
        http_rate(f"{base}/api/logistics/checks", bodies[:20], token)  # warm every worker
        # Alternate short rounds of both so that both see the same load of the (shared) machine: one long run
        # of each measured whatever else ran then, and the ratio swung from 0.12 to 0.34 between runs.
        checks = bare = 0.0
        for _ in range(HTTP_ROUNDS):
            checks += http_rate(f"{base}/api/logistics/checks", bodies, token)
            bare += http_rate(f"{base}/bench/bare/", bodies, token)
        checks, bare = checks / HTTP_ROUNDS, bare / HTTP_ROUNDS
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"# over HTTP: {checks:.0f} checks/s, {bare:.0f} bare JSON views/s (load average {load})", flush=True)
        return checks / bare
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if argument != "--reuse"]
    scale = float(arguments[0]) if arguments else 1.0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("benchmarks/logistics.py: DATABASE_URL must name a PostgreSQL database")
    if "bench" not in str(connection.settings_dict["NAME"]):
        raise SystemExit("benchmarks/logistics.py: DATABASE_URL must name a database containing 'bench'")
    checkpoint, token, samples = reuse() if "--reuse" in sys.argv else build(scale)
    print_figure("pass_check_p95_ms", api_p95(checkpoint, token, samples), "ms")
    print(f"# load average {', '.join(f'{value:.2f}' for value in os.getloadavg())}", flush=True)
    connection.close()
    print_figure("pass_check_http_ratio", http_ratio(checkpoint, token, samples), "")


if __name__ == "__main__":
    main()
