"""Reads of the whitelist: criteria in force, listing status (WL-9), coverage (WL-6), targets (WL-5), OR-5 gaps."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from sibao.core.rules import GROUP_LABELS, GROUPS, describe_leaf
from sibao.core.scope import region_subtree_q
from sibao.core.sectors import Sector
from sibao.core.summaries import Freshness, freshness
from sibao.enterprises.models import Enterprise, coverage_value
from sibao.enterprises.rule_fields import FIELDS as ENTERPRISE_FIELDS
from sibao.organisation.models import Liaison
from sibao.parameters.registry import WHITELIST_COVERAGE_BY, WHITELIST_COVERAGE_PERCENT, WHITELIST_FIRST_BATCH_BY
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region
from sibao.whitelist.models import (
    Application,
    ApplicationState,
    Batch,
    CoverageFigures,
    Criteria,
    CriteriaStatus,
    Listing,
)


def criteria_in_force(enterprise: Enterprise) -> Criteria | None:
    """The published criteria of the enterprise's sector from the nearest region above it."""
    codes = enterprise.region.ancestor_codes()
    candidates = Criteria.objects.filter(
        status=CriteriaStatus.PUBLISHED, sector=enterprise.sector, region__code__in=codes
    ).select_related("region")
    by_code = {criteria.region.code: criteria for criteria in candidates}
    return next((by_code[code] for code in reversed(codes) if code in by_code), None)


# --- WL-9: what every other part of the platform asks --------------------------------------------


@dataclass(frozen=True)
class ListingStatus:
    listed: bool
    since: datetime | None = None
    level: str | None = None
    batch: Batch | None = None


def listing_status(enterprise: Enterprise | int, *, at: datetime | None = None) -> ListingStatus:
    """Is this enterprise whitelisted now (or at ``at``), since when, at which service level?"""
    at = at or timezone.now()
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    listing = (
        Listing.objects.filter(enterprise_id=enterprise_id, listed_at__lte=at)
        .filter(Q(removed_at__isnull=True) | Q(removed_at__gt=at))
        .select_related("batch", "batch__region")
        .order_by("-listed_at")
        .first()
    )
    if listing is None:
        return ListingStatus(listed=False)
    return ListingStatus(listed=True, since=listing.listed_at, level=listing.service_level, batch=listing.batch)


def whitelisted_q(prefix: str = "") -> Q:
    """A filter for "currently whitelisted" on Enterprise (or on a model through ``prefix``, e.g. "enterprise__")."""
    return Q(
        Exists(
            Listing.objects.filter(enterprise_id=OuterRef(f"{prefix}pk" if prefix else "pk"), removed_at__isnull=True)
        )
    )


def whitelisted_enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(whitelisted_q())


# --- WL-6: coverage ------------------------------------------------------------------------------

_VALUE = coverage_value()
COVERAGE_VALUE = _VALUE  # WL-6: output value, investment for key projects


def coverage_base() -> QuerySet[Enterprise]:
    """WL-6: the enterprises coverage is counted over (every one but the deregistered), read by this page's
    ``coverage`` and the command screen's coverage measure alike."""
    return Enterprise.objects.exclude(operating_status="deregistered")


@dataclass
class SectorCoverage:
    sector: str
    total: Decimal
    listed: Decimal
    target_percent: Decimal
    enterprise_count: int
    listed_count: int
    # The unlisted, biggest first, each with the coverage reached once it and all above it are listed.
    gap: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Sector(self.sector).label)

    @property
    def percent(self) -> Decimal:
        # Rounded down, so 69.999 % never shows as "70.00 %" next to "not met".
        return (self.listed * 100 / self.total).quantize(Decimal("0.01"), ROUND_DOWN) if self.total else Decimal("0")

    @property
    def meets_target(self) -> bool:
        # Exact arithmetic: 70 % of the total is enough ("≥ 70 %"), a cent less is not.
        return self.total > 0 and self.listed * 100 >= self.total * self.target_percent

    @property
    def shortfall(self) -> Decimal:
        """Value still to be listed to reach the target (0 when met)."""
        needed = self.total * self.target_percent / 100 - self.listed
        return max(needed.quantize(Decimal("0.01")), Decimal("0"))


