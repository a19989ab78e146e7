"""EP-4 as a whitelist benefit (WL-9): the people of a listed enterprise keep working under the code rules for
whitelist enterprises."""

from django.utils.translation import gettext_lazy as _

from sibao.core.benefits import Benefit

CODE_PROTECTION = Benefit(
    key="health.code_protection",
    label=_("Health-code protection"),
    basis="001#annex2-三.2",
    explain=_(
        "The enterprise's employees get no red or yellow code except when positive, a close or a secondary "
        "contact; returning from a risk county they are tested and observed in the blue zone, not isolated."
    ),
    order=20,
)
