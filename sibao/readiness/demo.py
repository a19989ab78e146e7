"""Demo supplies and readiness (EP-10, EP-11) for the whitelisted enterprises of 通许县.

Played through the services with each enterprise's own demo user when it has one (else the platform
administrator), so the stock history, the audit log and the sentinel warnings are what a real run leaves.
Every enterprise gets a task force, an emergency plan, a recent drill, the observation rooms it needs and a
stock comfortably above its reserve — except, in name order:

* the first is short of masks and the second of antigen tests (SUPPLIES_SHORTFALL warnings);
* the third last drilled 120 days ago (more than the 90-day interval);
* the fourth has fewer observation rooms than its staff requires.

Idempotent: an enterprise that already has stock or a readiness record is left as it is.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.readiness import selectors, services
from sibao.readiness.models import Readiness, SupplyStock
from sibao.whitelist.demo import tiny_pdf
from sibao.whitelist.selectors import listing_status

COUNTY = "410222"  # 通许县
SHORT_OF = ("masks", "antigen_tests")  # enterprises 0 and 1
NO_RECENT_DRILL = 2
MISSING_ROOMS = 3
LEADER_NAMES = ("王志强", "李建华", "张红梅", "刘国庆", "陈晓东", "赵丽娟")
LEADER_POSTS = ("副总经理", "党支部书记", "行政副总", "生产副总")


def _actor(enterprise: Enterprise) -> User:
    own = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).order_by("pk").first()
    return own or User.objects.get(username="admin")


def _whitelisted_in_county() -> list[Enterprise]:
    candidates = Enterprise.objects.filter(region__path__contains=f"/{COUNTY}/").select_related("region")
    listed = [enterprise for enterprise in candidates if listing_status(enterprise).listed]
    return sorted(listed, key=lambda enterprise: (enterprise.name, enterprise.pk))


def load_demo_readiness() -> dict[str, int]:
    counts = {"enterprises": 0, "stock_reports": 0, "drills": 0, "short": 0}
    today = timezone.localdate()
    for index, enterprise in enumerate(_whitelisted_in_county()):
        if (
            SupplyStock.objects.filter(enterprise=enterprise).exists()
            or Readiness.objects.filter(enterprise=enterprise).exists()
        ):
            continue
        actor = _actor(enterprise)
        status = selectors.supply_status(enterprise)
        quantities: dict[str, Any] = {}
        for line in status.lines:
            # Half as much again as the reserve, so registering a few more employees keeps it sufficient.
            plenty = (line.reserve * Decimal("1.5")).to_integral_value() + 10
            quantities[line.item] = plenty
        if index < len(SHORT_OF):
            item = SHORT_OF[index]
            reserve = next(line.reserve for line in status.lines if line.item == item)
            quantities[item] = (reserve * Decimal("0.4")).to_integral_value()
            counts["short"] += 1
        written = services.stock_report(
            actor=actor, enterprise=enterprise, quantities=quantities, note="演示数据：月初库存盘点"
        )
        counts["stock_reports"] += len(written)

        report = selectors.readiness_report(enterprise)
        rooms = report.required_rooms
        if index == MISSING_ROOMS:
            rooms = max(rooms - 1, 0) if rooms > 1 else 0
        services.readiness_save(
            actor=actor,
            enterprise=enterprise,
            data={
                "leader_name": LEADER_NAMES[index % len(LEADER_NAMES)],
                "leader_post": LEADER_POSTS[index % len(LEADER_POSTS)],
                "members": "办公室主任、安全环保部长、人力资源部长、后勤主管、各车间主任",
                "observation_rooms": rooms,
                "has_sampling_booth": report.booth_encouraged and index % 2 == 0,
            },
        )
        services.plan_upload(
            actor=actor,
            enterprise=enterprise,
            upload=SimpleUploadedFile(
                "疫情防控应急处置预案.pdf",
                tiny_pdf("Emergency response plan", f"Enterprise {enterprise.pk}"),
                content_type="application/pdf",
            ),
            plan_date=today - timedelta(days=60 + index),
        )
        drill_days = (120, 210) if index == NO_RECENT_DRILL else (20 + index % 30, 110 + index % 30)
        for days in drill_days:
            services.drill_record(
                actor=actor,
                enterprise=enterprise,
                held_on=today - timedelta(days=days),
                note="演示数据：发现疑似症状人员转移至临时留观点、上报属地、全员核酸的全流程演练",
            )
            counts["drills"] += 1
        counts["enterprises"] += 1
    return counts
