"""The command screen's policy panel (DB-4, PO-3): matched, applied, redeemed amount, 应享尽享 rate."""

from collections.abc import Sequence
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.policies.selectors import funnel_summary


def figures(view: ScreenView) -> Sequence[Figure]:
    funnel = funnel_summary(region_path=view.region.path, sector=view.sector)
    query = urlencode({"region": view.region.code, **({"sector": view.sector} if view.sector else {})})
    url = f"{reverse('policies:funnel')}?{query}"
    matches = f"{reverse('policies:matches')}?{query}"  # a count links to the list it counts
    rate = funnel.rate
    return [
        Figure(_("Matched"), funnel.matched, _("matches"), url=matches),
        Figure(_("Applied"), funnel.applied, _("matches"), url=f"{matches}&stage=applied"),
        Figure(_("Redeemed amount"), funnel.redeemed_amount, _("yuan"), url=url, tone="success"),
        Figure(
            _("应享尽享 rate"),
            rate,
            "%",
            url=url,
            tone="" if rate is None or rate >= 50 else "warning",
            help=_("Share of matched enterprises that have received the benefit."),
        ),
    ]


POLICIES = Panel("policies", _("Policy support"), 40, figures, capability=Capability.POLICY_VIEW, pillar="support")
