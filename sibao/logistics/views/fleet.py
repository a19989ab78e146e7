"""LG-1/LG-3 pages: a company's vehicles and drivers (registered here), the drivers in scope for officials with
the transport whitelist, one driver with the health record and the epidemic task force's logged reveal."""

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
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.epidemic.services import REVEALING_ROLES
from sibao.logistics import selectors, services
from sibao.logistics.forms import DriverFilterForm, DriverForm, DriverHealthForm, RevealForm, VehicleForm
from sibao.logistics.models import Driver
from sibao.logistics.views.common import paged, refusal_to_form


def _company(request: AuthenticatedRequest) -> Enterprise | None:
    if (
        not has_capability(request.user, Capability.VEHICLE_MANAGE)
        or getattr(request.user, "enterprise_id", None) is None
    ):
        return None
    return Enterprise.objects.get(pk=getattr(request.user, "enterprise_id", 0))


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def vehicle_list(request: AuthenticatedRequest) -> HttpResponse:
    company = _company(request)
    form = VehicleForm(request.POST or None) if company else None
    status = 200
    if request.method == "POST":
        if company is None or form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                vehicle = services.vehicle_register(
                    actor=request.user,
                    enterprise=company,
                    plate=form.cleaned_data["plate"],
                    kind=form.cleaned_data["kind"],
                )
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                messages.success(request, _("Vehicle %(plate)s registered.") % {"plate": vehicle.plate_display})
                return redirect("logistics:vehicles")
    page, query = paged(request, selectors.vehicle_list(user=request.user))
    return render(
        request, "logistics/vehicles.html", {"form": form, "page": page, "query_string": query}, status=status
    )


@require_POST
@login_required
@capability_required(Capability.VEHICLE_MANAGE)
def vehicle_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    vehicle = selectors.vehicle_get(user=request.user, pk=pk)
    try:
        services.vehicle_set_active(actor=request.user, vehicle=vehicle, active=request.POST.get("active") == "1")
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("logistics:vehicles")


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def driver_list(request: AuthenticatedRequest) -> HttpResponse:
    company = _company(request)
    form = DriverForm(request.POST or None) if company else None
    status = 200
    if request.method == "POST":
        if company is None or form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                driver = services.driver_register(actor=request.user, enterprise=company, data=form.cleaned_data)
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                messages.success(request, _("Driver %(name)s registered.") % {"name": driver.name})
                return redirect("logistics:driver", pk=driver.pk)
    filters_form = DriverFilterForm(request.GET or None)
    data = filters_form.cleaned_data if filters_form.is_valid() else {}
    filters = selectors.DriverFilters(
        transport_whitelist=bool(data.get("whitelist")),
        q=data.get("q", ""),
        region_code=data.get("region", ""),
        sector=data.get("sector", ""),
    )
    page, query = paged(request, selectors.driver_list(user=request.user, filters=filters))
    return render(
        request,
        "logistics/drivers.html",
        {"form": form, "filters": filters_form, "page": page, "query_string": query},
        status=status,
    )


def _driver_page(request: AuthenticatedRequest, driver: Driver, **extra: object) -> dict[str, object]:
    return {
        "driver": driver,
        "health_form": DriverHealthForm() if driver.employee_id is None else None,
        "can_record": driver.employee_id is None
        and (
            getattr(request.user, "enterprise_id", None) == driver.enterprise_id
            or has_capability(request.user, Capability.EPIDEMIC_MANAGE)
        ),
        # Superusers pass every capability check; the reveal service's role rule is the one that counts.
        "can_reveal": has_capability(request.user, Capability.ID_REVEAL)
        and getattr(request.user, "role", None) in REVEALING_ROLES,
        "reveal_form": RevealForm(),
        **extra,
    }


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def driver_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    driver = selectors.driver_get(user=request.user, pk=pk)
    return render(request, "logistics/driver.html", _driver_page(request, driver))


@require_POST
@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def driver_health(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    driver = selectors.driver_get(user=request.user, pk=pk)
    form = DriverHealthForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.driver_record_health(
                actor=request.user,
                driver=driver,
                health_code=form.cleaned_data["health_code"],
                certificate_sampled_at=form.cleaned_data["certificate_sampled_at"],
            )
        except ServiceError as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, _("Recorded."))
            return redirect("logistics:driver", pk=pk)
    return render(request, "logistics/driver.html", _driver_page(request, driver, health_form=form), status=status)


@never_cache
@require_POST
@login_required
@capability_required(Capability.ID_REVEAL)
def driver_reveal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The full number, shown once on this response (never in a URL, never cached, never logged)."""
    if getattr(request.user, "role", None) not in REVEALING_ROLES:
        raise PermissionDenied
    driver = selectors.driver_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    context = _driver_page(request, driver, reveal_form=form)
    if form.is_valid():
        try:
            context["revealed"] = services.driver_reveal_id_number(
                actor=request.user, driver=driver, purpose=form.cleaned_data["purpose"]
            )
            context["reveal_form"] = RevealForm()
        except PermissionRefused:
            raise PermissionDenied from None
        except ServiceError as refused:
            form.add_error("purpose" if refused.field == "purpose" else None, refused.message)
    return render(request, "logistics/driver.html", context, status=200 if form.is_valid() else 400)
