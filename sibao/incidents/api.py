"""EP-9 endpoints (X-5): the same selectors and services as the pages, under the same scope (out of scope →
404). Refusals come back as ``{code, message, field}``: wrong state 409, not yours 403, bad input 400."""

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id, Input, optional_text
from sibao.core.roles import Capability
from sibao.epidemic.models import Employee
from sibao.incidents import selectors, services
from sibao.incidents.models import Incident, IncidentContact, IncidentState, ShutdownRequest
from sibao.incidents.schemas import (
    ApproveIn,
    ContactIn,
    DisinfectIn,
    EndIn,
    IncidentContactOut,
    IncidentListOut,
    IncidentOut,
    IncidentReasonIn,
    IsolatedOut,
    ObserveIn,
    ProposalOut,
    RefuseIn,
    ReleaseIn,
    ReportIn,
    RetestIn,
    ShutdownIn,
    ShutdownOut,
)
from sibao.incidents.workflows import INCIDENT, SHUTDOWN

router = Router(tags=["incidents"])


class IncidentListQuery(Input):
    state: Literal["open"] | IncidentState | None = Field(None, description="open：未结案的全部")
    enterprise: Id | None = None
    region: str = optional_text(12, description="区划代码（含下级）")
    overdue: bool = False


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


def _shutdown(shutdown: ShutdownRequest, user: Any) -> dict[str, Any]:
    return {
        **{
            name: getattr(shutdown, name)
            for name in (
                "date_from",
                "date_to",
                "days",
                "scope",
                "reason",
                "state",
                "whitelisted",
                "consultation",
                "decision_reason",
                "decided_at",
                "ended_at",
                "incident_id",
            )
        },
        "id": shutdown.pk,
        "actions": [t.action for t in SHUTDOWN.available(shutdown, user)],
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
        "shutdowns": [_shutdown(s, user) for s in incident.shutdown_requests.order_by("-pk")],
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


def _incident(request: AuthenticatedRequest, incident_id: Id) -> Incident:
    require(request, Capability.EPIDEMIC_VIEW)
    return selectors.incident_get(user=request.user, pk=incident_id)


@router.get("", response=responses({200: list[IncidentListOut]}), summary="Incidents in scope, open first")
@paginate(BoundedLimitOffset)
def list_incidents(request: AuthenticatedRequest, filters: Query[IncidentListQuery]) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    incidents = selectors.incident_list(
        user=request.user,
        filters=selectors.IncidentFilters(
            state=filters.state or "",
            enterprise_id=filters.enterprise,
            region_code=filters.region,
            overdue=filters.overdue,
        ),
    )
    return [_list_row(incident) for incident in incidents]


@router.post("", response=responses({201: IncidentOut}), summary="Report a suspected or initial-positive person")
def report_incident(request: AuthenticatedRequest, payload: ReportIn) -> Any:
    require(request, Capability.EPIDEMIC_REPORT)
    employee = Employee.objects.select_related("enterprise__region").get_visible(request.user, pk=payload.employee_id)
    with refusals(conflict={"incidents.report.employee"}, fields={"employee": "employee_id"}):
        incident = services.incident_report(
            actor=request.user, employee=employee, trigger=payload.trigger, note=payload.note
        )
    return Status(201, _detail(selectors.incident_get(user=request.user, pk=incident.pk), request.user))


@router.get(
    "/{int:incident_id}",
    response=responses({200: IncidentOut}),
    summary="One incident with contacts, shutdowns, history",
)
def get_incident(request: AuthenticatedRequest, incident_id: Id) -> Any:
    return _detail(_incident(request, incident_id), request.user)


# One endpoint per workflow action, each with the body it reads (EP-9).
INCIDENT_ACTIONS: dict[str, tuple[type[Input], str]] = {
    "observe": (ObserveIn, "To a temporary observation point or dormitory (red zone)"),
    "sample_retest": (RetestIn, "The single-tube re-test sample is taken (the 6 h watch starts)"),
    "confirm": (IncidentReasonIn, "Re-test positive: confirmed case"),
    "clear": (IncidentReasonIn, "Re-test negative: excluded (the quiet period starts)"),
    "isolate_contacts": (IncidentReasonIn, "Isolate the listed contacts (yellow zone) and code them"),
    "disinfect": (DisinfectIn, "Record the terminal disinfection"),
    "close": (IncidentReasonIn, "Close the incident"),
    "return_to_post": (IncidentReasonIn, "Quiet period over: the person and the contacts go back to their posts"),
}


def _incident_action(action: str, body: type[Input], summary: str) -> None:
    def act(request: AuthenticatedRequest, incident_id: Id, payload: Any) -> Any:
        incident = _incident(request, incident_id)
        data = payload.dict()
        data["place"] = str(data.get("place") or "")
        services.incident_act(actor=request.user, incident=incident, action=action, data=data)
        return _detail(selectors.incident_get(user=request.user, pk=incident_id), request.user)

    act.__name__ = f"incident_{action}"
    act.__annotations__["payload"] = body  # ninja reads the body schema from the signature
    router.post(
        f"/{{int:incident_id}}/actions/{action}",
        response=responses({200: IncidentOut}),
        summary=summary,
        operation_id=f"sibao_incidents_api_act_{action}",
    )(act)


for _action, (_body, _summary) in INCIDENT_ACTIONS.items():
    _incident_action(_action, _body, _summary)


@router.get(
    "/{int:incident_id}/contacts", response=responses({200: list[IncidentContactOut]}), summary="The contact list"
)
def list_contacts(request: AuthenticatedRequest, incident_id: Id) -> Any:
    incident = _incident(request, incident_id)
    return [_contact(c) for c in incident.contacts.select_related("employee").order_by("kind", "name", "pk")]


@router.post(
    "/{int:incident_id}/contacts/propose",
    response=responses({200: ProposalOut}),
    summary="Propose contacts from venue-code tracing",
)
def propose_contacts(request: AuthenticatedRequest, incident_id: Id) -> Any:
    incident = _incident(request, incident_id)
    return services.contacts_propose(actor=request.user, incident=incident).__dict__


@router.post("/{int:incident_id}/contacts", response=responses({201: IncidentContactOut}), summary="Add a contact")
def add_contact(request: AuthenticatedRequest, incident_id: Id, payload: ContactIn) -> Any:
    incident = _incident(request, incident_id)
    employee = Employee.objects.filter(pk=payload.employee_id).first()
    if employee is None:
        raise NotFoundRefused("incidents.contact.employee", _("This person is outside your area."), field="employee_id")
    with refusals(
        not_found={"incidents.contact.employee"},
        conflict={"incidents.contact.duplicate"},
        fields={"employee": "employee_id"},
    ):
        contact = services.contact_add(
            actor=request.user, incident=incident, employee=employee, kind=payload.kind, venue_name=payload.venue_name
        )
    return Status(201, _contact(contact))


@router.delete(
    "/{int:incident_id}/contacts/{int:contact_id}", response=responses({204: None}), summary="Remove a proposed contact"
)
def remove_contact(request: AuthenticatedRequest, incident_id: Id, contact_id: Id) -> Any:
    incident = _incident(request, incident_id)
    contact = selectors.contact_get(user=request.user, incident=incident, pk=contact_id)
    services.contact_remove(actor=request.user, contact=contact)
    return Status(204, None)


@router.post(
    "/{int:incident_id}/contacts/isolate",
    response=responses({200: IsolatedOut}),
    summary="Isolate the listed contacts now (yellow zone, temporary)",
)
def isolate_contacts(request: AuthenticatedRequest, incident_id: Id) -> Any:
    incident = _incident(request, incident_id)
    return {"moved": services.contacts_isolate(actor=request.user, incident=incident)}


@router.post(
    "/{int:incident_id}/contacts/{int:contact_id}/release",
    response=responses({200: IncidentContactOut}),
    summary="Release one isolated contact",
)
def release_contact(request: AuthenticatedRequest, incident_id: Id, contact_id: Id, payload: ReleaseIn) -> Any:
    incident = _incident(request, incident_id)
    contact = selectors.contact_get(user=request.user, incident=incident, pk=contact_id)
    return _contact(services.contact_release(actor=request.user, contact=contact, reason=payload.reason))


@router.post(
    "/{int:incident_id}/shutdowns",
    response=responses({201: ShutdownOut}),
    summary="Ask for a shutdown linked to the incident (at most the region's maximum days, inclusive)",
)
def request_shutdown(request: AuthenticatedRequest, incident_id: Id, payload: ShutdownIn) -> Any:
    incident = _incident(request, incident_id)
    shutdown = services.shutdown_request(
        actor=request.user,
        incident=incident,
        date_from=payload.date_from,
        date_to=payload.date_to,
        scope=payload.scope,
        reason=payload.reason,
    )
    return Status(201, _shutdown(shutdown, request.user))


@router.get("/shutdowns/{int:shutdown_id}", response=responses({200: ShutdownOut}), summary="One shutdown request")
def get_shutdown(request: AuthenticatedRequest, shutdown_id: Id) -> Any:
    require(request, Capability.EPIDEMIC_VIEW)
    return _shutdown(selectors.shutdown_get(user=request.user, pk=shutdown_id), request.user)


SHUTDOWN_ACTIONS: dict[str, tuple[type[Input], str]] = {
    "approve": (ApproveIn, "The HQ office approves (a whitelist enterprise: name the provincial consultation)"),
    "refuse": (RefuseIn, "The HQ office refuses, with its reason"),
    "end": (EndIn, "Production resumed: the shutdown ends"),
}


def _shutdown_action(action: str, body: type[Input], summary: str) -> None:
    def act(request: AuthenticatedRequest, shutdown_id: Id, payload: Any) -> Any:
        require(request, Capability.EPIDEMIC_VIEW)
        shutdown = selectors.shutdown_get(user=request.user, pk=shutdown_id)
        if action == "end":
            done = services.shutdown_end(actor=request.user, shutdown=shutdown, reason=payload.reason)
        else:
            with refusals(conflict={"incidents.shutdown.consultation"}):
                done = services.shutdown_decide(
                    actor=request.user,
                    shutdown=shutdown,
                    action=action,
                    reason=payload.reason,
                    consultation=getattr(payload, "consultation", ""),
                )
        return _shutdown(done, request.user)

    act.__name__ = f"shutdown_{action}"
    act.__annotations__["payload"] = body  # ninja reads the body schema from the signature
    router.post(
        f"/shutdowns/{{int:shutdown_id}}/actions/{action}",
        response=responses({200: ShutdownOut}),
        summary=summary,
        operation_id=f"sibao_incidents_api_shutdown_{action}",
    )(act)


for _action, (_body, _summary) in SHUTDOWN_ACTIONS.items():
    _shutdown_action(_action, _body, _summary)
