"""EP-9 endpoints (X-5): the same selectors and services as the pages, under the same scope (out of scope →
404). Refusals come back as ``{code, message, field}``: wrong state 409, not yours 403, bad input 400."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.emergency import services as emergency_services
from sibao.emergency.api import shutdown_out
from sibao.emergency.schemas import ShutdownOut
from sibao.enterprises.schemas import ErrorOut
from sibao.epidemic.models import Employee
from sibao.incidents import selectors, services
from sibao.incidents.models import Incident, IncidentContact
from sibao.incidents.schemas import (
    ActionIn,
    ContactIn,
    ContactOut,
    IncidentListOut,
    IncidentOut,
    IsolatedOut,
    ProposalOut,
    ReleaseIn,
    ReportIn,
    ShutdownIn,
)
from sibao.incidents.workflows import INCIDENT

router = Router(tags=["incidents"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ListFilters(Schema):
    state: str = ""
    enterprise: Id | None = None
    region: str = ""
    overdue: bool = False


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


def _list_row(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "enterprise": incident.enterprise,
        "employee": incident.employee,
        "trigger": incident.trigger,
        "state": incident.state,
        "reported_at": incident.reported_at,
        "retest_due_at": incident.retest_due_at,
        "retest_result": incident.retest_result,
        "deadline": selectors.deadline(incident),
    }


def _contact(contact: IncidentContact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "employee_id": contact.employee_id,
        "name": contact.name,
        "id_masked": contact.employee.id_masked if contact.employee else "",
        "kind": contact.kind,
        "source": contact.source,
        "venue_name": contact.venue_name,
        "contact_at": contact.contact_at,
        "isolated_at": contact.isolated_at,
        "released_at": contact.released_at,
    }


def _detail(incident: Incident, user: Any) -> dict[str, Any]:
    fields = (
        "note",
        "observation_place",
        "observation_where",
        "observed_at",
        "retest_sampled_at",
        "result_at",
        "trace_from",
        "quiet_period_until",
        "contacts_isolated_at",
        "disinfected_areas",
        "disinfected_on",
        "disinfection_note",
        "closed_at",
    )
    return {
        **_list_row(incident),
        **{name: getattr(incident, name) for name in fields},
        "rest_of_enterprise_producing": selectors.shutdown_in_force(incident) is None,
        "actions": [t.action for t in INCIDENT.available(incident, user)],
        "contacts": [_contact(c) for c in incident.contacts.select_related("employee").order_by("kind", "name", "pk")],
        "shutdowns": [shutdown_out(s, user) for s in incident.shutdowns.select_related("enterprise").order_by("-pk")],
        "history": [
            {
                "at": row["at"],
                "actor": str(row["actor"] or ""),
                "action": str(row["action"]),
                "from_state": str(row["from_state"]),
                "to_state": str(row["to_state"]),
                "reason": row["reason"],
            }
            for row in INCIDENT.history_rows(incident)
        ],
    }


def _incident(request: HttpRequest, incident_id: int) -> Incident:
    _require(request, Capability.EPIDEMIC_VIEW)
    return selectors.incident_get(user=request.user, pk=incident_id)


@router.get("", response={200: list[IncidentListOut], **ERRORS}, summary="Incidents in scope, open first")
@paginate(BoundedLimitOffset)
def list_incidents(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    _require(request, Capability.EPIDEMIC_VIEW)
    incidents = selectors.incident_list(
        user=request.user,
        filters=selectors.IncidentFilters(
            state=filters.state, enterprise_id=filters.enterprise, region_code=filters.region, overdue=filters.overdue
        ),
    )
    return [_list_row(incident) for incident in incidents]


@router.post("", response={201: IncidentOut, **ERRORS}, summary="Report a suspected or initial-positive person")
def report_incident(request: HttpRequest, payload: ReportIn) -> Any:
    _require(request, Capability.EPIDEMIC_REPORT)
    employee = Employee.objects.select_related("enterprise__region").get_visible(request.user, pk=payload.employee_id)
    incident = services.incident_report(
        actor=request.user, employee=employee, trigger=payload.trigger, note=payload.note
    )
    return Status(201, _detail(selectors.incident_get(user=request.user, pk=incident.pk), request.user))


@router.get(
    "/{int:incident_id}",
    response={200: IncidentOut, **ERRORS},
    summary="One incident with contacts, shutdowns, history",
)
def get_incident(request: HttpRequest, incident_id: int) -> Any:
    return _detail(_incident(request, incident_id), request.user)


@router.post(
    "/{int:incident_id}/actions/{action}",
    response={200: IncidentOut, **ERRORS},
    summary="Take a workflow action: observe, sample_retest, confirm, clear, isolate_contacts, disinfect, close, "
    "return_to_post",
)
def act(request: HttpRequest, incident_id: int, action: str, payload: ActionIn) -> Any:
    incident = _incident(request, incident_id)
    data = payload.dict()
    data["place"] = str(data.get("place") or "")
    services.incident_act(actor=request.user, incident=incident, action=action, data=data)
    return _detail(selectors.incident_get(user=request.user, pk=incident_id), request.user)


@router.get("/{int:incident_id}/contacts", response={200: list[ContactOut], **ERRORS}, summary="The contact list")
def list_contacts(request: HttpRequest, incident_id: int) -> Any:
    incident = _incident(request, incident_id)
    return [_contact(c) for c in incident.contacts.select_related("employee").order_by("kind", "name", "pk")]


@router.post(
    "/{int:incident_id}/contacts/propose",
    response={200: ProposalOut, **ERRORS},
    summary="Propose contacts from venue-code tracing",
)
def propose_contacts(request: HttpRequest, incident_id: int) -> Any:
    incident = _incident(request, incident_id)
    return services.contacts_propose(actor=request.user, incident=incident).__dict__


@router.post("/{int:incident_id}/contacts", response={201: ContactOut, **ERRORS}, summary="Add a contact")
def add_contact(request: HttpRequest, incident_id: int, payload: ContactIn) -> Any:
    incident = _incident(request, incident_id)
    employee = Employee.objects.filter(pk=payload.employee_id).first()
    if employee is None:
        raise ServiceError("incidents.contact.employee", _("This person is outside your area."), field="employee_id")
    contact = services.contact_add(
        actor=request.user, incident=incident, employee=employee, kind=payload.kind, venue_name=payload.venue_name
    )
    return Status(201, _contact(contact))


@router.delete(
    "/{int:incident_id}/contacts/{int:contact_id}", response={204: None, **ERRORS}, summary="Remove a proposed contact"
)
def remove_contact(request: HttpRequest, incident_id: int, contact_id: int) -> Any:
    incident = _incident(request, incident_id)
    contact = selectors.contact_get(user=request.user, incident=incident, pk=contact_id)
    services.contact_remove(actor=request.user, contact=contact)
    return Status(204, None)


@router.post(
    "/{int:incident_id}/contacts/isolate",
    response={200: IsolatedOut, **ERRORS},
    summary="Isolate the listed contacts now (yellow zone, temporary)",
)
def isolate_contacts(request: HttpRequest, incident_id: int) -> Any:
    incident = _incident(request, incident_id)
    return {"moved": services.contacts_isolate(actor=request.user, incident=incident)}


@router.post(
    "/{int:incident_id}/contacts/{int:contact_id}/release",
    response={200: ContactOut, **ERRORS},
    summary="Release one isolated contact",
)
def release_contact(request: HttpRequest, incident_id: int, contact_id: int, payload: ReleaseIn) -> Any:
    incident = _incident(request, incident_id)
    contact = selectors.contact_get(user=request.user, incident=incident, pk=contact_id)
    return _contact(services.contact_release(actor=request.user, contact=contact, reason=payload.reason))


@router.post(
    "/{int:incident_id}/shutdowns",
    response={201: ShutdownOut, **ERRORS},
    summary="Propose a shutdown linked to the incident; both HQ offices decide it under /api/emergency/shutdowns",
)
def request_shutdown(request: HttpRequest, incident_id: int, payload: ShutdownIn) -> Any:
    incident = _incident(request, incident_id)
    shutdown = emergency_services.shutdown_propose(
        actor=request.user,
        enterprise=incident.enterprise,
        incident=incident,
        cause="epidemic_case",
        date_from=payload.date_from,
        date_to=payload.date_to,
        scope=payload.scope,
        reason=payload.reason,
    )
    return Status(201, shutdown_out(shutdown, request.user))
