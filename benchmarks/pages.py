"""The page sweep (issue 10): every navigation page, public page and list/summary API endpoint, as each bench
user, timed through Django's test client on the data of ``benchmarks/dataset.py``.

Usage: ``DATABASE_URL=postgres://…/sibao_bench .venv/bin/python benchmarks/pages.py [RUNS] [--generate SCALE]
[--users a,b] [--only /path/,/other/] [--no-refresh]``. ``--generate`` (re)creates the data set first; every
maintained summary is rebuilt once before measuring (``--no-refresh`` skips it); ``--users`` and ``--only``
(path prefixes) narrow a sweep to what a fix touches. Prints one line per page and user (median, p95, queries), the ten
slowest, then the figures ``pages_over_300ms`` (target 0), ``page_p95_max_ms`` (≤ 500) and ``page_queries_max``
(≤ 30).
"""

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.dataset import BENCH_USERS, generate, setup_django  # noqa: E402

SLOW_MS = 300
SLOW_WARM_UP_S = 3.0


def api_list_paths(client: Any) -> list[str]:
    """GET endpoints of the OpenAPI document that need no path parameter: the lists and summaries."""
    document = client.get("/api/openapi.json").json()
    paths = []
    for path, operations in document["paths"].items():
        if "get" in operations and "{" not in path and not path.endswith(("/template", "/export", ".xlsx")):
            paths.append(path)
    return sorted(paths)


def public_paths() -> list[str]:
    from django.urls import get_resolver

    paths = []
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) == "public/":
            for sub in pattern.url_patterns:  # type: ignore[attr-defined]
                route = str(sub.pattern)
                if "<" not in route and not route.endswith(".xlsx"):
                    paths.append("/public/" + route)
    return paths


def measure(client: Any, path: str, runs: int) -> tuple[int, float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    client.get(path)  # warm-up: caches, connection
    if time.perf_counter() - started > SLOW_WARM_UP_S:
        runs = 1  # a page that takes seconds is measured once: its median would not tell more
    times = []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return status, statistics.median(times), p95, queries


def refresh_summaries() -> None:
    """Every maintained summary rebuilt once, as ``make run``'s first scheduler pass does before serving: the
    pages then read summaries as fresh as production's, and each rebuild's time is the floor of its staleness."""
    from sibao.core.summaries import refresh, registered_summaries

    for name in registered_summaries():
        started = time.perf_counter()
        rows = refresh(name)
        print(f"# summary {name} rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms ({rows} rows)", flush=True)


def main() -> None:
    args = sys.argv[1:]
    runs = int(args[0]) if args and args[0].isdigit() else 10
    setup_django()
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 403/404 of other roles' pages are expected
    if "--generate" in args:
        generate(float(args[args.index("--generate") + 1]))
    if "--no-refresh" not in args:
        refresh_summaries()
    users = args[args.index("--users") + 1].split(",") if "--users" in args else list(BENCH_USERS)
    only = tuple(args[args.index("--only") + 1].split(",")) if "--only" in args else ("/",)
    from django.test import Client

    from sibao.accounts.models import User
    from sibao.accounts.navigation import nav_for

    results: list[tuple[str, str, int, float, float, int]] = []
    anonymous = Client()
    for path in [path for path in public_paths() if path.startswith(only)]:
        status, median, p95, queries = measure(anonymous, path, runs)
        results.append(("anonymous", path, status, median, p95, queries))
        print(f"anonymous {path}: {status} median {median:.0f} ms p95 {p95:.0f} ms {queries} queries", flush=True)
    api_paths = api_list_paths(anonymous)
    for username in users:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        pages = [entry.url for section in nav_for(user) for entry in section.entries]
        for path in [path for path in pages + api_paths if path.startswith(only)]:
            status, median, p95, queries = measure(client, path, runs)
            if status in (403, 404):
                continue  # not this role's page
            results.append((username, path, status, median, p95, queries))
            print(f"{username} {path}: {status} median {median:.0f} ms p95 {p95:.0f} ms {queries} queries", flush=True)
    print("# ten slowest (median):")
    for username, path, status, median, p95, queries in sorted(results, key=lambda r: -r[3])[:10]:
        print(f"#   {median:8.0f} ms  p95 {p95:6.0f}  {queries:3d} q  {status}  {username} {path}")
    errors = [r for r in results if r[2] >= 500]
    print(f"pages_measured: {len(results)}")
    print(f"pages_server_errors: {len(errors)}")
    print(f"pages_over_300ms: {sum(1 for r in results if r[3] > SLOW_MS)}")
    print(f"page_p95_max_ms: {max(r[4] for r in results):.0f} ms")
    print(f"page_queries_max: {max(r[5] for r in results)}")


if __name__ == "__main__":
    main()
