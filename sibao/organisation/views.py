from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sibao.core.roles import Capability
from sibao.core.views import capability_required
from sibao.organisation import selectors
from sibao.regions.models import Region


@login_required
@capability_required(Capability.ORGANISATION_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    regions = selectors.regions_with_units(user=request.user)
    code = request.GET.get("region") or (regions[0].code if regions else "")
    region = next((r for r in regions if r.code == code), None)
    if code and region is None and Region.objects.filter(code=code).exists():
        raise Http404
    structure = selectors.command_structure(user=request.user, region=region) if region else {}
    return render(request, "organisation/overview.html", {"regions": regions, "region": region, **structure})
