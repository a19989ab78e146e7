from typing import Any

from django.http import HttpRequest

from sibao.accounts.navigation import CLOSED_GROUPS_COOKIE, RAIL_COOKIE, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    closed = frozenset(filter(None, request.COOKIES.get(CLOSED_GROUPS_COOKIE, "").split(",")))
    sections = nav_for(request.user, request.path, closed)
    return {
        "nav_sections": sections,
        "nav_items": [entry for section in sections for entry in section.entries],
        "sidebar_rail": bool(sections) and request.COOKIES.get(RAIL_COOKIE) == "rail",
    }
