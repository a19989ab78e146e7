"""RQ-2: which unit a request goes to by default, and its deadlines. Rules are data (``RoutingRule``);
without one, the category's usual department (OR-4) and the parameter deadlines apply."""

from dataclasses import dataclass
from datetime import timedelta

from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.parameters.registry import TICKET_HANDLE_DAYS, TICKET_RESPONSE_HOURS
from sibao.parameters.selectors import parameter_value
from sibao.regions.models import Region
from sibao.tickets.models import Category, RoutingRule, Ticket

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
    codes = region.ancestor_codes()
    rules = list(
        RoutingRule.objects.filter(
            region__code__in=codes, category=ticket.category, urgency__in=["", ticket.urgency]
        ).select_related("region")
    )
    depth = {code: index for index, code in enumerate(codes)}
    rules.sort(key=lambda rule: (depth[rule.region.code], bool(rule.urgency)))
    rule = rules[-1] if rules else None
    function = rule.department_function if rule else DEFAULT_DEPARTMENT.get(ticket.category, "")
    unit = (
        Unit.objects.filter(region=region, kind=UnitKind.DEPARTMENT, function=function, is_active=True)
        .order_by("pk")
        .first()
    )
    hours = rule.response_hours if rule and rule.response_hours else parameter_value(TICKET_RESPONSE_HOURS, region)
    days = (
        rule.handle_days if rule and rule.handle_days else parameter_value(TICKET_HANDLE_DAYS[ticket.urgency], region)
    )
    return Routing(unit=unit, response=timedelta(hours=hours), handling=timedelta(days=days), rule=rule)