COVERAGE_SUMMARY = "whitelist.coverage"  # ``summaries.refresh``, declared on ``WhitelistConfig``


def coverage_sums() -> dict[str, Any]:
    """WL-6's figures over a set of enterprises — the one definition, aggregated live by ``coverage_direct`` and
    per region and sector into the maintained summary (``summaries``) that the pages read."""
    listed = whitelisted_q()
    return {
        "cov_total": Sum(_VALUE),
        "cov_listed": Sum(_VALUE, filter=listed),
        "cov_count": Count("pk"),
        "cov_listed_count": Count("pk", filter=listed),
    }


def _sector_rows(totals: dict[str, dict[str, Any]], target: Decimal, sectors: list[str] | None) -> list[SectorCoverage]:
    return [
        SectorCoverage(
            sector=sector,
            total=totals.get(sector, {}).get("cov_total") or Decimal("0"),
            listed=totals.get(sector, {}).get("cov_listed") or Decimal("0"),
            target_percent=target,
            enterprise_count=totals.get(sector, {}).get("cov_count") or 0,
            listed_count=totals.get(sector, {}).get("cov_listed_count") or 0,
        )
        for sector in sectors or Sector.values
    ]


def _coverage_target(region: Region) -> Decimal:
    return Decimal(parameter_value(WHITELIST_COVERAGE_PERCENT, region))


def coverage_direct(region: Region, *, sectors: list[str] | None = None) -> list[SectorCoverage]:
    """The live aggregate over every enterprise of ``region``'s subtree (what the summary must equal)."""
    base = coverage_base().filter(region_subtree_q(Enterprise, "region__path", region.path))
    totals = {row["sector"]: row for row in base.order_by().values("sector").annotate(**coverage_sums())}
    return _sector_rows(totals, _coverage_target(region), sectors)


def _summed() -> dict[str, Any]:
    return {
        "cov_total": Sum("total"),
        "cov_listed": Sum("listed"),
        "cov_count": Sum("enterprise_count"),
        "cov_listed_count": Sum("listed_count"),
    }


def coverage_freshness() -> Freshness:
    """When the coverage figures were rebuilt (and a first build on a database that never had one)."""
    return freshness(COVERAGE_SUMMARY)


def coverage(region: Region, *, sectors: list[str] | None = None, gap_limit: int = 20) -> list[SectorCoverage]:
    """Σ value of listed ÷ Σ value of all operating enterprises per sector, in ``region``'s subtree.

    Issue 10: read from the maintained summary (one small grouped query, ``coverage_freshness`` says how old);
    only the gap list (the biggest unlisted enterprises) reads the registry."""
    coverage_freshness()
    figures = CoverageFigures.objects.filter(region__path__startswith=region.path)
    totals = {row["sector"]: row for row in figures.order_by().values("sector").annotate(**_summed())}
    results = _sector_rows(totals, _coverage_target(region), sectors)
    if gap_limit:
        for item in results:
            fill_gap(region, item, gap_limit)
    return results


def fill_gap(region: Region, item: SectorCoverage, limit: int) -> SectorCoverage:
    """The sector's biggest unlisted enterprises in ``region``'s subtree (read in the order of the
    ``enterprise_sector_value_idx`` index), each with the coverage reached once it and those above are listed."""
    base = coverage_base().filter(region_subtree_q(Enterprise, "region__path", region.path))
    item.gap = _gap(base.filter(sector=item.sector).exclude(whitelisted_q()), item, limit)
    return item


def coverage_of_children(region: Region, *, sectors: list[str] | None = None) -> list[dict[str, Any]]:
    """Each active child region of ``region`` with its coverage per sector, from the summary in one query."""
    children = list(region.children.filter(is_active=True).order_by("code"))
    if not children:
        return []
    coverage_freshness()
    child_of = Case(
        *(When(region__path__startswith=child.path, then=Value(child.pk)) for child in children),
        default=Value(None),
        output_field=IntegerField(),
    )
    figures = CoverageFigures.objects.filter(region__path__startswith=region.path).exclude(region=region)
    totals: dict[int, dict[str, dict[str, Any]]] = {}
    for row in figures.order_by().annotate(child=child_of).values("child", "sector").annotate(**_summed()):
        if row["child"] is not None:
            totals.setdefault(row["child"], {})[row["sector"]] = row
    return [
        {"region": child, "rows": _sector_rows(totals.get(child.pk, {}), _coverage_target(child), sectors)}
        for child in children
    ]


