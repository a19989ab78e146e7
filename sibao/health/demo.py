"""EP-3/EP-4/EP-5 demo data (clearly made up): two risk areas, a week of daily reports of the whitelisted
enterprises of 通许县 with two still missing today, and a few arrivals at the first of them — one expected,
one from the demo risk area (red code and isolation), one whose test is overdue — plus one unregistered gate
sighting (warning). Idempotent; skips what it cannot do when the demo enterprises or users are missing."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.protected import digest
from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.health.models import ArrivalKind, ArrivalRegistration, ArrivalSighting, DailyReport, RiskArea, RiskLevel
from sibao.health.services import (
    arrival_mark_arrived,
    arrival_register,
    arrival_sighted,
    daily_report_file,
    risk_area_create,
)
from sibao.regions.models import Region
from sibao.whitelist.selectors import whitelisted_q

DEMO_SOURCE = "演示数据（非真实风险区域）"
DEMO_COUNTY = "410222"  # 通许县
DEMO_HANDLER = "tongxu_epidemic"
REPORT_DAYS = 7
MISSING_TODAY = 2
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _number(body17: str) -> str:
    total = sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


# Made-up, valid ID numbers (never stored in clear: only their digests and masked forms are saved).
ARRIVALS = [
    # (name, number, kind, origin county, hours since arrival or None = expected)
    ("钱来访", _number("41012219880506002"), ArrivalKind.VISITOR, "410184", None),
    ("孙返岗", _number("41010319900715003"), ArrivalKind.RETURNEE, "410103", 3),
    ("李供货", _number("41102319870923004"), ArrivalKind.VISITOR, "410184", 30),
]
UNREGISTERED = ("周某", _number("41020419950208005"))


def _risk_areas(handler: User) -> int:
    today = timezone.localdate()
    specs = [
        # A 郑州 district, medium risk from five days ago, still in force.
        ("410103", "", RiskLevel.MEDIUM, today - timedelta(days=5), None),
        # A named static-management area in 中牟县 that ended last week.
        ("410122", "演示小区", RiskLevel.STATIC, today - timedelta(days=20), today - timedelta(days=8)),
    ]
    added = 0
    for code, name, level, start, end in specs:
        county = Region.objects.filter(code=code).first()
        if county is None or RiskArea.objects.filter(county=county, area_name=name, source=DEMO_SOURCE).exists():
            continue
        risk_area_create(
            actor=handler,
            data={
                "county": county,
                "area_name": name,
                "level": level,
                "valid_from": start,
                "valid_until": end,
                "source": DEMO_SOURCE,
            },
        )
        added += 1
    return added


def _filer(enterprise: Enterprise, handler: User) -> Any:
    return User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).first() or handler


def _reports(enterprises: list[Enterprise], handler: User) -> int:
    today = timezone.localdate()
    added = 0
    for back in range(REPORT_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        filing = enterprises[:-MISSING_TODAY] if back == 0 and len(enterprises) > MISSING_TODAY else enterprises
        for index, enterprise in enumerate(filing):
            if DailyReport.objects.filter(enterprise=enterprise, day=day).exists():
                continue
            symptoms: dict[int, list[str]] = {}
            if back == 1 and index == 0:  # yesterday one person with a fever and a cough
                ill = Employee.objects.filter(enterprise=enterprise, is_active=True).order_by("pk").first()
                if ill is not None:
                    symptoms[ill.pk] = ["fever", "cough"]
            staff = Employee.objects.filter(enterprise=enterprise, is_active=True).count() or enterprise.employee_count
            daily_report_file(
                actor=_filer(enterprise, handler),
                enterprise=enterprise,
                day=day,
                people_on_site=max(staff - (back % 3), 0),
                symptoms=symptoms,
                note="" if symptoms else "无异常（零报告）",
            )
            added += 1
    return added


def _arrivals(enterprise: Enterprise, handler: User) -> tuple[int, int]:
    filer = _filer(enterprise, handler)
    now = timezone.now()
    added = 0
    for name, number, kind, origin, hours in ARRIVALS:
        if ArrivalRegistration.objects.filter(enterprise=enterprise, id_digest=digest(number)).exists():
            continue
        county = Region.objects.filter(code=origin).first()
        if county is None:
            continue
        arrived: datetime | None = now - timedelta(hours=hours) if hours is not None else None
        registration = arrival_register(
            actor=filer,
            enterprise=enterprise,
            data={
                "kind": kind,
                "name": name,
                "id_number": number,
                "phone": "13800000000",
                "origin_county": county,
                "expected_date": timezone.localdate(arrived or now),
            },
        )
        if arrived is not None:
            arrival_mark_arrived(actor=filer, registration=registration, arrived_at=arrived)
        added += 1
    sighted = 0
    name, number = UNREGISTERED
    if not ArrivalSighting.objects.filter(enterprise=enterprise, id_digest=digest(number)).exists():
        arrival_sighted(
            actor=filer,
            enterprise=enterprise,
            id_number=number,
            name=name,
            seen_at=now - timedelta(hours=2),
            source="门岗查验",
        )
        sighted = 1
    return added, sighted


def load_demo_health() -> dict[str, int]:
    """``{"risk_areas", "reports", "arrivals", "sightings"}`` — what this run added."""
    counts = {"risk_areas": 0, "reports": 0, "arrivals": 0, "sightings": 0}
    handler = User.objects.filter(username=DEMO_HANDLER).first()
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    if handler is None or county is None:
        return counts
    with transaction.atomic():
        counts["risk_areas"] = _risk_areas(handler)
        enterprises = list(
            Enterprise.objects.filter(region__path__startswith=county.path).filter(whitelisted_q()).order_by("uscc")
        )
        if not enterprises:
            return counts
        counts["reports"] = _reports(enterprises, handler)
        counts["arrivals"], counts["sightings"] = _arrivals(enterprises[0], handler)
    return counts
