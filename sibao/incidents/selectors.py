"""EP-9 reads in scope: incident lists (open first, the nearest re-test deadline first), details, the deadline
state shown on pages ("due in …" / "overdue by …") and whether a shutdown is in force."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.emergency.models import WAITING_STATES, Shutdown, ShutdownState
from sibao.epidemic.models import Employee
from sibao.incidents.models import AWAITING_RESULT, Incident, IncidentContact, IncidentState
from sibao.regions.models import Region


class ShutdownFilter:
    """EM-4 / EP-9 on the incident list and the command screen (DB-3): incidents with a shutdown in force today
    or one waiting for the HQ office — one condition each (``shutdown_q``), read by both."""

    IN_FORCE = "in_force"
    REQUESTED = "requested"


def shutdown_q(which: str, today: date | None = None) -> Q:
    today = today or timezone.localdate()
    # EM-4: shutdowns are the emergency app's (proposed, approved by both HQ offices, reopened).
    shutdowns = Shutdown.objects.filter(incident_id=OuterRef("pk"))
    if which == ShutdownFilter.IN_FORCE:
        shutdowns = shutdowns.filter(state=ShutdownState.APPROVED, date_from__lte=today, date_to__gte=today)
    else:
        shutdowns = shutdowns.filter(state__in=WAITING_STATES)
    return Q(Exists(shutdowns))


@dataclass(frozen=True)
class IncidentFilters:
    state: str = ""  # a state, "open" or "" (all)
    enterprise_id: int | None = None
    region_code: str = ""
    overdue: bool = False
    sector: str = ""  # the enterprise's
    shutdown: str = ""  # a ``ShutdownFilter``


def retest_overdue_q(now: datetime) -> Q:
    """EP-9: the re-test result is not in and its deadline has passed."""
    return Q(state__in=AWAITING_RESULT, retest_due_at__lt=now)


def incident_list(
    *, user: Any, filters: IncidentFilters | None = None, now: datetime | None = None
) -> QuerySet[Incident]:
    filters = filters or IncidentFilters()
    now = now or timezone.now()
    incidents = Incident.objects.visible_to(user).select_related("enterprise", "enterprise__region", "employee")
    if filters.state == "open":
        incidents = incidents.exclude(state=IncidentState.CLOSED)
    elif filters.state:
        incidents = incidents.filter(state=filters.state)
    if filters.enterprise_id is not None:
        incidents = incidents.filter(enterprise_id=filters.enterprise_id)
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        incidents = incidents.filter(enterprise__region__path__startswith=region.path) if region else incidents.none()
    if filters.overdue:
        incidents = incidents.filter(retest_overdue_q(now))
    if filters.sector:
        incidents = incidents.filter(enterprise__sector=filters.sector)
    if filters.shutdown in (ShutdownFilter.IN_FORCE, ShutdownFilter.REQUESTED):
        incidents = incidents.filter(shutdown_q(filters.shutdown, timezone.localdate(now)))
    return incidents.annotate(
        closed_last=Case(
            When(state=IncidentState.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        waiting_last=Case(
            When(state__in=AWAITING_RESULT, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("closed_last", "waiting_last", "retest_due_at", "-reported_at", "-pk")


def incident_get(*, user: Any, pk: int) -> Incident:
    incident: Incident = Incident.objects.select_related(
        "enterprise", "enterprise__region", "employee", "reported_by"
    ).get_visible(user, pk=pk)
    return incident


def contact_get(*, user: Any, incident: Incident, pk: int) -> IncidentContact:
    contact: IncidentContact = IncidentContact.objects.select_related(
        "incident__enterprise__region", "employee"
    ).get_visible(user, pk=pk, incident=incident)
    return contact


def employees_for_report(*, user: Any) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).filter(is_active=True).select_related("enterprise")


def _duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def deadline(incident: Incident, now: datetime | None = None) -> dict[str, str]:
    """The re-test clock for a page: state (overdue / running / met / late / ""), a label and a colour."""
    now = now or timezone.now()
    if incident.state in AWAITING_RESULT:
        if incident.retest_due_at < now:
            return {
                "state": "overdue",
                "label": _("Re-test overdue by %(time)s") % {"time": _duration(now - incident.retest_due_at)},
                "css": "text-bg-danger",
            }
        left = incident.retest_due_at - now
        return {
            "state": "running",
            "label": _("Re-test due in %(time)s") % {"time": _duration(left)},
            "css": "text-bg-warning" if left < timedelta(hours=2) else "text-bg-info",
        }
    if incident.result_at is not None:
        if incident.result_at <= incident.retest_due_at:
            return {"state": "met", "label": _("Re-test result in time"), "css": "text-bg-success"}
        return {
            "state": "late",
            "label": _("Re-test result %(time)s late")
            % {"time": _duration(incident.result_at - incident.retest_due_at)},
            "css": "text-bg-secondary",
        }
    return {"state": "", "label": "", "css": ""}


def shutdown_in_force(incident: Incident, today: date | None = None) -> Any:
    """The shutdown linked to the incident that both HQs approved and that covers today, if any (EM-4);
    otherwise the rest of the enterprise keeps producing."""
    from sibao.emergency.selectors import shutdown_in_force_q

    today = today or timezone.localdate()
    return incident.shutdowns.filter(shutdown_in_force_q(today)).order_by("date_from").first()
