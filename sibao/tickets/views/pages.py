"""Request pages (RQ-1…RQ-6): list, filing, detail with one form per action, triage, common issues.

Thin: every write is a service call, every read goes through the scope choke point
(``Ticket.objects.get_visible`` / ``selectors.tickets_for``); out of scope is 404.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.core.errors import ServiceError
from sibao.core.pagination import page_of
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.organisation.models import Unit, UnitKind
from sibao.regions.models import Region
from sibao.tickets import services
from sibao.tickets.forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    CommonAnswerForm,
    CommonIssueForm,
    EscalateForm,
    InfoForm,
    LinkForm,
    NoteForm,
    NoticeForm,
    QuestionForm,
    RateForm,
    ReasonForm,
    RespondForm,
    TicketFilterForm,
    TicketForm,
    VerifyForm,
)
from sibao.tickets.models import CommonIssue, Ticket, TicketState
from sibao.tickets.next_step import next_step
from sibao.tickets.routing import routing_for, routings_for
from sibao.tickets.selectors import (
    DEADLINE_LABELS,
    DeadlineState,
    TicketFilters,
    deadline_state,
    likely_duplicates,
    likely_duplicates_for,
    tickets_for,
    triage_queue,
)
from sibao.tickets.workflows import TICKET, is_holding_hq, is_holding_unit, is_supervision

PAGE_SIZE = 50
S = TicketState
# The states in which the HQ office may still group a request into a common issue (the "link" transition).
LINKABLE_STATES = [S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS]
# Transitions without a form of their own: "reopen" is the rating form with "unsatisfied", "link" has the
# common-issue box, "answer_common" happens when the common issue is answered.
_NOT_A_FORM = {"reopen", "link", "answer_common"}
_BADGE = {
    DeadlineState.OVERDUE: "text-bg-danger",
    DeadlineState.DUE_SOON: "text-bg-warning",
    DeadlineState.PAUSED: "text-bg-secondary",
    DeadlineState.ON_TIME: "text-bg-light border",
}


def _deadline(ticket: Ticket) -> dict[str, str]:
    state = deadline_state(ticket)
    return {"state": state, "label": str(DEADLINE_LABELS.get(state, "")), "css": _BADGE.get(state, "")}


def _units_for(ticket: Ticket) -> QuerySet[Unit]:
    """Departments the holding HQ office may assign to: those of its region and below."""
    return (
        Unit.objects.filter(
            region__path__startswith=ticket.holder_region.path, kind=UnitKind.DEPARTMENT, is_active=True
        )
        .select_related("region")
        .order_by("region__path", "order", "name")
    )


def _open_issues(user: Any) -> QuerySet[CommonIssue]:
    return CommonIssue.objects.filter(region_id=user.region_id, answered_at__isnull=True).order_by("-created_at")


# --- Action forms and their service calls ------------------------------------------------------------


def _assign(user: Any, ticket: Ticket, data: dict[str, Any]) -> Any:
    due = data.get("due_at")
    if due is not None and timezone.is_naive(due):
        due = timezone.make_aware(due)
    return services.ticket_assign(actor=user, ticket=ticket, unit=data["unit"], due_at=due)


ActionHandler = Callable[[Any, Ticket, dict[str, Any]], Any]

ACTIONS: dict[str, tuple[type[forms.Form], ActionHandler]] = {
    "assign": (AssignForm, _assign),
    "respond": (RespondForm, lambda u, t, d: services.ticket_respond(actor=u, ticket=t, text=d["text"])),
    "return_to_hq": (ReasonForm, lambda u, t, d: services.ticket_return(actor=u, ticket=t, reason=d["reason"])),
    "escalate": (
        EscalateForm,
        lambda u, t, d: services.ticket_escalate(actor=u, ticket=t, reason_code=d["reason_code"], reason=d["reason"]),
    ),
    "request_info": (
        QuestionForm,
        lambda u, t, d: services.ticket_request_info(actor=u, ticket=t, question=d["question"]),
    ),
    "provide_info": (InfoForm, lambda u, t, d: services.ticket_provide_info(actor=u, ticket=t, text=d["text"])),
    "answer": (
        AnswerForm,
        lambda u, t, d: services.ticket_answer(actor=u, ticket=t, outcome=d["outcome"], reply=d["reply"]),
    ),
    "rate": (
        RateForm,
        lambda u, t, d: services.ticket_rate(
            actor=u, ticket=t, satisfaction=d["satisfaction"], score=d["score"], comment=d["comment"]
        ),
    ),
    "verify": (
        VerifyForm,
        lambda u, t, d: services.ticket_verify(actor=u, ticket=t, verification=d["verification"]),
    ),
    "close": (CloseForm, lambda u, t, d: services.ticket_close(actor=u, ticket=t)),
    # Not transitions, but the same kind of form on the same page:
    "note": (
        NoteForm,
        lambda u, t, d: services.ticket_note(
            actor=u, ticket=t, text=d["text"], visible_to_enterprise=d["visible_to_enterprise"]
        ),
    ),
    "notice": (NoticeForm, lambda u, t, d: services.notice_issue(actor=u, ticket=t, text=d["text"])),
    "link": (LinkForm, lambda u, t, d: services.common_issue_link(actor=u, issue=d["issue"], ticket=t)),
}


def _form_for(action: str, ticket: Ticket, user: Any, data: Any = None) -> forms.Form:
    form_class = ACTIONS[action][0]
    prefix = action
    if form_class is AssignForm:
        routing = routing_for(ticket)
        initial = {"unit": routing.unit, "due_at": timezone.localtime(timezone.now() + routing.handling)}
        return AssignForm(data, units=_units_for(ticket), initial=initial, prefix=prefix)
    if form_class is LinkForm:
        return LinkForm(data, issues=_open_issues(user), prefix=prefix)
    return form_class(data, prefix=prefix)


# --- RQ-1: list and intake -----------------------------------------------------------------------


@login_required
@capability_required(Capability.TICKET_VIEW)
def ticket_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TicketFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = TicketFilters(
        state=data.get("state", ""),
        category=data.get("category", ""),
        deadline=data.get("deadline", ""),
        query=data.get("q", ""),
        waiting=bool(data.get("waiting")),
        region_code=data.get("region", ""),
        stage=data.get("stage", ""),
        sector=data.get("sector", ""),
        enterprise_id=data.get("enterprise"),
    )
    tickets = tickets_for(user, filters).select_related("common_issue__unit")
    # Issue 10: a province holds ~200,000 requests; the total is exact up to a bound, estimated beyond.
    page = page_of(request, tickets, PAGE_SIZE)
    rows = [{"ticket": ticket, "deadline": _deadline(ticket), "next": next_step(ticket, user)} for ticket in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query_string": query.urlencode(),
        "can_file": has_capability(user, Capability.TICKET_FILE),
        "is_enterprise": user.role == Role.ENTERPRISE,
        # Issue 9 #8: only a department's list is its unit's requests; an HQ office, supervision or a leader
        # sees every request of its region subtree, so the title names the region, not the user's own office.
        "unit": user.unit if user.role == Role.SECTOR_DEPARTMENT and user.unit_id else None,
        "region": user.region if user.region_id else None,
        "filter_region": Region.objects.filter(code=filters.region_code).first() if filters.region_code else None,
    }
    return render(request, "tickets/list.html", context)


@login_required
@capability_required(Capability.TICKET_FILE)
def ticket_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    enterprises: QuerySet[Enterprise] | None = None
    if user.role != Role.ENTERPRISE:
        enterprises = Enterprise.objects.visible_to(user).select_related("region").order_by("name")
    elif user.enterprise_id is None:
        raise PermissionDenied
    # A link may prefill the form: "turn this problem into a request" on an operating report (EN-3 → RQ-1).
    initial = {key: request.GET[key][:4000] for key in ("category", "title", "text") if request.GET.get(key)}
    if enterprises is not None and request.GET.get("enterprise"):
        initial["enterprise"] = request.GET["enterprise"]
    form = TicketForm(request.POST or None, request.FILES or None, enterprises=enterprises, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = data["enterprise"] if enterprises is not None else user.enterprise
        try:
            ticket = services.ticket_file(
                actor=user, enterprise=enterprise, data=data, attachments=data.get("attachments") or []
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Request %(number)s was filed; the HQ office will assign it.") % {"number": ticket.number},
            )
            return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/new.html", {"form": form, "on_behalf": enterprises is not None})


# --- RQ-2…RQ-6: detail and actions -----------------------------------------------------------------


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    ticket: Ticket = Ticket.objects.select_related(
        "enterprise", "enterprise__region", "unit", "holder_region", "common_issue__unit", "filed_by"
    ).get_visible(user, pk=pk)
    transitions = [t for t in TICKET.available(ticket, user) if t.action not in _NOT_A_FORM]
    action_forms = [
        {"action": t.action, "label": t.label, "form": _form_for(t.action, ticket, user)} for t in transitions
    ]
    handling = ticket.state in (S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.LINKED)
    if handling and (is_holding_unit(user, ticket) or is_holding_hq(user, ticket)):
        action_forms.append(
            {"action": "note", "label": _("Add a progress note"), "form": _form_for("note", ticket, user)}
        )
    deadline = _deadline(ticket)
    if deadline["state"] == DeadlineState.OVERDUE and is_supervision(user, ticket):
        action_forms.append(
            {"action": "notice", "label": _("Issue a supervision notice"), "form": _form_for("notice", ticket, user)}
        )
    is_enterprise = user.role == Role.ENTERPRISE
    notes = ticket.notes.select_related("author", "author__unit")
    if is_enterprise:
        notes = notes.filter(visible_to_enterprise=True)
    hq_here = is_holding_hq(user, ticket)
    duplicates = likely_duplicates(ticket) if hq_here and ticket.state == S.SUBMITTED else []
    link_form = (
        _form_for("link", ticket, user)
        if hq_here and ticket.state in LINKABLE_STATES and TICKET.refusal(ticket, "link", user) is None
        else None
    )
    context = {
        "ticket": ticket,
        "next_step": next_step(ticket, user),
        "deadline": deadline,
        "action_forms": action_forms,
        "notes": notes,
        "attachments": list(ticket.attachments.all()),
        "history": TICKET.history_rows(ticket),
        "notices": ticket.notices.select_related("unit", "issued_by"),
        "duplicates": duplicates,
        "link_form": link_form,
        "has_open_issues": link_form is not None and _open_issues(user).exists(),
        "is_enterprise": is_enterprise,
    }
    return render(request, "tickets/detail.html", context)


@login_required
@require_POST
def ticket_action(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    ticket: Ticket = Ticket.objects.select_related("enterprise", "enterprise__region", "holder_region").get_visible(
        user, pk=pk
    )
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("tickets:detail", pk=pk)
    form = _form_for(action, ticket, user, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}：{text}" if label else text)
        return redirect("tickets:detail", pk=pk)
    try:
        ACTIONS[action][1](user, ticket, form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("tickets:detail", pk=pk)
    ticket.refresh_from_db()
    if action in ("note", "notice"):
        label = _("Add a progress note") if action == "note" else _("Issue a supervision notice")
    else:
        label = str(TICKET.transition(action).label)
    messages.success(
        request,
        _("Done: %(action)s. The request is now “%(state)s”.") % {"action": label, "state": ticket.get_state_display()},
    )
    next_url = request.POST.get("next", "")
    if next_url == "triage":
        return redirect("tickets:triage")
    return redirect("tickets:detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    ticket = Ticket.objects.get_visible(request.user, pk=pk)
    attachment = get_object_or_404(ticket.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


# --- RQ-2: triage and common issues -------------------------------------------------------------------


@login_required
@capability_required(Capability.TICKET_TRIAGE)
def triage(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    queue = list(triage_queue(user)[:200])
    routings = routings_for(queue)
    duplicates = likely_duplicates_for(queue, limit=3)
    rows = [{"ticket": t, "routing": routings[t.pk], "duplicates": duplicates[t.pk]} for t in queue]
    return render(request, "tickets/triage.html", {"rows": rows})


def _require_official(user: Any) -> None:
    if not has_capability(user, Capability.TICKET_VIEW) or user.role == Role.ENTERPRISE:
        raise PermissionDenied


def _issues_for(user: Any) -> QuerySet[CommonIssue]:
    issues = CommonIssue.objects.visible_to(user).select_related("unit", "region", "created_by")
    if user.role == Role.SECTOR_DEPARTMENT:  # a department sees the issues given to its unit
        issues = issues.filter(unit_id=user.unit_id) if user.unit_id else issues.none()
    return issues


@login_required
def common_issues(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _require_official(user)
    form = None
    if has_capability(user, Capability.TICKET_TRIAGE) and user.region_id:
        units = (
            Unit.objects.filter(region__path__startswith=user.region.path, kind=UnitKind.DEPARTMENT, is_active=True)
            .only("pk", "name")  # an option each (a province: ~1,200)
            .order_by("region__path", "order", "name")
        )
        candidates = (
            tickets_for(user)
            .filter(holder_region_id=user.region_id, state__in=LINKABLE_STATES)
            .select_related(None)  # a box each: number and subject only (issue 10)
            .only("pk", "number", "title")
            .order_by("category", "-filed_at")
        )
        initial = {"tickets": request.GET.getlist("ticket")}
        form = CommonIssueForm(request.POST or None, units=units, tickets=candidates, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.common_issue_create(
                    actor=user,
                    title=data["title"],
                    description=data["description"],
                    unit=data["unit"],
                    tickets=data["tickets"],
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The common issue was created and sent to the policy department."))
                return redirect("tickets:common_issue", pk=issue.pk)
    elif request.method == "POST":
        raise PermissionDenied
    page = page_of(request, _issues_for(user).order_by("-created_at", "-pk"), PAGE_SIZE)
    return render(request, "tickets/common_issues.html", {"issues": page, "page": page, "form": form})


@login_required
def common_issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require_official(user)
    issue = _issues_for(user).filter(pk=pk).first()
    if issue is None:
        raise Http404
    may_answer = issue.answered_at is None and (
        (user.unit_id is not None and user.unit_id == issue.unit_id)
        or (user.role == Role.HQ_OFFICE and user.region_id == issue.region_id)
    )
    form = CommonAnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.common_issue_answer(
                    actor=user, issue=issue, outcome=form.cleaned_data["outcome"], answer=form.cleaned_data["answer"]
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The answer was sent to every linked request."))
                return redirect("tickets:common_issue", pk=pk)
    tickets = tickets_for(user).filter(common_issue=issue)
    rows = [{"ticket": ticket, "deadline": _deadline(ticket)} for ticket in tickets]
    return render(request, "tickets/common_issue_detail.html", {"issue": issue, "rows": rows, "form": form})
