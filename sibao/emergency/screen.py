"""The command screen's emergency panel (DB-3 一览无余, issue 12 #8): regions in emergency, readiness
confirmations missing, shutdowns and inspections waiting — cheap indexed counts over small tables (emergencies,
holds by (emergency, confirmed_at), shutdowns by (state, date_to), inspections by (state, planned_on)), each
linking to the list behind it filtered to the region shown."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.emergency import selectors


def figures(view: ScreenView) -> list[Figure]:
    region = view.region
    counts = selectors.waiting_counts(region, view.now)
    missing = selectors.missing_confirmations_in(region)
    region_url = reverse("emergency:region", args=[region.code])

    def listed(name: str, **params: str) -> str:
        return f"{reverse(name)}?{urlencode({**params, 'region': region.code})}"

    return [
        Figure(
            _("Regions in emergency"),
            counts["regions"] + counts["inherited"],
            url=reverse("emergency:index"),
            tone="danger" if counts["in_emergency"] or counts["regions"] else "",
            help=_("Including the region shown when it inherits the emergency of a region above."),
        ),
        Figure(
            _("Readiness confirmations missing"),
            missing,
            url=region_url,
            tone="warning" if missing else "",
        ),
        Figure(
            _("Shutdowns waiting for a decision"),
            counts["shutdowns_waiting"],
            url=listed("emergency:shutdowns", state="waiting"),
            tone="warning" if counts["shutdowns_waiting"] else "",
        ),
        Figure(
            _("Shutdowns past their last day, not reopened"),
            counts["shutdowns_overdue"],
            url=listed("emergency:shutdowns", state="overdue"),
            tone="danger" if counts["shutdowns_overdue"] else "",
        ),
        Figure(
            _("Inspections waiting for approval"),
            counts["inspections_waiting"],
            url=listed("emergency:inspections", state="pending"),
            tone="warning" if counts["inspections_waiting"] else "",
        ),
    ]


EMERGENCY = Panel(
    key="emergency",
    title=_("Emergency state"),
    order=40,
    figures=figures,
    capability=Capability.EMERGENCY_VIEW,
    pillar="risk",
)
