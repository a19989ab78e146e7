"""Maintained summaries (issues 10 and 11): figures that big pages and the command screen read instead of scanning
big tables on a request.

An app declares its summaries on its AppConfig::

    summaries = [Summary("tickets.by_region", "sibao.tickets.summaries.refresh", every_minutes=1)]

The refresh function takes ``now``, rebuilds its own table(s) set-based (one statement per table, no per-row loop)
and returns the number of rows written. The scheduler enqueues ``refresh_due`` every minute; it refreshes those
older than their ``every_minutes`` and records when (``SummaryRun``), so a page can say "数据更新于 …" with
``refreshed_at(name)``. A service whose write must show at once may call ``refresh(name)`` itself; tests do.

Writing a summary table: ``replace_from(model, rows, columns)`` empties it and fills it from a queryset in one
``INSERT … SELECT`` (the full rebuild); ``upsert_from(model, rows, columns, key=…)`` rewrites the rows a write changed
(``INSERT … SELECT … ON CONFLICT (key) DO UPDATE``), which a service calls inside its own transaction so that
its change shows at once. An upsert, not delete-and-insert: under a concurrent full rebuild on PostgreSQL it
waits for the rebuild to commit and then overwrites that row with its newer values instead of failing on the
key. ``columns`` maps each summary column (attname) to an expression over the source queryset.
"""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connections, models, transaction
from django.db.models import F, Value
from django.utils import timezone
from django.utils.module_loading import import_string


def _runs() -> Any:
    # Imported here: AppConfig modules import ``Summary`` before the models are ready.
    from sibao.core.models import SummaryRun

    return SummaryRun.objects


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

    summary = registered_summaries()[name]
    now = now or timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        _runs().get_or_create(name=name)
        _runs().select_for_update().get(name=name)  # one refresh of a summary at a time
        rows = int(import_string(summary.refresher)(now))
        _runs().filter(name=name).update(
            refreshed_at=now, duration_ms=int((time.perf_counter() - started) * 1000), rows=rows
        )
    return rows


def refresh_due(now: datetime | None = None) -> list[str]:
    """Refresh every summary older than its interval (never refreshed counts as due); returns their names."""

    now = now or timezone.now()
    last = dict(_runs().values_list("name", "refreshed_at"))
    done = []
    for name, summary in registered_summaries().items():
        at = last.get(name)
        if at is None or now - at >= timedelta(minutes=summary.every_minutes):
            refresh(name, now)
            done.append(name)
    return done


def refreshed_at(*names: str) -> datetime | None:
    """When the oldest of these summaries was last rebuilt (None if one never was): the "数据更新于" of a page."""
    runs = dict(_runs().filter(name__in=names).values_list("name", "refreshed_at"))
    moments = [runs.get(name) for name in names]
    if not moments or any(moment is None for moment in moments):
        return None
    return min(moment for moment in moments if moment is not None)


@dataclass(frozen=True)
class Freshness:
    """What a page says about the summaries it read: "数据更新于 <at>（每 <every_minutes> 分钟更新）"."""

    at: datetime | None
    every_minutes: int


def freshness(*names: str) -> Freshness:
    """The refresh time of the oldest of ``names`` and the longest interval among them, for the page.

    A summary never built yet (a fresh database) is built now, so that a page never shows an empty table for
    want of a first scheduler pass."""
    declared = registered_summaries()
    if any(name not in declared for name in names):
        raise KeyError(f"unknown summary among {names}")
    built = dict(_runs().filter(name__in=names).values_list("name", "refreshed_at"))
    for name in names:
        if built.get(name) is None:
            refresh(name)
    return Freshness(refreshed_at(*names), max(declared[name].every_minutes for name in names))


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
    return {run.name: (run.refreshed_at, run.duration_ms, run.rows) for run in _runs().all()}


# --- writing summary tables -------------------------------------------------------------------------

Columns = Mapping[str, Any]  # summary attname → expression (or field name) over the source queryset


def _select(
    model: type[models.Model], source: models.QuerySet[Any], columns: Columns
) -> tuple[list[str], str, Sequence[Any]]:
    """The summary's column names and the ``SELECT`` producing them, in the same order."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    # Columns not given take the field's default (a summary computed in two statements fills some later).
    given = dict(columns)
    for name, field in fields.items():
        if name not in given and not (field.primary_key and field.auto_created):
            given[name] = Value(field.get_default(), output_field=field)
    aliases = {f"summary_{index}": name for index, name in enumerate(given)}
    expressions = {
        alias: F(given[name]) if isinstance(given[name], str) else given[name] for alias, name in aliases.items()
    }
    # values(**expressions) selects exactly these, in this order (aliased: a summary column may share a name
    # with a field of the source model).
    rows = source.order_by().values(**expressions)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    return [fields[name].column for name in aliases.values()], sql, params


def replace_from(model: type[models.Model], source: models.QuerySet[Any], columns: Columns) -> int:
    """Empty ``model``'s table and fill it from ``source`` (one statement each); returns the rows written."""
    names, sql, params = _select(model, source, columns)
    connection = connections[source.db]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) {sql}", params)
        return max(cursor.rowcount, 0)


def upsert_from(
    model: type[models.Model], source: models.QuerySet[Any], columns: Columns, *, key: str | Sequence[str]
) -> int:
    """Insert, or overwrite by the unique column ``key`` (or the unique set of columns, e.g. region and sector),
    the rows ``source`` gives; returns the rows written."""
    names, sql, params = _select(model, source, columns)
    connection = connections[source.db]
    quote = connection.ops.quote_name
    key_columns = []
    for name in [key] if isinstance(key, str) else key:
        key_field = model._meta.get_field(name)
        assert isinstance(key_field, models.Field)
        key_columns.append(key_field.column)
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in names if name not in key_columns)
    # "WHERE true" around the SELECT: SQLite cannot otherwise tell the upsert's ON from a join's.
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) "
        f"SELECT * FROM ({sql}) AS source WHERE true ON CONFLICT ({', '.join(map(quote, key_columns))}) "
        f"DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)
