"""RQ-7 metrics at province scale (issue 10): a per-day summary the metrics page reads instead of grouping
200,000 requests three times per view.

``refresh`` (the scheduler's summary pass, ``core.summaries``, every 10 minutes: ``TicketsConfig.summaries``)
rebuilds ``TicketDayFigures`` set-based: one grouped ``INSERT … SELECT`` per event timestamp
(``metrics.EVENT_COUNTS``, the same conditions the live figures count), one for the answer and reopen
transitions, then one per region level adding the rows up to the parent regions. A page then reads a region's
rows and its children's for the days of its period: a few thousand rows whatever the number of requests.

Staleness: a figure is at most one pass old — 10 minutes plus the rebuild time — and the page says so
("数据更新于 …"). A province's rebuild (200,000 requests, ~150,000 answers in the history, ~1M summary rows)
took 13–44 s on the shared 2-core bench machine under load 6–8, hence 10 minutes rather than 5.

The live computation (``metrics.ticket_metrics`` …) stays the definition: the weekly report and any scope or
period the summary cannot answer (a department's units, a sector, a period not made of whole local days) use
it, and the tests hold the two equal.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from sibao.core import summaries
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.summaries import Freshness
from sibao.regions.models import Region, RegionLevel
from sibao.tickets.metrics import (
    ANSWER_ACTIONS,
    EVENT_COUNTS,
    GroupMetrics,
    Metrics,
    Period,
    child_ranking,
    child_regions,
    event_aggregates,
    metrics_by_child_region,
    metrics_by_unit,
    metrics_of,
    ticket_metrics,
    unit_ranking,
)
from sibao.tickets.models import Ticket, TicketDayFigures
from sibao.tickets.workflows import TICKET

NAME = "tickets.daily_metrics"
COUNTS = [name for counts in EVENT_COUNTS.values() for name in counts] + ["close_time", "reopens", "answers"]


def _insert(source: QuerySet[Any], columns: list[str]) -> int:
    """``INSERT INTO`` the summary ``columns`` the rows of ``source`` (a values queryset selecting them in order)."""
    sql, params = source.query.get_compiler(using=source.db).as_sql()
    connection = connections[source.db]
    quote = connection.ops.quote_name
    names = [str(TicketDayFigures._meta.get_field(column).column) for column in columns]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(TicketDayFigures._meta.db_table)} ({', '.join(map(quote, names))}) {sql}", params
        )
        return max(cursor.rowcount, 0)


def _insert_history(per_ticket: QuerySet[Any]) -> int:
    """Insert the (day, ticket, reopens, answers) rows of ``per_ticket`` added up by the ticket's region and unit."""
    sql, params = per_ticket.query.get_compiler(using=per_ticket.db).as_sql()
    connection = connections[per_ticket.db]
    q = connection.ops.quote_name
    summary, ticket = TicketDayFigures._meta.db_table, Ticket._meta.db_table
    enterprise = Ticket._meta.get_field("enterprise").related_model._meta.db_table  # type: ignore[union-attr]
    statement = (
        f"INSERT INTO {q(summary)} ({q('day')}, {q('region_id')}, {q('unit_id')}, {q('reopens')}, {q('answers')}) "
        f"SELECT h.{q('day')}, e.{q('region_id')}, t.{q('unit_id')}, SUM(h.{q('reopens')}), SUM(h.{q('answers')}) "
        f"FROM ({sql}) h JOIN {q(ticket)} t ON t.{q('id')} = h.{q('ticket')} "
        f"JOIN {q(enterprise)} e ON e.{q('id')} = t.{q('enterprise_id')} "
        f"GROUP BY h.{q('day')}, e.{q('region_id')}, t.{q('unit_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def refresh(now: datetime) -> int:
    """Rebuild every row from the requests and their history; returns the rows written."""
    del now  # every event ever counted: past days change too (a reopen clears ``answered_at``, a unit changes)
    zone = timezone.get_default_timezone()
    connection = connections[router.db_for_write(TicketDayFigures)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(TicketDayFigures._meta.db_table)}")
    written = 0
    keys = ["day", "region_id", "unit_id"]
    for timestamp in EVENT_COUNTS:
        aggregates = event_aggregates(timestamp, Q(**{f"{timestamp}__isnull": False}))
        source = (
            Ticket.objects.filter(**{f"{timestamp}__isnull": False})
            .values(day=TruncDate(timestamp, tzinfo=zone), of_region=F("enterprise__region_id"), of_unit=F("unit_id"))
            .annotate(**aggregates)
            .values("day", "of_region", "of_unit", *aggregates)
            .order_by()
        )
        written += _insert(source, [*keys, *aggregates])
    # Reopens ÷ answers come from the history (reopening clears ``answered_at``), by the request's region and unit:
    # counted per request and day first, then joined to the requests (the history has no foreign key to join
    # through; a correlated lookup per history row took ~7 s for a province's 150,000 answers).
    per_ticket = (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket),
            workflow=TICKET.name,
            action__in=["reopen", *ANSWER_ACTIONS],
        )
        .values(day=TruncDate("at", tzinfo=zone), ticket=F("object_id"))
        .annotate(
            reopens=Count("pk", filter=Q(action="reopen")),
            answers=Count("pk", filter=Q(action__in=ANSWER_ACTIONS)),
        )
        .values("day", "ticket", "reopens", "answers")
        .order_by()
    )
    written += _insert_history(per_ticket)
    # Bottom-up, one level at a time: every row of a region of that level (its own enterprises' and what was
    # added up from below) is added to its parent, so each pass reads the merged rows of one level only.
    sums = {f"s_{name}": Sum(name) for name in COUNTS}
    for level in reversed(RegionLevel.values[1:]):
        rolled = (
            TicketDayFigures.objects.filter(region__level=level, region__parent__isnull=False)
            .values("day", "unit_id", up=F("region__parent_id"))
            .annotate(added=Value(1, output_field=IntegerField()), **sums)
            .values("day", "up", "unit_id", "added", *sums)
            # Written in the order pages read them (a region's days): a page's rows share a few heap pages.
            .order_by("up", "day")
        )
        written += _insert(rolled, ["day", "region_id", "unit_id", "depth", *COUNTS])
    return written


