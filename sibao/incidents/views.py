"""EP-9 pages: incident list (open first, deadline colours), report form, detail with the workflow buttons,
contacts and shutdown requests. Thin: selectors read, services write; a refusal re-renders the detail page
with the reason and the refusal's status (409 wrong state, 403 not yours, 400 bad input)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.selectors import regions_for_filter
from sibao.incidents import selectors, services
from sibao.incidents.forms import (
    ACTION_FORMS,
    ContactAddForm,
    DecisionForm,
    FilterForm,
    ReportForm,
    ShutdownForm,
)
from sibao.incidents.models import CONTACT_EDIT_STATES, Incident, IncidentState, ShutdownState
from sibao.incidents.workflows import INCIDENT, SHUTDOWN, is_task_force

PAGE_SIZE = 50


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def incident_list(request: AuthenticatedRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, initial={"state": "open"})
    data = form.cleaned_data if form.is_valid() else {"state": "open"}
    if not request.GET:
        data = {"state": "open"}
    filters = selectors.IncidentFilters(
        state=data.get("state", ""),
        enterprise_id=data.get("enterprise"),
        region_code=data.get("region", ""),
        overdue=bool(data.get("overdue")),
    )
    now = timezone.now()
    page = Paginator(selectors.incident_list(user=request.user, filters=filters, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"incident": incident, "deadline": selectors.deadline(incident, now)} for incident in page]
    query = request.GET.copy()
    query.pop("page", None)
    is_enterprise = getattr(request.user, "enterprise_id", None) is not None
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query_string": query.urlencode(),
            "regions": [] if is_enterprise else regions_for_filter(user=request.user),
            "can_report": has_capability(request.user, Capability.EPIDEMIC_REPORT),
        },
    )


@login_required
@capability_required(Capability.EPIDEMIC_REPORT)
def incident_new(request: AuthenticatedRequest) -> HttpResponse:
    employees = selectors.employees_for_report(user=request.user)
    initial = {"employee": request.GET.get("employee")} if request.GET.get("employee") else None
    form = ReportForm(request.POST or None, employees=employees, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                incident = services.incident_report(
                    actor=request.user,
                    employee=form.cleaned_data["employee"],
                    trigger=form.cleaned_data["trigger"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
                status = refused.status
            else:
                messages.success(request, _("The incident was reported; the epidemic task force has been told."))
                return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/new.html", {"form": form}, status=status)


def _detail(
    request: AuthenticatedRequest,
    incident: Incident,
    *,
    error: ServiceError | None = None,
    forms_in: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    forms_in = forms_in or {}
    action_forms = [
        {
            "action": transition.action,
            "label": transition.label,
            "form": forms_in.get(transition.action) or ACTION_FORMS[transition.action](prefix=transition.action),
        }
        for transition in INCIDENT.available(incident, user)
    ]
    task_force = is_task_force(user, incident.enterprise)
    contacts = list(incident.contacts.select_related("employee").order_by("kind", "name", "pk"))
    shutdowns = [
        {
            "shutdown": shutdown,
            "actions": SHUTDOWN.available(shutdown, user),
            "form": forms_in.get(f"shutdown-{shutdown.pk}") or DecisionForm(prefix=f"shutdown-{shutdown.pk}"),
            "history": SHUTDOWN.history_rows(shutdown),
        }
        for shutdown in incident.shutdown_requests.select_related("requested_by", "decided_by").order_by("-pk")
    ]
    may_request_shutdown = incident.state not in (IncidentState.CLOSED, IncidentState.CLEARED) and (
        task_force
        or (
            getattr(user, "enterprise_id", None) == incident.enterprise_id
            and has_capability(user, Capability.EPIDEMIC_REPORT)
        )
    )
    can_edit_contacts = task_force and incident.state in CONTACT_EDIT_STATES
    context = {
        "incident": incident,
        "deadline": selectors.deadline(incident),
        "action_forms": action_forms,
        "history": INCIDENT.history_rows(incident),
        "contacts": contacts,
        "can_edit_contacts": can_edit_contacts,
        "can_trace": can_edit_contacts and has_capability(user, Capability.EPIDEMIC_TRACE),
        "can_release": task_force,
        "contact_form": forms_in.get("contact")
        or (
            ContactAddForm(employees=selectors.employees_for_report(user=user), prefix="contact")
            if can_edit_contacts
            else None
        ),
        "shutdowns": shutdowns,
        "shutdown_in_force": selectors.shutdown_in_force(incident),
        "shutdown_form": forms_in.get("shutdown")
        or (ShutdownForm(prefix="shutdown") if may_request_shutdown else None),
        "error": error,
        "ShutdownState": ShutdownState,
    }
    return render(request, "incidents/detail.html", context, status=status)


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def incident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.incident_get(user=request.user, pk=pk))


def _run(
    request: AuthenticatedRequest,
    incident: Incident,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
    forms_in: dict[str, Any] | None = None,
) -> HttpResponse:
    try:
        result = call()
    except ServiceError as refused:
        fresh = selectors.incident_get(user=request.user, pk=incident.pk)
        return _detail(request, fresh, error=refused, forms_in=forms_in, status=refused.status)
    messages.success(request, success(result) if callable(success) else success)
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def incident_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        return _detail(
            request, incident, error=ServiceError("incidents.unknown_action", _("Unknown action.")), status=400
        )
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return _detail(request, incident, forms_in={action: form}, status=400)
    data = dict(form.cleaned_data)
    if data.get("sampled_at") is not None and timezone.is_naive(data["sampled_at"]):
        data["sampled_at"] = timezone.make_aware(data["sampled_at"])
    return _run(
        request,
        incident,
        lambda: services.incident_act(actor=request.user, incident=incident, action=action, data=data),
        _("Done: %(action)s.") % {"action": INCIDENT.transition(action).label},
        {action: form},
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def contacts_propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)

    def told(proposal: services.Proposal) -> str:
        return _(
            "Tracing proposed %(added)d contacts (%(already)d already listed, %(outside)d employees outside "
            "your area, %(others)d people without an employee record)."
        ) % {
            "added": proposal.added,
            "already": proposal.already_listed,
            "outside": proposal.outside_area,
            "others": proposal.not_employees,
        }

    return _run(request, incident, lambda: services.contacts_propose(actor=request.user, incident=incident), told)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = ContactAddForm(request.POST, employees=selectors.employees_for_report(user=request.user), prefix="contact")
    if not form.is_valid():
        return _detail(request, incident, forms_in={"contact": form}, status=400)
    return _run(
        request,
        incident,
        lambda: services.contact_add(
            actor=request.user,
            incident=incident,
            employee=form.cleaned_data["employee"],
            kind=form.cleaned_data["kind"],
            venue_name=form.cleaned_data["venue_name"],
        ),
        _("The contact was added."),
        {"contact": form},
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def contact_remove(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    contact = selectors.contact_get(user=request.user, incident=incident, pk=contact_pk)
    return _run(
        request,
        incident,
        lambda: services.contact_remove(actor=request.user, contact=contact),
        _("The contact was removed from the list."),
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def contacts_isolate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    return _run(
        request,
        incident,
        lambda: services.contacts_isolate(actor=request.user, incident=incident),
        _("The listed contacts were moved to the yellow zone."),
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def contact_release(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    contact = selectors.contact_get(user=request.user, incident=incident, pk=contact_pk)
    return _run(
        request,
        incident,
        lambda: services.contact_release(actor=request.user, contact=contact, reason=request.POST.get("reason", "")),
        _("The contact was released."),
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def shutdown_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = ShutdownForm(request.POST, prefix="shutdown")
    if not form.is_valid():
        return _detail(request, incident, forms_in={"shutdown": form}, status=400)
    data = form.cleaned_data

    def call() -> None:
        try:
            services.shutdown_request(
                actor=request.user,
                incident=incident,
                date_from=data["date_from"],
                date_to=data["date_to"],
                scope=data["scope"],
                reason=data["reason"],
            )
        except ServiceError as refused:
            if refused.field in form.fields:
                form.add_error(refused.field, refused.message)
            raise

    return _run(request, incident, call, _("The shutdown request was sent to the HQ office."), {"shutdown": form})


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def shutdown_act(request: AuthenticatedRequest, pk: int, shutdown_pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    shutdown = selectors.shutdown_get(user=request.user, pk=shutdown_pk)
    if shutdown.incident_id != incident.pk:
        return _detail(request, incident, error=ServiceError("incidents.shutdown", _("Unknown action.")), status=404)
    action = request.POST.get("action", "")
    prefix = f"shutdown-{shutdown.pk}"
    form = DecisionForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _detail(request, incident, forms_in={prefix: form}, status=400)
    data = form.cleaned_data

    def call() -> None:
        if action == "end":
            services.shutdown_end(actor=request.user, shutdown=shutdown, reason=data["reason"])
        else:
            services.shutdown_decide(
                actor=request.user,
                shutdown=shutdown,
                action=action,
                reason=data["reason"],
                consultation=data["consultation"],
            )

    return _run(request, incident, call, _("The shutdown request was updated."), {prefix: form})
