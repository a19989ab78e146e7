"""EM-4 / EM-5 on the "待我处理" workbench (issue 11 #4): the shutdowns waiting for the user's own office (the HQ
office and the epidemic HQ office each decide through their own), and the inspections waiting for the HQ
office's approval, the whitelist enterprises reporting a halt without an approved shutdown today — each the list
behind its link, filtered the same way."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Capability, has_capability
from sibao.core.workbench import WorkItem
from sibao.emergency.models import InspectionState
from sibao.emergency.selectors import InspectionFilters, inspection_list, shutdown_queue, unapproved_halts

SHUTDOWNS = WorkItem(
    key="emergency.shutdowns",
    label=_("Shutdowns to decide"),
    order=30,
    applies=lambda user: has_capability(user, Capability.SHUTDOWN_DECIDE),
    rows=lambda user: shutdown_queue(user=user),
    url=lambda user: f"{reverse('emergency:shutdowns')}?state=waiting&mine=1",
    icon="sign-stop",
)

INSPECTIONS = WorkItem(
    key="emergency.inspections",
    label=_("Inspections to approve"),
    order=31,
    applies=lambda user: has_capability(user, Capability.INSPECTION_DECIDE),
    rows=lambda user: inspection_list(user=user, filters=InspectionFilters(state=InspectionState.PENDING)),
    url=lambda user: f"{reverse('emergency:inspections')}?state={InspectionState.PENDING}",
    icon="clipboard2-check",
)

HALTS = WorkItem(
    key="emergency.halts",
    label=_("Halts without approval today"),
    order=32,
    applies=lambda user: has_capability(user, Capability.SHUTDOWN_DECIDE),
    rows=lambda user: unapproved_halts(user=user, day=timezone.localdate()),
    url=lambda user: reverse("emergency:unapproved_halts"),
    icon="exclamation-octagon",
)
