"""EN-3 on the "待我处理" workbench: today's reports not filed, and missing-report warnings to follow up."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.workbench import WorkItem
from sibao.operations.models import OperatingWarningStatus
from sibao.operations.selectors import WarningFilters, missing_list, warning_list


def _missing_today(user: User) -> QuerySet[Any]:
    return missing_list(user=user, day=timezone.localdate())


NOT_REPORTED_TODAY = WorkItem(
    key="operations.not_reported",
    label=_("Operating reports not filed today"),
    order=60,
    # The enterprise itself and those who follow its reports up (township, sector department, HQ office).
    applies=lambda user: has_capability(user, Capability.OPERATIONS_REPORT),
    rows=_missing_today,
    url=lambda user: reverse("operations:missing"),
    icon="clipboard-data",
    help=_("Whitelisted enterprises report their operating status every day, even when nothing changed."),
)

WARNINGS_OPEN = WorkItem(
    key="operations.warnings",
    label=_("Missing operating reports to follow up"),
    order=61,
    applies=lambda user: (
        getattr(user, "role", None) != Role.ENTERPRISE and has_capability(user, Capability.OPERATIONS_REPORT)
    ),
    rows=lambda user: warning_list(user=user, filters=WarningFilters(status=OperatingWarningStatus.OPEN)),
    url=lambda user: f"{reverse('operations:warnings')}?status=open",
    icon="exclamation-triangle",
)
