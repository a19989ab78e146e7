"""Demo policies (PO-1…PO-5): the seeds' four policies published province-wide, figures for the demo
enterprises of 通许县 and 新郑市 (so that they already have matches, ``tongxu_ent1`` among them), a few
applications played to approval and payment so that the funnel shows something, two reserve policies of
通许县 in the toolbox, one of them linked to a common issue.

Idempotent: once the shipped policies exist, nothing is added."""

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.summaries import refresh
from sibao.enterprises.models import Enterprise
from sibao.policies.models import MatchState, Policy, PolicyMatch
from sibao.policies.services import (
    facts_save,
    match_apply,
    match_approve,
    match_redeem,
    match_refresh_policy,
    policy_create,
    policy_need_link,
    policy_publish,
)
from sibao.policies.shipped import SHIPPED, reserve_policies
from sibao.regions.models import Region
from sibao.tickets.models import CommonIssue

COUNTIES = ("410222", "410184")


def _figures(enterprise: Enterprise, index: int) -> dict[str, Any]:
    """Varied, reproducible figures: most are insured, a few laid off too many, some have booths, taxes to defer
    or logistics vehicles."""
    staff = max(enterprise.employee_count, 1)
    figures: dict[str, Any] = {
        "data_year": timezone.localdate().year - 1,
        "ui_insured": index % 5 != 4,
        "ui_contributions": Decimal(staff * 620 + index * 37),
        "layoff_rate": Decimal((index * 7) % 9),
    }
    if staff >= 1000 or index % 6 == 0:
        figures["booth_cost"] = Decimal(98000 + index * 1234)
    if index % 4 == 1:
        figures |= {
            "tax_hardship": True,
            "tax_deferral_amount": Decimal(150000 + index * 2500),
            "tax_deferral_months": 2 + index % 3,
        }
    if enterprise.sector in ("transport", "commerce") or index % 3 == 0:
        figures |= {"logistics_vehicles": 2 + index % 8, "monthly_toll": Decimal(6000 + index * 450)}
    return figures


def load_demo_policies() -> dict[str, int]:
    if Policy.objects.filter(source="001#annex1-六.2, 001#annex2-二.1").exists():
        return {"policies": 0, "reserve": 0, "matches": 0, "redeemed": 0}
    province_hq = User.objects.get(username="henan_hq")
    tongxu_hq = User.objects.get(username="tongxu_hq")
    province = Region.objects.get(code="410000")
    walk_through = User.objects.filter(username="tongxu_ent1").values_list("enterprise_id", flat=True).first()
    enterprises = list(
        Enterprise.objects.filter(Q(region__path__contains="/410222/") | Q(region__path__contains="/410184/")).order_by(
            "uscc"
        )
    )
    for index, enterprise in enumerate(enterprises):
        figures = _figures(enterprise, index)
        if enterprise.pk == walk_through:  # tongxu_ent1 may claim the refund and the deferral at least
            figures |= {
                "ui_insured": True,
                "layoff_rate": Decimal("1.5"),
                "ui_contributions": Decimal("86400"),
                "tax_hardship": True,
                "tax_deferral_amount": Decimal("240000"),
                "tax_deferral_months": 3,
            }
        facts_save(
            actor=tongxu_hq if "/410222/" in enterprise.region.path else province_hq,
            enterprise=enterprise,
            data=figures,
        )
    today, now = timezone.localdate(), timezone.now()
    published = []
    for build in SHIPPED:
        policy = policy_create(actor=province_hq, data={**build(), "region": province})
        policy = policy_publish(actor=province_hq, policy=policy)
        match_refresh_policy(policy, today=today, now=now)
        published.append(policy)
    reserve = [policy_create(actor=tongxu_hq, data=data) for data in reserve_policies()]
    issue = CommonIssue.objects.filter(region__code="410222").order_by("pk").first()
    if issue is not None:
        policy_need_link(actor=tongxu_hq, common_issue=issue, policy=reserve[0], note="企业反映闭环生产成本高")
    redeemed = _play(tongxu_hq, walk_through)
    refresh("policies.funnel")
    return {
        "policies": len(published),
        "reserve": len(reserve),
        "matches": PolicyMatch.objects.filter(eligible=True).count(),
        "redeemed": redeemed,
    }


def _play(reviewer: User, keep: int | None) -> int:
    """A few 通许县 enterprises apply; some are approved, some paid (tongxu_ent1's own are left to the walk-through)."""
    users = {user.enterprise_id: user for user in User.objects.filter(enterprise__isnull=False)}
    matches = (
        PolicyMatch.objects.filter(enterprise__region__path__contains="/410222/", state=MatchState.PUSHED)
        .exclude(enterprise_id=keep)
        .select_related("enterprise", "policy")
        .order_by("pk")[:12]
    )
    redeemed = 0
    for index, match in enumerate(matches):
        actor = users.get(match.enterprise_id) or _stand_in(match.enterprise)
        match = match_apply(actor=actor, match=match, note="按政策要求申报，材料已备齐。")
        if index % 3 == 2:
            continue
        match = match_approve(actor=reviewer, match=match)
        if index % 3 == 0 and match.approved_amount is not None:
            match_redeem(actor=reviewer, match=match, amount=match.approved_amount)
            redeemed += 1
    return redeemed


def _stand_in(enterprise: Enterprise) -> User:
    """The enterprise's demo contact (an account that cannot log in: no usable password)."""
    user, created = User.objects.get_or_create(
        username=f"demo_contact_{enterprise.pk}",
        defaults={"role": "enterprise", "enterprise": enterprise, "display_name": f"{enterprise.name}联系人"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
