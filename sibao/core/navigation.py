"""The menu's registry (issue 11 #5): each app declares its own entries, grouped by domain.

The kernel knows no app. An app lists its entries on its AppConfig::

    navigation = [NavItem(_("Requests"), "tickets:list", Capability.TICKET_VIEW, "chat-left-text",
                          group=NavGroup.REQUESTS, order=10)]

``navigation_items()`` collects them from every installed app, sorted by group then order, and
``sibao.accounts.navigation.nav_for(user)`` keeps what the user may open. The groups are fixed here so that
every app files its pages under the same few domain headings, in the same order.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    icon: str
    order: int


class NavGroup:
    """The domains of the menu (总览, 企业, 白名单, 诉求, 疫情防控, 应急, 物流, 政策, 系统)."""

    OVERVIEW = "overview"
    ENTERPRISES = "enterprises"
    WHITELIST = "whitelist"
    REQUESTS = "requests"
    EPIDEMIC = "epidemic"
    EMERGENCY = "emergency"
    LOGISTICS = "logistics"
    POLICIES = "policies"
    SYSTEM = "system"


GROUPS: dict[str, Group] = {
    group.key: group
    for group in (
        Group(NavGroup.OVERVIEW, pgettext_lazy("menu group", "Overview"), "speedometer2", 10),
        Group(NavGroup.ENTERPRISES, pgettext_lazy("menu group", "Enterprises"), "building", 20),
        Group(NavGroup.WHITELIST, pgettext_lazy("menu group", "Whitelist"), "patch-check", 30),
        Group(NavGroup.REQUESTS, pgettext_lazy("menu group", "Requests"), "chat-left-text", 40),
        Group(NavGroup.EPIDEMIC, pgettext_lazy("menu group", "Epidemic control"), "shield-plus", 50),
        Group(NavGroup.EMERGENCY, pgettext_lazy("menu group", "Emergency"), "exclamation-diamond", 60),
        Group(NavGroup.LOGISTICS, pgettext_lazy("menu group", "Logistics"), "truck", 70),
        Group(NavGroup.POLICIES, pgettext_lazy("menu group", "Policies"), "journal-richtext", 80),
        Group(NavGroup.SYSTEM, pgettext_lazy("menu group", "System"), "gear", 90),
    )
}


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    capability: str | None
    icon: str
    group: str = NavGroup.OVERVIEW
    order: int = 100
    staff_only: bool = False  # the admin site lets in staff users only, whatever their role
    # Not a list page (a form or another site): the query-count measurement of menu pages skips it.
    is_list: bool = True


def navigation_items() -> list[NavItem]:
    """Every installed app's menu entries, by group and order (an unknown group is a programming error)."""
    found: list[NavItem] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "navigation", ()):
            if item.group not in GROUPS:
                raise ValueError(f"{config.name}: menu entry {item.url_name!r} names an unknown group {item.group!r}")
            found.append(item)
    return sorted(found, key=lambda item: (GROUPS[item.group].order, item.order, item.url_name))