# --- reading -----------------------------------------------------------------------------------------------


def answers_scope(user: Any) -> bool:
    """Can the summary answer for ``user``? Its rows are per region: right for a user whose requests are all
    those of its region subtree (HQ office, supervision, leaders, administrators), not for a department (its
    units' requests) or a user limited to one sector."""
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return user.role not in (Role.ENTERPRISE, Role.SECTOR_DEPARTMENT) and bool(user.region_id) and not user.sector


def whole_days(period: Period) -> bool:
    return Period.days(period.first_day, period.last_day) == period


@dataclass(frozen=True)
class RegionFigures:
    totals: Metrics
    by_unit: dict[int | None, Metrics]
    by_child: dict[int, Metrics]  # child region id → its figures


def _sums() -> dict[str, Any]:
    return {name: Sum(name) for name in COUNTS}


def _as_metrics(row: dict[str, Any]) -> Metrics:
    return metrics_of(row, row.get("reopens") or 0, row.get("answers") or 0)


def region_figures(region: Region, first_day: date, last_day: date) -> RegionFigures:
    """The figures of the requests of ``region``'s enterprises, per unit and per child region (two queries)."""
    days = {"day__gte": first_day, "day__lte": last_day}
    by_unit_rows = list(
        TicketDayFigures.objects.filter(region=region, **days).values("unit_id").annotate(**_sums()).order_by()
    )
    totals: dict[str, Any] = {}
    for row in by_unit_rows:
        for name in COUNTS:
            value = row[name]
            if value is not None:
                totals[name] = totals[name] + value if name in totals else value
    by_child_rows = (
        TicketDayFigures.objects.filter(region__parent=region, **days)
        .values("region_id")
        .annotate(**_sums())
        .order_by()
    )
    return RegionFigures(
        totals=_as_metrics(totals),
        by_unit={row["unit_id"]: _as_metrics(row) for row in by_unit_rows},
        by_child={row["region_id"]: _as_metrics(row) for row in by_child_rows},
    )


@dataclass(frozen=True)
class PageFigures:
    """What the metrics page shows: totals, the units' ranking, the child regions' ranking, and how fresh."""

    totals: Metrics
    by_unit: list[GroupMetrics]
    by_region: list[GroupMetrics]
    freshness: Freshness | None  # None: computed live, current


def metrics_for(user: Any, region: Region, period: Period) -> PageFigures:
    """RQ-7 for ``region`` (in ``user``'s subtree, checked by the caller) from the summary when it can answer,
    else computed live over the user's requests."""
    children = child_regions(region)
    if answers_scope(user) and whole_days(period):
        fresh = summaries.freshness(NAME)
        figures = region_figures(region, period.first_day, period.last_day)
        by_code = {child.code: figures.by_child[child.pk] for child in children if child.pk in figures.by_child}
        return PageFigures(figures.totals, unit_ranking(figures.by_unit), child_ranking(children, by_code), fresh)
    return live_figures(user, region, period)


def live_figures(user: Any, region: Region, period: Period) -> PageFigures:
    """The same figures computed from the requests now (the definition the summary is held to)."""
    tickets = Ticket.objects.visible_to(user).filter(enterprise__region__path__startswith=region.path)
    return PageFigures(
        ticket_metrics(tickets, period),
        metrics_by_unit(tickets, period),
        metrics_by_child_region(tickets, region, period),
        None,
    )
