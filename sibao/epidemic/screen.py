"""Zones on the command screen (DB-3 一览无余, EP-8): how many employed people are in each zone — green (normal
production), blue (new arrivals under observation), yellow (contacts), red (abnormal or infected).

Counts come from the screen's maintained summary (``MEASURE``: employed people by their enterprise's region and
sector, per zone); each figure links to the employee list with the same zone, region and sector, so the figure
is that list's row count.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.panels import Figure, Measure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee, Zone

# The tone of a non-zero count: the zones away from normal production call for attention.
_TONES: dict[str, str] = {Zone.GREEN: "", Zone.BLUE: "", Zone.YELLOW: "warning", Zone.RED: "danger"}


def zone_metric(zone: str) -> str:
    return f"employees.zone.{zone}"


def rows(now: datetime) -> Iterator[tuple[int, str, str, int]]:
    grouped = (
        Employee.objects.filter(is_active=True)
        .order_by()
        .values_list("enterprise__region_id", "enterprise__sector", "zone")
        .annotate(n=Count("pk"))
    )
    for region_id, sector, zone, count in grouped:
        yield region_id, sector, zone_metric(zone), count


MEASURE = Measure("epidemic", rows)


def _url(base: dict[str, Any]) -> str:
    return f"{reverse('epidemic:list')}?{urlencode(base)}"


def zone_figures(view: ScreenView) -> Sequence[Figure]:
    place = {"region": view.region.code, **({"sector": view.sector} if view.sector else {})}
    figures = []
    for zone, label in Zone.choices:
        count = view.value(zone_metric(zone))
        figures.append(Figure(label, count, url=_url({**place, "zone": zone}), tone=_TONES[zone] if count else ""))
    return figures


def enterprise_figures(user: User, enterprise: Enterprise) -> Sequence[Figure]:
    from sibao.epidemic.selectors import zone_counts

    counts = zone_counts(user=user, enterprise_id=enterprise.pk)
    return [
        Figure(label, counts[zone], url=_url({"enterprise": enterprise.pk, "zone": zone}), tone=_TONES[zone])
        for zone, label in Zone.choices
        if counts[zone] or zone == Zone.GREEN
    ]


ZONES = Panel(
    "epidemic.zones",
    _("Zones of the people at work 分区管理"),
    order=35,
    figures=zone_figures,
    capability=Capability.EMPLOYEE_VIEW,
    pillar="risk",
    enterprise_figures=enterprise_figures,
)
