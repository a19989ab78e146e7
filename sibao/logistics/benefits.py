"""LG-1 as a whitelist benefit (WL-9): the vehicles serving a listed enterprise get passes."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sibao.core.benefits import Benefit
from sibao.enterprises.models import Enterprise
from sibao.logistics.models import VehiclePass
from sibao.logistics.selectors import valid_passes_q


def _passes(enterprise: Enterprise) -> str:
    count = VehiclePass.objects.filter(valid_passes_q(timezone.localdate()), served=enterprise).distinct().count()
    return ngettext("%(count)d pass valid today", "%(count)d passes valid today", count) % {"count": count}


PASSES = Benefit(
    key="logistics.passes",
    label=_("Vehicle passes"),
    basis="000#六.1, 001#annex2-三.5",
    explain=_(
        "The vehicles that carry the enterprise's goods get passes with a QR code; checkpoints let them through "
        "with a green code and a negative test within 48 hours, and the drivers join the transport whitelist."
    ),
    order=30,
    state=_passes,
    url_name="logistics:passes",
)
