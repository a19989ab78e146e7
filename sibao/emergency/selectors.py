"""EM-1…EM-6 reads: a region's state (own or inherited), the switch preview, who has not confirmed readiness,
the shutdown and inspection queues — all in the reader's scope (out of scope → 404).

One rule in one place: ``target_mode`` decides an enterprise's mode in an emergency (the preview, the switch and
the top-up of newly listed firms all use ``mode_case``/``target_modes``), ``readiness_missing`` is the list and
the count of unconfirmed firms, ``shutdown_overdue_q`` the shutdowns past their end without reopening.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.emergency.models import (
    OPEN_STATUSES,
    WAITING_STATES,
    Emergency,
    EmergencyArea,
    EmergencyHold,
    Inspection,
    InspectionState,
    RegionStateChange,
    Shutdown,
    ShutdownState,
)
from sibao.enterprises.models import CLOSED_LOOP_STRICTNESS, ClosedLoopMode, Enterprise
from sibao.epidemic.models import Employee
from sibao.operations.models import HALT_STATUSES, OperatingReport, ProductionStatus
from sibao.organisation.models import Unit, UnitKind
from sibao.parameters.registry import EMERGENCY_MODE_BY_SECTOR
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region, RegionState
from sibao.whitelist.selectors import whitelisted_q

# --- region state (EM-1) -------------------------------------------------------------------------------------


def emergency_paths_now(now: datetime | None = None) -> list[str]:
    """The paths of the regions whose own emergency is in force (announced or active, effective time reached).
    Read by the parameters app once per request (``region_state_source`` on the AppConfig)."""
    now = now or timezone.now()
    return list(
        Emergency.objects.filter(status__in=OPEN_STATUSES, effective_at__lte=now).values_list("region__path", flat=True)
    )


def ancestor_paths(region: Region) -> list[str]:
    """``410000/``, ``410000/410200/``, ``410000/410200/410222/`` for 通许县: the region and those above it."""
    codes = region.ancestor_codes()
    return ["".join(f"{code}/" for code in codes[: depth + 1]) for depth in range(len(codes))]


@dataclass(frozen=True)
class RegionStatus:
    region: Region
    state: str  # RegionState
    emergency: Emergency | None  # the one in force on the region's path (the nearest), if any
    inherited: bool  # the emergency belongs to a region above
    announced: Emergency | None  # an emergency announced on the path, not in force yet

    @property
    def in_emergency(self) -> bool:
        return self.state == RegionState.EMERGENCY

    @property
    def own(self) -> Emergency | None:
        """The region's own open emergency (in force or announced), which its HQ office may switch back."""
        for emergency in (self.emergency, self.announced):
            if emergency is not None and emergency.region_id == self.region.pk:
                return emergency
        return None


def region_state(region: Region, now: datetime | None = None) -> RegionStatus:
    """EM-1: normal, or emergency of its own or inherited from a region above (one query)."""
    now = now or timezone.now()
    open_on_path = list(
        Emergency.objects.open()
        .filter(region__path__in=ancestor_paths(region))
        .select_related("region", "declared_by")
        .order_by("-region__path")  # the nearest first
    )
    in_force = [e for e in open_on_path if e.effective_at <= now]
    waiting = [e for e in open_on_path if e.effective_at > now]
    emergency = in_force[0] if in_force else None
    return RegionStatus(
        region=region,
        state=RegionState.EMERGENCY if emergency else RegionState.NORMAL,
        emergency=emergency,
        inherited=emergency is not None and emergency.region_id != region.pk,
        announced=waiting[0] if waiting else None,
    )


def region_for(*, user: User, code: str) -> Region:
    """A region the user's scope covers (its own or one below), else 404: officials only."""
    if getattr(user, "role", None) == Role.ENTERPRISE:
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return region
    if user.region is None or not region.path.startswith(user.region.path):
        raise Http404
    return region


def home_region(user: User) -> Region | None:
    """The region a user's pages are about: an official's own, an enterprise user's enterprise's."""
    if user.enterprise_id is not None:
        return Region.objects.filter(enterprises__pk=user.enterprise_id).first()
    return getattr(user, "region", None)


def around_q(region: Region) -> Q:
    """Emergencies that concern a region: its own, those of regions below it, and those of regions above it
    (they cover it) — the screen's figure and the list it links to."""
    return Q(region__path__startswith=region.path) | Q(region__path__in=ancestor_paths(region)[:-1])


