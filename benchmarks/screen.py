"""The command screen's speed (issue 11 #3, DB-1…DB-4) on the province data set of ``benchmarks/dataset.py``.

Usage: ``DATABASE_URL=postgres://…/sibao_bench .venv/bin/python benchmarks/screen.py [RUNS] [--generate SCALE]``.
``--generate`` (re)creates the data set first. The screen's summary (``dashboard.figures``) is rebuilt once, as the
scheduler's per-minute pass would, and timed; then each bench user's own screen (province, 开封市, 通许县) and the
county's first township (its enterprise table) are requested RUNS times through Django's test client.

Prints ``screen_summary_refresh_ms`` (how long the per-minute pass takes: the staleness floor), one
``screen_p95_ms[view]`` and ``screen_queries[view]`` per view, then ``screen_p95_ms`` and ``screen_queries`` (the
worst view; targets ≤ 300 ms and ≤ 20 queries, the latter independent of data size).
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.dataset import generate, setup_django  # noqa: E402
from benchmarks.pages import measure  # noqa: E402

VIEWS = (("province", "bench_province"), ("city", "bench_city"), ("county", "bench_county"))


def main() -> None:
    args = sys.argv[1:]
    runs = int(args[0]) if args and args[0].isdigit() else 20
    setup_django()
    if "--generate" in args:
        generate(float(args[args.index("--generate") + 1]))
    from django.test import Client

    from sibao.accounts.models import User
    from sibao.core.summaries import refresh
    from sibao.regions.models import Region

    started = time.perf_counter()
    rows = refresh("dashboard.figures")
    print(f"screen_summary_refresh_ms: {(time.perf_counter() - started) * 1000:.0f} ms ({rows} rows)")

    results: list[tuple[str, float, int]] = []
    for view, username in VIEWS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        paths = [(view, "/screen/")]
        if view == "county":
            township = Region.objects.filter(parent_id=user.region_id).order_by("code").first()
            if township is not None:
                paths.append(("township", f"/screen/r/{township.code}/"))
        for name, path in paths:
            status, median, p95, queries = measure(client, path, runs)
            if status != 200:
                raise SystemExit(f"{username} {path}: HTTP {status}")
            results.append((name, p95, queries))
            print(f"screen_p95_ms[{name}]: {p95:.0f} ms (median {median:.0f} ms, {path} as {username})")
            print(f"screen_queries[{name}]: {queries}")
    print(f"screen_p95_ms: {max(p95 for _name, p95, _q in results):.0f} ms")
    print(f"screen_queries: {max(queries for _name, _p95, queries in results)}")


if __name__ == "__main__":
    main()
