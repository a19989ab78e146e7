"""The command screen's one maintained summary (issue 11 #3): every registered ``core.panels.Measure`` added up the
region tree into ``RegionFigures`` rows, rebuilt by the scheduler's summary pass
(``core.summaries``, every 5 minutes: ``every_minutes`` on ``DashboardConfig``).

A screen view then reads its region's rows and its children's rows by key — a handful of small rows, whatever the
number of enterprises, requests or warnings below — and never touches the big tables. A figure is as fresh as
the last pass (``refreshed_at``: shown as "数据更新于 …").
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sibao.core.panels import registered_measures
from sibao.core.summaries import refreshed_at as summary_refreshed_at
from sibao.dashboard.models import RegionFigures
from sibao.regions.models import Region

SUMMARY = "dashboard.figures"
Values = dict[str, Decimal]


def json_number(value: Decimal) -> int | str:
    # Counts stay numbers; sums of money keep their exact decimals as text (JSON floats would round them).
    return int(value) if value == value.to_integral_value() else str(value)


def refresh(now: datetime) -> int:
    """Rebuild every row: the measures' counts where they were counted, then each region above. Returns rows."""
    counted: dict[tuple[int, str], Values] = defaultdict(lambda: defaultdict(Decimal))
    for measure in registered_measures():
        for region_id, sector, metric, value in measure.rows(now):
            if value:
                counted[(region_id, sector)][metric] += Decimal(value)
    regions = list(Region.objects.values_list("pk", "code", "path"))
    by_code = {code: pk for pk, code, _path in regions}
    # A region's path lists its ancestors' codes and its own: the regions whose totals it adds to.
    chains = {pk: [by_code[code] for code in path.split("/") if code in by_code] for pk, _code, path in regions}
    totals: dict[tuple[int, str], Values] = defaultdict(lambda: defaultdict(Decimal))
    for (region_id, sector), values in counted.items():
        for ancestor in chains.get(region_id, ()):
            target = totals[(ancestor, sector)]
            for metric, value in values.items():
                target[metric] += value
    RegionFigures.objects.all().delete()
    RegionFigures.objects.bulk_create(
        (
            RegionFigures(region_id=region_id, sector=sector, values={k: json_number(v) for k, v in values.items()})
            for (region_id, sector), values in totals.items()
        ),
        batch_size=2000,
    )
    return len(totals)


def figures_by_region(region_ids: Iterable[int]) -> dict[int, dict[str, Values]]:
    """``{region id: {sector: {metric: value}}}`` for these regions (one query)."""
    found: dict[int, dict[str, Values]] = defaultdict(dict)
    for region_id, sector, values in RegionFigures.objects.filter(region_id__in=list(region_ids)).values_list(
        "region_id", "sector", "values"
    ):
        found[region_id][sector] = {metric: Decimal(str(value)) for metric, value in values.items()}
    return found


def combined(by_sector: Mapping[str, Mapping[str, Decimal]], sector: str = "") -> Values:
    """One sector's values, or all sectors added together."""
    if sector:
        return dict(by_sector.get(sector, {}))
    total: Values = defaultdict(Decimal)
    for values in by_sector.values():
        for metric, value in values.items():
            total[metric] += value
    return dict(total)


def refreshed_at() -> Any:
    return summary_refreshed_at(SUMMARY)
