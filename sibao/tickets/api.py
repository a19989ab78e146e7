"""Requests endpoints (X-5 over RQ-1…RQ-8): the same services and selectors as the pages, same scope.

A request is looked up in the caller's scope first (outside it: 404); who may act is the workflow's
guard (403), and a wrong state is a 409 with the workflow's stable code.
"""

from datetime import timedelta
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import DOC, DOCX, JPEG, PDF, PNG, XLS, XLSX, Id, Input, download, optional_text, uploads
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.roles import Capability, Role
from sibao.core.views import xlsx_response
from sibao.enterprises.models import Enterprise
from sibao.organisation.models import Unit
from sibao.regions.models import Region
from sibao.tickets import routing, selectors, services
from sibao.tickets.metrics import chosen_period
from sibao.tickets.models import Category, CommonIssue, Ticket, TicketState, WeeklyReport
from sibao.tickets.report_export import weekly_report_filename, weekly_report_workbook
from sibao.tickets.reports import visible_weekly_reports, weekly_report_build, weekly_reports_of
from sibao.tickets.schemas import (
    AnswerIn,
    AssignIn,
    CommonIssueAnswerIn,
    CommonIssueDetailOut,
    CommonIssueIn,
    CommonIssueOut,
    EscalateIn,
    InformationIn,
    MetricsFilters,
    NoteIn,
    NoteOut,
    NoticeIn,
    NoticeOut,
    QuestionIn,
    RateIn,
    ReopenIn,
    RequestMetricsOut,
    RespondIn,
    ReturnIn,
    RoutingRuleIn,
    RoutingRuleOut,
    RoutingRulePatch,
    TicketAttachmentOut,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    VerifyIn,
    WeeklyReportBuildIn,
    WeeklyReportDetailOut,
    WeeklyReportListFilters,
    WeeklyReportOut,
)
from sibao.tickets.summary import metrics_for
from sibao.tickets.workflows import TICKET
from sibao.whitelist.oversight_forms import chosen_region

router = Router(tags=["requests"])

MAX_DEADLINE = timedelta(days=366)


def _ticket(request: AuthenticatedRequest, ticket_id: Id) -> Ticket:
    return Ticket.objects.select_related(  # type: ignore[no-any-return]
        "enterprise", "enterprise__region", "unit", "holder_region", "common_issue"
    ).get_visible(request.user, pk=ticket_id)


def _renamed(error: ServiceError, **fields: str) -> ServiceError:
    """The services name model fields (``unit``); the API names what the caller sent (``unit_id``)."""
    if error.field in fields:
        error.field = fields[error.field]
    return error


# --- RQ-1: intake and lists -----------------------------------------------------------------------


class TicketListFilters(Input):
    state: TicketState | None = None
    category: Category | None = None
    deadline: Literal["overdue", "due_soon"] | None = None
    q: str = optional_text(100, description="编号、标题或企业名称")
    region_code: str = optional_text(12, description="企业所在区划（含下级）")


@router.get("", response=responses({200: list[TicketOut]}), summary="Requests in the caller's scope, newest first")
@paginate(BoundedLimitOffset)
def list_tickets(request: AuthenticatedRequest, filters: Query[TicketListFilters]) -> Any:
    if filters.region_code and not Region.objects.filter(code=filters.region_code).exists():
        raise Http404
    return selectors.tickets_for(
        request.user,
        selectors.TicketFilters(
            state=filters.state or "",
            category=filters.category or "",
            deadline=filters.deadline or "",
            query=filters.q,
            region_code=filters.region_code,
        ),
    )


@router.post(
    "",
    response=responses({201: TicketDetailOut}),
    summary="File a request (an enterprise for itself, an official on an enterprise's behalf)",
)
def file_ticket(request: AuthenticatedRequest, payload: TicketIn) -> Any:
    user: Any = request.user
    if payload.enterprise_id is not None:
        enterprise = Enterprise.objects.visible_to(user).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise Http404
    elif user.role == Role.ENTERPRISE and user.enterprise_id:
        enterprise = user.enterprise
    else:
        # An official files for an enterprise it names: none named is none found.
        raise NotFoundRefused("tickets.enterprise", _("Choose the enterprise."), field="enterprise_id")
    ticket = services.ticket_file(
        actor=user,
        enterprise=enterprise,
        data=payload.dict(include={"category", "urgency", "title", "text"}),
    )
    return Status(201, _ticket(request, ticket.pk))


