"""EP-3/EP-4/EP-5 pages. Thin: selectors read, services write, refusals are shown next to their field."""

from datetime import date
from typing import Any

from django import forms
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
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.health import selectors, services
from sibao.health.forms import (
    ArrivalForm,
    CodeAssignForm,
    DailyReportForm,
    FilterForm,
    RiskAreaEndForm,
    RiskAreaForm,
    SightingForm,
)

PAGE_SIZE = 50


def _refuse_in(form: forms.Form, refused: ServiceError) -> None:
    if isinstance(refused, PermissionRefused):
        raise PermissionDenied
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def _is_enterprise(request: AuthenticatedRequest) -> bool:
    return getattr(request.user, "role", None) == Role.ENTERPRISE


def _filters(request: AuthenticatedRequest) -> dict[str, Any]:
    form = FilterForm(request.GET or None)
    return form.cleaned_data if form.is_valid() else {}


def _target_enterprise(request: AuthenticatedRequest) -> Enterprise:
    """The user's own enterprise, or the one named by ``?enterprise=`` in the user's scope (404 outside)."""
    pk = getattr(request.user, "enterprise_id", None) if _is_enterprise(request) else request.GET.get("enterprise")
    if not pk:
        raise Http404
    enterprise: Enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=pk)
    return enterprise


