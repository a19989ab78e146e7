"""EN-3 pages. Thin: selectors read, services write, a refusal is shown next to its field.

An enterprise files its own report from a phone; an official reads the day's reports and who has not reported,
files for a firm without staff online, imports many at once and closes the warnings of missing days."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.import_jobs import import_job_submit
from sibao.core.import_views import import_job_context, job_page
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.views import capability_required, xlsx_response
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.operations import imports, selectors, services
from sibao.operations.deadlines import report_deadline
from sibao.operations.forms import (
    CloseWarningForm,
    ImportUploadForm,
    MissingFilterForm,
    ReportFilterForm,
    ReportForm,
    WarningFilterForm,
)
from sibao.operations.models import OperatingReport, ProductionStatus
from sibao.operations.workflows import may_close

PAGE_SIZE = 50


def _is_enterprise(request: AuthenticatedRequest) -> bool:
    return getattr(request.user, "role", None) == Role.ENTERPRISE


def _page(request: AuthenticatedRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_string(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _refuse_in(form: Any, refused: ServiceError) -> None:
    if isinstance(refused, PermissionRefused):
        raise PermissionDenied
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def _target_enterprise(request: AuthenticatedRequest, pk: Any = None) -> Enterprise:
    """The user's own enterprise, or the one named by ``?enterprise=`` in the user's scope (404 outside)."""
    if _is_enterprise(request):
        pk = getattr(request.user, "enterprise_id", None)
    else:
        pk = pk or request.GET.get("enterprise")
    if not pk or not str(pk).isdigit():
        raise Http404
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=pk)
    return enterprise


def _tabs(request: AuthenticatedRequest, active: str) -> dict[str, Any]:
    return {
        "tab": active,
        "can_import": has_capability(request.user, Capability.OPERATIONS_IMPORT),
        "is_enterprise": _is_enterprise(request),
    }


# --- lists ------------------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.OPERATIONS_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Officials: the day's reports with filters (region, sector, status, late). An enterprise: today's state
    and its own history."""
    today = timezone.localdate()
    if _is_enterprise(request):
        enterprise = _target_enterprise(request)
        reports = selectors.report_list(user=request.user, filters=selectors.ReportFilters(enterprise_id=enterprise.pk))
        return render(
            request,
            "operations/enterprise.html",
            {
                **_tabs(request, "reports"),
                "enterprise": enterprise,
                "today": today,
                "today_report": selectors.report_of(enterprise, today),
                "deadline": report_deadline(enterprise.region, today),
                "page": _page(request, reports),
                "query_string": _query_string(request),
                "can_file": services.acts_for(request.user, enterprise),
            },
        )
    form = ReportFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    day: date = data.get("day") or today
    filters = selectors.ReportFilters(
        day=day,
        region_code=data.get("region", ""),
        sector=data.get("sector", ""),
        status=data.get("status", ""),
        late=bool(data.get("late")),
        enterprise_id=data.get("enterprise"),
    )
    reports = selectors.report_list(user=request.user, filters=filters)
    return render(
        request,
        "operations/reports.html",
        {
            **_tabs(request, "reports"),
            "form": form,
            "day": day,
            "filters": filters,
            "regions": regions_for_filter(user=request.user),
            "page": _page(request, reports),
            "query_string": _query_string(request),
        },
    )


@login_required
@capability_required(Capability.OPERATIONS_VIEW)
def missing(request: AuthenticatedRequest) -> HttpResponse:
    """Whitelisted enterprises without a report for the day (today by default), past the deadline marked."""
    form = MissingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    day: date = data.get("day") or today
    now = timezone.now()
    enterprises = selectors.missing_list(
        user=request.user,
        day=day,
        region_code=data.get("region", ""),
        sector=data.get("sector", ""),
        overdue=bool(data.get("overdue")),
        now=now,
    )
    page = _page(request, enterprises)
    rows = []
    for enterprise in page:
        deadline = report_deadline(enterprise.region, day)
        rows.append(
            {
                "enterprise": enterprise,
                "deadline": deadline,
                "overdue": now >= deadline,
                "can_file": has_capability(request.user, Capability.OPERATIONS_REPORT),
            }
        )
    return render(
        request,
        "operations/missing.html",
        {
            **_tabs(request, "missing"),
            "form": form,
            "day": day,
            "is_today": day == today,
            "regions": [] if _is_enterprise(request) else regions_for_filter(user=request.user),
            "page": page,
            "rows": rows,
            "query_string": _query_string(request),
        },
    )


