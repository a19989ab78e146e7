"""RQ-2 routing rules: the HQ office's page to list, add, change and disable them (issue 9 #7).

Thin: reads come from ``tickets.routing``, writes go through ``routing_rule_add`` / ``routing_rule_change``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.pagination import page_of
from sibao.core.roles import Capability
from sibao.core.views import capability_required
from sibao.tickets import services
from sibao.tickets.forms import RoutingRuleForm, RoutingTermsForm
from sibao.tickets.routing import (
    effective_routing,
    routing_regions_for,
    routing_rule_get,
    routing_rules_above,
    routing_rules_for,
)

RULES_PER_PAGE = 50


def _refuse_in(form: Any, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@capability_required(Capability.TICKET_TRIAGE)
def routing_rules(request: AuthenticatedRequest) -> HttpResponse:
    user: Any = request.user
    regions = routing_regions_for(user)
    initial = {"region": user.region_id} if user.region_id else {}
    form = RoutingRuleForm(request.POST or None, regions=regions, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = data.pop("region")
            try:
                services.routing_rule_add(actor=user, region=region, data=data)
            except ServiceError as error:
                _refuse_in(form, error)
            else:
                messages.success(request, _("The routing rule was added."))
                return redirect("tickets:routing_rules")
        status = 400
    context = {
        # Issue 10: a province may keep thousands of rules (region × category × urgency): paged.
        "rules": page_of(request, routing_rules_for(user), RULES_PER_PAGE),
        "above": routing_rules_above(user),
        "effective": effective_routing(user.region) if user.region_id else [],
        "region": user.region if user.region_id else None,
        "form": form,
    }
    return render(request, "tickets/routing_rules.html", context, status=status)


@login_required
@capability_required(Capability.TICKET_TRIAGE)
def routing_rule_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rule = routing_rule_get(user=request.user, pk=pk)
    initial = {name: getattr(rule, name) for name in services.ROUTING_TERMS}
    form = RoutingTermsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.routing_rule_change(actor=request.user, rule=rule, data=form.cleaned_data)
            except ServiceError as error:
                _refuse_in(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("tickets:routing_rules")
        status = 400
    return render(request, "tickets/routing_rule_edit.html", {"rule": rule, "form": form}, status=status)


@login_required
@capability_required(Capability.TICKET_TRIAGE)
@require_POST
def routing_rule_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rule = routing_rule_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    services.routing_rule_change(actor=request.user, rule=rule, data={"is_active": active})
    messages.success(request, _("The rule is in use again.") if active else _("The rule was disabled."))
    return redirect("tickets:routing_rules")
