"""When the day's operating report is due (EN-3), in one place: the late flag of a filed report, the
"overdue" marks of the missing list, the sweep's warnings and the summary's overdue count all read it."""

from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sibao.core.scope import NOTHING
from sibao.parameters.registry import OPERATIONS_REPORT_DEADLINE_HOUR
from sibao.parameters.selectors import parameter_q, parameter_value
from sibao.regions.models import Region


def deadline_at(day: date, hour: Any) -> datetime:
    """The local moment ``hour`` o'clock of ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour=int(hour))))


def report_deadline(region: Region | None, day: date) -> datetime:
    """When the report of ``day`` is due for an enterprise of ``region`` (the region's own hour wins)."""
    return deadline_at(day, parameter_value(OPERATIONS_REPORT_DEADLINE_HOUR, region))


def is_late(region: Region | None, day: date, at: datetime) -> bool:
    return at > report_deadline(region, day)


def past_deadline_q(day: date, now: datetime, region_field: str = "region") -> Q:
    """Rows (enterprises, through ``region_field``) whose report of ``day`` was due before ``now``, each judged by
    the hour in force for its own region: one branch per region override, none per row."""
    return parameter_q(
        [OPERATIONS_REPORT_DEADLINE_HOUR],
        region_field,
        lambda values: Q() if now >= deadline_at(day, values[0]) else NOTHING,
    )