@router.get(
    "/triage",
    response=responses({200: list[TicketOut]}),
    summary="What the caller's HQ office must assign, most urgent first (RQ-2)",
)
@paginate(BoundedLimitOffset)
def triage(request: AuthenticatedRequest) -> Any:
    require(request, Capability.TICKET_TRIAGE)
    return selectors.triage_queue(request.user)


@router.get(
    "/{int:ticket_id}",
    response=responses({200: TicketDetailOut}),
    summary="One request with its notes, attachments, history and the caller's possible actions",
)
def get_ticket(request: AuthenticatedRequest, ticket_id: Id) -> Any:
    return _ticket(request, ticket_id)


@router.post(
    "/{int:ticket_id}/attachments",
    response=responses({201: TicketAttachmentOut}),
    summary="Add a file (PDF, images, Word, Excel; up to 10 MB): the filing enterprise, until closed",
    openapi_extra=uploads(file=(PDF, JPEG, PNG, DOC, DOCX, XLS, XLSX)),
)
def add_attachment(request: AuthenticatedRequest, ticket_id: Id, file: File[UploadedFile]) -> Any:
    ticket = _ticket(request, ticket_id)
    attachment = services.ticket_attachment_add(actor=request.user, ticket=ticket, upload=file)
    return Status(201, attachment)


@router.get(
    "/{int:ticket_id}/attachments/{int:attachment_id}",
    response=responses({200: None}),
    summary="Download an attachment",
    openapi_extra=download("*/*"),
)
def download_attachment(request: AuthenticatedRequest, ticket_id: Id, attachment_id: Id) -> FileResponse:
    ticket = _ticket(request, ticket_id)
    attachment = ticket.attachments.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


# --- RQ-2…RQ-5: the closed loop, one endpoint per action with the body that action reads ----------------


def _acting(request: AuthenticatedRequest, ticket_id: int, action: str) -> Ticket:
    """The ticket, in scope (else 404), and the caller allowed to take ``action`` on it (else 403)."""
    ticket = _ticket(request, ticket_id)
    guard = TICKET.transition(action).guard
    message = guard(request.user, ticket) if guard is not None else None
    if message:
        raise PermissionRefused(f"{TICKET.name}.{action}.forbidden", message)
    return ticket


def _action(action: str, summary: str) -> Any:
    return router.post(
        f"/{{int:ticket_id}}/actions/{action}",
        response=responses({200: TicketDetailOut}),
        summary=summary,
        operation_id=f"sibao_tickets_api_{action}",
    )


@_action("assign", "交办: the holding HQ office names the responsible unit (default: the routing rule's)")
def assign(request: AuthenticatedRequest, ticket_id: Id, payload: AssignIn) -> Any:
    ticket = _acting(request, ticket_id, "assign")
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id, is_active=True).select_related("region").first()
        if unit is None:
            raise NotFoundRefused("tickets.assign.unit", _("Choose the responsible unit."), field="unit_id")
    due_at = payload.due_at
    if due_at is not None and due_at > timezone.now() + MAX_DEADLINE:
        raise ServiceError("tickets.assign.due", _("The deadline must be within a year."), field="due_at")
    try:
        services.ticket_assign(actor=request.user, ticket=ticket, unit=unit, due_at=due_at)
    except ServiceError as error:
        if error.code != "tickets.assign.unit":
            raise
        # Named but outside the holding region: not there for this caller. Not named and no routing rule
        # names one: the platform's configuration, not the request, is what is missing.
        refusal = NotFoundRefused if unit is not None else StateRefused
        raise refusal(error.code, error.message, field="unit_id") from None
    return _ticket(request, ticket_id)


@_action("respond", "The responsible unit accepts the request (an optional word to the enterprise)")
def respond(request: AuthenticatedRequest, ticket_id: Id, payload: RespondIn) -> Any:
    ticket = _acting(request, ticket_id, "respond")
    services.ticket_respond(actor=request.user, ticket=ticket, text=payload.text)
    return _ticket(request, ticket_id)


