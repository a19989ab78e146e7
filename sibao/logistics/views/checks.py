"""LG-2 pages: the checkpoint officer's phone page (the QR code opens it; or a scanner or the officer types the
code), and the task force's list of a day's checks with the counts per checkpoint."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability
from sibao.core.summaries import refreshed_at
from sibao.core.views import capability_required
from sibao.logistics import selectors, services
from sibao.logistics.forms import CheckFilterForm, CheckForm
from sibao.logistics.views.common import paged, refusal_to_form

SESSION_CHECKPOINT = "logistics_checkpoint"  # the officer's checkpoint, remembered between vehicles


@never_cache
@login_required
@capability_required(Capability.PASS_CHECK)
def check_page(request: AuthenticatedRequest) -> HttpResponse:
    checkpoints = list(selectors.checkpoint_list(user=request.user, active_only=True))
    token = (request.POST.get("token") or request.GET.get("t") or "").strip()[:512]
    vehicle_pass = selectors.pass_for_check(token) if token else None
    drivers = [row.driver for row in vehicle_pass.pass_drivers.all()] if vehicle_pass else []
    remembered = request.session.get(SESSION_CHECKPOINT)
    initial: dict[str, Any] = {"token": token}
    if remembered in {c.pk for c in checkpoints}:
        initial["checkpoint"] = remembered
    form = CheckForm(request.POST or None, initial=initial, checkpoints=checkpoints, drivers=drivers)
    context: dict[str, Any] = {
        "form": form,
        "checkpoints": checkpoints,
        "token": token,
        "vehicle_pass": vehicle_pass,
        "forged": bool(token) and vehicle_pass is None,
        "drivers": drivers,
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            now = timezone.now()
            try:
                check_id, result = services.pass_check(
                    actor=request.user,
                    checkpoint_id=data["checkpoint"],
                    token=data["token"],
                    id_number=data["id_number"],
                    driver_id=data["driver"],
                    itinerary=data["itinerary"],
                    now=now,
                )
            except ServiceError as refused:
                status = refusal_to_form(form, refused)
            else:
                request.session[SESSION_CHECKPOINT] = data["checkpoint"]
                status = 200
                context.update(
                    result=result,
                    check_id=check_id,
                    checked_at=now,
                    counts=selectors.checks_at(data["checkpoint"], timezone.localdate(now)),
                )
    return render(request, "logistics/check.html", context, status=status)


@login_required
@capability_required(Capability.LOGISTICS_VIEW)
def check_list(request: AuthenticatedRequest) -> HttpResponse:
    form = CheckFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    day = data.get("day") or timezone.localdate()
    filters = selectors.CheckFilters(
        checkpoint_id=data.get("checkpoint"),
        day=day,
        failed_only=bool(data.get("failed")),
        condition=data.get("condition", ""),
        region_code=data.get("region", ""),
    )
    page, query = paged(request, selectors.check_list(user=request.user, filters=filters))
    return render(
        request,
        "logistics/checks.html",
        {
            "form": form,
            "day": day,
            "page": page,
            "query_string": query,
            "tallies": selectors.tally_list(user=request.user, day=day),
            "refreshed_at": refreshed_at("logistics.checks"),
        },
    )
