"""The organisation pages: a region's command structure (OR-2…OR-6) and one unit's roster, which the HQ office
keeps (add and remove people on posts, the office's details, a department's policy consultant). Thin: selectors
read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, has_capability
from sibao.core.views import capability_required
from sibao.organisation import selectors, services
from sibao.organisation.forms import ConsultantForm, MemberForm, UnitDetailsForm
from sibao.organisation.models import UnitKind
from sibao.regions.models import Region


@login_required
@capability_required(Capability.ORGANISATION_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("region", "")
    regions, region = selectors.region_with_hq(user=request.user, code=code)
    if code and region is None and Region.objects.filter(code=code).exists():
        raise Http404
    structure = selectors.command_structure(user=request.user, region=region) if region else {}
    context = {
        "regions": regions,
        "region": region,
        "can_manage": has_capability(request.user, Capability.ORGANISATION_MANAGE),
        **structure,
    }
    return render(request, "organisation/overview.html", context)


def _refused(form: Any, refused: ServiceError) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@login_required
@capability_required(Capability.ORGANISATION_VIEW)
def unit_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_roster(user=request.user, pk=pk)
    can_manage = has_capability(request.user, Capability.ORGANISATION_MANAGE)
    roles = services.roles_for(unit)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not can_manage:
        raise PermissionDenied
    forms: dict[str, Any] = {
        "member": MemberForm(request.POST if action == "member" else None, roles=roles, prefix="member")
        if roles
        else None,
        "details": UnitDetailsForm(
            request.POST if action == "details" else None,
            initial={"office_location": unit.office_location, "phone": unit.phone, "duties": unit.duties},
            prefix="details",
        ),
        "consultant": ConsultantForm(
            request.POST if action == "consultant" else None,
            initial=(
                {
                    "name": unit.policy_consultant.name,
                    "post": unit.policy_consultant.post,
                    "phone": unit.policy_consultant.phone,
                }
                if unit.policy_consultant
                else None
            ),
            prefix="consultant",
        )
        if unit.kind == UnitKind.DEPARTMENT
        else None,
    }
    form = forms.get(action)
    if action and form is None:
        raise Http404  # no such form on this unit (a consultant of a task force, posts of a department)
    if form is not None and form.is_valid():
        write = {
            "member": lambda data: services.membership_add(
                actor=request.user, unit=unit, role=data.pop("role"), data=data
            ),
            "details": lambda data: services.unit_update(actor=request.user, unit=unit, data=data),
            "consultant": lambda data: services.consultant_set(actor=request.user, unit=unit, data=data),
        }[action]
        try:
            write(dict(form.cleaned_data))
        except ServiceError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("%(unit)s saved.") % {"unit": unit.name})
            return redirect("organisation:unit", pk=unit.pk)
    context = {
        "unit": unit,
        "members": list(unit.memberships.all()),
        "can_manage": can_manage,
        "missing_expert": unit.kind == UnitKind.TASK_FORCE
        and not any(m.role == "epidemic_expert" for m in unit.memberships.all()),
        **{f"{name}_form": value for name, value in forms.items()},
    }
    return render(request, "organisation/unit.html", context, status=400 if action else 200)


@login_required
@require_POST
@capability_required(Capability.ORGANISATION_MANAGE)
def member_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(user=request.user, pk=pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer %(post)s of %(unit)s.")
            % {"name": membership.person.name, "post": membership.get_role_display(), "unit": membership.unit.name},
        )
    return redirect("organisation:unit", pk=membership.unit_id)
