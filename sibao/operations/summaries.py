"""EN-3 figures per region and sector, maintained for the command screen (DB-1) and the summary endpoint.

``refresh(now)`` rebuilds today's rows of ``OperatingSummary`` from two grouped reads (the whitelisted
enterprises, today's reports) — one row per region where enterprises sit (township or county) and sector — and
is run by the kernel's summary pass every two minutes (``OperationsConfig.summaries``): a figure is at most that old
plus one pass, and the screen says when it was rebuilt ("数据更新于 …"). Reading a region's figure is one
aggregate over the rows under its path, whatever the number of enterprises.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from sibao.enterprises.models import Enterprise
from sibao.operations.deadlines import past_deadline_q
from sibao.operations.models import OperatingReport, OperatingSummary, ProductionStatus
from sibao.operations.selectors import filed_q
from sibao.regions.models import Region
from sibao.whitelist.selectors import whitelisted_q

NAME = "operations.by_region"  # as declared on OperationsConfig.summaries
COUNTS = ("due", "reported", "missing", "overdue", "late", "normal", "closed_loop", "reduced", "halted")


def refresh(now: datetime) -> int:
    """Rebuild today's (local) rows; returns how many were written."""
    day = timezone.localdate(now)
    rows: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    not_filed = ~Q(filed_q(day))
    listed = (
        Enterprise.objects.filter(whitelisted_q())
        .values("region_id", "sector")
        .annotate(
            due=Count("pk"),
            missing=Count("pk", filter=not_filed),
            overdue=Count("pk", filter=not_filed & past_deadline_q(day, now)),
        )
        .order_by()
    )
    for row in listed:
        counts = rows[(row["region_id"], row["sector"])]
        counts.update(due=row["due"], missing=row["missing"], overdue=row["overdue"])
    by_status = {status: Count("pk", filter=Q(status=status)) for status in ProductionStatus.values}
    reports = (
        OperatingReport.objects.filter(day=day)
        .values("enterprise__region_id", "enterprise__sector")
        .annotate(reported=Count("pk"), late=Count("pk", filter=Q(late=True)), **by_status)
        .order_by()
    )
    for row in reports:
        counts = rows[(row["enterprise__region_id"], row["enterprise__sector"])]
        counts.update(reported=row["reported"], late=row["late"], **{s: row[s] for s in ProductionStatus.values})
    with transaction.atomic():
        OperatingSummary.objects.filter(day=day).delete()
        OperatingSummary.objects.bulk_create(
            (
                OperatingSummary(day=day, region_id=region_id, sector=sector, **counts)
                for (region_id, sector), counts in rows.items()
            ),
            batch_size=2000,
        )
    return len(rows)


@dataclass(frozen=True)
class Figures:
    day: date
    due: int = 0
    reported: int = 0
    missing: int = 0
    overdue: int = 0
    late: int = 0
    normal: int = 0
    closed_loop: int = 0
    reduced: int = 0
    halted: int = 0

    @property
    def not_normal(self) -> int:
        return self.closed_loop + self.reduced + self.halted

    @property
    def not_normal_percent(self) -> Decimal | None:
        """Share of today's reports whose status is not normal production; None before anyone reported."""
        return share(self.not_normal, self.reported)


def share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _rows(region: Region | None, sector: str, day: date) -> Any:
    rows = OperatingSummary.objects.filter(day=day)
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    if sector:
        rows = rows.filter(sector=sector)
    return rows


def figures(region: Region | None, sector: str = "", day: date | None = None) -> Figures:
    """The maintained figures of ``region``'s subtree (the province for None), one sector or all, for ``day``."""
    day = day or timezone.localdate()
    totals = _rows(region, sector, day).aggregate(**{name: Sum(name) for name in COUNTS})
    return Figures(day=day, **{name: int(totals[name] or 0) for name in COUNTS})


def by_path(region: Region, sector: str = "", day: date | None = None) -> list[dict[str, Any]]:
    """The subtree's rows summed per region path — one grouped read that gives both the region's total
    (``total``) and its children's (``figures_by_child``), so the screen reads it once."""
    day = day or timezone.localdate()
    return list(
        _rows(region, sector, day).values("region__path").annotate(**{name: Sum(name) for name in COUNTS}).order_by()
    )


def total(grouped: Iterable[Mapping[str, Any]], day: date) -> Figures:
    sums = dict.fromkeys(COUNTS, 0)
    for row in grouped:
        for name in COUNTS:
            sums[name] += int(row[name] or 0)
    return Figures(day=day, **sums)


def figures_by_child(
    region: Region,
    children: Sequence[Region],
    sector: str = "",
    day: date | None = None,
    grouped: Iterable[Mapping[str, Any]] | None = None,
) -> dict[int, Figures]:
    """The figures of each child region of ``region`` (a map's areas) from one grouped read."""
    day = day or timezone.localdate()
    return _bucket(by_path(region, sector, day) if grouped is None else grouped, children, day)


def _bucket(grouped: Iterable[Mapping[str, Any]], children: Sequence[Region], day: date) -> dict[int, Figures]:
    by_prefix = {child.path: child.pk for child in children}
    lengths = sorted({len(path) for path in by_prefix}, reverse=True)
    sums: dict[int, dict[str, int]] = {child.pk: dict.fromkeys(COUNTS, 0) for child in children}
    for row in grouped:
        path = row["region__path"]
        child_id = next((by_prefix[path[:n]] for n in lengths if path[:n] in by_prefix), None)
        if child_id is None:
            continue
        for name in COUNTS:
            sums[child_id][name] += int(row[name] or 0)
    return {child_id: Figures(day=day, **counts) for child_id, counts in sums.items()}
