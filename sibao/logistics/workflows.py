"""LG-1 on the shared workflow mechanism: a vehicle pass.

submitted → approved | returned | refused (the county logistics task force, 保物流畅通组; a reason for return
and refusal); returned → submitted (the company corrects and sends it again); approved → suspended (only the
platform, when the enterprises it serves leave the whitelist: ``pass_follow_removal``); approved | suspended →
revoked (the task force, with a reason). A suspended pass stays suspended when the enterprise is listed
again: the company applies anew.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.permissions import region_in_scope
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workflow import Transition, Workflow
from sibao.logistics.models import PassState

S = PassState


def is_logistics_group(actor: Any, enterprise: Any) -> bool:
    """The logistics task force of a region containing the applicant company (administrators too)."""
    if actor is None or not has_capability(actor, Capability.PASS_DECIDE):
        return False
    if getattr(actor, "role", None) == Role.ENTERPRISE:
        return False
    return region_in_scope(actor, enterprise.region)


def _group(actor: Any, obj: Any) -> str | None:
    if is_logistics_group(actor, obj.enterprise):
        return None
    return _("Only the logistics task force of the applicant's area may decide on a pass.")


def _applicant(actor: Any, obj: Any) -> str | None:
    if (
        actor is not None
        and has_capability(actor, Capability.PASS_APPLY)
        and getattr(actor, "enterprise_id", None) == obj.enterprise_id
    ):
        return None
    return _("Only the applicant company may send its application again.")


def _platform(actor: Any, obj: Any) -> str | None:
    if actor is None:
        return None
    return _("A pass is suspended by the platform when the enterprises it serves leave the whitelist.")


PASS = Workflow(
    "logistics.pass",
    PassState,
    [
        Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, gettext_lazy("Approve the pass"), _group),
        Transition("return", frozenset({S.SUBMITTED}), S.RETURNED, gettext_lazy("Return for correction"), _group, True),
        Transition("refuse", frozenset({S.SUBMITTED}), S.REFUSED, gettext_lazy("Refuse the pass"), _group, True),
        Transition("resubmit", frozenset({S.RETURNED}), S.SUBMITTED, gettext_lazy("Send again"), _applicant),
        Transition(
            "suspend",
            frozenset({S.APPROVED}),
            S.SUSPENDED,
            gettext_lazy("Suspended: the enterprises served left the whitelist"),
            _platform,
            True,
        ),
        Transition(
            "revoke",
            frozenset({S.APPROVED, S.SUSPENDED}),
            S.REVOKED,
            gettext_lazy("Revoke the pass"),
            _group,
            True,
        ),
    ],
)

# Actions a page or the API may ask for by name (the platform's own suspension is not one of them).
DECISIONS = ("approve", "return", "refuse", "revoke")