def open_emergencies(*, user: User, region_code: str = "") -> QuerySet[Emergency]:
    """Open emergencies of regions in the user's subtree, plus those of regions above it (they cover it);
    with ``region_code``, only those concerning that region (``around_q``)."""
    visible = Emergency.objects.visible_to(user)
    if user.region is not None:
        visible = Emergency.objects.filter(
            Q(pk__in=visible.values("pk")) | Q(region__path__in=ancestor_paths(user.region))
        )
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        visible = visible.filter(around_q(region)) if region is not None else visible.none()
    return visible.open().select_related("region", "declared_by").order_by("region__path")


def emergency_get(*, user: User, pk: int) -> Emergency:
    emergency: Emergency = Emergency.objects.select_related("region", "declared_by", "ended_by").get_visible(
        user, pk=pk
    )
    return emergency


def state_changes(region: Region, limit: int = 100) -> QuerySet[RegionStateChange]:
    """The record of the region and of the regions above it (their emergencies covered it)."""
    return (
        RegionStateChange.objects.filter(region__path__in=ancestor_paths(region))
        .select_related("region", "actor", "emergency")
        .order_by("-at", "-pk")[:limit]
    )


def open_areas(emergency: Emergency) -> list[EmergencyArea]:
    return list(
        EmergencyArea.objects.filter(emergency=emergency, ended_at__isnull=True)
        .prefetch_related("townships", "enterprises")
        .order_by("kind", "name", "pk")
    )


def areas_of(enterprise: Enterprise, emergencies: list[Emergency]) -> dict[int, EmergencyArea]:
    """``area_of`` for several emergencies in one query: {emergency id: the strictest open area}."""
    found: dict[int, EmergencyArea] = {}
    areas = (
        EmergencyArea.objects.filter(emergency__in=emergencies, ended_at__isnull=True)
        .filter(Q(enterprises=enterprise) | Q(townships=enterprise.region_id))
        .order_by("kind", "pk")
        .distinct()
    )
    for area in areas:
        found.setdefault(area.emergency_id, area)
    return found


def area_of(enterprise: Enterprise, emergency: Emergency | None) -> EmergencyArea | None:
    """The open area of ``emergency`` naming the enterprise or its township (the strictest kind first)."""
    if emergency is None:
        return None
    return (
        EmergencyArea.objects.filter(emergency=emergency, ended_at__isnull=True)
        .filter(Q(enterprises=enterprise) | Q(townships=enterprise.region_id))
        .order_by("kind")
        .first()
    )


@dataclass(frozen=True)
class JointOffice:
    """联合办公 (000#一.3): the two HQ offices of the region during its emergency."""

    economic: list[Unit]
    epidemic: list[Unit]


def joint_office(region: Region) -> JointOffice:
    from sibao.accounts.models import User

    economic = list(Unit.objects.filter(region=region, kind=UnitKind.HQ_OFFICE, is_active=True).order_by("name"))
    # The epidemic HQ office has no unit kind of its own: it is the unit of the region's epidemic HQ office
    # accounts, or a unit named so in the roster (e.g. 方城县疫情防控指挥部办公室).
    epidemic_ids = User.objects.filter(role=Role.EPIDEMIC_HQ_OFFICE, region=region, unit__isnull=False).values(
        "unit_id"
    )
    epidemic = list(
        Unit.objects.filter(region=region, is_active=True)
        .filter(Q(pk__in=epidemic_ids) | Q(name__endswith="疫情防控指挥部办公室"))
        .order_by("name")
    )
    return JointOffice(economic=economic, epidemic=epidemic)


# --- closed-loop modes and the switch preview (EM-2, EM-3) ---------------------------------------------------


def target_modes(region: Region) -> dict[str, str]:
    """EM-3: the mode each sector goes to in an emergency of ``region`` (its own parameter values)."""
    return {sector: str(parameter_value(EMERGENCY_MODE_BY_SECTOR[sector], region)) for sector in Sector.values}


def target_mode(current: str, required: str) -> str:
    """An emergency never loosens what a firm chose itself: the stricter of its own mode and the sector's."""
    return current if CLOSED_LOOP_STRICTNESS[current] >= CLOSED_LOOP_STRICTNESS[required] else required


