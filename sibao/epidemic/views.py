"""EP-1 pages: employees per enterprise (masked numbers), add, import (preview → confirm), detail with the
epidemic task force's logged reveal, and the WL-10 export. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.import_jobs import import_job_submit
from sibao.core.import_views import import_job_context, job_page
from sibao.core.pagination import page_of
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required, xlsx_response
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.epidemic import export, imports, selectors, services
from sibao.epidemic.forms import EmployeeFilterForm, EmployeeForm, EmployeeImportForm, RevealForm, ZoneMoveForm

PAGE_SIZE = 50


def _enterprise_for(request: AuthenticatedRequest, form_data: dict[str, Any]) -> Enterprise:
    """The enterprise to write to: the user's own, or the one chosen (already limited to the user's scope)."""
    if form_data.get("enterprise") is not None:
        return form_data["enterprise"]
    enterprise: Enterprise = Enterprise.objects.get_visible(
        request.user, pk=getattr(request.user, "enterprise_id", None)
    )
    return enterprise


@login_required
@capability_required(Capability.EMPLOYEE_VIEW)
def employee_list(request: AuthenticatedRequest) -> HttpResponse:
    form = EmployeeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.EmployeeFilters(
        query=data.get("q", ""),
        enterprise_id=data.get("enterprise"),
        region_code=data.get("region", ""),
        post_type=data.get("post_type", ""),
        zone=data.get("zone", ""),
        sector=data.get("sector", ""),
    )
    # Issue 10: a province's million employees are counted within bounds ("约 N" past them).
    page = page_of(request, selectors.employee_list(user=request.user, filters=filters), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    is_enterprise = getattr(request.user, "enterprise_id", None) is not None
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "is_enterprise": is_enterprise,
        "enterprises": [] if is_enterprise else selectors.enterprises_for_filter(user=request.user),
        "regions": [] if is_enterprise else regions_for_filter(user=request.user),
        "can_manage": has_capability(request.user, Capability.EMPLOYEE_MANAGE),
        "can_export": has_capability(request.user, Capability.EMPLOYEE_EXPORT_PROVINCE),
    }
    return render(request, "epidemic/list.html", context)


@login_required
@capability_required(Capability.EMPLOYEE_VIEW)
def employee_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get(user=request.user, pk=pk)
    return render(request, "epidemic/detail.html", _detail_context(request, employee, RevealForm()))


def _detail_context(request: AuthenticatedRequest, employee: Any, form: RevealForm) -> dict[str, Any]:
    return {
        "employee": employee,
        "results": selectors.test_results_of(employee=employee),
        "zone_moves": selectors.zone_moves_of(employee=employee)[:20],
        "zone_form": ZoneMoveForm() if has_capability(request.user, Capability.EMPLOYEE_MANAGE) else None,
        # Superusers pass every capability check; the service's role rule is the one that counts here.
        "can_reveal": has_capability(request.user, Capability.ID_REVEAL)
        and getattr(request.user, "role", None) in services.REVEALING_ROLES,
        "reveal_form": form,
    }


@never_cache
@require_POST
@login_required
@capability_required(Capability.ID_REVEAL)
def employee_reveal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The full number, shown once on this response (never in a URL, never cached, never logged)."""
    if getattr(request.user, "role", None) not in services.REVEALING_ROLES:
        raise PermissionDenied  # superusers pass capability checks; the role rule is the service's
    employee = selectors.employee_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    context = _detail_context(request, employee, form)
    if form.is_valid():
        try:
            context["revealed"] = services.employee_reveal_id_number(
                actor=request.user, employee=employee, purpose=form.cleaned_data["purpose"]
            )
            context["reveal_form"] = RevealForm()
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as refused:
            form.add_error("purpose" if refused.field == "purpose" else None, refused.message)
    return render(request, "epidemic/detail.html", context, status=200 if form.is_valid() else 400)


@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def employee_create(request: AuthenticatedRequest) -> HttpResponse:
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = EmployeeForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = _enterprise_for(request, data)
        try:
            employee = services.employee_create(actor=request.user, enterprise=enterprise, data=data)
        except ServiceError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": employee.name})
            return redirect("epidemic:detail", pk=employee.pk)
    return render(request, "epidemic/form.html", {"form": form})


@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    return xlsx_response(imports.import_template_xlsx(), "员工导入模板.xlsx")


@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def employee_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → checked as a job (issue 8 #8) → this page shows it (``?job=``). The file holds full ID
    numbers: it is kept encrypted until the job ends (core.uploads)."""
    form = EmployeeImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = _enterprise_for(request, form.cleaned_data)
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=request.user,
                kind="employees",
                upload=upload,
                file_name=upload.name,
                params={"enterprise": enterprise.pk},
                commit=False,
            )
        except ServiceError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(job_page(job))
    context: dict[str, Any] = {"form": form, "columns": imports.COLUMNS}
    context.update(import_job_context(request, kind="employees"))
    return render(request, "epidemic/import.html", context)


@login_required
@capability_required(Capability.EMPLOYEE_EXPORT_PROVINCE)
def province_export(request: AuthenticatedRequest) -> HttpResponse:
    try:
        exported = export.employee_export_province(actor=request.user, region_code=request.GET.get("region", ""))
    except PermissionRefused:
        raise PermissionDenied from None
    response = xlsx_response(exported.content, exported.filename)
    response["Cache-Control"] = "no-store"
    return response
