"""EP-2 and EP-8 pages: result files with a live progress bar, who is overdue, and zone moves.
Thin: the ingest, overdue selector and zone service hold the rules."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.pagination import page_of
from sibao.core.roles import Capability
from sibao.core.summaries import freshness
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.epidemic import ingest, overdue, selectors, services
from sibao.epidemic.forms import OverdueFilterForm, ResultsUploadForm, ZoneMoveForm
from sibao.epidemic.models import TestImportStatus
from sibao.epidemic.summaries import NAME as OVERDUE_SUMMARY
from sibao.regions.models import Region

PAGE_SIZE = 50


@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def results(request: AuthenticatedRequest) -> HttpResponse:
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            test_import = ingest.results_import_submit(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                file_name=upload.name,
                content=upload,
            )
        except ServiceError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            return redirect("epidemic:result_import", pk=test_import.pk)
    page = Paginator(selectors.test_import_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "epidemic/results.html", {"form": form, "page": page})


@login_required
@capability_required(Capability.EPIDEMIC_MANAGE)
def result_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One file; while it runs, htmx asks for the progress fragment every second."""
    test_import = selectors.test_import_get(user=request.user, pk=pk)
    context = {
        "test_import": test_import,
        "running": test_import.status in (TestImportStatus.PENDING, TestImportStatus.RUNNING),
        "errors": test_import.error.splitlines() if test_import.error else [],
    }
    template = "epidemic/_result_progress.html" if request.headers.get("HX-Request") else "epidemic/result_import.html"
    return render(request, template, context)


@login_required
@capability_required(Capability.EMPLOYEE_VIEW)
def overdue_list(request: AuthenticatedRequest) -> HttpResponse:
    form = OverdueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    enterprise = region = None
    enterprise_id = data.get("enterprise") or getattr(request.user, "enterprise_id", None)
    if enterprise_id:
        enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=enterprise_id)
    if data.get("region"):
        region = Region.objects.filter(code=data["region"]).first()
    people = overdue.overdue_employee_list(user=request.user, enterprise=enterprise, region=region).select_related(
        "enterprise"
    )
    page = page_of(request, people, PAGE_SIZE)  # a province's overdue people are counted within bounds (issue 10)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "enterprise": enterprise,
        "query_string": query.urlencode(),
        # Issue 10: from the maintained summary (``epidemic.summaries``), which the page dates ("数据更新于 …").
        "freshness": None if enterprise else freshness(OVERDUE_SUMMARY),
        "by_enterprise": []
        if enterprise
        else overdue.overdue_counts_by_enterprise(user=request.user, region=region, limit=PAGE_SIZE),
        "regions": [] if enterprise else regions_for_filter(user=request.user),
        "cadence": overdue.Cadence.for_region(
            enterprise.region if enterprise else region or getattr(request.user, "region", None)
        ),
    }
    return render(request, "epidemic/overdue.html", context)


@require_POST
@login_required
@capability_required(Capability.EMPLOYEE_MANAGE)
def employee_move_zone(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get(user=request.user, pk=pk)
    form = ZoneMoveForm(request.POST)
    if form.is_valid():
        try:
            services.employee_move_zone(
                actor=request.user,
                employee=employee,
                zone=form.cleaned_data["zone"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("%(name)s moved to the %(zone)s.") % {"name": employee.name, "zone": employee.get_zone_display()},
            )
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("epidemic:detail", pk=employee.pk)
