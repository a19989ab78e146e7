"""EP-10 / EP-11 reads: reserves against stock, the readiness checklist, and the region lists.

Staff numbers come from the registered, active employees when an enterprise has any (EP-1), else from the
registry's ``Enterprise.employee_count``; every figure says which one it used.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db.models import Count, DateField, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sibao.core import summaries
from sibao.core.scope import region_subtree_q
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.parameters.registry import (
    EPIDEMIC_OBSERVATION_ROOM_STAFF,
    EPIDEMIC_SAMPLING_BOOTH_STAFF,
    READINESS_DRILL_INTERVAL_DAYS,
    SUPPLY_RESERVE_PARAMETERS,
)
from sibao.parameters.selectors import parameter_value
from sibao.readiness.models import Drill, Readiness, ReadinessSummary, SupplyItem, SupplyReport, SupplyStock
from sibao.readiness.summaries import NAME as SUMMARY
from sibao.regions.models import Region
from sibao.whitelist.selectors import whitelisted_q

# Disinfectant is measured in litres (two decimals); everything else is counted in whole pieces.
_DECIMALS: dict[str, int] = {SupplyItem.DISINFECTANT: 2}


class HeadcountSource:
    EMPLOYEES = "employees"
    REGISTRY = "registry"


HEADCOUNT_SOURCE_LABELS: dict[str, Promise] = {
    HeadcountSource.EMPLOYEES: _("registered active employees"),
    HeadcountSource.REGISTRY: _("employee count in the enterprise registry (no employees registered)"),
}


@dataclass(frozen=True)
class Headcount:
    count: int
    source: str

    @property
    def source_label(self) -> str:
        return str(HEADCOUNT_SOURCE_LABELS[self.source])


@dataclass(frozen=True)
class SupplyLine:
    item: str
    label: str
    per_employee: Decimal
    reserve: Decimal
    stock: Decimal
    updated_at: Any

    @property
    def short(self) -> bool:
        return self.stock < self.reserve

    @property
    def missing(self) -> Decimal:
        return max(self.reserve - self.stock, Decimal(0))


@dataclass(frozen=True)
class SupplyStatus:
    enterprise: Enterprise
    headcount: Headcount
    lines: list[SupplyLine]

    @property
    def short_lines(self) -> list[SupplyLine]:
        return [line for line in self.lines if line.short]


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    passed: bool
    reason: str
    advisory: bool = False  # encouraged, not required (the sampling booth): shown, not counted as a gap


@dataclass
class ReadinessReport:
    enterprise: Enterprise
    headcount: Headcount
    readiness: Readiness | None
    last_drill: date | None
    required_rooms: int
    booth_encouraged: bool
    supplies: SupplyStatus
    items: list[CheckItem] = field(default_factory=list)

    @property
    def gaps(self) -> list[CheckItem]:
        return [item for item in self.items if not item.passed and not item.advisory]

    @property
    def days_since_drill(self) -> int | None:
        return None if self.last_drill is None else (timezone.localdate() - self.last_drill).days


# --- rules -----------------------------------------------------------------------------------------


def reserve_for(item: str, per_employee: Decimal, staff: int) -> Decimal:
    """EP-10: reserve = per-employee parameter × staff, rounded up to what can be stocked."""
    exponent = Decimal(1).scaleb(-_DECIMALS.get(item, 0))
    return (Decimal(per_employee) * staff).quantize(exponent, rounding=ROUND_CEILING)


def required_rooms(staff: int, staff_per_room: int) -> int:
    """EP-11, 003#一.13: temporary observation rooms in proportion to staff — one per started block."""
    return math.ceil(staff / staff_per_room) if staff > 0 else 0


def booth_encouraged(staff: int, threshold: int) -> bool:
    """001#annex2-二.1: 鼓励用工1000人以上企业（项目）自行配置核酸采样屋."""
    return staff >= threshold


