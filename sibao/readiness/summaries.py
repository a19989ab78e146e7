"""Issue 10: the readiness summary (``ReadinessSummary``), one row per enterprise, computed in SQL.

Two statements, both set-based: the facts (staff — registered active employees, else the registry's count —,
last drill, readiness answers, the stock of each supply) are written with ``INSERT … SELECT``; then one
``UPDATE`` judges them with the parameters in force for each row's region (``parameter_expression``). The
judgements are those of ``selectors._checklist`` / ``_supply_status`` written as SQL, and a test holds the
two to the same answer (like ``core.rules``' ``evaluate`` and ``to_q``). Integer arithmetic keeps SQLite exact:
"rooms ≥ ⌈staff ÷ n⌉" is "rooms × n ≥ staff", and "stock < ⌈per employee × staff⌉" (stock whole, or in
hundredths for disinfectant) is "round(stock × 10^k) < (per employee × 10^k) × staff".

Freshness: the readiness services rewrite their enterprise's row in their own transaction (a stock report
shows at once); headcounts, enterprise data, parameters and the calendar reach the summary with the rebuild
every ``EVERY_MINUTES``, which the pages state ("数据更新于 …").
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Round
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from sibao.core.summaries import replace_from, upsert_from
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.parameters.registry import (
    EPIDEMIC_OBSERVATION_ROOM_STAFF,
    EPIDEMIC_SAMPLING_BOOTH_STAFF,
    READINESS_DRILL_INTERVAL_DAYS,
    SUPPLY_RESERVE_PARAMETERS,
)
from sibao.parameters.selectors import parameter_expression
from sibao.readiness.models import ReadinessSummary, SupplyItem

NAME = "readiness.enterprises"
EVERY_MINUTES = 10
_STOCK: DecimalField[Any, Any] = DecimalField(max_digits=12, decimal_places=2)


def _flag(condition: Any) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _facts() -> dict[str, Any]:
    active = Employee.objects.filter(enterprise_id=OuterRef("pk"), is_active=True)
    counted = active.order_by().values("enterprise_id").annotate(n=Count("pk")).values("n")
    stocks = {
        f"stock_{item}": Coalesce(
            Max("supply_stocks__quantity", filter=Q(supply_stocks__item=item)), Value(Decimal(0)), output_field=_STOCK
        )
        for item in SupplyItem.values
    }
    return {
        "enterprise_id": F("pk"),
        "region_id": F("region_id"),
        # ``selectors.headcount``: the registered active employees if any, else the registry's figure.
        "staff": Coalesce(
            NullIf(Subquery(counted, output_field=IntegerField()), Value(0)),
            F("employee_count"),
            output_field=IntegerField(),
        ),
        "staff_from_employees": Exists(active),
        # Stocks and drills by joins read with MAX, so joining both cannot double anything.
        "last_drill": Max("drills__held_on"),
        "observation_rooms": Coalesce(F("readiness__observation_rooms"), Value(0), output_field=IntegerField()),
        "has_sampling_booth": Coalesce(F("readiness__has_sampling_booth"), Value(False)),
        # Without a readiness row the joined columns are NULL: CASE makes that "failed", not NULL.
        "task_force": _flag(Q(readiness__leader_name__gt="", readiness__leader_post__gt="")),
        "emergency_plan": _flag(Q(readiness__plan_file__gt="")),
        "beds": F("dormitory_capacity"),
        "seats": F("canteen_capacity"),
        **stocks,
    }


def _write_facts(enterprises: QuerySet[Enterprise] | None) -> int:
    if enterprises is None:
        return replace_from(ReadinessSummary, Enterprise.objects.all(), _facts())
    return upsert_from(ReadinessSummary, enterprises, _facts(), key="enterprise")


def _true_when(condition: Any) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _short(item: str) -> Any:
    """The item is below its reserve, judged with each row's own per-employee parameter."""

    def build(per_employee: Any) -> Any:
        per = Decimal(per_employee)
        exponent = per.as_tuple().exponent
        places = max(2, -exponent) if isinstance(exponent, int) else 2
        scale = 10**places
        scaled_stock = Round(F(f"stock_{item}") * Value(scale))
        return ExpressionWrapper(
            LessThan(scaled_stock, F("staff") * Value(int(per * scale))), output_field=BooleanField()
        )

    return parameter_expression(SUPPLY_RESERVE_PARAMETERS[item], "region", build)


def _verdicts(today: date) -> dict[str, Any]:
    def cutoff(days: Any) -> Value:
        return Value(today - timedelta(days=int(days)))

    drill = Q(last_drill__isnull=False) & Q(
        last_drill__gte=parameter_expression(READINESS_DRILL_INTERVAL_DAYS, "region", cutoff)
    )
    rooms = parameter_expression(
        EPIDEMIC_OBSERVATION_ROOM_STAFF,
        "region",
        lambda per: GreaterThanOrEqual(F("observation_rooms") * Value(int(per)), F("staff")),
    )
    booth = Q(has_sampling_booth=True) | Q(
        parameter_expression(EPIDEMIC_SAMPLING_BOOTH_STAFF, "region", lambda n: LessThan(F("staff"), Value(int(n))))
    )
    living = Q(beds__gte=F("staff"), seats__gt=0)
    short_items = sum((_true_when(_short(item)) for item in SupplyItem.values), Value(0))
    # The six required items (the sampling booth is advisory).
    gaps = (
        _true_when(Q(task_force=False))
        + _true_when(Q(emergency_plan=False))
        + _true_when(~drill)
        + _true_when(~Q(rooms))
        + _true_when(~living)
        + _true_when(GreaterThanOrEqual(short_items, Value(1)))
    )
    return {
        "drill": ExpressionWrapper(drill, output_field=BooleanField()),
        "rooms": ExpressionWrapper(Q(rooms), output_field=BooleanField()),
        "sampling_booth": ExpressionWrapper(booth, output_field=BooleanField()),
        "living_facilities": ExpressionWrapper(living, output_field=BooleanField()),
        "short_items": short_items,
        "supplies": ExpressionWrapper(LessThan(short_items, Value(1)), output_field=BooleanField()),
        "gaps": gaps,
    }


def _judge(rows: QuerySet[ReadinessSummary], today: date) -> None:
    rows.update(**_verdicts(today))


def refresh(now: datetime | None = None) -> int:
    """The full rebuild (``core.summaries``, every ``EVERY_MINUTES``)."""
    today = timezone.localdate(now or timezone.now())
    written = _write_facts(None)
    _judge(ReadinessSummary.objects.all(), today)
    return written


def refresh_enterprises(enterprise_ids: Iterable[int], today: date | None = None) -> None:
    """Rewrite these enterprises' rows now (services call it inside their transaction)."""
    ids = list(enterprise_ids)
    _write_facts(Enterprise.objects.filter(pk__in=ids))
    _judge(ReadinessSummary.objects.filter(enterprise_id__in=ids), today or timezone.localdate())
