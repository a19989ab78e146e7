"""EM-4 and EM-5 pages: the shutdown queue and list, proposing a shutdown, its page with each HQ office's
decision; planned inspections, listing one, approving it; the enterprise's own inspections and the one-click
report of an inspection without approval (a request, RQ-1)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.models import User
from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.sectors import Sector
from sibao.core.views import capability_required
from sibao.emergency import selectors, services
from sibao.emergency.forms import (
    DecisionForm,
    HaltFilterForm,
    InspectionForm,
    ListFilterForm,
    ShutdownForm,
    UnapprovedForm,
)
from sibao.emergency.models import EXEMPT_KINDS, InspectionKind, InspectionState, ShutdownState
from sibao.emergency.views.common import any_capability_required, own_enterprise
from sibao.emergency.workflows import INSPECTION, SHUTDOWN
from sibao.enterprises.models import Enterprise
from sibao.enterprises.selectors import regions_for_filter
from sibao.whitelist.selectors import whitelisted_q

PAGE_SIZE = 50


def _add_refusal(form: Any, refused: ServiceError) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def _filters(request: AuthenticatedRequest) -> dict[str, Any]:
    form = ListFilterForm(request.GET)
    return form.cleaned_data if form.is_valid() else {"state": "", "region": "", "sector": "", "enterprise": None}


def _choosable(user: User) -> Any:
    """The whitelist enterprises the user may propose for (the processes are about them)."""
    return Enterprise.objects.visible_to(user).filter(whitelisted_q()).order_by("name")[:2000]


# --- shutdowns --------------------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def shutdown_list(request: AuthenticatedRequest) -> HttpResponse:
    """The HQ offices' queue (what waits for the user's own office) above the list of all shutdowns in scope."""
    data = _filters(request)
    state = data.get("state") or ""
    # ?mine=1: what waits for the user's own office (the workbench's link), else every shutdown in scope.
    mine = request.GET.get("mine") == "1"
    shutdowns = (
        selectors.shutdown_queue(user=request.user)
        if mine
        else selectors.shutdown_list(
            user=request.user,
            filters=selectors.ShutdownFilters(
                state=state,
                region_code=data.get("region") or "",
                sector=data.get("sector") or "",
                enterprise_id=data.get("enterprise"),
            ),
        )
    )
    page = Paginator(shutdowns, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    is_office = getattr(user, "role", None) in (Role.HQ_OFFICE, Role.EPIDEMIC_HQ_OFFICE)
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "emergency/shutdowns.html",
        {
            "queue": list(selectors.shutdown_queue(user=user)[:50]) if is_office and not mine else [],
            "mine": mine,
            "is_office": is_office,
            "page": page,
            "rows": [
                {
                    "shutdown": s,
                    "in_force": selectors.shutdown_is_in_force(s, today),
                    "overdue": selectors.shutdown_is_overdue(s, today),
                }
                for s in page
            ],
            "state": state,
            "states": [
                ("", _("All")),
                ("waiting", _("Waiting for a decision")),
                ("in_force", _("In force today")),
                ("overdue", _("Past the last day, not reopened")),
                *ShutdownState.choices,
            ],
            "region": data.get("region") or "",
            "regions": regions_for_filter(user=user),
            "sector": data.get("sector") or "",
            "sectors": Sector.choices,
            "can_propose": has_capability(user, Capability.SHUTDOWN_PROPOSE),
            "query_string": query.urlencode(),
        },
    )


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def unapproved_halts(request: AuthenticatedRequest) -> HttpResponse:
    """EM-4: whitelist enterprises reporting production halted or reduced without an approved shutdown."""
    form = HaltFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    day = min(data.get("day") or today, today)
    reports = selectors.unapproved_halts(
        user=request.user,
        day=day,
        filters=selectors.HaltFilters(region_code=data.get("region") or "", sector=data.get("sector") or ""),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "emergency/unapproved_halts.html",
        {
            "page": Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page")),
            "day": day,
            "today": today,
            "region": data.get("region") or "",
            "regions": regions_for_filter(user=request.user),
            "sector": data.get("sector") or "",
            "sectors": Sector.choices,
            "can_propose": has_capability(request.user, Capability.SHUTDOWN_PROPOSE),
            "can_file_request": has_capability(request.user, Capability.TICKET_FILE),
            "query_string": query.urlencode(),
        },
    )


@login_required
@capability_required(Capability.SHUTDOWN_PROPOSE)
def shutdown_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprises = list(_choosable(request.user))
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = ShutdownForm(request.POST or None, enterprises=enterprises, initial=initial, prefix="shutdown")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            enterprise = (
                Enterprise.objects.visible_to(request.user)
                .select_related("region")
                .filter(pk=form.cleaned_data["enterprise"] or 0)
                .first()
            )
            if enterprise is None:
                form.add_error("enterprise", _("Choose the enterprise."))
            else:
                try:
                    shutdown = services.shutdown_propose(
                        actor=request.user,
                        enterprise=enterprise,
                        cause=form.cleaned_data["cause"],
                        date_from=form.cleaned_data["date_from"],
                        date_to=form.cleaned_data["date_to"],
                        scope=form.cleaned_data["scope"],
                        reason=form.cleaned_data["reason"],
                        capacity_limit=form.cleaned_data["capacity_limit"],
                    )
                except ServiceError as refused:
                    _add_refusal(form, refused)
                    status = refused.status
                else:
                    messages.success(
                        request, _("The shutdown was proposed to the HQ office and the epidemic HQ office.")
                    )
                    return redirect("emergency:shutdown", pk=shutdown.pk)
    return render(request, "emergency/shutdown_new.html", {"form": form}, status=status)


def _shutdown_page(
    request: AuthenticatedRequest,
    shutdown: Any,
    *,
    form: DecisionForm | None = None,
    error: Any = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "emergency/shutdown.html",
        {
            "shutdown": shutdown,
            "actions": services.shutdown_actions(shutdown, request.user),
            "form": form or DecisionForm(prefix="decision"),
            "history": SHUTDOWN.history_rows(shutdown),
            "in_force": selectors.shutdown_is_in_force(shutdown, today),
            "overdue": selectors.shutdown_is_overdue(shutdown, today),
            "error": error,
        },
        status=status,
    )


@login_required
@any_capability_required(Capability.EMERGENCY_VIEW, Capability.EMERGENCY_CONFIRM)
def shutdown_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _shutdown_page(request, selectors.shutdown_get(user=request.user, pk=pk))


@require_POST
@login_required
@any_capability_required(Capability.EMERGENCY_VIEW, Capability.EMERGENCY_CONFIRM)
def shutdown_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    shutdown = selectors.shutdown_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _shutdown_page(request, shutdown, form=form, status=400)
    try:
        services.shutdown_act(
            actor=request.user,
            shutdown=shutdown,
            action=request.POST.get("action", ""),
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as refused:
        _add_refusal(form, refused)
        fresh = selectors.shutdown_get(user=request.user, pk=pk)
        return _shutdown_page(request, fresh, form=form, error=refused, status=refused.status)
    messages.success(request, _("The shutdown was updated."))
    return redirect("emergency:shutdown", pk=pk)


# --- inspections ----------------------------------------------------------------------------------------------


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def inspection_list(request: AuthenticatedRequest) -> HttpResponse:
    data = _filters(request)
    state = data.get("state") or ""
    inspections = selectors.inspection_list(
        user=request.user,
        filters=selectors.InspectionFilters(
            state=state,
            region_code=data.get("region") or "",
            sector=data.get("sector") or "",
            enterprise_id=data.get("enterprise"),
        ),
    )
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "emergency/inspections.html",
        {
            "page": page,
            "state": state,
            "states": [("", _("All")), *InspectionState.choices],
            "region": data.get("region") or "",
            "regions": regions_for_filter(user=request.user),
            "sector": data.get("sector") or "",
            "sectors": Sector.choices,
            "can_plan": has_capability(request.user, Capability.INSPECTION_PLAN),
            "query_string": query.urlencode(),
        },
    )


@login_required
@capability_required(Capability.INSPECTION_PLAN)
def inspection_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprises = list(_choosable(request.user))
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = InspectionForm(request.POST or None, enterprises=enterprises, initial=initial, prefix="inspection")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            enterprise = (
                Enterprise.objects.visible_to(request.user)
                .select_related("region")
                .filter(pk=form.cleaned_data["enterprise"] or 0)
                .first()
            )
            if enterprise is None:
                form.add_error("enterprise", _("Choose the enterprise."))
            else:
                try:
                    inspection = services.inspection_plan(
                        actor=request.user,
                        enterprise=enterprise,
                        kind=form.cleaned_data["kind"],
                        item=form.cleaned_data["item"],
                        department=form.cleaned_data["department"],
                        planned_on=form.cleaned_data["planned_on"],
                    )
                except ServiceError as refused:
                    _add_refusal(form, refused)
                    status = refused.status
                else:
                    if inspection.exempt:
                        messages.success(request, _("Recorded: this kind of inspection needs no approval."))
                    else:
                        messages.success(request, _("Listed: the HQ office approves it before the date."))
                    return redirect("emergency:inspection", pk=inspection.pk)
    return render(
        request,
        "emergency/inspection_new.html",
        {"form": form, "exempt_kinds": [InspectionKind(kind).label for kind in sorted(EXEMPT_KINDS)]},
        status=status,
    )


def _inspection_page(
    request: AuthenticatedRequest,
    inspection: Any,
    *,
    form: DecisionForm | None = None,
    error: Any = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "emergency/inspection.html",
        {
            "inspection": inspection,
            "actions": [t for t in INSPECTION.available(inspection, request.user) if t.action != "lapse"],
            "form": form or DecisionForm(prefix="decision"),
            "history": INSPECTION.history_rows(inspection),
            "error": error,
        },
        status=status,
    )


@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def inspection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _inspection_page(request, selectors.inspection_get(user=request.user, pk=pk))


@require_POST
@login_required
@capability_required(Capability.EMERGENCY_VIEW)
def inspection_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _inspection_page(request, inspection, form=form, status=400)
    try:
        services.inspection_act(
            actor=request.user,
            inspection=inspection,
            action=request.POST.get("action", ""),
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as refused:
        _add_refusal(form, refused)
        fresh = selectors.inspection_get(user=request.user, pk=pk)
        return _inspection_page(request, fresh, form=form, error=refused, status=refused.status)
    messages.success(request, _("The inspection was updated."))
    return redirect("emergency:inspection", pk=pk)


def _my_inspections_page(
    request: AuthenticatedRequest, form: UnapprovedForm | None = None, status: int = 200
) -> HttpResponse:
    enterprise = own_enterprise(request)
    inspections = selectors.inspection_list(
        user=request.user, filters=selectors.InspectionFilters(enterprise_id=enterprise.pk)
    )
    return render(
        request,
        "emergency/my_inspections.html",
        {
            "enterprise": enterprise,
            "inspections": inspections[:200],
            "form": form or UnapprovedForm(prefix="unapproved", initial={"day": timezone.localdate()}),
            "can_report": has_capability(request.user, Capability.TICKET_FILE),
        },
        status=status,
    )


@login_required
@capability_required(Capability.EMERGENCY_CONFIRM)
def my_inspections(request: AuthenticatedRequest) -> HttpResponse:
    return _my_inspections_page(request)


@require_POST
@login_required
@capability_required(Capability.EMERGENCY_CONFIRM)
def report_unapproved(request: AuthenticatedRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.TICKET_FILE):
        raise PermissionDenied
    enterprise = own_enterprise(request)
    form = UnapprovedForm(request.POST, prefix="unapproved")
    if not form.is_valid():
        return _my_inspections_page(request, form, status=400)
    try:
        ticket = services.inspection_report_unapproved(
            actor=request.user,
            enterprise=enterprise,
            department=form.cleaned_data["department"],
            day=form.cleaned_data["day"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as refused:
        _add_refusal(form, refused)
        return _my_inspections_page(request, form, status=refused.status)
    messages.success(request, _("Reported to the HQ office as request %(number)s.") % {"number": ticket.number})
    return redirect("tickets:detail", pk=ticket.pk)
