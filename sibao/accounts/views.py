"""Login, logout and the lockout page (X-3)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.request.session.pop("sibao_idle_logout", False):
            context["notice"] = _("You were logged out after %(minutes)d minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
            }
        return context


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Shown (HTTP 429) while an account is locked after too many failed logins."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = _(
        "Too many failed logins: this account is locked for %(minutes)d minutes. "
        "Try again later or ask an administrator."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"code": "account_locked", "message": message, "field": None}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
