"""LG-2/LG-4 pages: checkpoints and transfer stations (kept by the logistics task force of the region, 404 for
another region's), and the enterprises' contactless receiving points (each enterprise keeps its own)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.logistics import selectors, services
from sibao.logistics.forms import CheckpointForm, ReceivingPointForm, StationFilterForm, StationForm
from sibao.logistics.models import TransferStation
from sibao.logistics.views.common import paged, refusal_to_form
from sibao.regions.models import Region, RegionLevel


def _regions(request: AuthenticatedRequest, *, counties_only: bool) -> Any:
    regions = Region.objects.filter(
        level__in=[RegionLevel.COUNTY] if counties_only else [RegionLevel.CITY, RegionLevel.COUNTY]
    )
    user = request.user
    if not (user.is_superuser or getattr(user, "role", "") == "administrator"):
        regions = regions.filter(path__startswith=user.region.path if user.region_id else "-")  # type: ignore[union-attr]
    return regions.order_by("code")


def _manage(request: AuthenticatedRequest) -> bool:
    return has_capability(request.user, Capability.LOGISTICS_MANAGE)


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def checkpoint_list(request: AuthenticatedRequest) -> HttpResponse:
    return _checkpoints(request, None)


@login_required
@capability_required(Capability.LOGISTICS_MANAGE)
def checkpoint_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _checkpoints(request, pk)


def _checkpoints(request: AuthenticatedRequest, pk: int | None) -> HttpResponse:
    checkpoint = selectors.checkpoint_get(user=request.user, pk=pk) if pk else None
    form = None
    if _manage(request):
        initial = (
            {
                "region": checkpoint.region_id,
                **{
                    name: getattr(checkpoint, name)
                    for name in ("name", "kind", "location", "latitude", "longitude", "is_active")
                },
            }
            if checkpoint
            else None
        )
        form = CheckpointForm(request.POST or None, initial=initial, regions=_regions(request, counties_only=True))
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                services.checkpoint_save(actor=request.user, data=form.cleaned_data, checkpoint=checkpoint)
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                messages.success(request, _("Checkpoint saved."))
                return redirect("logistics:checkpoints")
    page, query = paged(request, selectors.checkpoint_list(user=request.user))
    return render(
        request,
        "logistics/checkpoints.html",
        {"form": form, "editing": checkpoint, "page": page, "query_string": query},
        status=status,
    )


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def station_list(request: AuthenticatedRequest) -> HttpResponse:
    return _stations(request, None)


@login_required
@capability_required(Capability.LOGISTICS_MANAGE)
def station_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _stations(request, pk)


def _stations(request: AuthenticatedRequest, pk: int | None) -> HttpResponse:
    station = selectors.station_get(user=request.user, pk=pk) if pk else None
    form = None
    if _manage(request):
        fields = ("kind", "name", "address", "capacity", "hours", "contact_phone", "status", "latitude", "longitude")
        initial = {"region": station.region_id, **{n: getattr(station, n) for n in fields}} if station else None
        form = StationForm(request.POST or None, initial=initial, regions=_regions(request, counties_only=False))
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                services.station_save(actor=request.user, data=form.cleaned_data, station=station)
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                messages.success(request, _("Station saved."))
                return redirect("logistics:stations")
    filters_form = StationFilterForm(request.GET or None)
    data = filters_form.cleaned_data if filters_form.is_valid() else {}
    filters = selectors.StationFilters(
        region_code=data.get("region", ""), kind=data.get("kind", ""), status=data.get("status", "")
    )
    page, query = paged(request, selectors.station_list(filters=filters))
    # Every region's stations are listed; the task force changes its own region's only.
    editable = (
        set(
            TransferStation.objects.visible_to(request.user)
            .filter(pk__in=[s.pk for s in page])
            .values_list("pk", flat=True)
        )
        if form is not None
        else set()
    )
    return render(
        request,
        "logistics/stations.html",
        {
            "form": form,
            "filters": filters_form,
            "editing": station,
            "editable": editable,
            "page": page,
            "query_string": query,
        },
        status=status,
    )


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def receiving_points(request: AuthenticatedRequest) -> HttpResponse:
    """Officials: the points in scope. An enterprise: its own point, to keep."""
    enterprise_id = getattr(request.user, "enterprise_id", None)
    form = None
    status = 200
    if enterprise_id is not None and has_capability(request.user, Capability.VEHICLE_MANAGE):
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        point = selectors.receiving_point_of(enterprise_id)
        fields = ("location", "hours", "contact_name", "contact_phone", "instructions", "latitude", "longitude")
        initial = {name: getattr(point, name) for name in fields} if point else None
        form = ReceivingPointForm(request.POST or None, initial=initial)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    services.receiving_point_set(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
                except ServiceError as refused:
                    status = refusal_to_form(form, refused)
                else:
                    messages.success(request, _("Receiving point saved."))
                    return redirect("logistics:receiving_points")
    elif request.method == "POST":
        raise PermissionDenied
    page, query = paged(request, selectors.receiving_point_list(user=request.user))
    return render(
        request,
        "logistics/receiving_points.html",
        {"form": form, "page": page, "query_string": query},
        status=status,
    )
