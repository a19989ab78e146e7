"""EP-9 / EM-4 on the "待我处理" workbench (issue 11 #4): incidents with a shutdown waiting for the HQ office's
decision, in scope — the incident list filtered the same way."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Capability, has_capability
from sibao.core.workbench import WorkItem
from sibao.incidents.selectors import IncidentFilters, ShutdownFilter, incident_list

SHUTDOWNS = WorkItem(
    key="incidents.shutdowns",
    label=_("Shutdowns to decide"),
    order=30,
    applies=lambda user: has_capability(user, Capability.SHUTDOWN_DECIDE),
    rows=lambda user: incident_list(user=user, filters=IncidentFilters(shutdown=ShutdownFilter.REQUESTED)),
    url=lambda user: f"{reverse('incidents:index')}?state=&shutdown={ShutdownFilter.REQUESTED}",
    icon="sign-stop",
)
