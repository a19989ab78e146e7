"""EP-6 on the "待我处理" workbench (issue 11 #4): open warnings nobody has taken yet, in scope."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Capability, has_capability
from sibao.core.workbench import WorkItem
from sibao.sentinel.models import WarningStatus
from sibao.sentinel.selectors import WarningFilters, warning_list

TO_TAKE = WorkItem(
    key="sentinel.to_take",
    label=_("Sentinel warnings to take"),
    order=40,
    applies=lambda user: has_capability(user, Capability.WARNING_HANDLE),
    rows=lambda user: warning_list(user=user, filters=WarningFilters(status=WarningStatus.OPEN)),
    url=lambda user: f"{reverse('sentinel:index')}?status={WarningStatus.OPEN}",
    icon="broadcast",
)
