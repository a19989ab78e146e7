"""The logistics panel of the command screen (LG-1…LG-3 for DB-1): passes valid today, checks today with the
green-channel share and the failures by condition, drivers on the transport whitelist — from the two summaries
(``summaries.py``), each figure linking to the list behind it for the same region (and sector, for passes and
drivers), whose row count is the figure."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.logistics.models import Condition
from sibao.logistics.selectors import screen_figures


def _url(name: str, **params: str) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def figures(view: ScreenView) -> Sequence[Figure]:
    day = timezone.localdate(view.now) if view.now else timezone.localdate()
    found = screen_figures(view.region, view.sector, day)
    code, sector = view.region.code, view.sector
    checks = found["checks"]
    share = (Decimal(found["green"]) * 100 / checks).quantize(Decimal("0.1"), ROUND_HALF_UP) if checks else None

    def checks_url(**params: str) -> str:
        return _url("logistics:checks", day=day.isoformat(), region=code, **params)

    # Checks are counted per checkpoint (its region), not per firm: the same in every sector view.
    result = [
        Figure(
            _("Passes valid today"),
            found["passes_valid"],
            _("passes"),
            url=_url("logistics:passes", state="valid", region=code, sector=sector),
        ),
        Figure(
            _("Drivers on the transport whitelist"),
            found["transport_whitelist_drivers"],
            _("people"),
            url=_url("logistics:drivers", whitelist="1", region=code, sector=sector),
        ),
        Figure(_("Checks today"), checks, _("checks"), url=checks_url(), per_sector=False),
        Figure(
            _("Green channel"),
            share,
            "%",
            url=checks_url(),
            tone="success" if share is not None and share >= 90 else ("warning" if share is not None else ""),
            per_sector=False,
        ),
    ]
    for condition in Condition:
        failed = found[f"failed_{condition.value}"]
        result.append(
            Figure(
                _("Failed: %(condition)s") % {"condition": condition.label},
                failed,
                _("checks"),
                url=checks_url(condition=condition.value),
                tone="danger" if failed else "",
                per_sector=False,
            )
        )
    return result


LOGISTICS = Panel(
    key="logistics",
    title=_("Logistics: passes and checkpoints"),
    order=60,
    figures=figures,
    capability=Capability.LOGISTICS_VIEW,
    pillar="operations",
)
