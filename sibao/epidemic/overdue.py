"""EP-2: who is overdue for a nucleic-acid test, per enterprise and per region.

Reads the stored ``Employee.last_negative_test_at`` kept by the ingest, never the results table
(ARCHITECTURE: ~0.25 s for 5M people instead of 3–7 s for "latest test per person"). A positive result does
not reset the clock; never tested counts as overdue.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sibao.core.scope import region_subtree_q
from sibao.enterprises.models import ClosedLoopMode, Enterprise
from sibao.epidemic.models import MOBILE_POST_TYPES, Employee, OverdueTally
from sibao.parameters.registry import (
    EPIDEMIC_TEST_INTERVAL_CLOSED_LOOP_HOURS,
    EPIDEMIC_TEST_INTERVAL_HOURS,
    EPIDEMIC_TEST_INTERVAL_MOBILE_HOURS,
)
from sibao.parameters.selectors import parameter_q, parameter_value
from sibao.regions.models import Region

CADENCE_KEYS = (
    EPIDEMIC_TEST_INTERVAL_HOURS,
    EPIDEMIC_TEST_INTERVAL_MOBILE_HOURS,
    EPIDEMIC_TEST_INTERVAL_CLOSED_LOOP_HOURS,
)


@dataclass(frozen=True)
class Cadence:
    normal_hours: int
    mobile_hours: int
    daily_hours: int

    @classmethod
    def for_region(cls, region: Region | None) -> "Cadence":
        """The cadence in force for ``region`` (what a page states; lists judge each person by their own
        enterprise's region, see ``overdue_employees``)."""
        # EP-2, 001#annex2-二.1: 48 h; 24 h for mobile/contact posts; daily in closed loop or a quiet period.
        return cls(*(int(parameter_value(key, region)) for key in CADENCE_KEYS))


def overdue_condition(cadence: Cadence, now: datetime) -> Q:
    """Employees whose last negative test is older than their cadence, or who were never tested.

    The cadence is daily for everyone of an enterprise in closed-loop production and for a person in a
    quiet period; otherwise it follows the post type."""
    mobile = [str(post) for post in MOBILE_POST_TYPES]

    def stale(hours: int) -> Q:
        return Q(last_negative_test_at__isnull=True) | Q(last_negative_test_at__lt=now - timedelta(hours=hours))

    daily = ~Q(enterprise__closed_loop_mode=ClosedLoopMode.NONE) | Q(quiet_period_until__gt=now)
    return (
        (daily & stale(cadence.daily_hours))
        | (~daily & Q(post_type__in=mobile) & stale(cadence.mobile_hours))
        | (~daily & ~Q(post_type__in=mobile) & stale(cadence.normal_hours))
    )


def overdue_employees(now: datetime, employees: QuerySet[Employee] | None = None) -> QuerySet[Employee]:
    """The one EP-2 rule (issue 9 #3): the employed people of ``employees`` (default: everyone) overdue for a
    test at ``now``, each judged by the cadence in force for their own enterprise's region.

    The overdue list and the OVERDUE_TEST warnings both read this, so with a county override a city's list
    and its warnings count the same people."""
    people = Employee.objects.all() if employees is None else employees
    condition = parameter_q(
        CADENCE_KEYS,
        "enterprise__region",
        lambda hours: overdue_condition(Cadence(*(int(value) for value in hours)), now),
    )
    return people.filter(is_active=True).filter(condition)


def overdue_employee_list(
    *,
    user: Any,
    enterprise: Enterprise | None = None,
    region: Region | None = None,
    now: datetime | None = None,
) -> QuerySet[Employee]:
    """Employed people overdue for a test, within ``user``'s scope, narrowed to an enterprise or region."""
    employees = Employee.objects.visible_to(user)
    if enterprise is not None:
        employees = employees.filter(enterprise=enterprise)
    elif region is not None:
        employees = employees.filter(region_subtree_q(Employee, "enterprise__region__path", region.path))
    return overdue_employees(now or timezone.now(), employees).order_by("last_negative_test_at", "pk")


def overdue_counts_by_enterprise(
    *, user: Any, region: Region | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """``[{"enterprise_id", "enterprise__name", "overdue"}]`` in ``user``'s scope (narrowed to a region), most
    overdue first, as of the last pass of the ``epidemic.overdue`` summary (``epidemic.summaries``: built from
    ``overdue_employees``, so each figure is that enterprise's list as of the pass; issue 10)."""
    rows = OverdueTally.objects.visible_to(user)
    if region is not None:
        rows = rows.filter(region_subtree_q(OverdueTally, "enterprise__region__path", region.path))
    ordered = rows.order_by("-overdue", "enterprise__name", "enterprise_id").values(
        "enterprise_id", "enterprise__name", "overdue"
    )
    return list(ordered if limit is None else ordered[:limit])
