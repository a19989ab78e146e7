"""RQ-2: which unit a request goes to by default, and its deadlines. Rules are data (``RoutingRule``);
without one, the category's usual department (OR-4) and the parameter deadlines apply."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sibao.core.roles import Role
from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.parameters.registry import TICKET_HANDLE_DAYS, TICKET_RESPONSE_HOURS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region
from sibao.tickets.models import Category, RoutingRule, Ticket, Urgency

# The department that usually answers each category (OR-4 and the departments' duties in 001 annex 3).
DEFAULT_DEPARTMENT: dict[str, str] = {
    Category.RAW_MATERIALS: DepartmentFunction.INDUSTRY_IT,
    Category.LABOUR: DepartmentFunction.HUMAN_RESOURCES,
    Category.LOGISTICS: DepartmentFunction.TRANSPORT,
    Category.MARKET: DepartmentFunction.COMMERCE,
    Category.POLICY: DepartmentFunction.DEVELOPMENT_REFORM,
    Category.FINANCE: DepartmentFunction.FINANCIAL,
    Category.UTILITIES: DepartmentFunction.DEVELOPMENT_REFORM,
    Category.EPIDEMIC: DepartmentFunction.HEALTH,
    Category.OTHER: DepartmentFunction.DEVELOPMENT_REFORM,
}


@dataclass(frozen=True)
class Routing:
    unit: Unit | None
    response: timedelta
    handling: timedelta
    rule: RoutingRule | None


def routing_for(ticket: Ticket, region: Region | None = None) -> Routing:
    """The default unit (in the holding region) and deadlines for ``ticket``; the nearest region's rule wins,
    an urgency-specific rule before a general one."""
    region = region or ticket.holder_region
    return _routing(ticket, region, *_rules_and_units([ticket], [region]))


def routings_for(tickets: Sequence[Ticket]) -> dict[int, Routing]:
    """``routing_for`` of many requests held in their own regions, in two queries whatever their number
    (the triage list, issue 9 #4)."""
    regions = {ticket.holder_region_id: ticket.holder_region for ticket in tickets}
    rules, units = _rules_and_units(tickets, list(regions.values()))
    return {ticket.pk: _routing(ticket, ticket.holder_region, rules, units) for ticket in tickets}


def _rules_and_units(tickets: Sequence[Ticket], regions: Sequence[Region]) -> tuple[list[RoutingRule], list[Unit]]:
    codes = {code for region in regions for code in region.ancestor_codes()}
    rules = list(
        RoutingRule.objects.filter(
            region__code__in=codes, category__in={ticket.category for ticket in tickets}, is_active=True
        ).select_related("region")
    )
    units = list(
        Unit.objects.filter(
            region__in=[region.pk for region in regions], kind=UnitKind.DEPARTMENT, is_active=True
        ).order_by("pk")
    )
    return rules, units


def _routing(ticket: Ticket, region: Region, rules: Sequence[RoutingRule], units: Sequence[Unit]) -> Routing:
    codes = region.ancestor_codes()
    depth = {code: index for index, code in enumerate(codes)}
    candidates = [
        rule
        for rule in rules
        if rule.region.code in depth and rule.category == ticket.category and rule.urgency in ("", ticket.urgency)
    ]
    candidates.sort(key=lambda rule: (depth[rule.region.code], bool(rule.urgency)))
    rule = candidates[-1] if candidates else None
    function = rule.department_function if rule else DEFAULT_DEPARTMENT.get(ticket.category, "")
    unit = next((unit for unit in units if unit.region_id == region.pk and unit.function == function), None)
    hours = rule.response_hours if rule and rule.response_hours else parameter_value(TICKET_RESPONSE_HOURS, region)
    days = (
        rule.handle_days if rule and rule.handle_days else parameter_value(TICKET_HANDLE_DAYS[ticket.urgency], region)
    )
    return Routing(unit=unit, response=timedelta(hours=hours), handling=timedelta(days=days), rule=rule)


# --- Reads for the routing-rules page and API (issue 9 #7) ---------------------------------------------------


def routing_rules_for(user: Any) -> QuerySet[RoutingRule]:
    """The rules an HQ office keeps: those of its region and the regions below (an administrator: all)."""
    rules = RoutingRule.objects.select_related("region").order_by("region__path", "category", "urgency", "pk")
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return rules
    if user.region_id is None:
        return rules.none()
    return rules.filter(region__path__startswith=user.region.path)


def routing_rules_above(user: Any) -> QuerySet[RoutingRule]:
    """Rules of the regions above the user's, which apply where its own region has none (read-only here)."""
    if user.region_id is None:
        return RoutingRule.objects.none()
    above = user.region.ancestor_codes()[:-1]
    return (
        RoutingRule.objects.filter(region__code__in=above, is_active=True)
        .select_related("region")
        .order_by("region__path", "category", "urgency")
    )


def routing_rule_get(*, user: Any, pk: int) -> RoutingRule:
    """A rule the user keeps, else 404 (another region's rules are out of scope)."""
    rule = routing_rules_for(user).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def effective_routing(region: Region) -> list[dict[str, Any]]:
    """What a normal-urgency request of each category held in ``region`` gets today: the department (and the
    unit it resolves to there), the deadlines, and the rule they come from (None: the built-in default)."""
    rows = []
    # One request of each category, routed from one read of the rules and units (was two queries per category).
    examples = [Ticket(category=value, urgency=Urgency.NORMAL, holder_region=region) for value in Category.values]
    rules, units = _rules_and_units(examples, [region])
    for example, (value, label) in zip(examples, Category.choices, strict=True):
        routing = _routing(example, region, rules, units)
        function = routing.rule.department_function if routing.rule else DEFAULT_DEPARTMENT.get(value, "")
        rows.append(
            {
                "category": label,
                "department": DepartmentFunction(function).label if function in DepartmentFunction.values else "",
                "unit": routing.unit,
                "response_hours": int(routing.response.total_seconds() // 3600),
                "handle_days": routing.handling.days,
                "rule": routing.rule,
            }
        )
    return rows


def routing_regions_for(user: Any) -> QuerySet[Region]:
    """Where the user's HQ office may set rules: its region and the cities and counties below it."""
    regions = Region.objects.active().filter(level__in=["province", "city", "county"]).order_by("path")
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return regions
    if user.region_id is None:
        return regions.none()
    return regions.filter(path__startswith=user.region.path)