def _gap(unlisted: QuerySet[Enterprise], item: SectorCoverage, limit: int) -> list[dict[str, Any]]:
    rows = unlisted.annotate(value=_VALUE).filter(value__gt=0).select_related("region").order_by("-value", "pk")[:limit]
    running = item.listed
    gap = []
    for enterprise in rows:
        running += enterprise.value
        gap.append(
            {
                "enterprise": enterprise,
                "value": enterprise.value,
                "coverage_after": (running * 100 / item.total).quantize(Decimal("0.01"), ROUND_DOWN)
                if item.total
                else None,
                "closes_gap": item.total > 0 and running * 100 >= item.total * item.target_percent,
            }
        )
    return gap


# --- WL-5: target dates --------------------------------------------------------------------------


def _due(month_day: str, year: int) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    try:
        return date(year, month, day)
    except ValueError:  # 02-29 in a common year
        return date(year, month, 28)


def target_warnings(
    region: Region, *, today: date | None = None, rows: list[SectorCoverage] | None = None
) -> list[str]:
    """Chinese warnings when ``region`` is behind its WL-5 targets (first batch, 70 % coverage); ``rows``: the
    region's coverage of every sector when the caller already has it."""
    today = today or timezone.localdate()
    warnings = []
    first_batch_by = _due(parameter_value(WHITELIST_FIRST_BATCH_BY, region), today.year)
    # Any batch that listed an enterprise of this region counts, whoever (county, city) published it.
    has_batch = Listing.objects.filter(
        enterprise__region__path__startswith=region.path, batch__published_at__date__lte=today
    ).exists()
    if today > first_batch_by and not has_batch:
        warnings.append(f"已过首批名单公布期限（{first_batch_by:%m月%d日}），{region.name}尚未公布任何批次。")
    coverage_by = _due(parameter_value(WHITELIST_COVERAGE_BY, region), today.year)
    if today > coverage_by:
        rows = rows if rows is not None else coverage(region, gap_limit=0)
        behind = [item for item in rows if item.total and not item.meets_target]
        for item in behind:
            warnings.append(
                f"已过覆盖率达标期限（{coverage_by:%m月%d日}），{item.label}覆盖率 {item.percent}% "
                f"低于 {item.target_percent}%。"
            )
    return warnings


# --- Queues and OR-5 ----------------------------------------------------------------------------


def applications_for(user: Any) -> QuerySet[Application]:
    """Applications the user may see; priority (chain support, city operation) first, then oldest first."""
    return (
        Application.objects.visible_to(user)
        .select_related("enterprise", "enterprise__region")
        .order_by("-priority", "-enterprise__city_operation", "submitted_at", "pk")
    )


def awaiting_decision(user: Any) -> QuerySet[Application]:
    """Submitted (or first-checked) applications in scope: the list's "awaiting a decision" filter and the
    departments' workbench count (issue 11 #4) are this one query."""
    return applications_for(user).filter(state__in=[ApplicationState.SUBMITTED, ApplicationState.TOWNSHIP_CHECKED])


def awaiting_publication(user: Any) -> QuerySet[Application]:
    return applications_for(user).filter(state=ApplicationState.APPROVED)


def _liaison_complete() -> Exists:
    """OR-5: the enterprise has its liaison cadre, epidemic officer and paired medical institution."""
    return Exists(
        Liaison.objects.filter(
            enterprise_id=OuterRef("pk"),
            liaison_cadre__isnull=False,
            epidemic_officer__isnull=False,
            medical_institution__isnull=False,
        )
    )


def liaison_gaps(user: Any, region: Region) -> QuerySet[Enterprise]:
    """Listed enterprises in ``region`` missing a liaison cadre, an epidemic officer or a medical institution."""
    return (
        Enterprise.objects.visible_to(user)
        .filter(region__path__startswith=region.path)
        .filter(whitelisted_q())
        .exclude(_liaison_complete())
        .select_related(
            "region", "liaison", "liaison__liaison_cadre", "liaison__epidemic_officer", "liaison__medical_institution"
        )
        .order_by("region__code", "name")
    )


