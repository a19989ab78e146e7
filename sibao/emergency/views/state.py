"""EM-1/EM-2 pages: the region state overview and a region's state page, the switch with its preview and one
confirmation, switching back, areas, the readiness list, and the enterprise's notice with its confirmation.
Thin: selectors read, services write; a refusal re-renders the page with the reason and its status."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability
from sibao.core.sectors import Sector
from sibao.core.views import capability_required
from sibao.emergency import selectors, services
from sibao.emergency.api import region_actions
from sibao.emergency.forms import AreaForm, ConfirmForm, SwitchBackForm, SwitchForm
from sibao.emergency.models import EmergencyArea
from sibao.emergency.views.common import own_enterprise
from sibao.enterprises.models import Enterprise
from sibao.parameters.selectors import parameters_differing_in_emergency
from sibao.regions.models import Region, RegionLevel

PAGE_SIZE = 100


def _add_refusal(form: Any, refused: ServiceError) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The open emergencies that cover the user or lie below it (or, with ?region=, that concern one region — the
    command screen's figure), and the state of the user's own region."""
    user = request.user
    region_code = request.GET.get("region", "")[:12]
    page = Paginator(selectors.open_emergencies(user=user, region_code=region_code), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    emergencies = list(page)
    counts = selectors.confirmation_counts_for(emergencies)
    home = selectors.home_region(user)
    regions: list[Region] = []
    if home is not None:
        regions = [home, *Region.objects.filter(parent=home, is_active=True).order_by("code")]
    elif user.is_superuser or getattr(user, "role", "") == "administrator":
        regions = list(Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by("code"))
    now = timezone.now()
    return render(
        request,
        "emergency/index.html",
        {
            "page": page,
            "rows": [{"emergency": e, "counts": counts[e.pk], "in_force": e.effective_at <= now} for e in emergencies],
            "region_code": region_code,
            "query_string": f"region={region_code}" if region_code else "",
            "home_status": selectors.region_state(home, now) if home is not None else None,
            "regions": regions,
            "waiting": selectors.waiting_counts(home) if home is not None else None,
        },
    )


def _region_page(
    request: AuthenticatedRequest,
    region: Region,
    *,
    back_form: SwitchBackForm | None = None,
    area_form: AreaForm | None = None,
    error: ServiceError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    state = selectors.region_state(region)
    shown = state.emergency or state.announced
    actions = region_actions(state, user)
    own = state.own
    return render(
        request,
        "emergency/region.html",
        {
            "region": region,
            "state": state,
            "shown": shown,
            "actions": actions,
            "areas": selectors.open_areas(shown) if shown else [],
            "counts": selectors.confirmation_counts(shown) if shown else None,
            "office": selectors.joint_office(shown.region if shown else region),
            "differing": parameters_differing_in_emergency(region),
            "changes": selectors.state_changes(region, limit=30),
            "back_form": back_form or (SwitchBackForm(prefix="back") if own is not None else None),
            "area_form": area_form or (_area_form(own) if "draw_area" in actions and own is not None else None),
            "children": Region.objects.filter(parent=region, is_active=True).order_by("code"),
            "error": error,
        },
        status=status,
    )


def _area_form(emergency: Any, data: Any = None) -> AreaForm:
    region = emergency.region
    townships = Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP).order_by("code")
    enterprises = Enterprise.objects.filter(
        pk__in=selectors.holds_of(emergency).filter(released_at__isnull=True).values("enterprise_id")
    ).order_by("name")
    return AreaForm(data, prefix="area", townships=townships, enterprises=enterprises)


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def region_page(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _region_page(request, selectors.region_for(user=request.user, code=code))


@login_required
@capability_required(Capability.EMERGENCY_SWITCH)
def switch(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """GET: the preview and the one confirmation form; POST: the switch."""
    region = selectors.region_for(user=request.user, code=code)
    form = SwitchForm(request.POST or None, prefix="switch")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            effective_at = form.cleaned_data["effective_at"]
            if effective_at is not None and timezone.is_naive(effective_at):
                effective_at = timezone.make_aware(effective_at)
            try:
                emergency = services.emergency_switch(
                    actor=request.user,
                    region=region,
                    reason=form.cleaned_data["reason"],
                    document_number=form.cleaned_data["document_number"],
                    effective_at=effective_at,
                )
            except ServiceError as refused:
                _add_refusal(form, refused)
                status = refused.status
            else:
                if emergency.status == "active":
                    messages.success(
                        request,
                        _("%(region)s is in emergency: %(count)d whitelist enterprises switched to closed loop.")
                        % {"region": region.name, "count": emergency.enterprises_switched},
                    )
                else:
                    messages.success(
                        request,
                        _("Advance notice sent: %(region)s enters emergency at %(at)s.")
                        % {
                            "region": region.name,
                            "at": timezone.localtime(emergency.effective_at).strftime("%Y-%m-%d %H:%M"),
                        },
                    )
                return redirect("emergency:region", code=region.code)
    return render(
        request,
        "emergency/switch.html",
        {
            "region": region,
            "state": selectors.region_state(region),
            "preview": selectors.switch_preview(region),
            "form": form,
            "differing": parameters_differing_in_emergency(region),
        },
        status=status,
    )


@require_POST
@login_required
@capability_required(Capability.EMERGENCY_SWITCH)
def switch_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    emergency = selectors.emergency_get(user=request.user, pk=pk)
    form = SwitchBackForm(request.POST, prefix="back")
    if not form.is_valid():
        return _region_page(request, emergency.region, back_form=form, status=400)
    try:
        ended = services.emergency_switch_back(
            actor=request.user,
            emergency=emergency,
            reason=form.cleaned_data["reason"],
            document_number=form.cleaned_data["document_number"],
        )
    except ServiceError as refused:
        _add_refusal(form, refused)
        return _region_page(request, emergency.region, back_form=form, error=refused, status=refused.status)
    messages.success(
        request,
        _("%(region)s is back to normal: %(count)d enterprises have their own closed-loop mode again.")
        % {"region": ended.region.name, "count": ended.enterprises_restored},
    )
    return redirect("emergency:region", code=ended.region.code)


@require_POST
@login_required
@capability_required(Capability.EMERGENCY_SWITCH)
def area_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    emergency = selectors.emergency_get(user=request.user, pk=pk)
    form = _area_form(emergency, request.POST)
    if not form.is_valid():
        return _region_page(request, emergency.region, area_form=form, status=400)
    try:
        services.area_draw(
            actor=request.user,
            emergency=emergency,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            townships=form.cleaned_data["townships"],
            enterprises=form.cleaned_data["enterprises"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as refused:
        _add_refusal(form, refused)
        return _region_page(request, emergency.region, area_form=form, status=refused.status)
    messages.success(request, _("The area was drawn."))
    return redirect("emergency:region", code=emergency.region.code)


@require_POST
@login_required
@capability_required(Capability.EMERGENCY_SWITCH)
def area_lift(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = EmergencyArea.objects.select_related("emergency__region").get_visible(request.user, pk=pk)
    try:
        services.area_lift(actor=request.user, area=area, reason=request.POST.get("reason", ""))
    except ServiceError as refused:
        return _region_page(request, area.emergency.region, error=refused, status=refused.status)
    messages.success(request, _("The area was lifted."))
    return redirect("emergency:region", code=area.emergency.region.code)


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def confirmations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Who has confirmed readiness, and who has not (?missing=1)."""
    emergency = selectors.emergency_get(user=request.user, pk=pk)
    missing_only = request.GET.get("missing") == "1"
    holds = selectors.confirmation_list(user=request.user, emergency=emergency, missing_only=missing_only)
    page = Paginator(holds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/confirmations.html",
        {
            "emergency": emergency,
            "page": page,
            "missing_only": missing_only,
            "counts": selectors.confirmation_counts(emergency),
            "now": timezone.now(),
            "query_string": "missing=1" if missing_only else "",
        },
    )


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def missing_confirmations(request: AuthenticatedRequest) -> HttpResponse:
    """Region-wide: the held firms of every open emergency that have not confirmed readiness (the command
    screen's figure, for the region and sector it shows)."""
    region_code = request.GET.get("region", "")[:12]
    sector = request.GET.get("sector", "") if request.GET.get("sector") in Sector.values else ""
    holds = selectors.missing_confirmation_list(user=request.user, region_code=region_code, sector=sector)
    page = Paginator(holds, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "emergency/missing_confirmations.html",
        {
            "page": page,
            "region": Region.objects.filter(code=region_code).first() if region_code else None,
            "sector_label": Sector(sector).label if sector else "",
            "now": timezone.now(),
            "query_string": query.urlencode(),
        },
    )


# --- the enterprise's side ------------------------------------------------------------------------------------


def _notice_page(
    request: AuthenticatedRequest,
    *,
    forms_in: dict[int, ConfirmForm] | None = None,
    error: Any = None,
    status: int = 200,
) -> HttpResponse:
    enterprise = own_enterprise(request)
    forms_in = forms_in or {}
    notices = selectors.notices_for(enterprise)
    return render(
        request,
        "emergency/notice.html",
        {
            "enterprise": enterprise,
            "notices": [
                {
                    "notice": notice,
                    "form": forms_in.get(notice.emergency.pk) or ConfirmForm(prefix=f"confirm-{notice.emergency.pk}"),
                }
                for notice in notices
            ],
            "past": selectors.past_holds(enterprise)[:20],
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@capability_required(Capability.EMERGENCY_CONFIRM)
def notice(request: AuthenticatedRequest) -> HttpResponse:
    return _notice_page(request)


@require_POST
@login_required
@capability_required(Capability.EMERGENCY_CONFIRM)
def confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = own_enterprise(request)
    hold = selectors.hold_for(enterprise=enterprise, emergency_id=pk)
    form = ConfirmForm(request.POST, prefix=f"confirm-{pk}")
    if not form.is_valid():
        return _notice_page(request, forms_in={pk: form}, status=400)
    try:
        services.readiness_confirm(
            actor=request.user,
            hold=hold,
            staff_inside=form.cleaned_data["staff_inside"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as refused:
        _add_refusal(form, refused)
        return _notice_page(request, forms_in={pk: form}, error=refused, status=refused.status)
    messages.success(request, _("Thank you: the HQ office sees that the enterprise is ready for closed loop."))
    return redirect("emergency:notice")
