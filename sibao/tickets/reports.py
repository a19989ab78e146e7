"""RQ-8: the weekly supervision report 督办督查周报告, due every Friday (001#10).

One ``WeeklyReport`` row per region and week: the RQ-7 figures of the week for the requests of enterprises
in the region's subtree, plus three lists — overdue at the end of the week, escalated during it, reopened
during it. Building the same week again replaces the figures of the same row.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.core.errors import ServiceError
from sibao.regions.models import Region, RegionLevel
from sibao.tickets.metrics import (
    FRIDAY,
    GroupMetrics,
    Period,
    check_day,
    history_events,
    metrics_by_child_region,
    metrics_by_unit,
    ticket_metrics,
)
from sibao.tickets.models import Ticket, TicketState, WeeklyReport
from sibao.whitelist.oversight_forms import root_region

REPORT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
S = TicketState


def check_week_end(week_end: date) -> None:
    if week_end.weekday() != FRIDAY:
        raise ServiceError(
            "tickets.weekly_report.not_friday",
            _("The weekly report covers a week ending on a Friday; %(day)s is not a Friday.")
            % {"day": week_end.isoformat()},
            field="week_end",
        )


def region_tickets(region: Region) -> QuerySet[Ticket]:
    return Ticket.objects.filter(enterprise__region__path__startswith=region.path)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _overdue(tickets: QuerySet[Ticket], cutoff: datetime) -> list[dict[str, Any]]:
    """Requests a unit held past their deadline at ``cutoff`` (not answered by then; a clock paused before the
    cutoff and still paused does not run)."""
    overdue = (
        tickets.filter(assigned_at__lt=cutoff, due_at__lt=cutoff, filed_at__lt=cutoff)
        .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=cutoff))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
        .exclude(state__in=[S.SUBMITTED])
        .exclude(state=S.WAITING, paused_at__lte=cutoff)
        .select_related("enterprise", "unit")
        .order_by("due_at", "pk")
    )
    return [
        {
            "number": ticket.number,
            "title": ticket.title,
            "enterprise": ticket.enterprise.name,
            "unit": ticket.unit.name if ticket.unit else "",
            "due_at": _local(ticket.due_at),
            "days_overdue": round((cutoff - ticket.due_at).total_seconds() / 86400, 1) if ticket.due_at else None,
        }
        for ticket in overdue
    ]


def _events(tickets: QuerySet[Ticket], period: Period, action: str) -> list[dict[str, Any]]:
    events = list(history_events(tickets, period, [action]).order_by("at", "pk"))
    by_pk = {
        ticket.pk: ticket
        for ticket in Ticket.objects.filter(pk__in=[event.object_id for event in events]).select_related(
            "enterprise", "unit"
        )
    }
    regions = dict(Region.objects.filter(code__in=_region_codes(events)).values_list("code", "name"))
    rows = []
    for event in events:
        ticket = by_pk.get(event.object_id)
        if ticket is None:
            continue
        row = {
            "number": ticket.number,
            "title": ticket.title,
            "enterprise": ticket.enterprise.name,
            "unit": ticket.unit.name if ticket.unit else "",
            "at": _local(event.at),
            "reason": event.reason,
        }
        if action == "escalate":
            row["from_region"] = regions.get(event.data.get("from_region", ""), "")
            row["to_region"] = regions.get(event.data.get("to_region", ""), "")
        rows.append(row)
    return rows


def _region_codes(events: list[Any]) -> set[str]:
    codes = set()
    for event in events:
        for name in ("from_region", "to_region"):
            if isinstance(event.data, dict) and event.data.get(name):
                codes.add(str(event.data[name]))
    return codes


def _table(rows: list[GroupMetrics]) -> list[dict[str, Any]]:
    return [row.as_dict() for row in rows]


def weekly_report_build(region: Region, week_end: date, *, now: datetime | None = None) -> WeeklyReport:
    """Compute and store the report of ``region`` for the week ending on Friday ``week_end`` (idempotent)."""
    check_week_end(week_end)
    check_day(week_end, "week_end")
    now = now or timezone.now()
    period = Period.week_ending(week_end)
    if period.start > now:
        raise ServiceError("tickets.weekly_report.future", _("That week has not started yet."), field="week_end")
    tickets = region_tickets(region)
    cutoff = min(period.end, now)  # built on Friday afternoon: overdue "so far"
    figures: dict[str, Any] = {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "cutoff": cutoff.isoformat(),
        "complete": now >= period.end,
        "filed": tickets.filter(filed_at__gte=period.start, filed_at__lt=period.end).count(),
        "totals": ticket_metrics(tickets, period).as_dict(),
        "by_unit": _table(metrics_by_unit(tickets, period)),
        "by_region": _table(metrics_by_child_region(tickets, region, period)),
        "overdue": _overdue(tickets, cutoff),
        "escalated": _events(tickets, period, "escalate"),
        "reopened": _events(tickets, period, "reopen"),
    }
    with transaction.atomic():
        report, _created = WeeklyReport.objects.update_or_create(
            region=region, week_end=week_end, defaults={"figures": figures, "generated_at": now}
        )
    return report


def regions_with_requests(week_end: date) -> QuerySet[Region]:
    """Counties, cities and the province with at least one request filed by the end of the week."""
    end = Period.week_ending(week_end).end
    paths = (
        Ticket.objects.filter(filed_at__lt=end).order_by().values_list("enterprise__region__path", flat=True).distinct()
    )
    codes = {code for path in paths for code in path.split("/") if code}
    return Region.objects.filter(code__in=codes, level__in=REPORT_LEVELS).order_by("path")


# --- reading: the pages and the API, one scope ------------------------------------------------------------


def visible_weekly_reports(user: Any) -> QuerySet[WeeklyReport]:
    """The reports of the regions in ``user``'s subtree (the province for administrators), as the metrics
    pages choose regions (``chosen_region``); the capability is the caller's check."""
    return WeeklyReport.objects.filter(region__path__startswith=root_region(user).path).select_related("region")


def weekly_reports_of(region: Region) -> QuerySet[WeeklyReport]:
    """The reports of ``region`` itself (not of the regions below it), the latest week first."""
    return WeeklyReport.objects.filter(region=region).select_related("region").order_by("-week_end", "-pk")
