"""Login, logout and the lockout page (X-3)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sibao.accounts.lockout import address_locked
from sibao.accounts.middleware import LOGOUT_REASON_KEY


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reason = self.request.session.pop(LOGOUT_REASON_KEY, None)
        if reason == "idle":
            context["notice"] = _("You were logged out after %(minutes)d minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
            }
        elif reason == "absolute":
            context["notice"] = _(
                "You were logged out because a session may last at most %(hours)d hours after logging in. "
                "Please log in again."
            ) % {"hours": settings.SESSION_ABSOLUTE_SECONDS // 3600}
        return context


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Shown (HTTP 429) while logins are refused: this account from this address after too many failures,
    or this address for any account after too many failures across accounts (``lockout.py``)."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    if address_locked(request):
        code = "address_locked"
        message = _(
            "Too many failed logins from your network address: logins from it are paused for %(minutes)d "
            "minutes. Try again later or ask an administrator."
        ) % {"minutes": minutes}
    else:
        code = "account_locked"
        message = _(
            "Too many failed logins: this account is locked on this network address for %(minutes)d minutes. "
            "Try again later or ask an administrator."
        ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "field": None}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
