"""EM demo data (clearly made up), played through the services; idempotent.

- the epidemic HQ office accounts of the demo counties get their unit (通许县疫情防控指挥部办公室 …), so the
  joint office shows both HQs when a county switches;
- 新郑市 went through an emergency two weeks ago, switched back last week: its record, its enterprises' past
  confirmations and their duty-exemption records show it;
- 通许县 stays in normal state: ``make run``'s walk-through switches it (tongxu_hq, from its state page), the
  enterprises (tongxu_ent1 …) read the notice and confirm, and it switches back;
- 通许县: a work-safety shutdown waiting for both HQ offices (the incident demo adds one from a confirmed
  case), and planned inspections — one exempt (work safety), one waiting for approval, one approved.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.emergency import services
from sibao.emergency.models import Emergency, EmergencyHold, Inspection, InspectionKind, Shutdown
from sibao.organisation.models import Unit, UnitKind
from sibao.regions.models import Region
from sibao.whitelist.selectors import whitelisted_enterprises

COUNTIES = {"410222": "通许县", "410184": "新郑市"}


def _offices() -> int:
    linked = 0
    for code, name in COUNTIES.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        unit_name = f"{name}疫情防控指挥部办公室"
        for user in User.objects.filter(role=Role.EPIDEMIC_HQ_OFFICE, region=region, unit__isnull=True):
            unit, _created = Unit.objects.get_or_create(
                region=region,
                name=unit_name,
                defaults={"kind": UnitKind.DEPARTMENT, "function": "other", "short_name": "疫情防控指挥部办公室"},
            )
            User.objects.filter(pk=user.pk).update(unit=unit)
            linked += 1
    return linked


def _past_emergency() -> int:
    """新郑市: switched in 14 days ago, back 7 days ago (the record, past confirmations, duty records)."""
    region = Region.objects.filter(code="410184").first()
    hq = User.objects.filter(username="xinzheng_hq", is_active=True).first()
    if region is None or hq is None or Emergency.objects.filter(region=region).exists():
        return 0
    now = timezone.now()
    emergency = services.emergency_switch(
        actor=hq,
        region=region,
        reason="本市发现本土确诊病例，按省指挥部要求进入应急状态。",
        document_number="新防指〔2022〕12号",
        now=now - timedelta(days=14),
    )
    Emergency.objects.filter(pk=emergency.pk).update(
        effective_at=now - timedelta(days=14), declared_at=now - timedelta(days=14)
    )
    holds = EmergencyHold.objects.filter(emergency=emergency)
    holds.update(held_at=now - timedelta(days=14))
    holds.filter(enterprise__users__username="xinzheng_ent1").update(
        confirmed_at=now - timedelta(days=14) + timedelta(hours=3), staff_inside=120
    )
    emergency.refresh_from_db()
    services.emergency_switch_back(
        actor=hq,
        emergency=emergency,
        reason="连续7天无新增病例，恢复常态。",
        document_number="新防指〔2022〕19号",
        now=now - timedelta(days=7),
    )
    emergency.changes.filter(kind="switched_in").update(
        at=now - timedelta(days=14), effective_at=now - timedelta(days=14)
    )
    emergency.changes.filter(kind="switched_back").update(
        at=now - timedelta(days=7), effective_at=now - timedelta(days=7)
    )
    return 1


def _tongxu_approvals() -> tuple[int, int]:
    region = Region.objects.filter(code="410222").first()
    township = User.objects.filter(username="tongxu_township", is_active=True).first()
    industry = User.objects.filter(username="tongxu_industry", is_active=True).first()
    if region is None or township is None or industry is None:
        return 0, 0
    listed = list(
        whitelisted_enterprises()
        .filter(region__path__startswith=region.path, sector="industry")
        .select_related("region")
        .order_by("uscc")[:3]
    )
    if not listed:
        return 0, 0
    today = timezone.localdate()
    shutdowns = 0
    in_township = [e for e in listed if e.region.path.startswith(township.region.path)] if township.region else []
    if not Shutdown.objects.filter(enterprise__region__path__startswith=region.path, incident__isnull=True).exists():
        target = (in_township or listed)[-1]
        proposer = township if target in in_township else industry
        services.shutdown_propose(
            actor=proposer,
            enterprise=target,
            cause="work_safety",
            date_from=today + timedelta(days=1),
            date_to=today + timedelta(days=2),
            scope="3号生产线",
            reason="安全检查发现3号生产线压力容器超期未检，需停线检修。",
        )
        shutdowns += 1
    inspections = 0
    if not Inspection.objects.filter(enterprise__region__path__startswith=region.path).exists():
        plans = [
            (InspectionKind.WORK_SAFETY, "危险化学品储存安全检查", "通许县应急管理局", 2),
            (InspectionKind.PRODUCT_QUALITY, "产品质量监督抽查", "通许县市场监管局", 5),
            (InspectionKind.ENVIRONMENT, "排污许可执行情况检查", "通许县生态环境局", 7),
        ]
        for index, (kind, item, department, days) in enumerate(plans):
            inspection = services.inspection_plan(
                actor=industry,
                enterprise=listed[index % len(listed)],
                kind=kind,
                item=item,
                department=department,
                planned_on=today + timedelta(days=days),
            )
            inspections += 1
            if kind == InspectionKind.ENVIRONMENT:
                hq = User.objects.filter(username="tongxu_hq", is_active=True).first()
                if hq is not None:
                    services.inspection_act(
                        actor=hq, inspection=inspection, action="approve", reason="同意，请提前告知企业。"
                    )
    return shutdowns, inspections


def load_demo_emergency() -> dict[str, int]:
    with transaction.atomic():
        users = _offices()
        _past_emergency()
        shutdowns, inspections = _tongxu_approvals()
    waiting = Shutdown.objects.filter(state__in=["proposed", "economic_approved", "epidemic_approved"]).count()
    return {"users": users, "shutdowns": waiting if shutdowns or waiting else 0, "inspections": inspections}
