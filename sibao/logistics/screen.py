"""The logistics panel of the command screen (LG-1…LG-3 for DB-1): passes valid today, checks today with the
green-channel share and the failures by condition, drivers on the transport whitelist — from the two summaries
(``summaries.py``), each figure linking to the list behind it for the same region."""

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
    code = view.region.code
    checks = found["checks"]
    share = (Decimal(found["green"]) * 100 / checks).quantize(Decimal("0.1"), ROUND_HALF_UP) if checks else None
    result = [
        Figure(
            _("Passes valid today"),
            found["passes_valid"],
            _("passes"),
            url=_url("logistics:passes", state="valid", region=code),
        ),
        Figure(
            _("Drivers on the transport whitelist"),
            found["transport_whitelist_drivers"],
            _("people"),
            url=_url("logistics:drivers", whitelist="1"),
        ),
        Figure(_("Checks today"), checks, _("checks"), url=_url("logistics:checks", day=day.isoformat())),
        Figure(
            _("Green channel"),
            share,
            "%",
            url=_url("logistics:checks", day=day.isoformat()),
            tone="success" if share is not None and share >= 90 else ("warning" if share is not None else ""),
        ),
    ]
    for condition in Condition:
        failed = found[f"failed_{condition.value}"]
        result.append(
            Figure(
                _("Failed: %(condition)s") % {"condition": condition.label},
                failed,
                _("checks"),
                url=_url("logistics:checks", day=day.isoformat(), failed="1"),
                tone="danger" if failed else "",
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
