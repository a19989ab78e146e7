"""The menu each user sees (issue 11 #5): the entries every app declares (``core.navigation``), kept when the
user's role may open them, grouped by domain, with the current page's entry and group marked."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from sibao.accounts.models import User
from sibao.core.navigation import GROUPS, NavItem, navigation_items

# Cookies written by static/sibao/sibao.js when the user folds a group or the whole sidebar, read here so the
# page is drawn folded from the start (no flash, no inline script).
CLOSED_GROUPS_COOKIE = "sibao_nav_closed"
RAIL_COOKIE = "sibao_sidebar"


@dataclass
class Entry:
    label: Any
    url: str
    icon: str
    name: str
    active: bool = False


@dataclass
class Section:
    key: str
    label: Any
    icon: str
    entries: list[Entry] = field(default_factory=list)
    open: bool = True

    @property
    def active(self) -> bool:
        return any(entry.active for entry in self.entries)


def visible_items(user: User | AnonymousUser) -> list[NavItem]:
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    return [
        item
        for item in navigation_items()
        if (item.capability is None or user.can(item.capability)) and (user.is_staff or not item.staff_only)
    ]


def _active_url(urls: list[str], path: str) -> str:
    """The entry of the page shown: the same address, else the longest entry address the path starts with
    (a request's detail page marks "Requests")."""
    if path in urls:
        return path
    candidates = [url for url in urls if url != "/" and path.startswith(url)]
    return max(candidates, key=len, default="")


def nav_for(user: User | AnonymousUser, path: str = "", closed: frozenset[str] = frozenset()) -> list[Section]:
    items = visible_items(user)
    entries = [(item, Entry(item.label, reverse(item.url_name), item.icon, item.url_name)) for item in items]
    active = _active_url([entry.url for _item, entry in entries], path)
    sections: dict[str, Section] = {}
    for item, entry in entries:
        entry.active = bool(active) and entry.url == active
        group = GROUPS[item.group]
        section = sections.setdefault(group.key, Section(group.key, group.label, group.icon))
        section.entries.append(entry)
    for section in sections.values():
        section.open = section.active or section.key not in closed
    return list(sections.values())
