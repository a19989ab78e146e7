"""The rule numbers' page: every parameter of the seeds with a region's value in normal state and in emergency,
where each comes from and the one in force; an administrator sets a region's own values here (audit-logged
through ``parameter_update``). Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.parameters.forms import ParameterForm
from sibao.parameters.registry import DEFINITIONS
from sibao.parameters.selectors import inherited_settings, parameter_table, state_at
from sibao.parameters.services import parameter_update
from sibao.regions.models import Region
from sibao.regions.selectors import region_for_reader


def _breadcrumb(region: Region) -> list[Region]:
    return list(Region.objects.filter(code__in=region.ancestor_codes()).order_by("path"))


@login_required
@capability_required(Capability.ORGANISATION_VIEW)
def parameter_list(request: AuthenticatedRequest) -> HttpResponse:
    region = region_for_reader(request.user, request.GET.get("region", ""))
    root = region_for_reader(request.user, "")
    context = {
        "region": region,
        "state": state_at(region.path),
        "rows": parameter_table(region),
        # The regions above the reader's own are not theirs to open.
        "breadcrumb": [r for r in _breadcrumb(region) if r.path.startswith(root.path)],
        "children": region.children.filter(is_active=True).order_by("code"),
        "can_manage": has_capability(request.user, Capability.PARAMETER_MANAGE),
    }
    return render(request, "parameters/list.html", context)


@login_required
@capability_required(Capability.PARAMETER_MANAGE)
def parameter_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    if key not in DEFINITIONS:
        raise Http404
    region = region_for_reader(request.user, request.GET.get("region", ""))
    row = parameter_table(region, [key])[0]
    form = ParameterForm(request.POST or None, row=row, inherited=inherited_settings(region, key))
    if request.method == "POST" and form.is_valid():
        try:
            parameter_update(actor=request.user, key=key, region=region, **form.cleaned_data)
        except ServiceError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            saved = _("%(rule)s of %(region)s saved.") % {"rule": row.definition.label, "region": region.name}
            messages.success(request, saved)
            return redirect(f"{reverse('parameters:list')}?region={region.code}")
    return render(request, "parameters/edit.html", {"region": region, "row": row, "form": form})
