"""RQ-7: how well requests are handled in a period — per unit, per child region, and a ranking.

Every figure counts events whose timestamp falls in ``[start, end)``:
- 响应率 response rate: requests assigned in the period that were responded to by ``response_due``;
- 按时办结率 on-time rate: requests answered in the period by ``due_at`` (no deadline, e.g. linked to a common
  issue before assignment, cannot be late);
- 解决率 resolution rate: requests answered in the period with the outcome "resolved";
- 满意率 satisfaction rate: requests rated in the period "satisfied" or "basically satisfied";
- average hours from filing to closing of the requests closed in the period;
- reopen rate: reopens ÷ answers, both counted from the transition history, since reopening clears the
  request's own ``answered_at`` (one request answered, reopened and answered again is 1 ÷ 2).
Counts are returned with the rates; a rate is None when nothing was counted.
"""

import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.errors import ServiceError
from sibao.core.models import TransitionLog
from sibao.organisation.models import Unit
from sibao.regions.models import Region
from sibao.tickets.models import Outcome, Satisfaction, Ticket
from sibao.tickets.workflows import TICKET

FRIDAY = 4  # date.weekday()
ANSWER_ACTIONS = ("answer", "answer_common")


@dataclass(frozen=True)
class Period:
    """``[start, end)`` as aware datetimes; ``first_day``/``last_day`` are the local calendar days it covers."""

    start: datetime
    end: datetime

    @classmethod
    def days(cls, first_day: date, last_day: date) -> "Period":
        """Local midnight of ``first_day`` to local midnight after ``last_day`` (Asia/Shanghai)."""
        zone = timezone.get_default_timezone()
        start = datetime.combine(first_day, time.min, tzinfo=zone)
        end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
        return cls(start, end)

    @classmethod
    def week_ending(cls, friday: date) -> "Period":
        """RQ-8, 001#10: the week reported on Friday F runs from Saturday F−6 00:00 to Friday F 24:00 local."""
        return cls.days(friday - timedelta(days=6), friday)

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.start).date()

    @property
    def last_day(self) -> date:
        return timezone.localtime(self.end).date() - timedelta(days=1)


def week_end_of(day: date) -> date:
    """The Friday that ends the reporting week containing ``day``."""
    return day + timedelta(days=(FRIDAY - day.weekday()) % 7)


# The days a period may name (a custom period, a weekly report's week): the platform's requests all fall in
# between, and the calendar's own ends (year 1, year 9999) cannot be turned into a period in UTC.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def check_day(day: date, field: str) -> None:
    """Refuse a day outside ``EARLIEST_DAY``–``LATEST_DAY`` (``tickets.period.day``, naming ``field``)."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ServiceError(
            "tickets.period.day",
            _("Choose a day from %(first)s to %(last)s.")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
            field=field,
        )


class PeriodChoice(models.TextChoices):
    """The periods the metrics page and API count (RQ-7)."""

    THIS_WEEK = "this_week", gettext_lazy("This week")
    LAST_WEEK = "last_week", gettext_lazy("Last week")
    MONTH = "month", gettext_lazy("This month")
    CUSTOM = "custom", gettext_lazy("Custom")


def chosen_period(choice: str, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The period ``choice`` names on ``today``: the reporting week (Saturday to Friday) containing today — the
    default, also for a custom choice without both days —, the week before it, the calendar month, or the days
    from ``start`` to ``end`` (in either order; each checked by ``check_day``)."""
    friday = week_end_of(today)
    if choice == PeriodChoice.LAST_WEEK:
        return Period.week_ending(friday - timedelta(days=7))
    if choice == PeriodChoice.MONTH:
        first = today.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return Period.days(first, next_month - timedelta(days=1))
    if choice == PeriodChoice.CUSTOM and start and end:
        check_day(start, "start")
        check_day(end, "end")
        first, last = sorted((start, end))
        return Period.days(first, last)
    return Period.week_ending(friday)


def percent_of(rate: float | None) -> float | None:
    """A rate as the pages show it: a percentage to one decimal (None: nothing was counted)."""
    return None if rate is None else round(rate * 100, 1)


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def percent(self) -> float | None:
        return percent_of(self.rate)


