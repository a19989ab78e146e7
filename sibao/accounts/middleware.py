"""Idle session expiry (X-3): a session unused for SESSION_IDLE_TIMEOUT_SECONDS is logged out."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_LAST_SEEN_KEY = "sibao_last_seen"


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                request.session["sibao_idle_logout"] = True
            else:
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)
