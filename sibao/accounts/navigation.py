"""The navigation each role sees (X-1 pages). One list, filtered by capability."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sibao.core.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    capability: str | None
    icon: str
    staff_only: bool = False  # the admin site lets in staff users only, whatever their role


NAV_ITEMS = [
    NavItem(_("Home"), "home", None, "house"),
    NavItem(_("Enterprises"), "enterprises:list", Capability.ENTERPRISE_VIEW, "building"),
    NavItem(_("Import enterprises"), "enterprises:import", Capability.ENTERPRISE_IMPORT, "upload"),
    NavItem(_("Apply for the whitelist"), "whitelist:apply", Capability.WHITELIST_APPLY, "clipboard-check"),
    NavItem(_("Whitelist applications"), "whitelist:applications", Capability.WHITELIST_VIEW, "clipboard-check"),
    NavItem(_("Publish batches"), "whitelist:batches", Capability.WHITELIST_PUBLISH, "megaphone"),
    NavItem(_("Whitelisted enterprises"), "whitelist:listings", Capability.WHITELIST_VIEW, "patch-check"),
    NavItem(_("Coverage"), "whitelist:coverage", Capability.WHITELIST_VIEW, "pie-chart"),
    NavItem(_("Selection criteria"), "whitelist:criteria", Capability.WHITELIST_CRITERIA, "list-check"),
    NavItem(_("Liaison coverage"), "whitelist:liaison_gaps", Capability.WHITELIST_VIEW, "people"),
    NavItem(pgettext_lazy("people", "Employees"), "epidemic:list", Capability.EMPLOYEE_VIEW, "person-badge"),
    NavItem(_("Overdue tests"), "epidemic:overdue", Capability.EMPLOYEE_VIEW, "hourglass-split"),
    NavItem(_("Test result files"), "epidemic:results", Capability.EPIDEMIC_MANAGE, "file-earmark-medical"),
    NavItem(_("Sentinel warnings"), "sentinel:index", Capability.EPIDEMIC_VIEW, "broadcast"),
    NavItem(_("Health monitoring"), "health:index", Capability.EPIDEMIC_VIEW, "heart-pulse"),
    NavItem(_("Venue codes and tracing"), "venues:index", Capability.EPIDEMIC_VIEW, "qr-code-scan"),
    NavItem(_("Incidents"), "incidents:index", Capability.EPIDEMIC_VIEW, "exclamation-octagon"),
    NavItem(_("Supplies and readiness"), "readiness:index", Capability.EPIDEMIC_VIEW, "shield-check"),
    # 物流 (LG-1…LG-4): until the menu is grouped by domain, these stand together here.
    NavItem(_("Vehicle passes"), "logistics:passes", Capability.LOGISTICS_VIEW, "truck"),
    NavItem(_("Vehicles"), "logistics:vehicles", Capability.LOGISTICS_VIEW, "truck-front"),
    NavItem(_("Drivers"), "logistics:drivers", Capability.LOGISTICS_VIEW, "person-vcard"),
    NavItem(_("Checkpoint check"), "logistics:check", Capability.PASS_CHECK, "qr-code-scan"),
    NavItem(_("Checks at checkpoints"), "logistics:checks", Capability.LOGISTICS_VIEW, "clipboard-data"),
    NavItem(_("Transfer stations"), "logistics:stations", Capability.LOGISTICS_VIEW, "boxes"),
    NavItem(_("Requests"), "tickets:list", Capability.TICKET_VIEW, "chat-left-text"),
    NavItem(_("Assign requests"), "tickets:triage", Capability.TICKET_TRIAGE, "signpost-split"),
    NavItem(_("Common issues"), "tickets:common_issues", Capability.TICKET_TRIAGE, "collection"),
    NavItem(_("Routing rules"), "tickets:routing_rules", Capability.TICKET_TRIAGE, "diagram-2"),
    NavItem(_("Request metrics"), "tickets:metrics", Capability.TICKET_METRICS, "bar-chart"),
    NavItem(_("Weekly reports"), "tickets:weekly_reports", Capability.TICKET_METRICS, "file-earmark-text"),
    NavItem(_("Organisation"), "organisation:overview", Capability.ORGANISATION_VIEW, "diagram-3"),
    NavItem(_("Audit log"), "core:audit_log", Capability.AUDIT_VIEW, "journal-text"),
    # Issue 9 #8: regions, units, users and rule parameters are configured in the admin site.
    NavItem(_("Administration"), "admin:index", None, "gear", staff_only=True),
]


def nav_for(user: Any) -> list[dict[str, Any]]:
    if not user.is_authenticated:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "name": item.url_name}
        for item in NAV_ITEMS
        if (item.capability is None or user.can(item.capability)) and (user.is_staff or not item.staff_only)
    ]