@_action("return_to_hq", "The unit sends a request that is not its own back to the HQ office, with the reason")
def return_to_hq(request: AuthenticatedRequest, ticket_id: Id, payload: ReturnIn) -> Any:
    ticket = _acting(request, ticket_id, "return_to_hq")
    services.ticket_return(actor=request.user, ticket=ticket, reason=payload.reason)
    return _ticket(request, ticket_id)


@_action("escalate", "Escalate: a unit to its HQ office, an HQ office to the next level up (RQ-3)")
def escalate(request: AuthenticatedRequest, ticket_id: Id, payload: EscalateIn) -> Any:
    ticket = _acting(request, ticket_id, "escalate")
    services.ticket_escalate(actor=request.user, ticket=ticket, reason_code=payload.reason_code, reason=payload.reason)
    return _ticket(request, ticket_id)


@_action("request_info", "Ask the enterprise for information; the deadline clock pauses (RQ-4)")
def request_info(request: AuthenticatedRequest, ticket_id: Id, payload: QuestionIn) -> Any:
    ticket = _acting(request, ticket_id, "request_info")
    try:
        services.ticket_request_info(actor=request.user, ticket=ticket, question=payload.question)
    except ServiceError as error:
        raise _renamed(error, reason="question") from None
    return _ticket(request, ticket_id)


@_action("provide_info", "The enterprise sends the information asked for; the clock runs again")
def provide_info(request: AuthenticatedRequest, ticket_id: Id, payload: InformationIn) -> Any:
    ticket = _acting(request, ticket_id, "provide_info")
    services.ticket_provide_info(actor=request.user, ticket=ticket, text=payload.text)
    return _ticket(request, ticket_id)


@_action("answer", "The unit answers the enterprise with the outcome")
def answer(request: AuthenticatedRequest, ticket_id: Id, payload: AnswerIn) -> Any:
    ticket = _acting(request, ticket_id, "answer")
    services.ticket_answer(actor=request.user, ticket=ticket, outcome=payload.outcome, reply=payload.reply)
    return _ticket(request, ticket_id)


@_action("rate", "The enterprise rates the answer; unsatisfied (with what is still wrong) reopens it")
def rate(request: AuthenticatedRequest, ticket_id: Id, payload: RateIn) -> Any:
    ticket = _acting(request, ticket_id, "rate")
    services.ticket_rate(
        actor=request.user,
        ticket=ticket,
        satisfaction=payload.satisfaction,
        score=payload.score,
        comment=payload.comment,
    )
    return _ticket(request, ticket_id)


@_action("reopen", "Not satisfied: the enterprise reopens the request, saying what is still wrong")
def reopen(request: AuthenticatedRequest, ticket_id: Id, payload: ReopenIn) -> Any:
    ticket = _acting(request, ticket_id, "reopen")
    services.ticket_rate(
        actor=request.user, ticket=ticket, satisfaction="unsatisfied", score=payload.score, comment=payload.comment
    )
    return _ticket(request, ticket_id)


@_action("verify", "Supervision records its follow-up and verification (RQ-7)")
def verify(request: AuthenticatedRequest, ticket_id: Id, payload: VerifyIn) -> Any:
    ticket = _acting(request, ticket_id, "verify")
    services.ticket_verify(actor=request.user, ticket=ticket, verification=payload.verification)
    return _ticket(request, ticket_id)


@_action("close", "Close the verified request (销号)")
def close(request: AuthenticatedRequest, ticket_id: Id) -> Any:
    ticket = _acting(request, ticket_id, "close")
    services.ticket_close(actor=request.user, ticket=ticket)
    return _ticket(request, ticket_id)


@router.post(
    "/{int:ticket_id}/notes",
    response=responses({201: NoteOut}),
    summary="A progress note by the responsible unit or HQ office (RQ-4)",
)
def add_note(request: AuthenticatedRequest, ticket_id: Id, payload: NoteIn) -> Any:
    ticket = _ticket(request, ticket_id)
    note = services.ticket_note(
        actor=request.user, ticket=ticket, text=payload.text, visible_to_enterprise=payload.visible_to_enterprise
    )
    return Status(201, note)


@router.post(
    "/{int:ticket_id}/notices",
    response=responses({201: NoticeOut}),
    summary="督办: supervision's notice on an overdue request (RQ-6)",
)
def issue_notice(request: AuthenticatedRequest, ticket_id: Id, payload: NoticeIn) -> Any:
    ticket = _ticket(request, ticket_id)
    notice = services.notice_issue(actor=request.user, ticket=ticket, text=payload.text)
    return Status(201, notice)


