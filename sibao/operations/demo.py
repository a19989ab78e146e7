"""EN-3 demo data (clearly made up): 14 days of operating reports of every whitelisted demo firm — most in normal
production, a few in closed-loop or reduced production, one halted for two days, some filed late, a few with a
main problem — three firms still missing today, two missed past days (their warnings raised by the sweep, one
closed by its township with a note). Idempotent; skips what it cannot do without the demo firms or users."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.operations.models import Channel, OperatingReport, OperatingWarning, OperatingWarningStatus, ProductionStatus
from sibao.operations.services import missing_report_sweep, operating_report_file, operating_warning_close
from sibao.tickets.models import Category
from sibao.whitelist.selectors import whitelisted_q

DAYS = 14
MISSING_TODAY = 3
PROBLEMS = [
    (Category.RAW_MATERIALS, "外省钢材供应商因管控停发，原材料仅够维持5天生产，请协调运输通道。"),
    (Category.LABOUR, "外地返岗员工需隔离观察，一线操作工缺口约30人。"),
    (Category.LOGISTICS, "成品发往郑州的货车在高速口排队时间长，部分订单交付延迟。"),
    (Category.UTILITIES, "夜班用电负荷受限，希望在有序用电中得到优先保障。"),
]


def _filer(enterprise: Enterprise, officials: list[User]) -> User | None:
    own = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).first()
    return own or _official(enterprise, officials)


def _official(enterprise: Enterprise, officials: list[User]) -> User | None:
    """The HQ office nearest to the firm (it files for firms without an account of their own)."""
    path = enterprise.region.path
    inside = [user for user in officials if user.region is not None and path.startswith(user.region.path)]
    return max(inside, key=lambda user: len(user.region.path if user.region else ""), default=None)


def _values(rng: random.Random, enterprise: Enterprise, back: int, index: int) -> dict[str, Any]:
    total = max(enterprise.employee_count, 20)
    status = ProductionStatus.NORMAL
    if index % 7 == 3:
        status = ProductionStatus.CLOSED_LOOP
    elif index % 7 == 5 and back < 6:
        status = ProductionStatus.REDUCED
    elif index == 1 and back in (2, 3):
        status = ProductionStatus.HALTED
    share = {
        ProductionStatus.NORMAL: rng.uniform(0.85, 1.0),
        ProductionStatus.CLOSED_LOOP: rng.uniform(0.6, 0.8),
        ProductionStatus.REDUCED: rng.uniform(0.4, 0.6),
        ProductionStatus.HALTED: rng.uniform(0.0, 0.05),
    }[status]
    capacity = {
        ProductionStatus.NORMAL: rng.randint(78, 98),
        ProductionStatus.CLOSED_LOOP: rng.randint(60, 85),
        ProductionStatus.REDUCED: rng.randint(35, 60),
        ProductionStatus.HALTED: 0,
    }[status]
    day_of_month = (timezone.localdate() - timedelta(days=back)).day
    monthly = enterprise.output_value / 12 if enterprise.output_value else Decimal("300")
    category, problem = ("", "")
    if status != ProductionStatus.NORMAL and back % 3 == 0:
        category, problem = PROBLEMS[index % len(PROBLEMS)]
    return {
        "status": status,
        "staff_on_site": int(total * share),
        "staff_total": total,
        "capacity_percent": capacity,
        "raw_material_days": Decimal(rng.randint(30, 200)) / 10
        if status != ProductionStatus.HALTED
        else Decimal("2.0"),
        "finished_goods_days": Decimal(rng.randint(10, 120)) / 10,
        "output_month": (monthly * day_of_month / 30 * Decimal(capacity) / 100).quantize(Decimal("0.01")),
        "problem_category": category,
        "main_problem": problem,
    }


def load_demo_operations() -> dict[str, int]:
    counts = {"reports": 0, "days": DAYS, "missing": 0, "warnings": 0}
    enterprises = list(Enterprise.objects.filter(whitelisted_q()).select_related("region").order_by("uscc"))
    officials = list(User.objects.filter(role=Role.HQ_OFFICE, is_active=True).select_related("region"))
    if not enterprises or not officials:
        return counts
    today = timezone.localdate()
    now = timezone.now()
    missing_today = {e.pk for e in enterprises[-MISSING_TODAY:]}
    # Two firms missed one past day each: the sweep raises their warnings.
    skipped = {
        (enterprises[0].pk, today - timedelta(days=4)),
        (enterprises[2 % len(enterprises)].pk, today - timedelta(days=9)),
    }
    with transaction.atomic():
        for back in range(DAYS - 1, -1, -1):
            day = today - timedelta(days=back)
            for index, enterprise in enumerate(enterprises):
                if (back == 0 and enterprise.pk in missing_today) or (enterprise.pk, day) in skipped:
                    continue
                if OperatingReport.objects.filter(enterprise=enterprise, day=day).exists():
                    continue
                filer = _filer(enterprise, officials)
                if filer is None:
                    continue
                rng = random.Random(enterprise.pk * 1000 + back)
                # Filed during the morning; every ninth filing after the 17:00 deadline (late).
                minutes = 19 * 60 + rng.randint(0, 90) if (index + back) % 9 == 4 else 8 * 60 + rng.randint(0, 150)
                filed = timezone.make_aware(datetime.combine(day, time())) + timedelta(minutes=minutes)
                operating_report_file(
                    actor=filer,
                    enterprise=enterprise,
                    day=day,
                    values=_values(rng, enterprise, back, index),
                    channel=Channel.API if index % 5 == 2 else Channel.PAGE,
                    now=min(filed, now),
                )
                counts["reports"] += 1
        for back in range(DAYS - 1, 0, -1):
            counts["warnings"] += missing_report_sweep(today - timedelta(days=back), now)["raised"]
        first = (
            OperatingWarning.objects.filter(status=OperatingWarningStatus.OPEN, enterprise__in=enterprises)
            .select_related("enterprise", "enterprise__region")
            .order_by("day")
            .first()
        )
        closer = _official(first.enterprise, officials) if first is not None else None
        already = OperatingWarning.objects.filter(status=OperatingWarningStatus.CLOSED, lifted=False).exists()
        if first is not None and closer is not None and not already:
            operating_warning_close(
                actor=closer, warning=first, note="已电话联系企业：当日设备检修停工，次日已恢复填报。"
            )
    counts["missing"] = len(missing_today)
    return counts
