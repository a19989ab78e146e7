"""The requests' part of the command screen: 一键响应 (DB-2) and the supervision figures (DB-4, RQ-7).

Counts come from the screen's maintained summary (``MEASURE``: one grouped query per stage, by the enterprise's
region and sector); each figure links to the request list filtered by the same stage (``selectors.stage_q``),
region and sector, so the figure is that list's row count.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Indicator, Measure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.tickets.models import Ticket
from sibao.tickets.selectors import DeadlineState, Stage, TicketFilters, overdue_q, stage_q, tickets_for

OVERDUE = "tickets.overdue"  # a metric of its own: the deadline filter, not a stage
STAGES = [
    Stage.OPEN,
    Stage.AWAITING_ASSIGNMENT,
    Stage.ANSWERED,
    Stage.ANSWERED_ON_TIME,
    Stage.RATED,
    Stage.SATISFIED,
    Stage.AWAITING_VERIFICATION,
    Stage.SUPERVISED,
]


def metric(stage: str) -> str:
    return f"tickets.{stage}"


def _grouped(condition: Any) -> Iterator[tuple[int, str, int]]:
    rows = (
        Ticket.objects.filter(condition)
        .order_by()
        .values_list("enterprise__region_id", "enterprise__sector")
        .annotate(n=Count("pk"))
    )
    yield from rows


def rows(now: datetime) -> Iterator[tuple[int, str, str, int]]:
    for stage in STAGES:
        for region_id, sector, count in _grouped(stage_q(stage)):
            yield region_id, sector, metric(stage), count
    for region_id, sector, count in _grouped(overdue_q(now)):
        yield region_id, sector, OVERDUE, count


MEASURE = Measure("tickets", rows)


def _url(base: dict[str, Any], **params: str) -> str:
    return f"{reverse('tickets:list')}?{urlencode({**base, **params})}"


def list_url(view: ScreenView, **params: str) -> str:
    return _url({"region": view.region.code, **({"sector": view.sector} if view.sector else {})}, **params)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else None


def request_figures(view: ScreenView) -> Sequence[Figure]:
    """一键响应: open, overdue, answered, satisfaction (RQ-7) for the region and sector shown."""
    rated = view.value(metric(Stage.RATED))
    satisfied = view.value(metric(Stage.SATISFIED))
    overdue = view.value(OVERDUE)
    return [
        Figure(_("Open requests"), view.value(metric(Stage.OPEN)), url=list_url(view, stage=Stage.OPEN)),
        Figure(
            _("Awaiting assignment"),
            view.value(metric(Stage.AWAITING_ASSIGNMENT)),
            url=list_url(view, stage=Stage.AWAITING_ASSIGNMENT),
            tone="warning" if view.value(metric(Stage.AWAITING_ASSIGNMENT)) else "",
        ),
        Figure(
            _("Overdue"),
            overdue,
            url=list_url(view, deadline=DeadlineState.OVERDUE),
            tone="danger" if overdue else "success",
        ),
        Figure(_("Answered"), view.value(metric(Stage.ANSWERED)), url=list_url(view, stage=Stage.ANSWERED)),
        Figure(_("Rated by the enterprise"), rated, url=list_url(view, stage=Stage.RATED)),
        Figure(
            _("Satisfaction rate"),
            percent(satisfied, rated),
            unit="%",
            url=list_url(view, stage=Stage.SATISFIED),
            help=_("Satisfied or basically satisfied, of the rated requests."),
        ),
    ]


def supervision_figures(view: ScreenView) -> Sequence[Figure]:
    """DB-4 / RQ-7: what supervision follows — notices, verification, the on-time rate."""
    answered = view.value(metric(Stage.ANSWERED))
    on_time = view.value(metric(Stage.ANSWERED_ON_TIME))
    return [
        Figure(
            _("Open with a supervision notice"),
            view.value(metric(Stage.SUPERVISED)),
            url=list_url(view, stage=Stage.SUPERVISED),
        ),
        Figure(
            _("Awaiting verification"),
            view.value(metric(Stage.AWAITING_VERIFICATION)),
            url=list_url(view, stage=Stage.AWAITING_VERIFICATION),
        ),
        Figure(_("Answered on time"), on_time, url=list_url(view, stage=Stage.ANSWERED_ON_TIME)),
        Figure(
            _("On-time rate"),
            percent(on_time, answered),
            unit="%",
            url=list_url(view, stage=Stage.ANSWERED),
            help=_("Answered by the deadline, of the answered requests."),
        ),
    ]


def enterprise_figures(user: Any, enterprise: Any) -> Sequence[Figure]:
    """One enterprise's card: its requests now (an indexed read of one enterprise's rows)."""
    mine = tickets_for(user, TicketFilters(enterprise_id=enterprise.pk)).order_by()
    counts = mine.aggregate(open=Count("pk", filter=stage_q(Stage.OPEN)), overdue=Count("pk", filter=overdue_q()))
    base = {"enterprise": enterprise.pk}
    return [
        Figure(_("Open requests"), counts["open"], url=_url(base, stage=Stage.OPEN)),
        Figure(
            _("Overdue"),
            counts["overdue"],
            url=_url(base, deadline=DeadlineState.OVERDUE),
            tone="danger" if counts["overdue"] else "",
        ),
    ]


REQUESTS = Panel(
    "tickets.requests",
    _("Requests 一键响应"),
    order=20,
    figures=request_figures,
    capability=Capability.TICKET_VIEW,
    pillar="requests",
    enterprise_figures=enterprise_figures,
)
SUPERVISION = Panel(
    "tickets.supervision",
    _("Supervision"),
    order=60,
    figures=supervision_figures,
    capability=Capability.TICKET_VIEW,
    pillar="support",
)
OVERDUE_REQUESTS = Indicator(
    "tickets.overdue",
    _("Overdue requests"),
    order=40,
    from_figures=lambda figures, region: figures.get(OVERDUE, Decimal(0)),
    bands=(1, 5, 20),
    capability=Capability.TICKET_VIEW,
)
