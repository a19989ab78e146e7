"""EP-3 on the "待我处理" workbench (issue 11 #4): whitelisted enterprises without today's health report (the
enterprise itself, its township and the epidemic task force follow it up)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Role
from sibao.core.workbench import WorkItem
from sibao.health.selectors import enterprises_missing_report

FOLLOWING_UP = frozenset({Role.ENTERPRISE, Role.TOWNSHIP, Role.EPIDEMIC, Role.ADMINISTRATOR})

NOT_REPORTED_TODAY = WorkItem(
    key="health.not_reported",
    label=_("Health reports not filed today"),
    order=50,
    applies=lambda user: getattr(user, "role", None) in FOLLOWING_UP,
    rows=lambda user: enterprises_missing_report(user=user, day=timezone.localdate()),
    url=lambda user: reverse("health:index"),
    icon="heart-pulse",
)
