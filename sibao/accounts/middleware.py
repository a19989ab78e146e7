"""Request middleware of the accounts app (X-3, MLPS 2.0 level 3).

- ``SessionLimitsMiddleware``: a session unused for ``SESSION_IDLE_TIMEOUT_SECONDS``, or older than
  ``SESSION_ABSOLUTE_SECONDS`` since its login, is logged out however active it is. The login time is
  written into the session at login (``signals.py``): the cookie's own expiry moves with every saved
  request and cannot hold an absolute limit. A session without a login time (made before this rule) is
  treated as expired.
- ``AuditContextMiddleware``: auditlog's middleware with the platform's reading of the client address
  (``addresses.client_ip``) and the actor context that names the actor on every entry.
- ``RefusalAuditMiddleware``: refusals that matter leave a trace (issue 8 #7) — every refused write
  (403/404 to POST, PUT, PATCH, DELETE: cross-scope writes, refused ID-number reveals) and, past a
  threshold, a user's repeated 404s on ids. It runs after the view, outside the view's transaction, so
  the rollback of the refused action does not take the record with it.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sibao.accounts.addresses import client_ip
from sibao.accounts.models import RefusedReadCounter
from sibao.core.audit import SecurityEvent, actor_context, record_event

logger = logging.getLogger(__name__)

LAST_SEEN_KEY = "sibao_last_seen"
LOGIN_AT_KEY = "sibao_login_at"
LOGOUT_REASON_KEY = "sibao_logout_reason"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            reason = session_expired(request, now)
            if reason:
                request.sibao_logout_reason = reason  # type: ignore[attr-defined]  # read by the logout record
                logout(request)
                request.session[LOGOUT_REASON_KEY] = reason
            elif now - int(request.session.get(LAST_SEEN_KEY) or 0) >= settings.SESSION_LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def session_expired(request: HttpRequest, now: int) -> str | None:
    """ "absolute", "idle" or None."""
    login_at = request.session.get(LOGIN_AT_KEY)
    if login_at is None or now - int(login_at) > settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    last_seen = request.session.get(LAST_SEEN_KEY)
    if last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        return "idle"
    return None


class AuditContextMiddleware(AuditlogMiddleware):  # type: ignore[misc]
    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with actor_context(self._get_actor(request)):
            response: HttpResponse = super().__call__(request)
        return response


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404) and getattr(request, "resolver_match", None) is not None:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                try:
                    self.record(request, response, user)
                except DatabaseError:
                    logger.exception("could not record a refused request")
        return response

    @staticmethod
    def record(request: HttpRequest, response: HttpResponse, user: Any) -> None:
        detail = {"method": request.method, "path": request.path[:300], "status": response.status_code}
        if request.method in UNSAFE_METHODS:
            record_event(SecurityEvent.REFUSED, actor=user, remote_addr=client_ip(request), detail=detail)
            return
        match = request.resolver_match
        if response.status_code != 404 or match is None or not (match.kwargs or match.args):
            return  # only lookups by id count; an unknown address or a page a role may not open does not
        count = count_refused_read(user)
        threshold = settings.SIBAO_AUDIT_REFUSED_READS_THRESHOLD
        if count % threshold == 0:
            window = settings.SIBAO_AUDIT_REFUSED_READS_WINDOW_MINUTES
            record_event(
                SecurityEvent.REPEATED_NOT_FOUND,
                actor=user,
                remote_addr=client_ip(request),
                detail={**detail, "count": count, "window_minutes": window},
            )


def count_refused_read(user: Any) -> int:
    """Add one refused read to the user's window (a new window when the last one is over); the count."""
    now = timezone.now()
    since = now - timedelta(minutes=settings.SIBAO_AUDIT_REFUSED_READS_WINDOW_MINUTES)
    counters = RefusedReadCounter.objects.filter(user_id=user.pk)
    with transaction.atomic():
        if not counters.filter(window_started_at__gte=since).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RefusedReadCounter.objects.update_or_create(
                        user_id=user.pk, defaults={"window_started_at": now, "count": 1}
                    )
            except IntegrityError:  # a concurrent request opened the window first
                counters.update(count=F("count") + 1)
        return int(counters.values_list("count", flat=True).get())
