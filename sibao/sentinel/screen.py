"""The sentinel's part of the command screen: open warnings by type (DB-3 一览无余).

Counts come from the screen's maintained summary (``MEASURE``: open or being handled, per kind, by the enterprise's
region and sector; the unattended ones with ``unattended_q``); each figure links to the warning list with the same
kind, status, region and sector, so the figure is that list's row count.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.panels import Figure, Indicator, Measure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.sentinel.models import SentinelWarning, WarningKind
from sibao.sentinel.selectors import OPEN_STATUSES, unattended_q

OPEN = "warnings.open"
UNATTENDED = "warnings.unattended"


def kind_metric(kind: str) -> str:
    return f"warnings.open.{kind}"


def rows(now: datetime) -> Iterator[tuple[int, str, str, int]]:
    active = SentinelWarning.objects.filter(status__in=OPEN_STATUSES).order_by()
    for region_id, sector, kind, count in active.values_list(
        "enterprise__region_id", "enterprise__sector", "kind"
    ).annotate(n=Count("pk")):
        yield region_id, sector, kind_metric(kind), count
        yield region_id, sector, OPEN, count
    unattended = active.filter(unattended_q(now)).values_list("enterprise__region_id", "enterprise__sector")
    for region_id, sector, count in unattended.annotate(n=Count("pk")):
        yield region_id, sector, UNATTENDED, count


MEASURE = Measure("sentinel", rows)


def _url(base: dict[str, Any], **params: str) -> str:
    return f"{reverse('sentinel:index')}?{urlencode({**base, 'status': 'active', **params})}"


def list_url(view: ScreenView, **params: str) -> str:
    return _url({"region": view.region.code, **({"sector": view.sector} if view.sector else {})}, **params)


def warning_figures(view: ScreenView) -> Sequence[Figure]:
    unattended = view.value(UNATTENDED)
    figures = [
        Figure(_("Open warnings"), view.value(OPEN), url=list_url(view)),
        Figure(
            _("Unattended"),
            unattended,
            url=list_url(view, unattended="on"),
            tone="danger" if unattended else "",
            help=_("Open and taken by nobody for hours."),
        ),
    ]
    for kind, label in WarningKind.choices:
        count = view.value(kind_metric(kind))
        figures.append(Figure(label, count, url=list_url(view, kind=kind), tone="warning" if count else ""))
    return figures


def enterprise_figures(user: User, enterprise: Enterprise) -> Sequence[Figure]:
    from sibao.sentinel.selectors import WarningFilters, warning_list

    count = warning_list(user=user, filters=WarningFilters(status="active", enterprise_id=enterprise.pk)).count()
    return [
        Figure(
            _("Open warnings"),
            count,
            url=_url({"enterprise": enterprise.pk}),
            tone="warning" if count else "",
        )
    ]


WARNINGS = Panel(
    "sentinel.warnings",
    _("Sentinel warnings 一览无余"),
    order=30,
    figures=warning_figures,
    capability=Capability.EPIDEMIC_VIEW,
    pillar="risk",
    enterprise_figures=enterprise_figures,
)
OPEN_WARNINGS = Indicator(
    "warnings.open",
    _("Open warnings"),
    order=50,
    from_figures=lambda figures, region: figures.get(OPEN, Decimal(0)),
    bands=(1, 10, 50),
    capability=Capability.EPIDEMIC_VIEW,
)
