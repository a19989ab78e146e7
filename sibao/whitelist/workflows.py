"""The whitelist's two processes on the shared workflow mechanism: application review (WL-3/4) and removal (WL-8).

Guards say who may act on this very item; data scope (404) is applied before, by the selectors.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.core.workflow import Transition, Workflow
from sibao.parameters.registry import WHITELIST_TOWNSHIP_FIRST_CHECK
from sibao.parameters.selectors import parameter_value
from sibao.whitelist.models import Application, ApplicationState, Removal, RemovalState

S = ApplicationState


def township_check_required(application: Application) -> bool:
    return bool(parameter_value(WHITELIST_TOWNSHIP_FIRST_CHECK, application.enterprise.region))


def _own_enterprise(actor: User, application: Application) -> str | None:
    if getattr(actor, "role", None) == Role.ENTERPRISE and actor.enterprise_id == application.enterprise_id:
        return None
    return _("Only the applying enterprise may do this.")


def _township(actor: User, application: Application) -> str | None:
    if getattr(actor, "role", None) != Role.TOWNSHIP or actor.region is None:
        return _("Only the enterprise's township may do the first check.")
    if not actor.region.contains(application.enterprise.region):
        return _("Only the enterprise's township may do the first check.")
    if not township_check_required(application):
        return _("This region has no township first check.")
    return None


def reviewer_refusal(actor: User, application: Application) -> str | None:
    """分级保障: the sector department of the enterprise's service level (county, city or province)."""
    if getattr(actor, "role", None) != Role.SECTOR_DEPARTMENT or actor.region is None:
        return _("Only the sector department may decide on an application.")
    if actor.sector != application.sector:
        return _("Only the department of the enterprise's sector may decide.")
    region = actor.region
    if region.level != application.service_level or not region.contains(application.enterprise.region):
        return _("This application is reviewed at the %(level)s level.") % {
            "level": application.get_service_level_display()
        }
    if application.state == S.SUBMITTED and township_check_required(application):
        return _("The township has not done its first check yet.")
    return None


def _hq_office(actor: User, application: Application) -> str | None:
    if (
        getattr(actor, "role", None) == Role.HQ_OFFICE
        and actor.region is not None
        and actor.region.contains(application.enterprise.region)
    ):
        return None
    return _("Only the HQ office may publish a batch.")


APPLICATION = Workflow(
    "whitelist.application",
    ApplicationState,
    [
        Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, gettext_lazy("Submit"), _own_enterprise),
        Transition(
            "withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}),
            S.WITHDRAWN,
            gettext_lazy("Withdraw"),
            _own_enterprise,
        ),
        Transition(
            "township_pass",
            frozenset({S.SUBMITTED}),
            S.TOWNSHIP_CHECKED,
            gettext_lazy("Pass the first check"),
            _township,
        ),
        Transition(
            "township_return",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            gettext_lazy("Return for correction"),
            _township,
            needs_reason=True,
        ),
        Transition(
            "approve",
            frozenset({S.SUBMITTED, S.TOWNSHIP_CHECKED}),
            S.APPROVED,
            gettext_lazy("Approve"),
            reviewer_refusal,
        ),
        Transition(
            "reject",
            frozenset({S.SUBMITTED, S.TOWNSHIP_CHECKED}),
            S.REJECTED,
            gettext_lazy("Reject"),
            reviewer_refusal,
            needs_reason=True,
        ),
        Transition(
            "return",
            frozenset({S.SUBMITTED, S.TOWNSHIP_CHECKED}),
            S.RETURNED,
            gettext_lazy("Return for correction"),
            reviewer_refusal,
            needs_reason=True,
        ),
        Transition("publish", frozenset({S.APPROVED}), S.LISTED, gettext_lazy("Publish"), _hq_office),
    ],
)


def _confirming_hq(actor: User, removal: Removal) -> str | None:
    region = removal.listing.enterprise.region
    if getattr(actor, "role", None) == Role.HQ_OFFICE and actor.region is not None and actor.region.contains(region):
        return None
    return _("Only the HQ office decides on a removal.")


R = RemovalState
REMOVAL = Workflow(
    "whitelist.removal",
    RemovalState,
    [
        Transition(
            "confirm", frozenset({R.PROPOSED}), R.CONFIRMED, gettext_lazy("Remove from the whitelist"), _confirming_hq
        ),
        Transition(
            "decline", frozenset({R.PROPOSED}), R.DECLINED, gettext_lazy("Decline"), _confirming_hq, needs_reason=True
        ),
    ],
)
