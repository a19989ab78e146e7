"""Whitelist oversight pages: coverage (WL-6), listings with spot checks and removals (WL-8), liaison gaps (OR-5)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.benefits import benefit_rows
from sibao.core.errors import ServiceError
from sibao.core.models import TransitionLog
from sibao.core.pagination import page_of
from sibao.core.roles import Capability, has_capability
from sibao.core.sectors import Sector
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.organisation.models import Liaison
from sibao.organisation.selectors import task_forces_without_expert
from sibao.whitelist import selectors, services
from sibao.whitelist.models import Listing, Removal, RemovalState
from sibao.whitelist.oversight_forms import (
    LiaisonForm,
    ListingFilterForm,
    RemovalProposalForm,
    SpotCheckForm,
    chosen_region,
    county_of,
    region_options,
    root_region,
)
from sibao.whitelist.workflows import REMOVAL

PAGE_SIZE = 50
GAP_LIMIT = 50  # unlisted enterprises shown for the chosen sector, biggest first
RECENT_DECISIONS = 20


def _field_error(form: Any, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- WL-6: coverage -------------------------------------------------------------------------------


@login_required
@capability_required(Capability.WHITELIST_VIEW)
def coverage_page(request: AuthenticatedRequest) -> HttpResponse:
    user: Any = request.user
    region = chosen_region(user, request.GET.get("region"))
    # Sector departments see their own sector only.
    sectors = [user.sector] if user.sector else list(Sector.values)
    rows = selectors.coverage(region, sectors=sectors, gap_limit=0)
    chosen = request.GET.get("sector", "")
    if chosen not in sectors:
        behind = [row.sector for row in rows if row.total and not row.meets_target]
        chosen = user.sector or (behind[0] if behind else "")
    detail = next((selectors.fill_gap(region, row, GAP_LIMIT) for row in rows if row.sector == chosen), None)
    # How many of the biggest unlisted enterprises must be listed before the target is reached.
    closing_rank = (
        next((rank for rank, step in enumerate(detail.gap, 1) if step["closes_gap"]), None) if detail else None
    )
    children = selectors.coverage_of_children(region, sectors=sectors)
    context = {
        "region": region,
        "region_options": region_options(user, region),
        "rows": rows,
        "sectors": [(value, Sector(value).label) for value in sectors],
        "chosen": chosen,
        "detail": detail,
        "closing_rank": closing_rank,
        "gap_limit": GAP_LIMIT,
        "children": children,
        "warnings": selectors.target_warnings(region, rows=rows if not user.sector else None),
        # Issue 10: the figures come from the maintained summary; the page says how old they are.
        "freshness": selectors.coverage_freshness(),
    }
    return render(request, "whitelist/coverage.html", context)


# --- WL-8: listings, spot checks, removals --------------------------------------------------------


@login_required
@capability_required(Capability.WHITELIST_VIEW)
def listings(request: AuthenticatedRequest) -> HttpResponse:
    form = ListingFilterForm(request.GET or None)
    queryset = form.filter(
        Listing.objects.visible_to(request.user)
        .current()
        .select_related("enterprise", "enterprise__region", "enterprise__region__parent", "batch", "batch__region")
        .order_by("-listed_at", "-pk")  # the ``listing_listed_order`` index, read backwards (issue 10)
    )
    page = page_of(request, queryset, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "regions": regions_for_filter(user=request.user),
        "query_string": query.urlencode(),
    }
    return render(request, "whitelist/listings.html", context)


@login_required
@capability_required(Capability.WHITELIST_VIEW)
def listing_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    listing = Listing.objects.select_related("enterprise", "enterprise__region", "batch", "batch__region").get_visible(
        user, pk=pk
    )
    can_check = has_capability(user, Capability.WHITELIST_SPOT_CHECK)
    spot_checks = listing.spot_checks.select_related("recorded_by")
    check_form = SpotCheckForm()
    removal_form = RemovalProposalForm(spot_checks=spot_checks)
    if request.method == "POST":
        if not can_check:
            raise PermissionDenied
        if request.POST.get("form") == "removal":
            removal_form = RemovalProposalForm(request.POST, spot_checks=spot_checks)
            if removal_form.is_valid() and _propose_removal(request, listing, removal_form):
                return redirect("whitelist:listing", pk=listing.pk)
        else:
            check_form = SpotCheckForm(request.POST)
            if check_form.is_valid() and _record_spot_check(request, listing, check_form):
                return redirect("whitelist:listing", pk=listing.pk)
    removal_list = list(listing.removals.select_related("proposed_by", "spot_check").order_by("-proposed_at", "-pk"))
    context = {
        "listing": listing,
        "enterprise": listing.enterprise,
        "benefits": benefit_rows(listing.enterprise) if listing.removed_at is None else [],
        "spot_checks": spot_checks,
        "removals": removal_list,
        "removal_pending": any(removal.state == RemovalState.PROPOSED for removal in removal_list),
        "can_check": can_check and listing.removed_at is None,
        "can_decide": has_capability(user, Capability.WHITELIST_PUBLISH),
        "can_manage_liaison": has_capability(user, Capability.LIAISON_MANAGE),
        "check_form": check_form,
        "removal_form": removal_form,
    }
    return render(request, "whitelist/listing_detail.html", context)


def _record_spot_check(request: AuthenticatedRequest, listing: Listing, form: SpotCheckForm) -> bool:
    try:
        services.spot_check_record(actor=request.user, listing=listing, **form.cleaned_data)
    except ServiceError as error:
        _field_error(form, error)
        return False
    messages.success(request, _("The spot check was recorded."))
    return True


def _propose_removal(request: AuthenticatedRequest, listing: Listing, form: RemovalProposalForm) -> bool:
    try:
        services.removal_propose(actor=request.user, listing=listing, **form.cleaned_data)
    except ServiceError as error:
        _field_error(form, error)
        return False
    messages.success(request, _("The removal was proposed; the HQ office decides on it."))
    return True


@login_required
@capability_required(Capability.WHITELIST_VIEW)
def removals(request: AuthenticatedRequest) -> HttpResponse:
    user: Any = request.user
    visible = Removal.objects.visible_to(user).select_related(
        "listing", "listing__enterprise", "listing__enterprise__region", "proposed_by", "spot_check"
    )
    can_decide = has_capability(user, Capability.WHITELIST_PUBLISH)
    pending = [
        (removal, REMOVAL.available(removal, user) if can_decide else [])
        for removal in visible.filter(state=RemovalState.PROPOSED).order_by("proposed_at", "pk")
    ]
    decided = list(visible.exclude(state=RemovalState.PROPOSED).order_by("-pk")[:RECENT_DECISIONS])
    # Who decided, when and why: the removal's workflow transition.
    logs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Removal), object_id__in=[r.pk for r in decided]
    ).select_related("actor")
    decisions = {log.object_id: log for log in logs}
    context = {
        "pending": pending,
        "decided": [(removal, decisions.get(removal.pk)) for removal in decided],
        "can_decide": can_decide,
    }
    return render(request, "whitelist/removals.html", context)


@login_required
@capability_required(Capability.WHITELIST_PUBLISH)
@require_POST
def removal_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    removal = Removal.objects.select_related("listing", "listing__enterprise", "listing__enterprise__region")
    removal = removal.get_visible(request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        decided = services.removal_decide(
            actor=request.user, removal=removal, action=action, reason=request.POST.get("reason", "")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if decided.state == RemovalState.CONFIRMED:
            messages.success(
                request, _("%(name)s was removed from the whitelist.") % {"name": removal.listing.enterprise}
            )
        else:
            messages.success(request, _("The removal was declined; the enterprise stays on the whitelist."))
    return redirect("whitelist:removals")


# --- OR-5: liaison cadre, epidemic officer, paired medical institution ---------------------------------


def _missing(enterprise: Enterprise) -> list[str]:
    liaison = getattr(enterprise, "liaison", None)
    names = [
        ("liaison_cadre", _("liaison cadre")),
        ("epidemic_officer", _("epidemic officer")),
        ("medical_institution", _("paired medical institution")),
    ]
    return [label for name, label in names if liaison is None or getattr(liaison, f"{name}_id") is None]


@login_required
@capability_required(Capability.WHITELIST_VIEW)
def liaison_gaps_page(request: AuthenticatedRequest) -> HttpResponse:
    user: Any = request.user
    region = chosen_region(user, request.GET.get("region"))
    gaps = selectors.liaison_gaps(user, region)
    children = list(region.children.filter(is_active=True).order_by("code"))
    # Issue 10: the listed, the gaps and each child's gaps in one grouped query (was: every gap's path read
    # into Python, and two counts).
    listed, gap_count, per_child = selectors.liaison_gap_counts(user, region, children)
    paginator = Paginator(gaps, PAGE_SIZE)
    paginator.count = gap_count  # type: ignore[misc]  # known already: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "region": region,
        "region_options": region_options(user, region),
        "page": page,
        "rows": [(enterprise, _missing(enterprise)) for enterprise in page],
        "listed": listed,
        "complete": listed - page.paginator.count,
        "children": [(child, per_child[child.pk]) for child in children],
        "can_manage": has_capability(user, Capability.LIAISON_MANAGE),
        "query_string": f"region={region.code}",
        "task_forces_without_expert": task_forces_without_expert(user=user, region=region),
    }
    return render(request, "whitelist/liaison_gaps.html", context)


@login_required
@capability_required(Capability.LIAISON_MANAGE)
def liaison_edit(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    user: Any = request.user
    enterprise = Enterprise.objects.select_related("region").get_visible(user, pk=enterprise_id)
    current = Liaison.objects.filter(enterprise=enterprise).first()
    initial = {
        "liaison_cadre": current.liaison_cadre_id if current else None,
        "epidemic_officer": current.epidemic_officer_id if current else None,
        "medical_institution": current.medical_institution_id if current else None,
    }
    form = LiaisonForm(request.POST or None, user=user, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_assign(actor=user, enterprise=enterprise, **form.cleaned_data)
        except ServiceError as error:
            _field_error(form, error)
        else:
            messages.success(request, _("The liaison assignment of %(name)s was saved.") % {"name": enterprise})
            county = county_of(enterprise)
            back = reverse("whitelist:liaison_gaps")
            return redirect(f"{back}?region={county.code}" if root_region(user).contains(county) else back)
    context = {
        "enterprise": enterprise,
        "county": county_of(enterprise),
        "form": form,
        "listing_status": selectors.listing_status(enterprise),
    }
    return render(request, "whitelist/liaison_edit.html", context)
