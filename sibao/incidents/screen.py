"""Incidents and shutdowns on the command screen (DB-3 一览无余, EP-9, EM-4).

Counts come from the screen's maintained summary (``MEASURE``), by the enterprise's region and sector, with the
conditions of the incident list's filters (open, ``retest_overdue_q``, ``shutdown_q``), so each figure is the row
count of the list it links to.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.panels import Figure, Measure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.incidents.models import Incident, IncidentState
from sibao.incidents.selectors import IncidentFilters, ShutdownFilter, incident_list, retest_overdue_q, shutdown_q

OPEN = "incidents.open"
RETEST_OVERDUE = "incidents.retest_overdue"
SHUTDOWN_IN_FORCE = "incidents.shutdown_in_force"
SHUTDOWN_REQUESTED = "incidents.shutdown_requested"


def rows(now: datetime) -> Iterator[tuple[int, str, str, int]]:
    today = timezone.localdate(now)
    conditions = {
        OPEN: ~Q(state=IncidentState.CLOSED),
        RETEST_OVERDUE: retest_overdue_q(now),
        SHUTDOWN_IN_FORCE: ~Q(state=IncidentState.CLOSED) & shutdown_q(ShutdownFilter.IN_FORCE, today),
        SHUTDOWN_REQUESTED: ~Q(state=IncidentState.CLOSED) & shutdown_q(ShutdownFilter.REQUESTED, today),
    }
    for metric, condition in conditions.items():
        grouped = (
            Incident.objects.filter(condition)
            .order_by()
            .values_list("enterprise__region_id", "enterprise__sector")
            .annotate(n=Count("pk"))
        )
        for region_id, sector, count in grouped:
            yield region_id, sector, metric, count


MEASURE = Measure("incidents", rows)


def _url(base: dict[str, Any], **params: str) -> str:
    return f"{reverse('incidents:index')}?{urlencode({**base, 'state': 'open', **params})}"


def list_url(view: ScreenView, **params: str) -> str:
    return _url({"region": view.region.code, **({"sector": view.sector} if view.sector else {})}, **params)


def incident_figures(view: ScreenView) -> Sequence[Figure]:
    overdue = view.value(RETEST_OVERDUE)
    requested = view.value(SHUTDOWN_REQUESTED)
    return [
        Figure(_("Open incidents"), view.value(OPEN), url=list_url(view)),
        Figure(
            _("Re-test overdue"), overdue, url=list_url(view, overdue="on"), tone="danger" if overdue else "success"
        ),
        Figure(
            _("Shutdown in force today"),
            view.value(SHUTDOWN_IN_FORCE),
            url=list_url(view, shutdown=ShutdownFilter.IN_FORCE),
        ),
        Figure(
            _("Shutdown awaiting decision"),
            requested,
            url=list_url(view, shutdown=ShutdownFilter.REQUESTED),
            tone="warning" if requested else "",
        ),
    ]


def enterprise_figures(user: User, enterprise: Enterprise) -> Sequence[Figure]:
    count = incident_list(user=user, filters=IncidentFilters(state="open", enterprise_id=enterprise.pk)).count()
    return [Figure(_("Open incidents"), count, url=_url({"enterprise": enterprise.pk}), tone="danger" if count else "")]


INCIDENTS = Panel(
    "incidents.incidents",
    _("Incidents and shutdowns"),
    order=40,
    figures=incident_figures,
    capability=Capability.EPIDEMIC_VIEW,
    pillar="risk",
    enterprise_figures=enterprise_figures,
)