def held_q(prefix: str = "") -> Q:
    """Enterprises held now by an open emergency (their mode is the emergency's)."""
    return Q(
        Exists(
            EmergencyHold.objects.filter(
                enterprise_id=OuterRef(f"{prefix}pk" if prefix else "pk"), released_at__isnull=True
            )
        )
    )


def switchable_enterprises(region: Region) -> QuerySet[Enterprise]:
    """The whitelist enterprises of the subtree that a switch of ``region`` takes (not held by another)."""
    return Enterprise.objects.filter(region__path__startswith=region.path).filter(whitelisted_q()).exclude(held_q())


@dataclass
class SectorLine:
    sector: str
    label: str
    mode: str
    mode_label: str
    enterprises: int = 0
    moving: int = 0
    already: int = 0


@dataclass
class Preview:
    """What a switch of the region will do, said before it is done (EM-2)."""

    region: Region
    enterprises: int
    employees: int
    to_full: int
    to_two_point: int
    already_closed: int  # already in the required mode or a stricter one: unchanged
    held_elsewhere: int  # whitelist firms of the subtree already held by the emergency of a region inside it
    without_bubble: int  # employees of firms going fully closed who have no management unit (EP-1)
    sectors: list[SectorLine] = field(default_factory=list)

    def as_counts(self) -> dict[str, int]:
        return {
            "enterprises": self.enterprises,
            "employees": self.employees,
            "to_full": self.to_full,
            "to_two_point": self.to_two_point,
            "already_closed": self.already_closed,
        }


def switch_preview(region: Region) -> Preview:
    """Counts by sector and current mode (one grouped query), employees (one aggregate), firms held by an
    emergency inside the region (one count)."""
    modes = target_modes(region)
    candidates = switchable_enterprises(region)
    lines = {
        sector: SectorLine(sector, str(label), modes[sector], str(ClosedLoopMode(modes[sector]).label))
        for sector, label in Sector.choices
    }
    to_full = to_two_point = already = 0
    for row in candidates.order_by().values("sector", "closed_loop_mode").annotate(n=Count("pk")):
        line = lines[row["sector"]]
        applied = target_mode(row["closed_loop_mode"], modes[row["sector"]])
        line.enterprises += row["n"]
        if applied == row["closed_loop_mode"]:
            already += row["n"]
            line.already += row["n"]
        else:
            line.moving += row["n"]
            if applied == ClosedLoopMode.FULL:
                to_full += row["n"]
            elif applied == ClosedLoopMode.TWO_POINT:
                to_two_point += row["n"]
    full_sectors = [sector for sector, mode in modes.items() if mode == ClosedLoopMode.FULL]
    people = Employee.objects.filter(is_active=True, enterprise__in=candidates.values("pk")).aggregate(
        employees=Count("pk"),
        without_bubble=Count(
            "pk",
            filter=(Q(enterprise__sector__in=full_sectors) | Q(enterprise__closed_loop_mode=ClosedLoopMode.FULL))
            & Q(management_unit=""),
        ),
    )
    held_elsewhere = (
        Enterprise.objects.filter(region__path__startswith=region.path).filter(whitelisted_q()).filter(held_q()).count()
    )
    return Preview(
        region=region,
        enterprises=sum(line.enterprises for line in lines.values()),
        employees=people["employees"],
        to_full=to_full,
        to_two_point=to_two_point,
        already_closed=already,
        held_elsewhere=held_elsewhere,
        without_bubble=people["without_bubble"],
        sectors=[line for line in lines.values() if line.enterprises],
    )


# --- readiness confirmations (EM-2) --------------------------------------------------------------------------


def holds_of(emergency: Emergency) -> QuerySet[EmergencyHold]:
    return EmergencyHold.objects.filter(emergency=emergency).select_related(
        "enterprise", "enterprise__region", "confirmed_by"
    )


def readiness_missing(emergency: Emergency) -> QuerySet[EmergencyHold]:
    """Held firms that have not confirmed readiness: the "who has not" list and its count."""
    return holds_of(emergency).filter(released_at__isnull=True, confirmed_at__isnull=True)


def confirmation_list(*, user: User, emergency: Emergency, missing_only: bool = False) -> QuerySet[EmergencyHold]:
    holds = (readiness_missing(emergency) if missing_only else holds_of(emergency)).filter(
        pk__in=EmergencyHold.objects.visible_to(user).values("pk")
    )
    return holds.order_by("confirmed_at", "enterprise__name", "pk")


