"""The command screen's registry (DB-1…DB-4): apps contribute panels and map indicators, the screen shows them.

The kernel knows no app: each app lists its contributions on its AppConfig —
``screen_panels = ["sibao.tickets.screen.REQUESTS"]`` and ``screen_indicators = ["sibao.whitelist.screen.COVERAGE"]``
(dotted paths to ``Panel`` / ``Indicator`` objects) — and the screen app reads them with ``registered_panels()``
and ``registered_indicators()``. A panel's figures come from maintained summaries (``core.summaries``), never
from a scan of a big table, and every figure links to the list behind it, filtered to the same region and sector.

Most figures are counts per region and sector: an app declares a ``Measure`` (``screen_measures`` on its AppConfig)
that yields them, one grouped query per measure, for the region each enterprise is registered in; the screen app's
summary adds them up the region tree and hands a view's totals to the panels as ``ScreenView.figures`` (metric key →
value), and an ``Indicator`` may compute its map value from a child region's totals (``from_figures``). An app that
keeps its own summary table instead reads it in ``Panel.figures`` / ``Indicator.values`` itself.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ScreenView:
    """What the screen shows: a region (in the user's scope), optionally one sector, at a moment."""

    user: Any
    region: Any  # regions.Region
    sector: str = ""  # "" = every sector
    now: datetime | None = None
    # The maintained totals of ``region`` (its whole subtree) in ``sector``: measure metric key → value.
    figures: Mapping[str, Decimal] = field(default_factory=dict)
    # The same per sector (sector → metric → value), for panels that break a figure down by sector (WL-6).
    sector_figures: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    # Reads shared by an app's panel and its indicator within one view (``shared``), so each is one query.
    _shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def value(self, metric: str) -> Decimal:
        return self.figures.get(metric, Decimal(0))

    def shared(self, key: str, read: Callable[[], Any]) -> Any:
        """``read()`` once per view: a panel and an indicator of the same app reading the same rows share them."""
        if key not in self._shared:
            self._shared[key] = read()
        return self._shared[key]


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int | Decimal | None
    unit: str | Promise = ""
    url: str = ""  # the list behind the figure, filtered to the view's region and sector
    tone: str = ""  # "", "success", "warning", "danger"
    help: str | Promise = ""
    # False for a figure about regions, not firms (an emergency, a checkpoint): it is the same in every sector
    # view, and its list has no sector filter.
    per_sector: bool = True


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    order: int
    figures: Callable[[ScreenView], Sequence[Figure]]
    capability: str | None = None  # shown only to users with it
    pillar: str = (
        ""  # 一屏掌控 / 一键响应 / 一览无余 grouping on the screen: "operations", "requests", "risk", "support"
    )
    # The enterprise card below a township: ``enterprise_figures(user, enterprise)`` reads that one enterprise's
    # rows (indexed by enterprise, no summary needed).
    enterprise_figures: Callable[[Any, Any], Sequence[Figure]] | None = None


@dataclass(frozen=True)
class Indicator:
    """A value per child region for colouring the map: either ``values(view, children) -> {region_id: value}``
    (an app reading its own summary), or ``from_figures(figures, region) -> value`` over a child region's
    maintained totals (``ScreenView.figures`` of that child), which costs the screen no query."""

    key: str
    title: str | Promise
    order: int
    values: Callable[[ScreenView, Sequence[Any]], Mapping[int, int | Decimal | None]] | None = None
    from_figures: Callable[[Mapping[str, Decimal], Any], int | Decimal | None] | None = None
    unit: str | Promise = ""
    # Value bands for the colour scale, low to high (or ``bands(view)`` when they follow a parameter);
    # ``higher_is_worse`` flips the palette.
    bands: Sequence[int | Decimal] | Callable[[ScreenView], Sequence[int | Decimal]] = field(default_factory=tuple)
    higher_is_worse: bool = True
    capability: str | None = None


@dataclass(frozen=True)
class Measure:
    """Counts the summary pass keeps per region and sector for the screen (DB-1…DB-4).

    ``rows(now)`` yields ``(region_id, sector, metric, value)`` — the region an enterprise is registered in
    (township or county), its sector, a metric key such as ``"tickets.open"`` and the count (or sum) there. It
    groups in the database (one query per metric family, never a loop over rows); the screen app adds the
    values up the region tree. A metric counts exactly the rows of the list its figure links to."""

    key: str
    rows: Callable[[datetime], Iterable[tuple[int, str, str, int | Decimal]]]
    order: int = 0


def _collect(attribute: str) -> list[Any]:
    found = []
    for config in apps.get_app_configs():
        for path in getattr(config, attribute, ()):
            found.append(import_string(path))
    return sorted(found, key=lambda item: (item.order, item.key))


def registered_panels() -> list[Panel]:
    return _collect("screen_panels")


def registered_indicators() -> list[Indicator]:
    return _collect("screen_indicators")


def registered_measures() -> list[Measure]:
    return _collect("screen_measures")
