"""EP-1 reads: employees in the user's scope (``Employee.objects.visible_to``), never with full ID numbers."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee, TestImport, TestResult, Zone, ZoneMove
from sibao.regions.models import Region

# The enterprise filter is a <select>; beyond this many enterprises the search box finds them instead.
ENTERPRISE_CHOICES_LIMIT = 300


@dataclass(frozen=True)
class EmployeeFilters:
    query: str = ""  # the person's name or the enterprise's name / credit code
    enterprise_id: int | None = None
    region_code: str = ""
    post_type: str = ""
    zone: str = ""  # EP-8
    sector: str = ""  # the enterprise's (the command screen's sector filter)
    include_former: bool = False


def employee_list(*, user: Any, filters: EmployeeFilters | None = None) -> QuerySet[Employee]:
    filters = filters or EmployeeFilters()
    employees = Employee.objects.visible_to(user).select_related("enterprise", "enterprise__region")
    if not filters.include_former:
        employees = employees.filter(is_active=True)
    if filters.query:
        employees = employees.filter(
            Q(name__contains=filters.query)
            | Q(enterprise__name__contains=filters.query)
            | Q(enterprise__uscc=filters.query.upper())
        )
    if filters.enterprise_id:
        employees = employees.filter(enterprise_id=filters.enterprise_id)
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).only("path").first()
        employees = employees.filter(enterprise__region__path__startswith=region.path) if region else employees.none()
    if filters.post_type:
        employees = employees.filter(post_type=filters.post_type)
    if filters.zone:
        employees = employees.filter(zone=filters.zone)
    if filters.sector:
        employees = employees.filter(enterprise__sector=filters.sector)
    # Grouped by enterprise in the order of the (enterprise, id digest) index, by name within one (issue 10: sorting
    # a province's million people by their enterprise's name cost ~0.5 s a page; walking the index stops at a page).
    return employees.order_by("enterprise_id", "name", "pk")


def employee_get(*, user: Any, pk: int) -> Employee:
    """One employee in scope; 404 otherwise (X-3: existence does not leak)."""
    return Employee.objects.select_related("enterprise", "enterprise__region").get_visible(user, pk=pk)


def enterprises_for_employees(*, user: Any) -> QuerySet[Enterprise]:
    """Enterprises whose employees the user may register or import (its own, or those in its area)."""
    return Enterprise.objects.visible_to(user).order_by("name", "pk")


def enterprises_for_filter(*, user: Any) -> list[Enterprise]:
    """Enterprises in scope that have employees, for the list's filter (bounded), by name.

    Issue 10: the bound is taken in primary-key order (an index walk with an index probe for an employee each,
    stopping at the bound), then sorted by name: in name order a province's walk met ~17,000 enterprises without
    staff first (~0.25 s). Within the bound — a county's list — it is every such enterprise, as before."""
    with_staff = Employee.objects.filter(enterprise_id=OuterRef("pk"))
    first = (
        Enterprise.objects.visible_to(user)
        .filter(Exists(with_staff))
        .order_by("pk")
        .only("pk", "name")[:ENTERPRISE_CHOICES_LIMIT]
    )
    return sorted(first, key=lambda enterprise: (enterprise.name, enterprise.pk))


def test_import_list(*, user: Any) -> QuerySet[TestImport]:
    """Result files uploaded in the user's area, newest first."""
    return TestImport.objects.visible_to(user).select_related("created_by")


def test_import_get(*, user: Any, pk: int) -> TestImport:
    return TestImport.objects.visible_to(user).get_visible(user, pk=pk)


def test_results_of(*, employee: Employee, limit: int = 20) -> QuerySet[TestResult]:
    """A person's latest results (the primary key index, read backwards)."""
    return TestResult.objects.filter(id_digest=employee.id_digest).order_by("-sampled_at")[:limit]


def zone_moves_of(*, employee: Employee) -> QuerySet[ZoneMove]:
    return employee.zone_moves.select_related("moved_by").order_by("-moved_at", "-pk")


def zone_counts(*, user: Any, enterprise_id: int | None = None) -> dict[str, int]:
    """Employed people per zone (EP-8) in scope, optionally for one enterprise."""
    employees = Employee.objects.visible_to(user).filter(is_active=True)
    if enterprise_id:
        employees = employees.filter(enterprise_id=enterprise_id)
    counts = dict(employees.order_by().values_list("zone").annotate(total=Count("pk")))
    return {zone: counts.get(zone, 0) for zone in Zone.values}
