"""Maintained summaries (issues 10 and 11): figures that big pages and the command screen read instead of scanning
big tables on a request.

An app declares its summaries on its AppConfig::

    summaries = [Summary("tickets.by_region", "sibao.tickets.summaries.refresh", every_minutes=1)]

The refresh function takes ``now``, rebuilds its own table(s) set-based (one statement per table, no per-row loop)
and returns the number of rows written. The scheduler enqueues ``refresh_due`` every minute; it refreshes those
older than their ``every_minutes`` and records when (``SummaryRun``), so a page can say "数据更新于 …" with
``refreshed_at(name)``. A service whose write must show at once may call ``refresh(name)`` itself; tests do.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

# ``SummaryRun`` is imported where it is used: apps import ``Summary`` in their apps.py, before models load.


@dataclass(frozen=True)
class Summary:
    name: str
    refresher: str  # dotted path of ``refresh(now) -> rows``
    every_minutes: int = 5  # the staleness a page may show


def registered_summaries() -> dict[str, Summary]:
    found: dict[str, Summary] = {}
    for config in apps.get_app_configs():
        for summary in getattr(config, "summaries", ()):
            if summary.name in found:
                raise ValueError(f"summary {summary.name!r} declared twice")
            found[summary.name] = summary
    return found


def refresh(name: str, now: datetime | None = None) -> int:
    """Rebuild one summary now (inside one transaction, serialised per summary) and record it."""
    from sibao.core.models import SummaryRun

    summary = registered_summaries()[name]
    now = now or timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        SummaryRun.objects.get_or_create(name=name)
        SummaryRun.objects.select_for_update().get(name=name)  # one refresh of a summary at a time
        rows = int(import_string(summary.refresher)(now))
        SummaryRun.objects.filter(name=name).update(
            refreshed_at=now, duration_ms=int((time.perf_counter() - started) * 1000), rows=rows
        )
    return rows


def refresh_due(now: datetime | None = None) -> list[str]:
    """Refresh every summary older than its interval (never refreshed counts as due); returns their names."""
    from sibao.core.models import SummaryRun

    now = now or timezone.now()
    last = dict(SummaryRun.objects.values_list("name", "refreshed_at"))
    done = []
    for name, summary in registered_summaries().items():
        at = last.get(name)
        if at is None or now - at >= timedelta(minutes=summary.every_minutes):
            refresh(name, now)
            done.append(name)
    return done


def refreshed_at(*names: str) -> datetime | None:
    """When the oldest of these summaries was last rebuilt (None if one never was): the "数据更新于" of a page."""
    from sibao.core.models import SummaryRun

    runs = dict(SummaryRun.objects.filter(name__in=names).values_list("name", "refreshed_at"))
    moments = [runs.get(name) for name in names]
    if not moments or any(moment is None for moment in moments):
        return None
    return min(moment for moment in moments if moment is not None)


def schedule_refresh(now: datetime) -> str | None:
    """Periodic job: enqueue the refresh pass once per minute slot."""
    from sibao.core.scheduling import enqueue_once
    from sibao.core.tasks import refresh_summaries

    if not registered_summaries():
        return None
    slot = now.replace(second=0, microsecond=0).isoformat()
    return f"summaries {slot}" if enqueue_once(refresh_summaries, slot) else None


def summary_state() -> dict[str, Any]:
    """Name → (refreshed_at, duration_ms, rows) for an operator's page or the bench."""
    from sibao.core.models import SummaryRun

    return {run.name: (run.refreshed_at, run.duration_ms, run.rows) for run in SummaryRun.objects.all()}