@dataclass(frozen=True)
class Metrics:
    response: Ratio
    on_time: Ratio
    resolution: Ratio
    satisfaction: Ratio
    reopen: Ratio
    closed: int
    avg_close_hours: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the weekly report stores this)."""
        figures: dict[str, Any] = {
            name: {"numerator": ratio.numerator, "denominator": ratio.denominator, "rate": ratio.rate}
            for name, ratio in self.ratios()
        }
        figures["closed"] = self.closed
        figures["avg_close_hours"] = self.avg_close_hours
        return figures

    def ratios(self) -> list[tuple[str, Ratio]]:
        return [
            ("response", self.response),
            ("on_time", self.on_time),
            ("resolution", self.resolution),
            ("satisfaction", self.satisfaction),
            ("reopen", self.reopen),
        ]


@dataclass
class GroupMetrics:
    """One row of a per-unit or per-region table."""

    key: str
    name: str
    metrics: Metrics
    rank: int | None = field(default=None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the key, name and rank with the figures (a weekly report's table rows store this)."""
        return {"key": self.key, "name": self.name, "rank": self.rank, **self.metrics.as_dict()}


def _window(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


# The one definition of each count (RQ-7): the timestamp that dates its event and the condition on the request.
# The live figures (``_annotations``) count events inside a period; the daily summary (``tickets.summary``) counts
# the same conditions per local day of the same timestamp, so both give one answer.
EVENT_COUNTS: dict[str, dict[str, Q]] = {
    "assigned_at": {
        "assigned": Q(),
        "responded_on_time": Q(responded_at__isnull=False, responded_at__lte=F("response_due")),
    },
    "answered_at": {
        "answered": Q(),
        "answered_on_time": Q(due_at__isnull=True) | Q(answered_at__lte=F("due_at")),
        "resolved": Q(outcome=Outcome.RESOLVED),
    },
    "rated_at": {
        "rated": ~Q(satisfaction=""),
        "satisfied": ~Q(satisfaction="") & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]),
    },
    "closed_at": {"closed": Q()},
}
CLOSE_TIME = ExpressionWrapper(F("closed_at") - F("filed_at"), output_field=DurationField())  # dated by closed_at


def event_aggregates(timestamp: str, window: Q) -> dict[str, Any]:
    """The counts dated by ``timestamp`` (and the closing time for ``closed_at``) over the events in ``window``."""
    aggregates: dict[str, Any] = {
        name: Count("pk", filter=window & condition) for name, condition in EVENT_COUNTS[timestamp].items()
    }
    if timestamp == "closed_at":
        aggregates["close_time"] = Sum(CLOSE_TIME, filter=window)
    return aggregates


def _annotations(period: Period) -> dict[str, Any]:
    aggregates: dict[str, Any] = {}
    for timestamp in EVENT_COUNTS:
        aggregates.update(event_aggregates(timestamp, _window(timestamp, period)))
    return aggregates


def _active_in(period: Period) -> Q:
    return reduce(operator.or_, (_window(timestamp, period) for timestamp in EVENT_COUNTS))


def metrics_of(row: dict[str, Any], reopens: int, answers: int) -> Metrics:
    closed = row.get("closed") or 0
    close_time: timedelta | None = row.get("close_time")
    avg = None if not closed or close_time is None else round(close_time.total_seconds() / 3600 / closed, 1)
    return Metrics(
        response=Ratio(row.get("responded_on_time") or 0, row.get("assigned") or 0),
        on_time=Ratio(row.get("answered_on_time") or 0, row.get("answered") or 0),
        resolution=Ratio(row.get("resolved") or 0, row.get("answered") or 0),
        satisfaction=Ratio(row.get("satisfied") or 0, row.get("rated") or 0),
        reopen=Ratio(reopens, answers),
        closed=closed,
        avg_close_hours=avg,
    )


def _multiplies_rows(tickets: QuerySet[Ticket]) -> bool:
    """Does the queryset join something of which a ticket may have several (a reverse or many-to-many
    relation), or select distinct rows? Then counting over it would count a ticket more than once."""
    if tickets.query.distinct or tickets.query.combinator:
        return True
    for join in tickets.query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (isinstance(field, ForeignObjectRel) or getattr(field, "many_to_many", False)):
            return True
    return False


def _base(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    # The caller's scope (enterprise → region, many-to-one) is counted over directly: re-selecting every ticket in
    # scope by primary key made the planner hash all of them (470 of 550 ms for a province's week, issue 10).
    # Only a queryset that could count a ticket twice is re-selected by primary key.
    if _multiplies_rows(tickets):
        return Ticket.objects.filter(pk__in=tickets.order_by().values("pk")).order_by()
    return tickets.order_by()


def history_events(tickets: QuerySet[Ticket], period: Period, actions: Iterable[str]) -> QuerySet[TransitionLog]:
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Ticket),
        workflow=TICKET.name,
        action__in=list(actions),
        at__gte=period.start,
        at__lt=period.end,
        object_id__in=tickets.order_by().values("pk"),
    )


