"""The landing page: what the user's role has in scope."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.roles import Capability, Role, has_capability
from sibao.enterprises.selectors import enterprise_list

# Issue 11 #2: the command screen is the home page of the HQ office and the leaders (DB-1…DB-4).
SCREEN_HOME_ROLES = (Role.HQ_OFFICE, Role.LEADER)


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "role", None) in SCREEN_HOME_ROLES and has_capability(user, Capability.SCREEN_VIEW):
        return redirect("dashboard:screen")
    context: dict[str, Any] = {}
    if has_capability(user, Capability.ENTERPRISE_VIEW):
        visible = enterprise_list(user=user)
        context["enterprise_count"] = visible.count()
        if getattr(user, "enterprise_id", None):
            context["own_enterprise"] = visible.first()
    return render(request, "home/home.html", context)
