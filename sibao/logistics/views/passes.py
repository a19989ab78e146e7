"""LG-1 pages: the pass list, the company's application (and its correction), the pass with the task force's
decisions and its history, and the printable pass with its QR code."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.logistics import selectors, services
from sibao.logistics.forms import DecisionForm, PassFilterForm, PassForm
from sibao.logistics.models import PassState, VehiclePass
from sibao.logistics.tokens import check_url
from sibao.logistics.views.common import paged, refusal_to_form
from sibao.logistics.workflows import DECISIONS, PASS
from sibao.venues.qr import qr_svg
from sibao.whitelist.selectors import whitelisted_q


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def pass_list(request: AuthenticatedRequest) -> HttpResponse:
    form = PassFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.PassFilters(
        state=data.get("state", ""), region_code=data.get("region", ""), sector=data.get("sector", "")
    )
    page, query = paged(request, selectors.pass_list(user=request.user, filters=filters))
    is_company = getattr(request.user, "enterprise_id", None) is not None
    return render(
        request,
        "logistics/pass_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query,
            "regions": [] if is_company else regions_for_filter(user=request.user),
            "can_apply": has_capability(request.user, Capability.PASS_APPLY) and is_company,
            "today": timezone.localdate(),
        },
    )


def _form(request: AuthenticatedRequest, enterprise: Enterprise, data: Any = None, **kwargs: Any) -> PassForm:
    choices = selectors.company_choices(user=request.user)
    city = "/".join(enterprise.region.path.split("/")[:2]) + "/"
    served = (
        Enterprise.objects.filter(whitelisted_q(), region__path__startswith=city)
        .select_related("region")
        .order_by("region__code", "name")
    )
    return PassForm(
        data,
        vehicles=choices["vehicles"],
        drivers=choices["drivers"],
        served=served,
        stations=selectors.station_choices(),
        **kwargs,
    )


def _company(request: AuthenticatedRequest) -> Enterprise:
    enterprise: Enterprise = Enterprise.objects.select_related("region").get(pk=request.user.enterprise_id)  # type: ignore[union-attr]
    return enterprise


@login_required
@capability_required(Capability.PASS_APPLY)
def pass_new(request: AuthenticatedRequest) -> HttpResponse:
    if getattr(request.user, "enterprise_id", None) is None:
        raise Http404  # applications come from a company's own account
    enterprise = _company(request)
    form = _form(request, enterprise, request.POST or None, initial={"valid_from": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                vehicle_pass = services.pass_apply(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                messages.success(request, _("The application was sent to the logistics task force."))
                return redirect("logistics:pass", pk=vehicle_pass.pk)
    return render(request, "logistics/pass_form.html", {"form": form, "vehicle_pass": None}, status=status)


@login_required
@capability_required(Capability.PASS_APPLY)
def pass_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    vehicle_pass = selectors.pass_get(user=request.user, pk=pk)
    if (
        vehicle_pass.state != PassState.RETURNED
        or getattr(request.user, "enterprise_id", None) != vehicle_pass.enterprise_id
    ):
        raise Http404
    initial = {
        "vehicle": vehicle_pass.vehicle_id,
        "drivers": [row.driver_id for row in vehicle_pass.pass_drivers.all()],
        "served": [row.enterprise_id for row in vehicle_pass.pass_enterprises.all() if row.dropped_at is None],
        "stations": [s.pk for s in vehicle_pass.stations.all()],
        **{
            name: getattr(vehicle_pass, name)
            for name in ("arrangement", "route", "valid_from", "valid_until", "toll_reduction")
        },
    }
    form = _form(request, _company(request), request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.pass_update(actor=request.user, vehicle_pass=vehicle_pass, data=form.cleaned_data)
                services.pass_resubmit(actor=request.user, vehicle_pass=vehicle_pass)
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                messages.success(request, _("The corrected application was sent again."))
                return redirect("logistics:pass", pk=vehicle_pass.pk)
    return render(request, "logistics/pass_form.html", {"form": form, "vehicle_pass": vehicle_pass}, status=status)


def _detail(
    request: AuthenticatedRequest,
    vehicle_pass: VehiclePass,
    *,
    form: DecisionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    actions = [t for t in PASS.available(vehicle_pass, request.user) if t.action in (*DECISIONS, "resubmit")]
    approved = vehicle_pass.state == PassState.APPROVED
    return render(
        request,
        "logistics/pass_detail.html",
        {
            "vehicle_pass": vehicle_pass,
            "actions": actions,
            "decision_form": form or DecisionForm(),
            "error": error,
            "history": PASS.history_rows(vehicle_pass),
            "qr": qr_svg(check_url(request, vehicle_pass.code), scale=3) if approved else "",
            "can_edit": vehicle_pass.state == PassState.RETURNED
            and getattr(request.user, "enterprise_id", None) == vehicle_pass.enterprise_id,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def pass_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.pass_get(user=request.user, pk=pk))


@require_POST
@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def pass_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    vehicle_pass = selectors.pass_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, vehicle_pass, form=form, status=400)
    try:
        if action == "resubmit":
            services.pass_resubmit(actor=request.user, vehicle_pass=vehicle_pass)
        else:
            services.pass_decide(
                actor=request.user, vehicle_pass=vehicle_pass, action=action, reason=form.cleaned_data["reason"]
            )
    except ServiceError as refused:
        if refused.field == "reason":
            form.add_error("reason", refused.message)
        fresh = selectors.pass_get(user=request.user, pk=pk)
        return _detail(request, fresh, form=form, error=refused.message, status=refused.status)
    messages.success(request, _("Done: %(action)s.") % {"action": PASS.transition(action).label})
    return redirect("logistics:pass", pk=pk)


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def pass_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The unified pass (全国统一式样 in spirit): plate, drivers, enterprises served, dates and the QR code."""
    vehicle_pass = selectors.pass_get(user=request.user, pk=pk)
    if vehicle_pass.state != PassState.APPROVED:
        raise Http404
    return render(
        request,
        "logistics/pass_print.html",
        {
            "vehicle_pass": vehicle_pass,
            "qr": qr_svg(check_url(request, vehicle_pass.code), scale=6),
            "served": [row for row in vehicle_pass.pass_enterprises.all() if row.dropped_at is None],
        },
    )
