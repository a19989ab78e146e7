"""The command screen's emergency panel (DB-3 一览无余, issue 12 #8): open emergencies, readiness
confirmations missing, shutdowns and inspections waiting — cheap indexed counts over small tables (emergencies,
holds by (emergency, confirmed_at), shutdowns by (state, date_to), inspections by (state, planned_on)), each
linking to the list behind it filtered to the region (and sector) shown, whose row count is the figure."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.emergency import selectors


def figures(view: ScreenView) -> list[Figure]:
    region, sector = view.region, view.sector
    counts = selectors.waiting_counts(region, view.now, sector)
    missing = selectors.missing_confirmations_in(region, sector)

    def listed(name: str, **params: str) -> str:
        query = {**params, "region": region.code, "sector": sector}
        return f"{reverse(name)}?{urlencode({key: value for key, value in query.items() if value})}"

    return [
        Figure(
            _("Open emergencies"),
            counts["emergencies"],
            url=f"{reverse('emergency:index')}?{urlencode({'region': region.code})}",
            tone="danger" if counts["in_emergency"] else ("warning" if counts["emergencies"] else ""),
            help=_("Of the region shown, of regions below it, and of regions above it (they cover it)."),
            per_sector=False,
        ),
        Figure(
            _("Readiness confirmations missing"),
            missing,
            url=listed("emergency:missing_confirmations"),
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
