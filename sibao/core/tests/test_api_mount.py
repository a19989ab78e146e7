"""The API's URL mount (``core.api_base.SegmentSwitch``, issue 13): every endpoint resolves and reverses as in
django-ninja's flat list, and a call reaches its router without trying the other routers' patterns."""

import re
from typing import Any

from django.test import Client
from django.urls import URLPattern, path, resolve, reverse
from ninja import NinjaAPI

from sibao.api import api


def _view(func: Any) -> str:
    """A view's name (ninja builds its view functions anew for each URL list)."""
    func = getattr(func, "func", func)  # a partial
    return f"{func.__module__}.{func.__qualname__}"


def _answer(url_or_name: str, urlconf: Any = None, **kwargs: Any) -> tuple[str, str, str | None, str]:
    url = reverse(url_or_name, kwargs=kwargs, urlconf=urlconf)
    match = resolve(url, urlconf=urlconf)
    return url, _view(match.func), match.url_name, match.route


def test_every_endpoint_resolves_and_reverses_as_in_ninjas_flat_list() -> None:
    flat, app_name, namespace = NinjaAPI.urls.fget(api)  # type: ignore[attr-defined]  # ninja's own list
    unknown = api.urls[0][-1]
    # A URLconf (hashable: Django caches resolvers by it) with ninja's flat list where the API is mounted.
    flat_conf = type("FlatConf", (), {"urlpatterns": [path("api/", ([*flat, unknown], app_name, namespace))]})
    endpoints = [pattern for pattern in flat if isinstance(pattern, URLPattern)]
    for pattern in endpoints:
        route = str(pattern.pattern)
        kwargs = {name: 7 if kind == "int" else "x7" for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)}
        name = f"api:{pattern.name}"
        assert _answer(name, **kwargs) == _answer(name, flat_conf, **kwargs), name
    assert len(endpoints) > 200


def test_a_call_tries_only_its_own_routers_patterns() -> None:
    match = resolve("/api/logistics/checks")
    assert (match.url_name, match.route) == ("check", "api/logistics/checks")
    # ninja's flat list tried every endpoint of the fourteen routers mounted before logistics (~220) first.
    assert len(match.tried) < 40


def test_a_path_under_no_router_answers_the_apis_json_404(db: None) -> None:
    response = Client().get("/api/nothing-here/7")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