# --- RQ-2: common issues --------------------------------------------------------------------------


def _common_issues(request: AuthenticatedRequest) -> Any:
    return (
        CommonIssue.objects.visible_to(request.user)
        .select_related("region", "unit")
        .annotate(ticket_count=Count("tickets"))
        .order_by("-created_at", "-pk")
    )


def _common_issue(request: AuthenticatedRequest, issue_id: Id) -> CommonIssue:
    issue = _common_issues(request).filter(pk=issue_id).first()
    if issue is None:
        raise Http404
    # The detail lists only the linked requests the caller may see (a department sees its unit's).
    issue.visible_tickets = list(selectors.tickets_for(request.user).filter(common_issue=issue))  # type: ignore[attr-defined]
    return issue  # type: ignore[no-any-return]


class CommonIssueFilters(Input):
    answered: bool | None = None


@router.get(
    "/common-issues",
    response=responses({200: list[CommonIssueOut]}),
    summary="Common issues (点办理、批处理) in scope, newest first",
)
@paginate(BoundedLimitOffset)
def list_common_issues(request: AuthenticatedRequest, filters: Query[CommonIssueFilters]) -> Any:
    if getattr(request.user, "role", None) == Role.ENTERPRISE:  # enterprises see answers on their own requests
        raise PermissionDenied
    queryset = _common_issues(request)
    if filters.answered is not None:
        queryset = queryset.filter(answered_at__isnull=not filters.answered)
    return queryset


@router.post(
    "/common-issues",
    response=responses({201: CommonIssueDetailOut}),
    summary="Group requests with one systemic cause into a common issue for a policy department (HQ office)",
)
def create_common_issue(request: AuthenticatedRequest, payload: CommonIssueIn) -> Any:
    wanted = set(payload.ticket_ids)
    tickets = list(Ticket.objects.visible_to(request.user).filter(pk__in=wanted).order_by("pk"))
    if len(tickets) != len(wanted):
        raise Http404
    unit = Unit.objects.filter(pk=payload.unit_id, is_active=True).select_related("region").first()
    if unit is None:
        raise NotFoundRefused("tickets.common.unit", _("Choose a unit of this region."), field="unit_id")
    try:
        issue = services.common_issue_create(
            actor=request.user, title=payload.title, description=payload.description, unit=unit, tickets=tickets
        )
    except ServiceError as error:
        if error.code == "tickets.common.unit":  # a unit outside the caller's region: not there for it
            raise NotFoundRefused(error.code, error.message, field="unit_id") from None
        raise _renamed(error, unit="unit_id", tickets="ticket_ids") from None
    return Status(201, _common_issue(request, issue.pk))


@router.get(
    "/common-issues/{int:issue_id}",
    response=responses({200: CommonIssueDetailOut}),
    summary="One common issue with the linked requests the caller may see",
)
def get_common_issue(request: AuthenticatedRequest, issue_id: Id) -> Any:
    return _common_issue(request, issue_id)


@router.post(
    "/common-issues/{int:issue_id}/answer",
    response=responses({200: CommonIssueDetailOut}),
    summary="Answer the common issue: every linked request is answered and its enterprise asked to rate it",
)
def answer_common_issue(request: AuthenticatedRequest, issue_id: Id, payload: CommonIssueAnswerIn) -> Any:
    issue = _common_issue(request, issue_id)
    services.common_issue_answer(actor=request.user, issue=issue, outcome=payload.outcome, answer=payload.answer)
    return _common_issue(request, issue_id)


# --- RQ-2: routing rules (issue 9 #7): the HQ office's defaults, same services as the page ------------------


@router.get(
    "/routing-rules",
    response=responses({200: list[RoutingRuleOut]}),
    summary="Routing rules the caller's HQ office keeps (its region and below)",
)
@paginate(BoundedLimitOffset)
def list_routing_rules(request: AuthenticatedRequest) -> Any:
    require(request, Capability.TICKET_TRIAGE)
    return routing.routing_rules_for(request.user)


