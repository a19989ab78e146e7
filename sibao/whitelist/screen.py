"""The whitelist's part of the command screen: 一屏掌控 (DB-1) and coverage by sector (WL-6, DB-4).

Counts and values come from the screen's maintained summary (``MEASURE``), grouped by the enterprise's region and
sector with the rules this app's pages use (``coverage_base``, ``COVERAGE_VALUE``, ``whitelisted_q``, current
listings), so each figure equals the list or the coverage page it links to.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Indicator, Measure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.parameters.registry import WHITELIST_COVERAGE_PERCENT
from sibao.parameters.selectors import parameter_value
from sibao.whitelist.models import Listing
from sibao.whitelist.selectors import COVERAGE_VALUE, coverage_base, whitelisted_q

ENTERPRISES = "enterprises.count"
LISTED = "whitelist.listed"
VALUE_TOTAL = "whitelist.value_total"
VALUE_LISTED = "whitelist.value_listed"


def rows(now: datetime) -> Iterator[tuple[int, str, str, int | Decimal]]:
    for region_id, sector, count in (
        Enterprise.objects.order_by().values_list("region_id", "sector").annotate(n=Count("pk"))
    ):
        yield region_id, sector, ENTERPRISES, count
    for region_id, sector, count in (
        Listing.objects.current().order_by().values_list("enterprise__region_id", "sector").annotate(n=Count("pk"))
    ):
        yield region_id, sector, LISTED, count
    values = (
        coverage_base()
        .order_by()
        .values_list("region_id", "sector")
        .annotate(total=Sum(COVERAGE_VALUE), listed=Sum(COVERAGE_VALUE, filter=whitelisted_q()))
    )
    for region_id, sector, total, listed in values:
        yield region_id, sector, VALUE_TOTAL, total or Decimal(0)
        yield region_id, sector, VALUE_LISTED, listed or Decimal(0)


MEASURE = Measure("whitelist", rows)


def coverage_percent(figures: Mapping[str, Decimal]) -> Decimal | None:
    """WL-6 as the coverage page shows it: listed ÷ all value, rounded down (69.999 % never shows as 70)."""
    total = figures.get(VALUE_TOTAL, Decimal(0))
    if not total:
        return None
    return (figures.get(VALUE_LISTED, Decimal(0)) * 100 / total).quantize(Decimal("0.01"), ROUND_DOWN)


def target(region: Any) -> Decimal:
    return Decimal(parameter_value(WHITELIST_COVERAGE_PERCENT, region))


def _url(name: str, view: ScreenView, sector: str = "") -> str:
    sector = sector or view.sector
    query = {"region": view.region.code, **({"sector": sector} if sector else {})}
    return f"{reverse(name)}?{urlencode(query)}"


def coverage_figures(view: ScreenView) -> Sequence[Figure]:
    goal = target(view.region)
    figures = [
        Figure(_("Registered enterprises"), view.value(ENTERPRISES), url=_url("enterprises:list", view)),
        Figure(_("Whitelisted enterprises"), view.value(LISTED), url=_url("whitelist:listings", view)),
    ]
    sectors = [view.sector] if view.sector else list(Sector.values)
    for sector in sectors:
        values = view.sector_figures.get(sector, {})
        percent = coverage_percent(values)
        met = percent is not None and values.get(VALUE_LISTED, Decimal(0)) * 100 >= values[VALUE_TOTAL] * goal
        figures.append(
            Figure(
                _("Coverage: %(sector)s") % {"sector": Sector(sector).label},
                percent,
                unit="%",
                url=_url("whitelist:coverage", view, sector),
                tone="" if percent is None else ("success" if met else "danger"),
                help=_("Target %(target)s %% of the output value (investment for key projects).") % {"target": goal},
            )
        )
    return figures


COVERAGE = Panel(
    "whitelist.coverage",
    _("Whitelist and coverage 一屏掌控"),
    order=10,
    figures=coverage_figures,
    capability=Capability.WHITELIST_VIEW,
    pillar="operations",
)
LISTED_FIRMS = Indicator(
    "whitelist.listed",
    _("Whitelisted enterprises"),
    order=10,
    from_figures=lambda figures, region: figures.get(LISTED, Decimal(0)),
    bands=(10, 50, 200),
    higher_is_worse=False,
    capability=Capability.WHITELIST_VIEW,
)
COVERAGE_RATE = Indicator(
    "whitelist.coverage",
    _("Coverage against the target"),
    order=20,
    from_figures=lambda figures, region: coverage_percent(figures),
    unit="%",
    # Colours around the region's target (WL-6 parameter): far below, below, just below, met.
    bands=lambda view: (target(view.region) - 20, target(view.region) - 10, target(view.region)),
    higher_is_worse=False,
    capability=Capability.WHITELIST_VIEW,
)
