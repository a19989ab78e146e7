"""EP-7 reads: venue codes in scope and the coverage check (场所码全覆盖, 001 annex 2 #二.2)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from sibao.enterprises.models import Enterprise
from sibao.venues.models import ScanImport, TraceLog, Venue, VenueDeclaration, VenueKind


def venue_list(*, user: Any, enterprise_id: int | None = None, include_inactive: bool = True) -> QuerySet[Venue]:
    venues = Venue.objects.visible_to(user).select_related("enterprise")
    if enterprise_id is not None:
        venues = venues.filter(enterprise_id=enterprise_id)
    if not include_inactive:
        venues = venues.filter(is_active=True)
    return venues


def venue_get(*, user: Any, pk: int) -> Venue:
    venue: Venue = Venue.objects.select_related("enterprise__region").get_visible(user, pk=pk)
    return venue


def enterprise_get(*, user: Any, pk: int) -> Enterprise:
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(user, pk=pk)
    return enterprise


def scan_import_list(*, user: Any) -> QuerySet[ScanImport]:
    return ScanImport.objects.visible_to(user).select_related("created_by")


def scan_import_get(*, user: Any, pk: int) -> ScanImport:
    scan_import: ScanImport = ScanImport.objects.get_visible(user, pk=pk)
    return scan_import


def trace_log_list(*, user: Any) -> QuerySet[TraceLog]:
    return TraceLog.objects.visible_to(user).select_related("actor")


# --- Coverage -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # the VenueKind counted
    declared_field: str | None  # the VenueDeclaration count it is held against
    minimum: int = 0  # required even without a declaration


# 一门一码 (every entrance; at least one), 一车间一码, 一区一码 (production/operation/construction and living
# areas: dormitory, canteen), 一楼一码 / 一单元一码 (large parks), 一层一码, independent closed spaces.
RULES = (
    Rule("entrance", VenueKind.ENTRANCE, "entrances", minimum=1),
    Rule("workshop", VenueKind.WORKSHOP, "workshops"),
    Rule("production_area", VenueKind.PRODUCTION_AREA, "production_areas"),
    Rule("living_area", VenueKind.LIVING_AREA, None),
    Rule("canteen", VenueKind.CANTEEN, None),
    Rule("building", VenueKind.BUILDING, "buildings"),
    Rule("floor", VenueKind.FLOOR, "floors"),
    Rule("unit", VenueKind.UNIT, "units"),
    Rule("closed_space", VenueKind.CLOSED_SPACE, "closed_spaces"),
)


@dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    required: int
    actual: int
    passed: bool
    reason: str

    @property
    def applicable(self) -> bool:
        return self.required > 0


def _required(rule: Rule, enterprise: Enterprise, declaration: VenueDeclaration | None) -> int:
    if rule.code == "living_area":
        return 1 if enterprise.dormitory_capacity > 0 else 0
    if rule.code == "canteen":
        return 1 if enterprise.canteen_capacity > 0 else 0
    declared = getattr(declaration, rule.declared_field, 0) if declaration and rule.declared_field else 0
    return max(rule.minimum, int(declared))


def _reason(rule: Rule, required: int, actual: int) -> str:
    kind = VenueKind(rule.kind).label
    if required == 0:
        return _("Not required: none declared.")
    if actual >= required:
        return _("%(actual)s of %(required)s codes (%(kind)s).") % {
            "actual": actual,
            "required": required,
            "kind": kind,
        }
    if rule.code == "entrance" and actual == 0:
        return _("No entrance code: every entrance needs its own code.")
    if rule.code == "living_area":
        return _("The enterprise has dormitory beds but no code for its living area.")
    if rule.code == "canteen":
        return _("The enterprise has a canteen but no code for it.")
    return _("Only %(actual)s codes for %(required)s declared (%(kind)s).") % {
        "actual": actual,
        "required": required,
        "kind": kind,
    }


def evaluate(enterprise: Enterprise, declaration: VenueDeclaration | None, counts: dict[str, int]) -> list[RuleResult]:
    """Each seed rule with passed/failed and why; ``counts`` are active codes per kind."""
    results = []
    for rule in RULES:
        required = _required(rule, enterprise, declaration)
        actual = counts.get(rule.kind, 0)
        results.append(
            RuleResult(
                code=rule.code,
                label=str(VenueKind(rule.kind).label),
                required=required,
                actual=actual,
                passed=actual >= required,
                reason=_reason(rule, required, actual),
            )
        )
    return results


def coverage(enterprise: Enterprise) -> list[RuleResult]:
    """The coverage check of one enterprise against 001 annex 2 #二.2."""
    counts = dict(
        Venue.objects.filter(enterprise=enterprise, is_active=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    declaration = VenueDeclaration.objects.filter(enterprise=enterprise).first()
    return evaluate(enterprise, declaration, counts)


@dataclass(frozen=True)
class EnterpriseCoverage:
    enterprise: Enterprise
    results: list[RuleResult]

    @property
    def gaps(self) -> list[RuleResult]:
        return [result for result in self.results if not result.passed]


def _count(kind: str) -> Subquery:
    active = Venue.objects.filter(enterprise_id=OuterRef("pk"), kind=kind, is_active=True)
    return Subquery(active.order_by().values("enterprise_id").annotate(n=Count("pk")).values("n"))


def _gap_q() -> Q:
    """``evaluate``'s "some rule fails" written as SQL over ``coverage_rows``' annotations (issue 10: the region
    list filters and pages in the database); a test holds the two to the same answer."""
    condition = Q()
    for rule in RULES:
        actual = f"n_{rule.kind}"
        if rule.code == "living_area":
            condition |= Q(dormitory_capacity__gt=0, **{f"{actual}__lt": 1})
        elif rule.code == "canteen":
            condition |= Q(canteen_capacity__gt=0, **{f"{actual}__lt": 1})
        else:
            if rule.minimum:
                condition |= Q(**{f"{actual}__lt": rule.minimum})
            condition |= Q(**{f"{actual}__lt": F(f"declared_{rule.declared_field}")})
    return condition


def coverage_rows(*, user: Any, only_gaps: bool = True, region_code: str = "") -> QuerySet[Enterprise]:
    """Enterprises in scope (those with a gap unless ``only_gaps`` is false) with their active codes per kind
    (``n_<kind>``) and declared counts (``declared_<field>``), ordered for the region list. A queryset, so that
    a page of a province's 100,000 enterprises is read, not all of them (issue 10)."""
    annotations: dict[str, Any] = {f"n_{kind}": Coalesce(_count(kind), Value(0)) for kind in VenueKind.values}
    for rule in RULES:
        if rule.declared_field:
            annotations[f"declared_{rule.declared_field}"] = Coalesce(
                F(f"venue_declaration__{rule.declared_field}"), Value(0)
            )
    enterprises = (
        Enterprise.objects.visible_to(user)
        .select_related("region", "venue_declaration")
        .annotate(**annotations)
        .order_by("region__path", "name", "pk")
    )
    if region_code:
        enterprises = enterprises.filter(region__path__contains=f"{region_code}/")
    return enterprises.filter(_gap_q()) if only_gaps else enterprises


def coverage_of(enterprises: Iterable[Enterprise]) -> list[EnterpriseCoverage]:
    """The full check of the (annotated) enterprises of one page."""
    listing = []
    for enterprise in enterprises:
        counts = {kind: getattr(enterprise, f"n_{kind}") for kind in VenueKind.values}
        declaration = getattr(enterprise, "venue_declaration", None)
        listing.append(EnterpriseCoverage(enterprise, evaluate(enterprise, declaration, counts)))
    return listing


def coverage_list(*, user: Any, only_gaps: bool = True, region_code: str = "") -> list[EnterpriseCoverage]:
    """Every enterprise in scope with its coverage (small scopes and tests; pages use ``coverage_rows``)."""
    return coverage_of(coverage_rows(user=user, only_gaps=only_gaps, region_code=region_code))
