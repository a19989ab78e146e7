"""Scoped reads of the policy domain (PO-1…PO-3): every page and endpoint reads through these."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sibao.accounts.models import User
from sibao.policies.models import STAGES, MatchRun, Policy, PolicyFunnel, PolicyMatch, PolicyState


def policy_list(*, user: User, state: str = "", category: str = "", reserve: bool | None = None) -> QuerySet[Policy]:
    policies = Policy.objects.visible_to(user).select_related("region", "unit__policy_consultant", "consultant")
    if state:
        policies = policies.filter(state=state)
    if category:
        policies = policies.filter(category=category)
    if reserve is not None:
        policies = policies.filter(reserve=reserve)
    return policies.order_by("state", "-published_at", "-pk")


def policy_get(*, user: User, pk: Any) -> Policy:
    return Policy.objects.select_related("region", "unit__policy_consultant", "consultant").get_visible(user, pk=pk)


def public_policies() -> QuerySet[Policy]:
    """DB-5: what anyone may read: the published policies with their consultants."""
    return (
        Policy.objects.filter(state=PolicyState.PUBLISHED)
        .select_related("region", "unit__policy_consultant", "consultant")
        .order_by("-published_at", "-pk")
    )


def match_list(
    *,
    user: User,
    policy: Policy | None = None,
    state: str = "",
    stage: str = "",
    region: str = "",
    sector: str = "",
) -> QuerySet[PolicyMatch]:
    matches = (
        PolicyMatch.objects.visible_to(user)
        .current()
        .select_related("policy", "enterprise__region")
        .order_by("-matched_at", "-pk")
    )
    if policy is not None:
        matches = matches.filter(policy=policy)
    if state:
        matches = matches.filter(state=state)
    if stage in STAGES:
        matches = matches.filter(state__in=STAGES[stage])
    if region:
        matches = matches.filter(Q(enterprise__region__path__startswith=region) | Q(enterprise__region__code=region))
    if sector:  # the command screen's sector view links here (DB-4)
        matches = matches.filter(enterprise__sector=sector)
    return matches


def match_get(*, user: User, pk: Any) -> PolicyMatch:
    return PolicyMatch.objects.select_related(
        "policy__region", "policy__unit__policy_consultant", "enterprise__region"
    ).get_visible(user, pk=pk)


def my_matches(*, user: User) -> QuerySet[PolicyMatch]:
    """我的政策: what the enterprise may claim now and what it has claimed."""
    return (
        PolicyMatch.objects.visible_to(user)
        .current()
        .select_related("policy__unit__policy_consultant", "policy__consultant")
        .order_by("state", "-matched_at")
    )


@dataclass(frozen=True)
class Funnel:
    matched: int = 0
    pushed: int = 0
    seen: int = 0
    applied: int = 0
    approved: int = 0
    redeemed: int = 0
    declined: int = 0
    estimated_amount: Decimal = Decimal("0")
    redeemed_amount: Decimal = Decimal("0")

    @property
    def rate(self) -> Decimal | None:
        """应享尽享: the share of matched enterprises that have received the benefit, in %."""
        if not self.matched:
            return None
        return (Decimal(100) * self.redeemed / self.matched).quantize(Decimal("0.1"))

    def stages(self) -> list[tuple[str, int]]:
        return [(name, getattr(self, name)) for name in STAGES]


def funnel_counts(matches: QuerySet[PolicyMatch]) -> Funnel:
    """The funnel of a set of (current) matches, live: one aggregate query."""
    figures = matches.aggregate(
        **{name: Count("pk", filter=Q(state__in=states)) for name, states in STAGES.items()},
        estimated_amount=Sum("estimated_amount"),
        redeemed_amount=Sum("redeemed_amount"),
    )
    return Funnel(
        **{name: figures[name] or 0 for name in STAGES},
        estimated_amount=figures["estimated_amount"] or Decimal("0"),
        redeemed_amount=figures["redeemed_amount"] or Decimal("0"),
    )


def funnel_summary(*, region_path: str, sector: str = "", policy_id: int | None = None) -> Funnel:
    """The funnel from the maintained summary (``policies.funnel``): the command screen and big pages."""
    rows = PolicyFunnel.objects.filter(region_path__startswith=region_path)
    if sector:
        rows = rows.filter(sector=sector)
    if policy_id is not None:
        rows = rows.filter(policy_id=policy_id)
    names = [*STAGES, "estimated_amount", "redeemed_amount"]
    figures = rows.aggregate(**{name: Sum(name) for name in names})
    values: dict[str, Any] = {name: figures[name] or (Decimal("0") if "amount" in name else 0) for name in names}
    return Funnel(**values)


def funnel_by_policy(*, user: User, region_path: str) -> list[tuple[Policy, Funnel]]:
    """Per policy visible to the user, the funnel of the enterprises in ``region_path`` (from the summary)."""
    rows = (
        PolicyFunnel.objects.filter(region_path__startswith=region_path)
        .values("policy_id")
        .annotate(**{name: Sum(name) for name in [*STAGES, "estimated_amount", "redeemed_amount"]})
    )
    by_policy: dict[int, Funnel] = {row.pop("policy_id"): Funnel(**row) for row in rows}  # type: ignore[arg-type]
    policies = Policy.objects.visible_to(user).filter(pk__in=by_policy).select_related("region")
    return sorted(((policy, by_policy[policy.pk]) for policy in policies), key=lambda item: -item[1].matched)


def latest_run(policy: Policy) -> MatchRun | None:
    return MatchRun.objects.filter(policy=policy).order_by("-pk").first()