@router.post("/routing-rules", response=responses({201: RoutingRuleOut}), summary="Add a routing rule")
def add_routing_rule(request: AuthenticatedRequest, payload: RoutingRuleIn) -> Any:
    require(request, Capability.TICKET_TRIAGE)
    region = Region.objects.active().filter(code=payload.region_code).first()
    if region is None:
        raise NotFoundRefused("tickets.routing.region", _("There is no region with this code."), field="region_code")
    data = payload.dict(exclude={"region_code"})
    try:
        rule = services.routing_rule_add(actor=request.user, region=region, data=data)
    except ServiceError as error:
        raise _renamed(error, region="region_code") from None
    return Status(201, rule)


@router.patch("/routing-rules/{int:rule_id}", response=responses({200: RoutingRuleOut}), summary="Change or disable")
def change_routing_rule(request: AuthenticatedRequest, rule_id: Id, payload: RoutingRulePatch) -> Any:
    require(request, Capability.TICKET_TRIAGE)
    rule = routing.routing_rule_get(user=request.user, pk=rule_id)
    data = payload.dict(exclude_unset=True)
    if data.get("department_function") is None:
        data.pop("department_function", None)
    if data.get("is_active") is None:
        data.pop("is_active", None)
    return services.routing_rule_change(actor=request.user, rule=rule, data=data)


# --- RQ-7 metrics and RQ-8 weekly reports: the pages' functions, for supervision's readers ------------------


@router.get(
    "/metrics",
    response=responses({200: RequestMetricsOut}),
    summary="RQ-7: handling rates of a region's requests in a period, with the units' and regions' rankings",
)
def request_metrics(request: AuthenticatedRequest, filters: Query[MetricsFilters]) -> Any:
    require(request, Capability.TICKET_METRICS)
    user = request.user
    region = chosen_region(user, filters.region or None)
    period = chosen_period(filters.period, timezone.localdate(), filters.start, filters.end)
    figures = metrics_for(user, region, period)
    fresh = figures.freshness
    return {
        "region": region,
        "period": {
            "first_day": period.first_day,
            "last_day": period.last_day,
            "start": period.start,
            "end": period.end,
        },
        "totals": figures.totals.as_dict(),
        "by_unit": [row.as_dict() for row in figures.by_unit],
        "by_region": [row.as_dict() for row in figures.by_region],
        "refreshed_at": fresh.at if fresh else None,
        "refresh_every_minutes": fresh.every_minutes if fresh else None,
    }


def _weekly_report(request: AuthenticatedRequest, report_id: int) -> WeeklyReport:
    require(request, Capability.TICKET_METRICS)
    report = visible_weekly_reports(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


@router.get(
    "/weekly-reports",
    response=responses({200: list[WeeklyReportOut]}),
    summary="RQ-8: the weekly supervision reports of a region, the latest week first",
)
@paginate(BoundedLimitOffset)
def list_weekly_reports(request: AuthenticatedRequest, filters: Query[WeeklyReportListFilters]) -> Any:
    require(request, Capability.TICKET_METRICS)
    return weekly_reports_of(chosen_region(request.user, filters.region or None))


@router.post(
    "/weekly-reports",
    response=responses({201: WeeklyReportDetailOut}),
    summary="RQ-8: build (or rebuild) a region's report for the week ending on a Friday",
)
def build_weekly_report(request: AuthenticatedRequest, payload: WeeklyReportBuildIn) -> Any:
    require(request, Capability.TICKET_METRICS)
    require(request, Capability.TICKET_REPORT_BUILD)
    region = chosen_region(request.user, payload.region or None)
    report = weekly_report_build(region, payload.week_end)
    return Status(201, _weekly_report(request, report.pk))


@router.get(
    "/weekly-reports/{int:report_id}",
    response=responses({200: WeeklyReportDetailOut}),
    summary="RQ-8: one weekly report: the week's figures, rankings and lists",
)
def get_weekly_report(request: AuthenticatedRequest, report_id: Id) -> Any:
    return _weekly_report(request, report_id)


@router.get(
    "/weekly-reports/{int:report_id}.xlsx",
    response=responses({200: None}),
    summary="RQ-8: one weekly report as an Excel workbook (the page's download)",
    openapi_extra=download(XLSX),
)
def download_weekly_report(request: AuthenticatedRequest, report_id: Id) -> HttpResponse:
    report = _weekly_report(request, report_id)
    return xlsx_response(weekly_report_workbook(report), weekly_report_filename(report))
