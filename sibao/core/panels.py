"""The command screen's registry (DB-1…DB-4): apps contribute panels and map indicators, the screen shows them.

The kernel knows no app: each app lists its contributions on its AppConfig —
``screen_panels = ["sibao.tickets.screen.REQUESTS"]`` and ``screen_indicators = ["sibao.whitelist.screen.COVERAGE"]``
(dotted paths to ``Panel`` / ``Indicator`` objects) — and the screen app reads them with ``registered_panels()``
and ``registered_indicators()``. A panel's figures come from maintained summaries (``core.summaries``), never
from a scan of a big table, and every figure links to the list behind it, filtered to the same region and sector.
"""

from collections.abc import Callable, Mapping, Sequence
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


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int | Decimal | None
    unit: str | Promise = ""
    url: str = ""  # the list behind the figure, filtered to the view's region and sector
    tone: str = ""  # "", "success", "warning", "danger"
    help: str | Promise = ""


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


@dataclass(frozen=True)
class Indicator:
    """A value per child region for colouring the map: ``values(view, children) -> {region_id: value}``."""

    key: str
    title: str | Promise
    order: int
    values: Callable[[ScreenView, Sequence[Any]], Mapping[int, int | Decimal | None]]
    unit: str | Promise = ""
    # Value bands for the colour scale, low to high; ``higher_is_worse`` flips the palette.
    bands: Sequence[int | Decimal] = field(default_factory=tuple)
    higher_is_worse: bool = True
    capability: str | None = None


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
