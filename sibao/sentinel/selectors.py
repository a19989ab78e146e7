"""EP-6 reads, always through ``visible_to(user)``: an enterprise sees its own warnings, officials those of
the enterprises in their region (and sector)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from sibao.enterprises.models import Enterprise
from sibao.regions.models import Region
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus

# An open warning nobody has taken after this long is "unattended" (not a seed number: an operating
# choice, see the report; becomes a parameter if regions need to differ).
UNATTENDED_AFTER_HOURS = 4
OPEN_STATUSES = (WarningStatus.OPEN, WarningStatus.HANDLING)


def unattended_since(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=UNATTENDED_AFTER_HOURS)


def unattended_q(now: datetime | None = None) -> Q:
    return Q(status=WarningStatus.OPEN, owner__isnull=True, raised_at__lt=unattended_since(now))


@dataclass(frozen=True)
class WarningFilters:
    kind: str = ""
    status: str = ""  # "", open, handling, closed, or "active" (open or handling)
    unattended: bool = False
    enterprise_id: int | None = None
    region_code: str = ""
    employee_id: int | None = None
    mine: bool = False
    sector: str = ""  # the enterprise's (the command screen's figures link with it)


def warning_list(*, user: Any, filters: WarningFilters | None = None, now: datetime | None = None) -> QuerySet[Any]:
    filters = filters or WarningFilters()
    warnings = SentinelWarning.objects.visible_to(user).select_related(
        "enterprise", "enterprise__region", "employee", "owner"
    )
    if filters.kind:
        warnings = warnings.filter(kind=filters.kind)
    if filters.status == "active":
        warnings = warnings.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        warnings = warnings.filter(status=filters.status)
    if filters.unattended:
        warnings = warnings.filter(unattended_q(now))
    if filters.enterprise_id is not None:
        warnings = warnings.filter(enterprise_id=filters.enterprise_id)
    if filters.employee_id is not None:
        warnings = warnings.filter(employee_id=filters.employee_id)
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        warnings = warnings.filter(enterprise__region__path__startswith=region.path) if region else warnings.none()
    if filters.mine:
        warnings = warnings.filter(owner_id=getattr(user, "pk", None))
    if filters.sector:
        warnings = warnings.filter(enterprise__sector=filters.sector)
    return warnings.order_by("-raised_at", "-pk")


def warning_get(*, user: Any, pk: int) -> SentinelWarning:
    warning: SentinelWarning = SentinelWarning.objects.select_related(
        "enterprise", "enterprise__region", "employee", "owner"
    ).get_visible(user, pk=pk)
    return warning


def is_unattended(warning: SentinelWarning, now: datetime | None = None) -> bool:
    return (
        warning.status == WarningStatus.OPEN and warning.owner_id is None and warning.raised_at < unattended_since(now)
    )


def counts_region(user: Any, region: Region | None) -> Region | None:
    """The region the counts are for: the one asked (must lie in the user's scope) or the user's own."""
    own = getattr(user, "region", None)
    if region is None:
        return own
    if own is None or region.path.startswith(own.path):
        return region
    return None


def warning_counts(*, user: Any, region: Region | None = None, now: datetime | None = None) -> dict[str, Any]:
    """For the command screen: open (open + being handled) warnings in scope, per kind, per status, the
    unattended ones, and per child region of ``region`` (or of the user's region) for a map or table.

    ``{"total", "by_kind": {kind: n}, "by_status": {status: n}, "unattended", "region",
    "by_region": [{"code", "name", "open", "unattended"}]}``. Four grouped queries, whatever the size."""
    warnings = SentinelWarning.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    area = counts_region(user, region)
    if region is not None and area is None:
        warnings = warnings.none()
    elif region is not None and area is not None:
        warnings = warnings.filter(enterprise__region__path__startswith=area.path)
    by_kind = {kind: 0 for kind in WarningKind.values}
    for row in warnings.order_by().values("kind").annotate(n=Count("pk")):
        by_kind[row["kind"]] = row["n"]
    by_status = {status: 0 for status in (WarningStatus.OPEN.value, WarningStatus.HANDLING.value)}
    for row in warnings.order_by().values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    unattended = warnings.filter(unattended_q(now)).count()
    by_region: list[dict[str, Any]] = []
    if area is not None:
        children = list(Region.objects.filter(parent=area).order_by("code"))
        if children:
            length = len(children[0].path)
            grouped = (
                warnings.filter(enterprise__region__path__startswith=area.path)
                .order_by()
                .annotate(child=Substr("enterprise__region__path", 1, length))
                .values("child")
                .annotate(n=Count("pk"), late=Count("pk", filter=unattended_q(now)))
            )
            per_child = {row["child"]: row for row in grouped}
            for child in children:
                row = per_child.get(child.path, {})
                by_region.append(
                    {"code": child.code, "name": child.name, "open": row.get("n", 0), "unattended": row.get("late", 0)}
                )
    return {
        "total": sum(by_status.values()),
        "by_kind": by_kind,
        "by_status": by_status,
        "unattended": unattended,
        "region": {"code": area.code, "name": area.name} if area is not None else None,
        "by_region": by_region,
    }


def enterprises_for_filter(*, user: Any) -> QuerySet[Enterprise]:
    """Enterprises in scope that have warnings (for the filter drop-down; bounded)."""
    ids = SentinelWarning.objects.visible_to(user).order_by().values("enterprise_id").distinct()
    enterprises: QuerySet[Enterprise] = Enterprise.objects.filter(pk__in=ids).order_by("name")[:500]
    return enterprises
