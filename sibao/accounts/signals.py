"""What a login, a failed login, a lockout and a logout leave behind (X-3, MLPS 2.0 level 3).

The session gets its login time (the absolute limit counts from it, ``middleware.SessionLimitsMiddleware``)
and each event is written to the append-only audit log. django-axes keeps its own operational tables
(attempt counters, access logs); the audit log is the record.
"""

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from sibao.accounts.addresses import client_ip
from sibao.accounts.middleware import LOGIN_AT_KEY
from sibao.core.audit import SecurityEvent, record_event


def _address(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="sibao_login")
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(time.time())
    record_event(SecurityEvent.LOGIN, actor=user, remote_addr=_address(request))


@receiver(user_login_failed, dispatch_uid="sibao_login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    record_event(SecurityEvent.LOGIN_FAILED, username=username, remote_addr=_address(request))


@receiver(user_locked_out, dispatch_uid="sibao_locked_out")
def on_locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any) -> None:
    record_event(SecurityEvent.LOCKED_OUT, username=str(username or ""), remote_addr=_address(request))


@receiver(user_logged_out, dispatch_uid="sibao_logout")
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "sibao_logout_reason", "user")
    record_event(SecurityEvent.LOGOUT, actor=user, remote_addr=_address(request), detail={"reason": reason})
