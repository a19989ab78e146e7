"""Policies and matches on the shared workflow mechanism (PO-1, PO-3).

A policy: draft → published → expired (a published policy is never edited in place: it expires, and a new
draft replaces it). A match: matched → pushed → seen → applied → approved → redeemed, or declined with a
reason from applied or approved. The enterprise acts on its own matches; a department or HQ office that has the
review capability and sees the enterprise decides and records the payment.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.policies.models import MatchState, PolicyMatch, PolicyState

P = PolicyState
M = MatchState


def manages(actor: User, policy: Any) -> bool:
    """A policy is managed by officials with the capability whose subtree holds its region."""
    if not has_capability(actor, Capability.POLICY_MANAGE):
        return False
    if actor.is_superuser or actor.role == Role.ADMINISTRATOR:
        return True
    return actor.region is not None and policy.region.path.startswith(actor.region.path)


def _manager(actor: User, policy: Any) -> str | None:
    return None if manages(actor, policy) else _("Only a department of the policy's region may do this.")


def is_claimant(actor: User, match: Any) -> bool:
    return getattr(actor, "role", None) == Role.ENTERPRISE and actor.enterprise_id == match.enterprise_id


def reviews(actor: User, match: Any) -> bool:
    if not has_capability(actor, Capability.POLICY_REVIEW):
        return False
    return PolicyMatch.objects.visible_to(actor).filter(pk=match.pk).exists()


def _claimant(actor: User, match: Any) -> str | None:
    return None if is_claimant(actor, match) else _("Only the enterprise itself may do this.")


def _reviewer(actor: User, match: Any) -> str | None:
    return None if reviews(actor, match) else _("Only a department responsible for this enterprise may decide.")


POLICY = Workflow(
    "policies.policy",
    PolicyState,
    [
        Transition("publish", frozenset({P.DRAFT}), P.PUBLISHED, gettext_lazy("Publish"), _manager),
        Transition("expire", frozenset({P.PUBLISHED}), P.EXPIRED, gettext_lazy("End the policy"), _manager),
    ],
)

MATCH = Workflow(
    "policies.match",
    MatchState,
    [
        Transition("push", frozenset({M.MATCHED}), M.PUSHED, gettext_lazy("Tell the enterprise")),
        Transition("see", frozenset({M.PUSHED}), M.SEEN, gettext_lazy("Seen"), _claimant),
        Transition("apply", frozenset({M.PUSHED, M.SEEN}), M.APPLIED, gettext_lazy("Apply"), _claimant),
        Transition("approve", frozenset({M.APPLIED}), M.APPROVED, gettext_lazy("Approve"), _reviewer),
        Transition("redeem", frozenset({M.APPROVED}), M.REDEEMED, gettext_lazy("Record the payment"), _reviewer),
        Transition(
            "decline",
            frozenset({M.APPLIED, M.APPROVED}),
            M.DECLINED,
            gettext_lazy("Decline"),
            _reviewer,
            needs_reason=True,
        ),
    ],
)