def liaison_gap_counts(user: Any, region: Region, children: list[Region]) -> tuple[int, int, dict[int, int]]:
    """``(listed, gaps, {child id: gaps})`` for ``liaison_gaps``' page, in one grouped query."""
    child_of = Case(
        *(When(region__path__startswith=child.path, then=Value(child.pk)) for child in children),
        default=Value(None),
        output_field=IntegerField(),
    )
    listed_here = (
        Enterprise.objects.visible_to(user)
        .filter(region_subtree_q(Enterprise, "region__path", region.path))
        .filter(whitelisted_q())
    )
    gap = ~Q(_liaison_complete())  # as ``liaison_gaps`` excludes them
    listed = gaps = 0
    per_child = dict.fromkeys((child.pk for child in children), 0)
    rows = listed_here.order_by().annotate(child=child_of).values("child")
    for row in rows.annotate(listed=Count("pk"), gaps=Count("pk", filter=gap)):
        listed += row["listed"]
        gaps += row["gaps"]
        if row["child"] is not None:
            per_child[row["child"]] = row["gaps"]
    return listed, gaps, per_child


# --- DB-5: what the public sees (published data, deliberately not scoped to a user) ---------------


def public_listings(region: Region | None) -> QuerySet[Listing]:
    """Every listing ever published (current and removed), optionally in one region's subtree."""
    listings = Listing.objects.select_related(
        "enterprise", "enterprise__region", "enterprise__region__parent", "batch", "batch__region"
    )
    if region is not None:
        listings = listings.filter(region_subtree_q(Listing, "enterprise__region__path", region.path))
    return listings


def public_listing_rows(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    """Those listings batch by batch, newest batch first and newest listing first within a batch (batches are
    numbered as they are published): the order the public page pages through and groups by batch, read from
    the ``listing_batch_order`` index."""
    return listings.order_by("-batch_id", "-pk")


REGIONS_WITH_LISTINGS_SECONDS = 300


def regions_with_listings() -> list[Region]:
    """The cities and counties that have whitelisted enterprises, for the public region filter.

    Issue 10: computing it reads every listing (~0.4 s for a province), on a page open to anyone, so it is
    cached, keyed by the listings' count and last id (one cheap query): a new listing shows at once; an
    enterprise moved to another region reaches the filter within ``REGIONS_WITH_LISTINGS_SECONDS``."""

    def compute() -> list[Region]:
        codes: set[str] = set()
        for path in Listing.objects.values_list("enterprise__region__path", flat=True).distinct():
            codes.update(part for part in path.split("/") if part)
        return list(Region.objects.filter(code__in=codes, level__in=["city", "county"]).order_by("path"))

    version = Listing.objects.aggregate(count=Count("pk"), last=Max("pk"))
    key = f"whitelist:regions_with_listings:{version['count']}:{version['last']}"
    regions = cache.get_or_set(key, compute, REGIONS_WITH_LISTINGS_SECONDS)
    return regions if regions is not None else compute()


def published_criteria(region: Region | None) -> QuerySet[Criteria]:
    """Published criteria; for a region, those that can apply there (its own and its ancestors')."""
    published = Criteria.objects.filter(status=CriteriaStatus.PUBLISHED).select_related("region")
    if region is not None:
        published = published.filter(region__code__in=region.ancestor_codes())
    return published.order_by("region__path", "sector")


def listing_place(listing: Listing) -> str:
    """Where a listed enterprise is, as the public list says it: the township with its county."""
    region = listing.enterprise.region
    if region.level == "township" and region.parent is not None:
        return f"{region.parent.name}{region.name}"
    return region.name


def rule_tree(node: Mapping[str, Any]) -> dict[str, Any]:
    """A stored rule as nested labels for reading: the group's meaning, each condition in words."""
    group = next((name for name in GROUPS if name in node), None)
    if group is None:
        try:
            label = node.get("label") or describe_leaf(node, ENTERPRISE_FIELDS)
        except (KeyError, TypeError):
            label = str(node.get("label") or node.get("field") or "")
        return {"label": label}
    meaning = GROUP_LABELS[group]
    label = node.get("label") or meaning
    return {
        "label": label,
        "group": group,
        "meaning": meaning if label != meaning else "",
        "children": [rule_tree(child) for child in node[group]],
    }
