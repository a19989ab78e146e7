"""What one screen view shows (DB-1…DB-4): the region in the user's scope, the way back up, its children with the
chosen indicator, the registered panels' figures — all from the maintained summary — and, below a township, its
enterprises.

Scope: a user sees its own region's subtree (an administrator the province); any other region is 404, never 403.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.panels import Figure, Indicator, Panel, ScreenView, registered_indicators, registered_panels
from sibao.core.roles import Role, has_capability
from sibao.core.sectors import Sector
from sibao.dashboard import figures as summary
from sibao.enterprises.models import Enterprise
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.models import Listing

ENTERPRISES_PER_PAGE = 50
PILLARS = [
    ("operations", _("At a glance 一屏掌控")),
    ("requests", _("One-click response 一键响应")),
    ("risk", _("Risk in full view 一览无余")),
    ("support", _("Supervision and support")),
]


def screen_root(user: User) -> Region:
    """The top of what the user may see: its own region; the province for an administrator."""
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    else:
        root = user.region if user.region_id else None
    if root is None:
        raise Http404
    return root


def screen_region(user: User, code: str | None) -> tuple[Region, Region]:
    """(root, region): the region named by ``code`` if it lies in the user's subtree — else 404."""
    root = screen_root(user)
    if not code or code == root.code:
        return root, root
    region = Region.objects.filter(code=code, path__startswith=root.path).first()
    if region is None:
        raise Http404
    return root, region


@lru_cache(maxsize=4)
def _map_codes(path: str, modified: float) -> frozenset[str]:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return frozenset(
        str(feature["properties"]["code"])
        for layer in ("cities", "counties")
        for feature in document.get(layer, {}).get("features", [])
    )


def map_codes() -> frozenset[str]:
    """The region codes the configured boundary file draws (read once per file version)."""
    path = Path(settings.SIBAO_SCREEN_MAP_FILE)
    return _map_codes(str(path), path.stat().st_mtime)


@dataclass
class Child:
    region: Region
    figures: dict[str, Decimal]
    on_map: bool
    url: str
    values: dict[str, int | Decimal | None] = field(default_factory=dict)  # indicator key → value
    value: int | Decimal | None = None  # the chosen indicator's


@dataclass
class Screen:
    view: ScreenView
    root: Region
    trail: list[Region]
    children: list[Child]
    indicators: list[Indicator]
    indicator: Indicator | None
    panels: list[tuple[Panel, list[Figure]]]
    refreshed_at: Any
    sector: str
    map: dict[str, Any] | None = None
    enterprises: Page | None = None  # type: ignore[type-arg]
    params: dict[str, str] = field(default_factory=dict)
    wall: bool = False

    @property
    def query(self) -> str:
        """The sector and indicator chosen, for links that keep them."""
        return urlencode({key: value for key, value in self.params.items() if value})

    @property
    def trail_links(self) -> list[tuple[Region, str]]:
        """The breadcrumb from the user's own region down (never above it: that would be 404)."""
        name = "dashboard:wall_region" if self.wall else "dashboard:region"
        return [(region, region_url(name, region.code, self.params)) for region in self.trail]

    @property
    def level_label(self) -> Any:
        return self.view.region.get_level_display()

    @property
    def sectors(self) -> list[tuple[str, Any]]:
        return list(Sector.choices)

    @property
    def pillars(self) -> list[tuple[Any, list[tuple[Panel, list[Figure]]]]]:
        """Panels grouped as the seeds name the screen's promises (000#四.1): 一屏掌控, 一键响应, 一览无余, 督办."""
        grouped = [(label, [item for item in self.panels if item[0].pillar == key]) for key, label in PILLARS]
        others = [item for item in self.panels if item[0].pillar not in dict(PILLARS)]
        return [(label, items) for label, items in grouped if items] + ([(_("Other"), others)] if others else [])

    @property
    def off_map(self) -> list[Child]:
        """Children the boundary file does not draw (development zones): listed beside the map."""
        return [child for child in self.children if not child.on_map]


def _allowed(user: User, capability: str | None) -> bool:
    return capability is None or has_capability(user, capability)


def region_url(name: str, code: str, params: dict[str, str]) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse(name, args=[code]) + (f"?{query}" if query else "")


def _bands(indicator: Indicator, view: ScreenView) -> list[float]:
    bands = indicator.bands(view) if callable(indicator.bands) else indicator.bands
    return [float(band) for band in bands]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _trail_and_children(root: Region, region: Region) -> tuple[list[Region], list[Region]]:
    """The way back up (root … region) and the active children, from one read."""
    rows = Region.objects.filter(
        Q(code__in=region.ancestor_codes(), path__startswith=root.path) | Q(parent=region, is_active=True)
    )
    trail: list[Region] = []
    children: list[Region] = []
    for row in rows:
        (children if row.parent_id == region.pk else trail).append(row)
    return sorted(trail, key=lambda row: row.path), sorted(children, key=lambda row: row.code)


