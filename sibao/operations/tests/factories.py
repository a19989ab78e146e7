"""Helpers of the EN-3 tests: a day's values, and reports filed through the service."""

from datetime import date
from typing import Any

from django.utils import timezone

from sibao.operations.models import OperatingReport
from sibao.operations.services import operating_report_file


def values(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "status": "normal",
        "staff_on_site": 80,
        "staff_total": 100,
        "capacity_percent": 85,
        "raw_material_days": "12.5",
        "finished_goods_days": "3",
        "output_month": "1250.00",
        "problem_category": "",
        "main_problem": "",
    }
    base.update(overrides)
    return base


def filed(actor: Any, enterprise: Any, day: date | None = None, **overrides: Any) -> OperatingReport:
    return operating_report_file(
        actor=actor, enterprise=enterprise, day=day or timezone.localdate(), values=values(**overrides)
    )
