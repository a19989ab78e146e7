"""Login throttling on django-axes (X-3, issue 8 #6).

Axes counts failures per (account, address) — ``AXES_LOCKOUT_PARAMETERS`` — so five wrong passwords lock
that account from that address only: enterprise user names (``ent_<credit code>``) are public, and a
lockout per account alone would let anyone lock any enterprise out. This handler adds the second limit
axes has no setting for: failures from one address across all accounts (password spraying). Past
``SIBAO_LOGIN_ADDRESS_FAILURE_LIMIT`` failures within the cool-off window that address is refused (429),
whatever account it tries, until the window has passed without failures.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address, any account, within the cool-off window."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    total = (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
        .aggregate(total=Sum("failures_since_start"))
        .get("total")
    )
    return int(total or 0)


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.SIBAO_LOGIN_ADDRESS_FAILURE_LIMIT


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-address limit."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=(credentials or {}).get("username"),
                ip_address=request.axes_ip_address,
            )