def _grouped(tickets: QuerySet[Ticket], period: Period, key: Any) -> dict[Any, Metrics]:
    """Metrics per value of ``key`` (a field name or an expression over Ticket)."""
    base = _base(tickets)
    rows = {
        row["group"]: row
        for row in base.filter(_active_in(period))
        .annotate(group=key)
        .values("group")
        .annotate(**_annotations(period))
        .order_by()
    }
    events = list(history_events(base, period, ("reopen", *ANSWER_ACTIONS)).values_list("object_id", "action"))
    group_of = dict(
        base.filter(pk__in={object_id for object_id, _ in events}).annotate(group=key).values_list("pk", "group")
    )
    reopens: dict[Any, int] = defaultdict(int)
    answers: dict[Any, int] = defaultdict(int)
    for object_id, action in events:
        group = group_of.get(object_id)
        if action == "reopen":
            reopens[group] += 1
        else:
            answers[group] += 1
    keys = set(rows) | set(reopens) | set(answers)
    return {group: metrics_of(rows.get(group, {}), reopens[group], answers[group]) for group in keys}


def ticket_metrics(tickets: QuerySet[Ticket], period: Period) -> Metrics:
    """The figures of all ``tickets`` together."""
    grouped = _grouped(tickets, period, Value("all"))
    return grouped.get("all") or metrics_of({}, 0, 0)


def unit_label(unit: Unit) -> str:
    """A unit's name that says where it is, once: "通许县科工局", not "通许县通许县科工局" (issue 9 #8).
    Units are named with their region already (OR-2 rosters); the region is added only when it is not."""
    return _label(unit.name, unit.region.name)


def _label(name: str, region: str) -> str:
    return name if name.startswith(region) else f"{region}{name}"


def metrics_by_unit(tickets: QuerySet[Ticket], period: Period) -> list[GroupMetrics]:
    """Per responsible unit (the unit holding the request now); requests with no unit are left out."""
    return unit_ranking(_grouped(tickets, period, F("unit_id")))


def unit_ranking(grouped: dict[Any, Metrics]) -> list[GroupMetrics]:
    """The ranked rows of figures per unit id (live or from the summary); requests with no unit are left out."""
    grouped = {pk: metrics for pk, metrics in grouped.items() if pk is not None}
    # Names only (a province ranks ~900 units: model instances cost more than the figures).
    labels = {
        pk: _label(name, region)
        for pk, name, region in Unit.objects.filter(pk__in=list(grouped)).values_list("pk", "name", "region__name")
    }
    rows = [
        GroupMetrics(key=str(pk), name=labels[pk], metrics=metrics) for pk, metrics in grouped.items() if pk in labels
    ]
    return rank(rows)


def child_regions(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def metrics_by_child_region(tickets: QuerySet[Ticket], region: Region, period: Period) -> list[GroupMetrics]:
    """Per region one level below ``region`` (by the enterprise's region); every child has a row."""
    children = child_regions(region)
    if not children:
        return []
    key = Case(
        *[When(enterprise__region__path__startswith=child.path, then=Value(child.code)) for child in children],
        default=Value(""),
    )
    grouped = _grouped(tickets.filter(enterprise__region__path__startswith=region.path), period, key)
    return child_ranking(children, grouped)


def child_ranking(children: list[Region], grouped: dict[str, Metrics]) -> list[GroupMetrics]:
    """Ranked rows of the child regions, figures by region code (live or from the summary)."""
    empty = metrics_of({}, 0, 0)
    rows = [GroupMetrics(key=child.code, name=child.name, metrics=grouped.get(child.code, empty)) for child in children]
    return rank(rows)


def _sort_key(row: GroupMetrics) -> tuple[int, float, int, float, str]:
    on_time = row.metrics.on_time.rate
    satisfaction = row.metrics.satisfaction.rate
    return (
        on_time is None,
        -(on_time or 0.0),
        satisfaction is None,
        -(satisfaction or 0.0),
        row.key,
    )


def rank(rows: list[GroupMetrics]) -> list[GroupMetrics]:
    """RQ-7 ranking: on-time rate, then satisfaction rate, highest first; rows without answers are unranked
    and listed last. Equal rates share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=_sort_key)
    previous: tuple[float | None, float | None] | None = None
    for position, row in enumerate(ordered, start=1):
        rates = (row.metrics.on_time.rate, row.metrics.satisfaction.rate)
        if rates[0] is None:
            row.rank = None
            continue
        if rates != previous:
            row.rank = position
            previous = rates
        else:
            row.rank = ordered[position - 2].rank
    return ordered


__all__ = [
    "GroupMetrics",
    "Metrics",
    "Period",
    "PeriodChoice",
    "Ratio",
    "check_day",
    "chosen_period",
    "metrics_by_child_region",
    "metrics_by_unit",
    "percent_of",
    "rank",
    "ticket_metrics",
    "unit_label",
    "week_end_of",
]