def confirmation_counts(emergency: Emergency) -> dict[str, int]:
    row = EmergencyHold.objects.filter(emergency=emergency).aggregate(
        held=Count("pk", filter=Q(released_at__isnull=True)),
        confirmed=Count("pk", filter=Q(released_at__isnull=True, confirmed_at__isnull=False)),
    )
    return {"held": row["held"], "confirmed": row["confirmed"], "missing": row["held"] - row["confirmed"]}


def confirmation_counts_for(emergencies: Iterable[Emergency]) -> dict[int, dict[str, int]]:
    """``confirmation_counts`` of many emergencies in one grouped query (lists)."""
    counts = {e.pk: {"held": 0, "confirmed": 0, "missing": 0} for e in emergencies}
    rows = (
        EmergencyHold.objects.filter(emergency_id__in=list(counts), released_at__isnull=True)
        .values("emergency_id")
        .annotate(held=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)))
    )
    for row in rows:
        counts[row["emergency_id"]] = {
            "held": row["held"],
            "confirmed": row["confirmed"],
            "missing": row["held"] - row["confirmed"],
        }
    return counts


def hold_for(*, enterprise: Enterprise, emergency_id: int) -> EmergencyHold:
    """The enterprise's own hold in an emergency, else 404."""
    hold = (
        EmergencyHold.objects.filter(enterprise=enterprise, emergency_id=emergency_id)
        .select_related("emergency", "enterprise__region")
        .order_by("released_at", "-pk")
        .first()
    )
    if hold is None:
        raise Http404
    return hold


def missing_holds() -> QuerySet[EmergencyHold]:
    """Firms held by an open emergency that have not confirmed readiness (the partial index on
    (emergency, confirmed_at) keeps it cheap): the screen's count and the region-wide list below."""
    return EmergencyHold.objects.filter(
        released_at__isnull=True, confirmed_at__isnull=True, emergency__status__in=OPEN_STATUSES
    )


def missing_confirmations_in(region: Region, sector: str = "") -> int:
    holds = missing_holds().filter(enterprise__region__path__startswith=region.path)
    return (holds.filter(enterprise__sector=sector) if sector else holds).count()


def missing_confirmation_list(*, user: User, region_code: str = "", sector: str = "") -> QuerySet[EmergencyHold]:
    """Region-wide "who has not confirmed" over every open emergency, in the user's scope."""
    holds = missing_holds().filter(pk__in=EmergencyHold.objects.visible_to(user).values("pk"))
    holds = _region_filter(holds, region_code, "enterprise__region__path")
    if sector:
        holds = holds.filter(enterprise__sector=sector)
    return holds.select_related("enterprise", "enterprise__region", "emergency", "emergency__region").order_by(
        "emergency__readiness_due_at", "enterprise__name", "pk"
    )


@dataclass(frozen=True)
class Notice:
    """What an enterprise sees of an emergency that covers it (EM-2)."""

    emergency: Emergency
    hold: EmergencyHold | None
    area: EmergencyArea | None
    in_force: bool


def notices_for(enterprise: Enterprise, now: datetime | None = None) -> list[Notice]:
    """The open emergencies covering the enterprise, with its hold (mode, confirmation), newest first."""
    now = now or timezone.now()
    region = enterprise.region
    emergencies = list(
        Emergency.objects.open().filter(region__path__in=ancestor_paths(region)).select_related("region")
    )
    holds = {
        hold.emergency_id: hold
        for hold in EmergencyHold.objects.filter(enterprise=enterprise, emergency__in=emergencies)
        .held()
        .select_related("confirmed_by")
    }
    areas = areas_of(enterprise, emergencies) if emergencies else {}
    notices = [
        Notice(
            emergency=emergency,
            hold=holds.get(emergency.pk),
            area=areas.get(emergency.pk),
            in_force=emergency.effective_at <= now,
        )
        for emergency in emergencies
    ]
    return sorted(notices, key=lambda notice: notice.emergency.declared_at, reverse=True)


def past_holds(enterprise: Enterprise) -> QuerySet[EmergencyHold]:
    return (
        EmergencyHold.objects.filter(enterprise=enterprise, released_at__isnull=False)
        .select_related("emergency__region")
        .order_by("-held_at")
    )


# --- shutdowns (EM-4) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShutdownFilters:
    state: str = ""  # a state, "waiting", "in_force", "overdue" or "" (all)
    region_code: str = ""
    enterprise_id: int | None = None
    sector: str = ""


