"""Whitelist benefits no other app keeps (WL-9)."""

from django.utils.translation import gettext_lazy as _

from sibao.core.benefits import Benefit

POWER_PRIORITY = Benefit(
    key="whitelist.power_priority",
    label=_("Priority power supply"),
    basis="003#四.5",
    explain=_(
        "When power is rationed in summer peaks, the supply of whitelist enterprises and the key nodes of their "
        "supply chains is coordinated first, so normal production keeps its power."
    ),
    order=70,
)