@login_required
@capability_required(Capability.OPERATIONS_VIEW)
def warnings(request: AuthenticatedRequest) -> HttpResponse:
    form = WarningFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.WarningFilters(
        status=data.get("status", ""),
        day=data.get("day"),
        region_code=data.get("region", ""),
        sector=data.get("sector", ""),
    )
    page = _page(request, selectors.warning_list(user=request.user, filters=filters))
    may = has_capability(request.user, Capability.OPERATIONS_REPORT) and not _is_enterprise(request)
    return render(
        request,
        "operations/warnings.html",
        {
            **_tabs(request, "warnings"),
            "form": form,
            "regions": [] if _is_enterprise(request) else regions_for_filter(user=request.user),
            "page": page,
            "query_string": _query_string(request),
            "may_close": may,
            "close_form": CloseWarningForm() if may else None,
        },
    )


@require_POST
@login_required
@capability_required(Capability.OPERATIONS_REPORT)
def warning_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    warning = selectors.warning_get(user=request.user, pk=pk)
    if not may_close(request.user, warning):
        raise PermissionDenied
    form = CloseWarningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was done before closing the warning."))
    else:
        try:
            services.operating_warning_close(actor=request.user, warning=warning, note=form.cleaned_data["reason"])
        except ServiceError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The warning was closed."))
    return redirect(request.POST.get("next") or f"{reverse('operations:warnings')}?status=open")


# --- one report -------------------------------------------------------------------------------------------


def _request_link(report: OperatingReport) -> str:
    """RQ-1 in one click: the request form filled with the report's main problem."""
    summary = " ".join(report.main_problem.split())
    summary = summary if len(summary) <= 40 else f"{summary[:40]}…"
    title = _("Operating report of %(day)s: %(summary)s") % {"day": report.day.isoformat(), "summary": summary}
    query = {
        "enterprise": report.enterprise_id,
        "category": report.problem_category,
        "title": title[:120],
        "text": report.main_problem,
    }
    return f"{reverse('tickets:new')}?{urlencode({k: v for k, v in query.items() if v})}"


@login_required
@capability_required(Capability.OPERATIONS_VIEW)
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    can_correct = report.day == timezone.localdate() and services.acts_for(request.user, report.enterprise)
    can_request = bool(report.main_problem) and has_capability(request.user, Capability.TICKET_FILE)
    return render(
        request,
        "operations/detail.html",
        {
            "report": report,
            "can_correct": can_correct,
            "request_link": _request_link(report) if can_request else "",
            "deadline": report_deadline(report.enterprise.region, report.day),
        },
    )


@login_required
@capability_required(Capability.OPERATIONS_REPORT)
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = _target_enterprise(request)
    if not services.acts_for(request.user, enterprise):
        raise PermissionDenied
    today = timezone.localdate()
    existing = selectors.report_of(enterprise, today)
    form = ReportForm(request.POST or None, initial={"day": today, "status": ProductionStatus.NORMAL})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = services.operating_report_file(
                    actor=request.user, enterprise=enterprise, day=form.cleaned_data["day"], values=form.values()
                )
            except ServiceError as refused:
                _refuse_in(form, refused)
                status = refused.status
            else:
                messages.success(
                    request,
                    _("The operating report for %(day)s was filed.") % {"day": report.day.isoformat()},
                )
                return redirect("operations:report", pk=report.pk)
    return render(
        request,
        "operations/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "existing": existing,
            "correcting": None,
            "deadline": report_deadline(enterprise.region, today),
        },
        status=status,
    )


@login_required
@capability_required(Capability.OPERATIONS_REPORT)
def report_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    if not services.acts_for(request.user, report.enterprise):
        raise PermissionDenied
    initial = {name: getattr(report, name) for name in services.VALUE_FIELDS}
    form = ReportForm(request.POST or None, initial={**initial, "day": report.day})
    form.fields["day"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.operating_report_correct(actor=request.user, report=report, values=form.values())
            except ServiceError as refused:
                _refuse_in(form, refused)
                status = refused.status
            else:
                messages.success(request, _("The operating report was corrected."))
                return redirect("operations:report", pk=report.pk)
    return render(
        request,
        "operations/form.html",
        {
            "form": form,
            "enterprise": report.enterprise,
            "existing": None,
            "correcting": report,
            "deadline": report_deadline(report.enterprise.region, report.day),
        },
        status=status,
    )


# --- bulk entry -------------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.OPERATIONS_IMPORT)
def report_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → the file is checked as a job → this page shows it (``?job=``): errors by row, or the preview."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=request.user, kind="operating_reports", upload=upload, file_name=upload.name, commit=False
            )
        except ServiceError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(job_page(job))
    context: dict[str, Any] = {**_tabs(request, "import"), "form": form, "columns": imports.COLUMNS}
    context.update(import_job_context(request, kind="operating_reports"))
    return render(request, "operations/import.html", context)


@login_required
@capability_required(Capability.OPERATIONS_IMPORT)
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    """The template; ``?missing=1`` fills in the firms of the user's area still missing today."""
    firms: list[Enterprise] = []
    if request.GET.get("missing"):
        firms = list(selectors.missing_list(user=request.user, day=timezone.localdate())[:5000])
    return xlsx_response(imports.import_template_xlsx(firms), "生产经营日报导入模板.xlsx")