def shutdown_overdue_q(today: date) -> Q:
    """Approved, the last day passed, production not recorded as resumed (EM-4: tracked to reopening)."""
    return Q(state=ShutdownState.APPROVED, date_to__lt=today)


def shutdown_in_force_q(today: date) -> Q:
    """A shutdown takes effect only with both approvals, and only on its days."""
    return Q(state=ShutdownState.APPROVED, date_from__lte=today, date_to__gte=today)


def shutdown_is_in_force(shutdown: Shutdown, today: date) -> bool:
    """``shutdown_in_force_q`` for one loaded row (lists, no query)."""
    return shutdown.state == ShutdownState.APPROVED and shutdown.date_from <= today <= shutdown.date_to


def shutdown_is_overdue(shutdown: Shutdown, today: date) -> bool:
    """``shutdown_overdue_q`` for one loaded row."""
    return shutdown.state == ShutdownState.APPROVED and shutdown.date_to < today


def _region_filter(queryset: Any, region_code: str, lookup: str) -> Any:
    if not region_code:
        return queryset
    region = Region.objects.filter(code=region_code).first()
    return queryset.filter(**{f"{lookup}__startswith": region.path}) if region else queryset.none()


def shutdown_list(
    *, user: User, filters: ShutdownFilters | None = None, today: date | None = None
) -> QuerySet[Shutdown]:
    filters = filters or ShutdownFilters()
    today = today or timezone.localdate()
    shutdowns = Shutdown.objects.visible_to(user).select_related(
        "enterprise", "enterprise__region", "proposed_by", "incident"
    )
    if filters.state == "waiting":
        shutdowns = shutdowns.filter(state__in=WAITING_STATES)
    elif filters.state == "in_force":
        shutdowns = shutdowns.filter(shutdown_in_force_q(today))
    elif filters.state == "overdue":
        shutdowns = shutdowns.filter(shutdown_overdue_q(today))
    elif filters.state:
        shutdowns = shutdowns.filter(state=filters.state)
    if filters.enterprise_id is not None:
        shutdowns = shutdowns.filter(enterprise_id=filters.enterprise_id)
    shutdowns = _region_filter(shutdowns, filters.region_code, "enterprise__region__path")
    if filters.sector:
        shutdowns = shutdowns.filter(enterprise__sector=filters.sector)
    return shutdowns.order_by("date_from", "-pk")


def shutdown_queue(*, user: User) -> QuerySet[Shutdown]:
    """What waits for the user's own office: the economic HQ office decides those without its decision, the
    epidemic HQ office those without its own."""
    waiting = shutdown_list(user=user, filters=ShutdownFilters(state="waiting"))
    if user.role == Role.HQ_OFFICE:
        return waiting.filter(economic_decision="")
    if user.role == Role.EPIDEMIC_HQ_OFFICE:
        return waiting.filter(epidemic_decision="")
    return waiting


def shutdown_get(*, user: User, pk: int) -> Shutdown:
    shutdown: Shutdown = Shutdown.objects.select_related(
        "enterprise", "enterprise__region", "incident", "proposed_by", "economic_by", "epidemic_by", "reopened_by"
    ).get_visible(user, pk=pk)
    return shutdown


def shutdown_in_force(enterprise: Enterprise, today: date | None = None) -> Shutdown | None:
    """The approved shutdown covering today, if any (a shutdown takes effect only with both approvals)."""
    today = today or timezone.localdate()
    return Shutdown.objects.filter(shutdown_in_force_q(today), enterprise=enterprise).order_by("date_from").first()


def shutdowns_in_force_for(enterprise_ids: Iterable[int], today: date | None = None) -> dict[int, Shutdown]:
    """For a list: enterprise id → its shutdown in force (one query for the whole page)."""
    today = today or timezone.localdate()
    found: dict[int, Shutdown] = {}
    for shutdown in Shutdown.objects.filter(shutdown_in_force_q(today), enterprise_id__in=list(enterprise_ids)):
        found.setdefault(shutdown.enterprise_id, shutdown)
    return found


@dataclass(frozen=True)
class HaltFilters:
    region_code: str = ""
    sector: str = ""


