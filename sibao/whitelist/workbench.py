"""The whitelist on the "待我处理" workbench (issue 11 #4): applications to check or decide (WL-4), approved ones to
publish in a batch (WL-5) and proposed removals to decide (WL-8). Each counts the rows of the list it links to."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workbench import WorkItem
from sibao.whitelist.models import ApplicationState, Removal, RemovalState
from sibao.whitelist.selectors import applications_for, awaiting_decision, awaiting_publication

TO_CHECK = WorkItem(
    key="whitelist.to_check",
    label=_("Applications to check first"),
    order=10,
    applies=lambda user: (
        getattr(user, "role", None) == Role.TOWNSHIP and has_capability(user, Capability.WHITELIST_REVIEW)
    ),
    rows=lambda user: applications_for(user).filter(state=ApplicationState.SUBMITTED),
    url=lambda user: f"{reverse('whitelist:applications')}?state={ApplicationState.SUBMITTED}",
    icon="clipboard-check",
)

TO_DECIDE = WorkItem(
    key="whitelist.to_decide",
    label=_("Applications awaiting a decision"),
    order=11,
    applies=lambda user: (
        getattr(user, "role", None) != Role.TOWNSHIP and has_capability(user, Capability.WHITELIST_REVIEW)
    ),
    rows=awaiting_decision,
    url=lambda user: f"{reverse('whitelist:applications')}?state=to_review",
    icon="clipboard-check",
)

TO_PUBLISH = WorkItem(
    key="whitelist.to_publish",
    label=_("Approved applications to publish"),
    order=12,
    applies=lambda user: has_capability(user, Capability.WHITELIST_PUBLISH),
    rows=awaiting_publication,
    url=lambda user: reverse("whitelist:batches"),
    icon="megaphone",
)

REMOVALS = WorkItem(
    key="whitelist.removals",
    label=_("Proposed removals to decide"),
    order=13,
    applies=lambda user: has_capability(user, Capability.WHITELIST_PUBLISH),
    rows=lambda user: Removal.objects.visible_to(user).filter(state=RemovalState.PROPOSED),
    url=lambda user: reverse("whitelist:removals"),
    icon="x-octagon",
)
