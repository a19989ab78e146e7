"""Readiness shortfalls on the command screen (DB-3 一览无余, EP-10, EP-11).

Whitelisted enterprises failing a checklist item the database can judge set-wise (``gap_q``: no task force, no
emergency plan) come from the screen's maintained summary (``MEASURE``) and link to the readiness ranking filtered
by that gap; supplies below reserve are the open ``supplies_shortfall`` warnings the stock rule raises (counted by
the sentinel's measure) and link to those warnings.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Measure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.readiness.selectors import GAP_LABELS, gap_q
from sibao.sentinel.models import WarningKind
from sibao.sentinel.screen import kind_metric
from sibao.sentinel.screen import list_url as warning_url
from sibao.whitelist.selectors import whitelisted_q


def metric(gap: str) -> str:
    return f"readiness.{gap}"


def rows(now: datetime) -> Iterator[tuple[int, str, str, int]]:
    for gap in GAP_LABELS:
        grouped = (
            Enterprise.objects.filter(whitelisted_q())
            .filter(gap_q(gap))
            .order_by()
            .values_list("region_id", "sector")
            .annotate(n=Count("pk"))
        )
        for region_id, sector, count in grouped:
            yield region_id, sector, metric(gap), count


MEASURE = Measure("readiness", rows)


def _url(view: ScreenView, **params: str) -> str:
    query = {"region": view.region.code, **({"sector": view.sector} if view.sector else {}), **params}
    return f"{reverse('readiness:index')}?{urlencode(query)}"


def readiness_figures(view: ScreenView) -> Sequence[Figure]:
    short = view.value(kind_metric(WarningKind.SUPPLIES_SHORTFALL))
    figures = [
        Figure(
            _("Supplies below reserve"),
            short,
            url=warning_url(view, kind=WarningKind.SUPPLIES_SHORTFALL),
            tone="warning" if short else "",
        )
    ]
    for gap, label in GAP_LABELS.items():
        count = view.value(metric(gap))
        figures.append(Figure(label, count, url=_url(view, gap=gap), tone="warning" if count else ""))
    return figures


READINESS = Panel(
    "readiness.shortfalls",
    _("Readiness shortfalls"),
    order=50,
    figures=readiness_figures,
    capability=Capability.EPIDEMIC_VIEW,
    pillar="risk",
)
