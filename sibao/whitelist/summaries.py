"""Issue 10: WL-6 coverage as a maintained summary (``CoverageFigures``), one row per region and sector holding the
sums of the enterprises registered in that region itself.

The sums are those of ``selectors.coverage_sums`` — the one definition of the rule's figures, which
``selectors.coverage_direct`` also aggregates live — grouped by the enterprise's own region; a page adds up the
rows of a region's subtree (at most one per region and sector: ~13,000 at province scale, whatever the number of
enterprises).

Freshness: ``batch_publish`` and ``removal_decide`` rewrite the rows of the enterprises they list or remove in
their own transaction (``refresh_enterprises``), so a whitelist change shows at once; changes to the registry
itself (a new enterprise, an output value, a deregistration, a move) reach the summary with the full rebuild
every ``EVERY_MINUTES`` minutes, which the coverage page states ("数据更新于 …").
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from sibao.core.summaries import replace_from, upsert_from
from sibao.enterprises.models import Enterprise
from sibao.whitelist.models import CoverageFigures
from sibao.whitelist.selectors import COVERAGE_SUMMARY, coverage_base, coverage_sums

NAME = COVERAGE_SUMMARY
EVERY_MINUTES = 5


def _columns() -> dict[str, Any]:
    zero = Value(Decimal(0))
    return {
        "region_id": F("region_id"),
        "sector": F("sector"),
        "total": Coalesce(F("cov_total"), zero),
        "listed": Coalesce(F("cov_listed"), zero),
        "enterprise_count": F("cov_count"),
        "listed_count": F("cov_listed_count"),
    }


def _grouped(enterprises: Any) -> Any:
    return enterprises.order_by().values("region_id", "sector").annotate(**coverage_sums())


def refresh(now: datetime | None = None) -> int:
    """The full rebuild (``core.summaries``, every ``EVERY_MINUTES``): one ``INSERT … SELECT``."""
    return replace_from(CoverageFigures, _grouped(coverage_base()), _columns())


def refresh_enterprises(enterprise_ids: Iterable[int]) -> None:
    """Rewrite the rows of these enterprises' regions and sectors now (the whitelist services call it inside
    their transaction, after the listing changed)."""
    pairs = set(Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("region_id", "sector"))
    if not pairs:
        return
    groups = Q()
    for region_id, sector in pairs:
        groups |= Q(region_id=region_id, sector=sector)
    upsert_from(CoverageFigures, _grouped(coverage_base().filter(groups)), _columns(), key=("region", "sector"))
    # A group left with no counted enterprise (all deregistered since the last rebuild) has no source row.
    counted = set(coverage_base().filter(groups).values_list("region_id", "sector").distinct())
    for region_id, sector in pairs - counted:
        CoverageFigures.objects.filter(region_id=region_id, sector=sector).delete()
