"""PO-2 / PO-3 as a whitelist benefit (WL-9): 政策找企、应享尽享."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.core.benefits import Benefit
from sibao.enterprises.models import Enterprise
from sibao.policies.models import MatchState, PolicyMatch


def _policies(enterprise: Enterprise) -> str:
    counts = (
        PolicyMatch.objects.current()
        .filter(enterprise=enterprise)
        .aggregate(matched=Count("pk"), redeemed=Count("pk", filter=Q(state=MatchState.REDEEMED)))
    )
    return _("%(matched)d policies matched, %(redeemed)d redeemed") % counts


POLICIES = Benefit(
    key="policies.matched",
    label=gettext_lazy("Policies found for the enterprise"),
    basis="000#七.1, 002#(六)",
    explain=gettext_lazy(
        "The departments match the policies the enterprise is entitled to — tax refunds, subsidies, credit, "
        "social insurance, power, water and gas — push them and follow them until they are redeemed."
    ),
    order=60,
    state=_policies,
    url_name="policies:mine",
)