def _page(request: AuthenticatedRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_string(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- EP-3 ----------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Daily reports: an enterprise sees its own history and today's form; officials see the day's reports
    and the whitelisted enterprises still missing, per region."""
    data = _filters(request)
    day: date = data.get("day") or timezone.localdate()
    if _is_enterprise(request):
        enterprise = _target_enterprise(request)
        reports = selectors.daily_report_list(user=request.user, enterprise_id=enterprise.pk)
        return render(
            request,
            "health/reports_enterprise.html",
            {
                "enterprise": enterprise,
                "today_report": selectors.daily_report_of(enterprise, timezone.localdate()),
                "deadline": selectors.report_deadline(enterprise.region, timezone.localdate()),
                "page": _page(request, reports),
                "query_string": _query_string(request),
                "can_file": services.acts_for(request.user, enterprise),
            },
        )
    region_code = data.get("region", "")
    reports = selectors.daily_report_list(user=request.user, day=day, region_code=region_code)
    missing = selectors.enterprises_missing_report(user=request.user, day=day, region_code=region_code)
    return render(
        request,
        "health/reports.html",
        {
            "day": day,
            "region_code": region_code,
            "regions": regions_for_filter(user=request.user),
            "page": _page(request, reports),
            "query_string": _query_string(request),
            "missing": missing[:500],
            "missing_count": missing.count(),
            "can_manage": has_capability(request.user, Capability.EPIDEMIC_MANAGE),
        },
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = _target_enterprise(request)
    if not services.acts_for(request.user, enterprise):
        raise PermissionDenied
    form = DailyReportForm(
        request.POST or None,
        initial={"day": timezone.localdate()},
        employees=selectors.employees_for_report(enterprise),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.daily_report_file(
                actor=request.user,
                enterprise=enterprise,
                day=form.cleaned_data["day"],
                people_on_site=form.cleaned_data["people_on_site"],
                symptoms=form.symptom_map(),
                note=form.cleaned_data["note"],
            )
        except ServiceError as refused:
            _refuse_in(form, refused)
        else:
            messages.success(request, _report_filed_message(report))
            return redirect("health:report", pk=report.pk)
    existing = selectors.daily_report_of(enterprise, timezone.localdate())
    return render(
        request,
        "health/report_form.html",
        {"form": form, "enterprise": enterprise, "existing": existing, "correcting": None},
        status=400 if request.method == "POST" else 200,
    )


def _report_filed_message(report: Any) -> str:
    if report.is_zero:
        return _("The zero report for %(day)s was filed.") % {"day": report.day.isoformat()}
    return _("The report for %(day)s was filed.") % {"day": report.day.isoformat()}


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = selectors.daily_report_get(user=request.user, pk=pk)
    return render(
        request,
        "health/report_detail.html",
        {
            "report": report,
            "can_correct": report.day == timezone.localdate() and services.acts_for(request.user, report.enterprise),
        },
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def report_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = selectors.daily_report_get(user=request.user, pk=pk)
    if not services.acts_for(request.user, report.enterprise):
        raise PermissionDenied
    symptoms = list(report.symptoms.all())
    initial = {
        "day": report.day,
        "people_on_site": report.people_on_site,
        "note": report.note,
        "symptomatic": [s.employee_id for s in symptoms],
        "symptoms": sorted({value for s in symptoms for value in s.symptoms.split(",")}),
    }
    form = DailyReportForm(
        request.POST or None, initial=initial, employees=selectors.employees_for_report(report.enterprise)
    )
    form.fields["day"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.daily_report_correct(
                actor=request.user,
                report=report,
                people_on_site=form.cleaned_data["people_on_site"],
                symptoms=form.symptom_map(),
                note=form.cleaned_data["note"],
            )
        except ServiceError as refused:
            _refuse_in(form, refused)
        else:
            messages.success(request, _("The report was corrected."))
            return redirect("health:report", pk=report.pk)
    return render(
        request,
        "health/report_form.html",
        {"form": form, "enterprise": report.enterprise, "existing": None, "correcting": report},
        status=400 if request.method == "POST" else 200,
    )


# --- EP-4 ----------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def codes(request: AuthenticatedRequest) -> HttpResponse:
    data = _filters(request)
    enterprise_id = getattr(request.user, "enterprise_id", None) if _is_enterprise(request) else data.get("enterprise")
    people = selectors.coded_employees(
        user=request.user, enterprise_id=enterprise_id, region_code=data.get("region", "")
    )
    changes = selectors.code_history(user=request.user)
    if enterprise_id:
        changes = changes.filter(employee__enterprise_id=enterprise_id)
    return render(
        request,
        "health/codes.html",
        {
            "page": _page(request, people),
            "query_string": _query_string(request),
            "changes": changes[:50],
            "regions": [] if _is_enterprise(request) else regions_for_filter(user=request.user),
            "region_code": data.get("region", ""),
            "is_enterprise": _is_enterprise(request),
        },
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def code_employee(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One person's code and its history; the task force assigns a code here (protection refusals shown)."""
    employee = selectors.employee_get(user=request.user, pk=pk)
    can_assign = has_capability(request.user, Capability.EPIDEMIC_MANAGE)
    form = CodeAssignForm(request.POST or None, initial={"colour": employee.health_code})
    status = 200
    if request.method == "POST":
        if not can_assign:
            raise PermissionDenied
        if form.is_valid():
            try:
                change = services.health_code_assign(actor=request.user, employee=employee, **form.cleaned_data)
            except ServiceError as refused:
                _refuse_in(form, refused)
            else:
                if change is None:
                    messages.info(request, _("The code was already that colour."))
                else:
                    messages.success(request, _("The code was changed."))
                return redirect("health:code_employee", pk=employee.pk)
        status = 400
    return render(
        request,
        "health/code_employee.html",
        {
            "employee": employee,
            "credentials": selectors.two_codes_one_certificate(employee),
            "changes": selectors.code_history(user=request.user, employee_id=employee.pk),
            "form": form,
            "can_assign": can_assign,
        },
        status=status,
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def risk_areas(request: AuthenticatedRequest) -> HttpResponse:
    can_manage = has_capability(request.user, Capability.EPIDEMIC_MANAGE)
    form = RiskAreaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.risk_area_create(actor=request.user, data=form.cleaned_data)
            except ServiceError as refused:
                _refuse_in(form, refused)
            else:
                messages.success(request, _("The risk area was added."))
                return redirect("health:risk_areas")
        status = 400
    today = timezone.localdate()
    return render(
        request,
        "health/risk_areas.html",
        {
            "areas": selectors.risk_area_list()[:500],
            "in_force": set(selectors.risk_areas_in_force(today).values_list("pk", flat=True)),
            "changeable": selectors.risk_area_ids_to_end(user=request.user, today=today) if can_manage else set(),
            "form": form,
            "end_form": RiskAreaEndForm(initial={"until": today}),
            "can_manage": can_manage,
        },
        status=status,
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def risk_area_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = selectors.risk_area_get_to_change(user=request.user, pk=pk)
    form = RiskAreaEndForm(request.POST)
    if form.is_valid():
        try:
            services.risk_area_end(actor=request.user, area=area, until=form.cleaned_data["until"])
        except ServiceError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The end date was recorded."))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("health:risk_areas")


# --- EP-5 ----------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def arrivals(request: AuthenticatedRequest) -> HttpResponse:
    data = _filters(request)
    enterprise_id = getattr(request.user, "enterprise_id", None) if _is_enterprise(request) else data.get("enterprise")
    registrations = selectors.arrival_list(
        user=request.user,
        filters=selectors.ArrivalFilters(enterprise_id=enterprise_id, region_code=data.get("region", "")),
    )
    page = _page(request, registrations)
    now = timezone.now()
    rows = [(registration, selectors.arrival_status(registration, now)) for registration in page]
    return render(
        request,
        "health/arrivals.html",
        {
            "page": page,
            "rows": rows,
            "labels": selectors.ArrivalStatus.LABELS,
            "badges": selectors.ArrivalStatus.BADGES,
            "query_string": _query_string(request),
            "unregistered": selectors.unregistered_sightings(user=request.user, enterprise_id=enterprise_id)[:100],
            "regions": [] if _is_enterprise(request) else regions_for_filter(user=request.user),
            "region_code": data.get("region", ""),
            "is_enterprise": _is_enterprise(request),
            "can_register": _is_enterprise(request) and has_capability(request.user, Capability.EPIDEMIC_REPORT),
        },
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def arrival_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = _target_enterprise(request)
    if not services.acts_for(request.user, enterprise):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("name",) if request.GET.get(k)}
    form = ArrivalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.arrival_register(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except ServiceError as refused:
            _refuse_in(form, refused)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": registration.name})
            return redirect("health:arrival", pk=registration.pk)
    return render(
        request,
        "health/arrival_form.html",
        {"form": form, "enterprise": enterprise},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def arrival_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    registration = selectors.arrival_get(user=request.user, pk=pk)
    return render(
        request,
        "health/arrival_detail.html",
        {
            "registration": registration,
            "status": selectors.arrival_status(registration),
            "labels": selectors.ArrivalStatus.LABELS,
            "badges": selectors.ArrivalStatus.BADGES,
            "can_act": services.acts_for(request.user, registration.enterprise),
        },
    )


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def arrival_arrived(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    registration = selectors.arrival_get(user=request.user, pk=pk)
    try:
        services.arrival_mark_arrived(actor=request.user, registration=registration)
    except PermissionRefused:
        raise PermissionDenied from None
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The arrival was recorded."))
    return redirect("health:arrival", pk=registration.pk)


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def sighting_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = _target_enterprise(request)
    if not services.acts_for(request.user, enterprise):
        raise PermissionDenied
    form = SightingForm(request.POST or None, initial={"seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        try:
            sighting = services.arrival_sighted(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ServiceError as refused:
            _refuse_in(form, refused)
        else:
            if sighting.registration_id:
                messages.success(
                    request, _("%(name)s is registered; the arrival was recorded.") % {"name": sighting.name}
                )
            else:
                messages.warning(
                    request,
                    _("%(name)s has not registered: a warning was raised. Register the person after the fact.")
                    % {"name": sighting.name},
                )
            return redirect(
                reverse("health:arrivals") + (f"?enterprise={enterprise.pk}" if not _is_enterprise(request) else "")
            )
    return render(
        request,
        "health/sighting_form.html",
        {"form": form, "enterprise": enterprise},
        status=400 if request.method == "POST" else 200,
    )
