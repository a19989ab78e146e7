"""The landing page: what the user's role has in scope."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sibao.core.roles import Capability, has_capability
from sibao.enterprises.selectors import enterprise_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {}
    if has_capability(user, Capability.ENTERPRISE_VIEW):
        visible = enterprise_list(user=user)
        context["enterprise_count"] = visible.count()
        if getattr(user, "enterprise_id", None):
            context["own_enterprise"] = visible.first()
    return render(request, "home/home.html", context)
