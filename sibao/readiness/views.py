"""EP-10 / EP-11 pages: the region ranking of readiness gaps, the region list of supply shortfalls, and one
enterprise's supplies and readiness with its forms. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.selectors import regions_for_filter
from sibao.readiness import selectors, services
from sibao.readiness.forms import DrillForm, PlanForm, ReadinessForm, RegionFilterForm, StockForm

HISTORY_ROWS = 30


def _filters(request: AuthenticatedRequest) -> tuple[RegionFilterForm, selectors.RegionFilters]:
    form = RegionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.RegionFilters(region_code=data.get("region", ""), whitelisted_only=not data.get("all"))


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    """An enterprise goes to its own page; officials see their area's enterprises, most gaps first."""
    if getattr(request.user, "enterprise_id", None):
        return redirect("readiness:enterprise", pk=request.user.enterprise_id)  # type: ignore[union-attr]
    form, filters = _filters(request)
    reports = selectors.readiness_ranking(user=request.user, filters=filters)
    return render(
        request,
        "readiness/index.html",
        {"form": form, "reports": reports, "regions": regions_for_filter(user=request.user)},
    )


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def supplies(request: AuthenticatedRequest) -> HttpResponse:
    if getattr(request.user, "enterprise_id", None):
        return redirect("readiness:enterprise", pk=request.user.enterprise_id)  # type: ignore[union-attr]
    form, filters = _filters(request)
    shortfalls = selectors.supply_shortfalls(user=request.user, filters=filters)
    return render(
        request,
        "readiness/supplies.html",
        {"form": form, "shortfalls": shortfalls, "regions": regions_for_filter(user=request.user)},
    )


def _render_enterprise(request: AuthenticatedRequest, pk: int, status: int = 200, **forms: Any) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    report = selectors.readiness_report(enterprise)
    readiness = report.readiness
    initial = (
        {
            "leader_name": readiness.leader_name,
            "leader_post": readiness.leader_post,
            "members": readiness.members,
            "observation_rooms": readiness.observation_rooms,
            "has_sampling_booth": readiness.has_sampling_booth,
        }
        if readiness
        else {"observation_rooms": 0}
    )
    context = {
        "enterprise": enterprise,
        "report": report,
        "history": selectors.supply_history(user=request.user, enterprise=enterprise)[:HISTORY_ROWS],
        "drills": selectors.drill_list(user=request.user, enterprise=enterprise),
        "can_report": has_capability(request.user, Capability.EPIDEMIC_REPORT),
        "stock_form": forms.get("stock_form")
        or StockForm(initial={line.item: line.stock for line in report.supplies.lines}),
        "readiness_form": forms.get("readiness_form") or ReadinessForm(initial=initial),
        "plan_form": forms.get("plan_form") or PlanForm(),
        "drill_form": forms.get("drill_form") or DrillForm(),
    }
    return render(request, "readiness/enterprise.html", context, status=status)


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def enterprise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _render_enterprise(request, pk)


def _refused(form: Any, refused: ServiceError) -> None:
    if isinstance(refused, PermissionRefused):
        raise PermissionDenied
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_REPORT)
def stock_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = selectors.enterprise_get(user=request.user, pk=pk)
    form = StockForm(request.POST)
    if form.is_valid():
        try:
            written = services.stock_report(
                actor=request.user, enterprise=target, quantities=form.quantities(), note=form.cleaned_data["note"]
            )
        except ServiceError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Stock saved: %(count)s figures changed.") % {"count": len(written)})
            return redirect("readiness:enterprise", pk=pk)
    return _render_enterprise(request, pk, 400, stock_form=form)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_REPORT)
def readiness_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = selectors.enterprise_get(user=request.user, pk=pk)
    form = ReadinessForm(request.POST)
    if form.is_valid():
        try:
            services.readiness_save(actor=request.user, enterprise=target, data=form.cleaned_data)
        except ServiceError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Readiness saved."))
            return redirect("readiness:enterprise", pk=pk)
    return _render_enterprise(request, pk, 400, readiness_form=form)


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_REPORT)
def plan_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = selectors.enterprise_get(user=request.user, pk=pk)
    form = PlanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plan_upload(
                actor=request.user,
                enterprise=target,
                upload=form.cleaned_data["file"],
                plan_date=form.cleaned_data["plan_date"],
            )
        except ServiceError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Emergency plan uploaded."))
            return redirect("readiness:enterprise", pk=pk)
    return _render_enterprise(request, pk, 400, plan_form=form)


@login_required
@capability_required(Capability.EPIDEMIC_VIEW)
def plan_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = selectors.enterprise_get(user=request.user, pk=pk)
    readiness = selectors.readiness_report(target).readiness
    if readiness is None or not readiness.plan_file:
        raise Http404
    try:
        handle = readiness.plan_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response: Any = FileResponse(handle, as_attachment=True, filename=readiness.plan_name)
    return response  # a streaming response; the decorators' signature names HttpResponse


@require_POST
@login_required
@capability_required(Capability.EPIDEMIC_REPORT)
def drill_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = selectors.enterprise_get(user=request.user, pk=pk)
    form = DrillForm(request.POST)
    if form.is_valid():
        try:
            services.drill_record(
                actor=request.user,
                enterprise=target,
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Drill recorded."))
            return redirect("readiness:enterprise", pk=pk)
    return _render_enterprise(request, pk, 400, drill_form=form)
