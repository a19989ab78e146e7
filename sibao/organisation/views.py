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
    code = request.GET.get("region", "")
    regions, region = selectors.region_with_hq(user=request.user, code=code)
    if code and region is None and Region.objects.filter(code=code).exists():
        raise Http404
    structure = selectors.command_structure(user=request.user, region=region) if region else {}
    return render(request, "organisation/overview.html", {"regions": regions, "region": region, **structure})
