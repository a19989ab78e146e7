from typing import Any

from django.http import HttpRequest

from sibao.accounts.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": nav_for(request.user)}
