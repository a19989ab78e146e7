"""Issue 15 #2 pages: the retention in force for the HQ office's region, past purges, and the "emergency over"
purge (preview with counts per kind → confirm). Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.roles import Capability
from sibao.core.views import capability_required
from sibao.retention import selectors, services
from sibao.retention.forms import EmergencyPurgeForm

RECENT_PURGES = 20


def _page(
    request: AuthenticatedRequest, form: EmergencyPurgeForm | None, preview: list[dict[str, Any]] | None
) -> HttpResponse:
    user = request.user
    context = {
        "retention": selectors.retention_in_force(user=user),
        "purges": selectors.purge_list(user=user)[:RECENT_PURGES],
        "preview": preview,
        "preview_total": sum(row["count"] for row in preview or ()),
        "form": form,
        "region": user.region,
    }
    return render(request, "retention/index.html", context)


@login_required
@capability_required(Capability.PERSONAL_DATA_PURGE)
def retention_page(request: AuthenticatedRequest) -> HttpResponse:
    if "preview" not in request.GET:
        return _page(request, None, None)
    before = timezone.now()
    try:
        preview = services.emergency_purge_preview(actor=request.user, before=before)
    except PermissionRefused:
        raise PermissionDenied from None
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("retention:index")
    return _page(request, EmergencyPurgeForm(initial={"before": before}), preview)


@require_POST
@login_required
@capability_required(Capability.PERSONAL_DATA_PURGE)
def emergency_purge(request: AuthenticatedRequest) -> HttpResponse:
    form = EmergencyPurgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm that the data may be deleted for good."))
        return redirect(f"{reverse('retention:index')}?preview=1")
    try:
        purge = services.emergency_purge(
            actor=request.user,
            before=form.cleaned_data["before"],
            confirmed=form.cleaned_data["confirm"],
        )
    except PermissionRefused:
        raise PermissionDenied from None
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("retention:index")
    if purge.finished_at is None:
        messages.success(request, _("The purge has started; the list below shows what it has deleted so far."))
    else:
        messages.success(request, _("%(count)s records of personal epidemic data deleted.") % {"count": purge.total})
    return redirect("retention:index")