class _Parameters:
    """Parameter values per region, read once per region on list pages."""

    def __init__(self) -> None:
        self._cache: dict[int, dict[str, Any]] = {}

    def for_region(self, region: Region) -> dict[str, Any]:
        if region.pk not in self._cache:
            values: dict[str, Any] = {
                f"reserve:{item}": Decimal(parameter_value(definition, region))
                for item, definition in SUPPLY_RESERVE_PARAMETERS.items()
            }
            values["room_staff"] = int(parameter_value(EPIDEMIC_OBSERVATION_ROOM_STAFF, region))
            values["booth_staff"] = int(parameter_value(EPIDEMIC_SAMPLING_BOOTH_STAFF, region))
            values["drill_days"] = int(parameter_value(READINESS_DRILL_INTERVAL_DAYS, region))
            self._cache[region.pk] = values
        return self._cache[region.pk]


# --- one enterprise --------------------------------------------------------------------------------


def _active_employees(outer: str = "pk") -> Subquery:
    counted = (
        Employee.objects.filter(enterprise_id=OuterRef(outer), is_active=True)
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _annotated(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return (
        enterprises.select_related("region", "readiness")
        .annotate(
            active_employees=Coalesce(_active_employees(), Value(0)),
            last_drill=Subquery(
                Drill.objects.filter(enterprise_id=OuterRef("pk")).order_by("-held_on").values("held_on")[:1],
                output_field=DateField(),
            ),
        )
        .prefetch_related(Prefetch("supply_stocks", queryset=SupplyStock.objects.order_by("item")))
    )


def headcount(enterprise: Enterprise) -> Headcount:
    active = getattr(enterprise, "active_employees", None)
    if active is None:
        active = Employee.objects.filter(enterprise=enterprise, is_active=True).count()
    if active > 0:
        return Headcount(active, HeadcountSource.EMPLOYEES)
    return Headcount(enterprise.employee_count, HeadcountSource.REGISTRY)


def _stocks(enterprise: Enterprise) -> dict[str, SupplyStock]:
    stocks: Iterable[SupplyStock] = enterprise.supply_stocks.all()  # type: ignore[attr-defined]
    return {stock.item: stock for stock in stocks}


def _supply_status(enterprise: Enterprise, staff: Headcount, values: dict[str, Any]) -> SupplyStatus:
    stocks = _stocks(enterprise)
    lines = []
    for item, label in SupplyItem.choices:
        per_employee = values[f"reserve:{item}"]
        stock = stocks.get(item)
        lines.append(
            SupplyLine(
                item=item,
                label=str(label),
                per_employee=per_employee,
                reserve=reserve_for(item, per_employee, staff.count),
                stock=stock.quantity if stock else Decimal(0),
                updated_at=stock.updated_at if stock else None,
            )
        )
    return SupplyStatus(enterprise=enterprise, headcount=staff, lines=lines)


def supply_status(enterprise: Enterprise) -> SupplyStatus:
    """EP-10: each supply's stock against its reserve for this enterprise."""
    fresh = _annotated(Enterprise.objects.filter(pk=enterprise.pk)).get()
    return _supply_status(fresh, headcount(fresh), _Parameters().for_region(fresh.region))


def _report(enterprise: Enterprise, params: _Parameters, today: date) -> ReadinessReport:
    values = params.for_region(enterprise.region)
    staff = headcount(enterprise)
    readiness: Readiness | None = getattr(enterprise, "readiness", None)
    last_drill: date | None = getattr(enterprise, "last_drill", None)
    rooms_needed = required_rooms(staff.count, values["room_staff"])
    encouraged = booth_encouraged(staff.count, values["booth_staff"])
    supplies = _supply_status(enterprise, staff, values)
    report = ReadinessReport(
        enterprise=enterprise,
        headcount=staff,
        readiness=readiness,
        last_drill=last_drill,
        required_rooms=rooms_needed,
        booth_encouraged=encouraged,
        supplies=supplies,
    )
    report.items = _checklist(report, values, today)
    return report


def _checklist(report: ReadinessReport, values: dict[str, Any], today: date) -> list[CheckItem]:
    readiness = report.readiness
    enterprise = report.enterprise
    staff = report.headcount.count
    items: list[CheckItem] = []

    # 001#annex2-二.7: 设立疫情防控专班，明确一名班子成员专职负责.
    if readiness and readiness.leader_name and readiness.leader_post:
        items.append(
            CheckItem(
                "task_force",
                str(_("Epidemic task force")),
                True,
                str(_("%(name)s (%(post)s) is responsible."))
                % {"name": readiness.leader_name, "post": readiness.leader_post},
            )
        )
    else:
        items.append(
            CheckItem(
                "task_force",
                str(_("Epidemic task force")),
                False,
                str(_("No leadership member named as responsible for epidemic prevention.")),
            )
        )

    # 001#annex2-二.7: 制定完善疫情防控方案和应急处置预案.
    if readiness and readiness.plan_file:
        dated = readiness.plan_date.isoformat() if readiness.plan_date else str(_("undated"))
        items.append(
            CheckItem(
                "emergency_plan",
                str(_("Emergency plan")),
                True,
                str(_("Uploaded: %(name)s, dated %(date)s.")) % {"name": readiness.plan_name, "date": dated},
            )
        )
    else:
        items.append(
            CheckItem("emergency_plan", str(_("Emergency plan")), False, str(_("No emergency plan uploaded.")))
        )

    # 001#annex2-二.7: 定期开展应急演练.
    interval = values["drill_days"]
    if report.last_drill is None:
        items.append(CheckItem("drill", str(_("Emergency drills")), False, str(_("No drill recorded."))))
    else:
        days = (today - report.last_drill).days
        items.append(
            CheckItem(
                "drill",
                str(_("Emergency drills")),
                days <= interval,
                str(_("Last drill %(days)s days ago (required at least every %(interval)s days)."))
                % {"days": days, "interval": interval},
            )
        )

    # 003#一.13, 001#annex2-二.7: 按员工人数设置一定数量的临时留观点.
    rooms = readiness.observation_rooms if readiness else 0
    items.append(
        CheckItem(
            "observation_rooms",
            str(_("Temporary observation rooms")),
            rooms >= report.required_rooms,
            str(_("%(rooms)s rooms for %(staff)s staff; %(required)s required (one for every %(per)s)."))
            % {"rooms": rooms, "staff": staff, "required": report.required_rooms, "per": values["room_staff"]},
        )
    )

    # 001#annex2-二.1: encouraged from 1000 staff, 50 % subsidy shared 7:3 between province and city/county.
    has_booth = bool(readiness and readiness.has_sampling_booth)
    if report.booth_encouraged:
        reason = (
            _("Has its own sampling booth.")
            if has_booth
            else _(
                "With %(staff)s staff (from %(threshold)s) an own sampling booth is encouraged; the government "
                "subsidises 50 %% of it."
            )
        )
    else:
        reason = (
            _("Has its own sampling booth.")
            if has_booth
            else _("Below %(threshold)s staff: an own sampling booth is not expected.")
        )
    items.append(
        CheckItem(
            "sampling_booth",
            str(_("Sampling booth")),
            has_booth or not report.booth_encouraged,
            str(reason) % {"staff": staff, "threshold": values["booth_staff"]},
            advisory=True,
        )
    )

    # 001#annex2-二.7: 宿舍、餐厅 meeting the needs of all staff in closed-loop management.
    beds, seats = enterprise.dormitory_capacity, enterprise.canteen_capacity
    items.append(
        CheckItem(
            "living_facilities",
            str(_("Closed-loop living facilities")),
            beds >= staff and seats > 0,
            str(_("%(beds)s dormitory beds and %(seats)s canteen seats for %(staff)s staff."))
            % {"beds": beds, "seats": seats, "staff": staff},
        )
    )

    short = report.supplies.short_lines
    items.append(
        CheckItem(
            "supplies",
            str(_("Prevention supplies")),
            not short,
            str(_("Below reserve: %(items)s.")) % {"items": "、".join(line.label for line in short)}
            if short
            else str(_("Every supply is at or above its reserve.")),
        )
    )
    return items


def readiness_report(enterprise: Enterprise, *, today: date | None = None) -> ReadinessReport:
    """EP-11 checklist for one enterprise: each item passed or failed, with the reason."""
    fresh = _annotated(Enterprise.objects.filter(pk=enterprise.pk)).get()
    return _report(fresh, _Parameters(), today or timezone.localdate())


def enterprise_get(*, user: Any, pk: int | None) -> Enterprise:
    """An enterprise the user may see (404 otherwise)."""
    enterprise: Enterprise = Enterprise.objects.get_visible(user, pk=pk)
    return enterprise


def supply_history(*, user: Any, enterprise: Enterprise) -> QuerySet[SupplyReport]:
    return SupplyReport.objects.visible_to(user).filter(enterprise=enterprise).select_related("reported_by")


def drill_list(*, user: Any, enterprise: Enterprise) -> QuerySet[Drill]:
    return Drill.objects.visible_to(user).filter(enterprise=enterprise)


# --- region lists ----------------------------------------------------------------------------------


class Gap:
    """Checklist items the database can judge for many enterprises at once (the ranking's filter and the command
    screen's readiness figures, DB-3): the same conditions as ``_checklist``'s items of these keys."""

    TASK_FORCE = "task_force"
    EMERGENCY_PLAN = "emergency_plan"


GAP_LABELS = {Gap.TASK_FORCE: _("No epidemic task force"), Gap.EMERGENCY_PLAN: _("No emergency plan")}


def gap_q(gap: str) -> Q:
    """Enterprises failing checklist item ``gap`` (EP-11, 001#annex2-二.7)."""
    kept = Readiness.objects.filter(enterprise_id=OuterRef("pk"))
    task_force = gap == Gap.TASK_FORCE
    kept = kept.exclude(leader_name="").exclude(leader_post="") if task_force else kept.exclude(plan_file="")
    return ~Q(Exists(kept))


@dataclass(frozen=True)
class RegionFilters:
    region_code: str = ""
    whitelisted_only: bool = True
    sector: str = ""
    gap: str = ""  # a ``Gap``: only the enterprises failing it


def _summaries_in(user: Any, filters: RegionFilters) -> QuerySet[ReadinessSummary]:
    """Issue 10: the region lists read the summary (one row per enterprise) in scope, never the live tables.
    A summary never built (a fresh database) is built first (``core.summaries.freshness``)."""
    summaries.freshness(SUMMARY)
    rows = ReadinessSummary.objects.visible_to(user)
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).only("path").first()
        rows = rows.filter(region_subtree_q(ReadinessSummary, "region__path", region.path)) if region else rows.none()
    if filters.whitelisted_only:
        rows = rows.filter(whitelisted_q("enterprise__"))
    if filters.sector:
        rows = rows.filter(enterprise__sector=filters.sector)
    if filters.gap in GAP_LABELS:
        # The summary's verdict columns are named after the checklist items (``Gap``): False = failing it.
        rows = rows.filter(**{filters.gap: False})
    return rows


def readiness_ranking(*, user: Any, filters: RegionFilters | None = None) -> QuerySet[ReadinessSummary]:
    """EP-11 region page: enterprises in scope, most gaps first (as of the summary's last refresh)."""
    rows = _summaries_in(user, filters or RegionFilters())
    # Ties by enterprise id (not name): the ``readiness_summary_gaps`` index then gives a page without sorting
    # a province's rows.
    return rows.select_related("enterprise", "enterprise__region").order_by("-gaps", "enterprise_id")


def supply_shortfalls(*, user: Any, filters: RegionFilters | None = None) -> QuerySet[ReadinessSummary]:
    """EP-10 region page: enterprises in scope with at least one supply below reserve."""
    rows = _summaries_in(user, filters or RegionFilters()).filter(short_items__gt=0)
    return rows.select_related("enterprise", "enterprise__region").order_by("enterprise_id")  # partial index order


def reports_for(rows: Iterable[ReadinessSummary], today: date | None = None) -> list[ReadinessReport]:
    """The live checklists of the enterprises of a page of summary rows, in the page's order (a fixed number
    of queries: the enterprises with their annotations, their stocks)."""
    ids = [row.enterprise_id for row in rows]
    by_pk = {enterprise.pk: enterprise for enterprise in _annotated(Enterprise.objects.filter(pk__in=ids))}
    params = _Parameters()
    day = today or timezone.localdate()
    return [_report(by_pk[pk], params, day) for pk in ids if pk in by_pk]


def statuses_for(rows: Iterable[ReadinessSummary]) -> list[SupplyStatus]:
    """The live supply status of the enterprises of a page of summary rows, in the page's order."""
    return [report.supplies for report in reports_for(rows)]