def screen(
    user: User,
    code: str | None = None,
    *,
    sector: str = "",
    indicator: str = "",
    page: Any = None,
    wall: bool = False,
) -> Screen:
    root, region = screen_region(user, code)
    sector = sector if sector in Sector.values else ""
    trail, children_regions = _trail_and_children(root, region)
    stored = summary.figures_by_region([region.pk, *(child.pk for child in children_regions)])
    now = timezone.now()
    mine = stored.get(region.pk, {})
    view = ScreenView(
        user=user,
        region=region,
        sector=sector,
        now=now,
        figures=summary.combined(mine, sector),
        sector_figures=mine,
    )
    indicators = [item for item in registered_indicators() if _allowed(user, item.capability)]
    chosen = next((item for item in indicators if item.key == indicator), indicators[0] if indicators else None)
    params = {"sector": sector, "indicator": chosen.key if chosen and chosen.key != indicators[0].key else ""}

    on_map = map_codes()
    children = [
        Child(
            region=child,
            figures=summary.combined(stored.get(child.pk, {}), sector),
            on_map=child.code in on_map,
            url=region_url("dashboard:wall_region" if wall else "dashboard:region", child.code, params),
        )
        for child in children_regions
    ]
    for item in indicators:
        # Every indicator is a column of the table beside the map; the chosen one colours the map.
        if item.from_figures is not None:
            for child in children:
                child.values[item.key] = item.from_figures(child.figures, child.region)
        elif item.values is not None:
            values = item.values(view, children_regions)
            for child in children:
                child.values[item.key] = values.get(child.region.pk)
    for child in children:
        child.value = child.values.get(chosen.key) if chosen else None

    panels = [(panel, list(panel.figures(view))) for panel in registered_panels() if _allowed(user, panel.capability)]
    result = Screen(
        view=view,
        root=root,
        trail=trail,
        children=children,
        indicators=indicators,
        indicator=chosen,
        panels=panels,
        refreshed_at=summary.refreshed_at(),
        sector=sector,
        params=params,
        wall=wall,
    )
    result.map = _map_spec(result)
    if region.level == RegionLevel.TOWNSHIP or not children_regions:
        result.enterprises = Paginator(township_enterprises(user, region, sector), ENTERPRISES_PER_PAGE).get_page(page)
    return result


def _map_spec(screen: Screen) -> dict[str, Any] | None:
    """What the map script draws: a layer of the boundary file, the codes to show, each one's value and link."""
    region = screen.view.region
    children = screen.children
    if region.level == RegionLevel.TOWNSHIP:
        return None
    own_value: Any = None
    if screen.indicator is not None and screen.indicator.from_figures is not None:
        own_value = screen.indicator.from_figures(screen.view.figures, region)
    if region.level == RegionLevel.PROVINCE:
        layer, shown = "cities", [child for child in children if child.on_map]
        features = [(c.region.code, c.region.name, _number(c.value), c.url) for c in shown]
    elif children and children[0].region.level == RegionLevel.COUNTY:
        layer, shown = "counties", [child for child in children if child.on_map]
        features = [(c.region.code, c.region.name, _number(c.value), c.url) for c in shown]
    else:
        # A county (or 济源, a city without counties): its own outline, its townships in the table.
        layer = "counties"
        features = [(region.code, region.name, _number(own_value), "")] if region.code in map_codes() else []
    if not features:
        return None
    indicator = screen.indicator
    return {
        "url": reverse("dashboard:map"),
        "layer": layer,
        "features": [{"code": c, "name": n, "value": v, "url": u} for c, n, v, u in features],
        "indicator": {
            "title": str(indicator.title) if indicator else "",
            "unit": str(indicator.unit) if indicator else "",
            "bands": _bands(indicator, screen.view) if indicator else [],
            "higherIsWorse": indicator.higher_is_worse if indicator else True,
        },
    }


def township_enterprises(user: User, region: Region, sector: str = "") -> QuerySet[Enterprise]:
    """Enterprises below ``region`` in the user's scope, whitelisted first (an indexed read of one township)."""
    enterprises = Enterprise.objects.visible_to(user).filter(region__path__startswith=region.path)
    if sector:
        enterprises = enterprises.filter(sector=sector)
    current = Listing.objects.filter(enterprise_id=OuterRef("pk"), removed_at__isnull=True)
    return enterprises.select_related("region").annotate(listed=Exists(current)).order_by("-listed", "name", "pk")


@dataclass
class Card:
    enterprise: Enterprise
    trail: list[Region]
    figures: list[tuple[Panel, list[Figure]]]
    listing: Any


def enterprise_card(user: User, pk: int) -> Card:
    """One enterprise below a township (404 outside the user's scope) and what each app says about it."""
    from sibao.whitelist.selectors import listing_status

    root = screen_root(user)
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(user, pk=pk)
    if not enterprise.region.path.startswith(root.path):
        raise Http404
    trail = list(
        Region.objects.filter(code__in=enterprise.region.ancestor_codes(), path__startswith=root.path).order_by("path")
    )
    figures = [
        (panel, list(panel.enterprise_figures(user, enterprise)))
        for panel in registered_panels()
        if panel.enterprise_figures is not None and _allowed(user, panel.capability)
    ]
    return Card(enterprise=enterprise, trail=trail, figures=figures, listing=listing_status(enterprise))