def unapproved_halts(*, user: User, day: date, filters: HaltFilters | None = None) -> QuerySet[OperatingReport]:
    """EM-4 (000#七.3, 001#六.3 "不得以任何理由对企业实行限产、关停"; 003#四.4 确需限产停产的应逐级报请批准): the
    whitelisted enterprises whose operating report of ``day`` says production halted or reduced while no
    shutdown approved by both HQs is in force for them that day. Someone may have shut or limited them without
    the approval the seeds require, or they need help (raw materials, staff, logistics): the HQ office finds out
    which. Each row carries ``waiting_shutdown`` (a proposal waiting for the HQs: the halt ran ahead of it)."""
    filters = filters or HaltFilters()
    in_force = Shutdown.objects.filter(shutdown_in_force_q(day), enterprise=OuterRef("enterprise"))
    waiting = Shutdown.objects.filter(state__in=WAITING_STATES, enterprise=OuterRef("enterprise"))
    # An approved shutdown covers a halt and a reduction; an approved limit (限产) only a reduction.
    covered = Exists(in_force.filter(capacity_limit__isnull=True)) | (
        Q(status=ProductionStatus.REDUCED) & Exists(in_force.filter(capacity_limit__isnull=False))
    )
    reports = (
        OperatingReport.objects.visible_to(user)
        .filter(day=day, status__in=HALT_STATUSES)
        .filter(whitelisted_q("enterprise__"))
        .exclude(covered)
        .annotate(waiting_shutdown=Exists(waiting))
        .select_related("enterprise", "enterprise__region")
    )
    reports = _region_filter(reports, filters.region_code, "enterprise__region__path")
    if filters.sector:
        reports = reports.filter(enterprise__sector=filters.sector)
    return reports.order_by("status", "enterprise__name", "pk")  # halted before reduced


# --- inspections (EM-5) ---------------------------------------------------------------------------------------


ENTERPRISE_VISIBLE_INSPECTIONS = (InspectionState.APPROVED, InspectionState.RECORDED, InspectionState.DONE)


@dataclass(frozen=True)
class InspectionFilters:
    state: str = ""
    region_code: str = ""
    enterprise_id: int | None = None
    sector: str = ""


def inspection_list(*, user: User, filters: InspectionFilters | None = None) -> QuerySet[Inspection]:
    filters = filters or InspectionFilters()
    inspections = Inspection.objects.visible_to(user).select_related(
        "enterprise", "enterprise__region", "planned_by", "decided_by"
    )
    if getattr(user, "role", None) == Role.ENTERPRISE:
        # EM-5: the enterprise sees what it may expect — approved and exempt inspections, and those done.
        inspections = inspections.filter(state__in=ENTERPRISE_VISIBLE_INSPECTIONS)
    if filters.state:
        inspections = inspections.filter(state=filters.state)
    if filters.enterprise_id is not None:
        inspections = inspections.filter(enterprise_id=filters.enterprise_id)
    inspections = _region_filter(inspections, filters.region_code, "enterprise__region__path")
    if filters.sector:
        inspections = inspections.filter(enterprise__sector=filters.sector)
    return inspections.order_by("-planned_on", "pk")


def inspection_get(*, user: User, pk: int) -> Inspection:
    inspection: Inspection = Inspection.objects.select_related(
        "enterprise", "enterprise__region", "planned_by", "decided_by"
    ).get_visible(user, pk=pk)
    return inspection


def waiting_counts(region: Region, now: datetime | None = None, sector: str = "") -> dict[str, int]:
    """Cheap indexed counts for the command screen, three queries: the open emergencies concerning the region
    (``around_q``) and whether one is in force on its path, shutdowns waiting for a decision or past their last
    day, inspections waiting for approval (of one sector's firms, with ``sector``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    on_path = ancestor_paths(region)
    open_ones = list(Emergency.objects.open().filter(around_q(region)).values_list("region__path", "effective_at"))
    firms = Q(enterprise__region__path__startswith=region.path)
    if sector:
        firms &= Q(enterprise__sector=sector)
    shutdowns = Shutdown.objects.filter(firms).aggregate(
        waiting=Count("pk", filter=Q(state__in=WAITING_STATES)),
        overdue=Count("pk", filter=shutdown_overdue_q(today)),
    )
    return {
        "emergencies": len(open_ones),
        "in_emergency": int(any(path in on_path and effective_at <= now for path, effective_at in open_ones)),
        "shutdowns_waiting": shutdowns["waiting"],
        "shutdowns_overdue": shutdowns["overdue"],
        "inspections_waiting": Inspection.objects.filter(firms, state=InspectionState.PENDING).count(),
    }
