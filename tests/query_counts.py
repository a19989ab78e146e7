"""The shared query-count check (issue 9 #4): a list costs the same number of queries whatever its length.

``measure(client, url)`` reads a page or endpoint once to warm caches (content types, the session), then
counts the queries of a second read. A test grows the data between two measurements and compares them with
``growing``: the number of queries must not change, while the response must (the new rows are shown)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Reading:
    queries: int
    content: bytes
    sql: list[str]


def measure(client: Client, url: str, params: dict[str, Any] | None = None) -> Reading:
    warm = client.get(url, params or {})
    assert warm.status_code == 200, f"{url}: {warm.status_code}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return Reading(len(captured), response.content, [query["sql"] for query in captured.captured_queries])


def growing(
    targets: Iterable[tuple[str, Client, str, dict[str, Any] | None]],
    grow: Callable[[int], None],
    *,
    first: int = 1,
    more: int = 3,
) -> list[str]:
    """Measure every target with ``first`` rows, then with ``first + more``; return one line per target whose
    query count grew, or whose content did not change (the rows are not shown, so nothing was tested)."""
    targets = list(targets)
    grow(first)
    before = {name: measure(client, url, params) for name, client, url, params in targets}
    grow(more)
    problems = []
    for name, client, url, params in targets:
        after = measure(client, url, params)
        if after.queries != before[name].queries:
            last = [sql[:160] for sql in after.sql[-2:]]
            problems.append(f"{name} {url}: {before[name].queries} → {after.queries} queries; last: {last}")
        elif after.content == before[name].content:
            problems.append(f"{name} {url}: the response did not change with more rows")
    return problems
