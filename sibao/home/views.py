"""The landing page and the "待我处理" workbench (issue 11 #4). The command screen for the HQ roles lives in its
own app; everyone else lands on what waits for them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.roles import Capability, Role, has_capability
from sibao.enterprises.models import Enterprise
from sibao.home.workbench import work_for

# Issue 11 #2: the command screen is the home page of the HQ office and the leaders (DB-1…DB-4).
SCREEN_HOME_ROLES = (Role.HQ_OFFICE, Role.LEADER)


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.role in SCREEN_HOME_ROLES and has_capability(request.user, Capability.SCREEN_VIEW):
        return redirect("dashboard:screen")
    return redirect("workbench")


@login_required
def workbench(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    work = work_for(user)
    own = None
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        own = Enterprise.objects.select_related("region").filter(pk=user.enterprise_id).first()
    return render(
        request,
        "home/workbench.html",
        {
            "work": work,
            "waiting": [entry for entry in work if entry.count],
            "done": [entry for entry in work if not entry.count],
            "own_enterprise": own,
        },
    )
