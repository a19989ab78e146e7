"""Content-Security-Policy and Permissions-Policy on every response (issue 8 #9, OWASP ASVS 14.4).

The policy allows scripts, styles, fonts and images from the platform itself only: no inline script,
style attribute or event handler — pages declare behaviour with data- attributes that
``static/sibao/sibao.js`` acts on, and pass data with ``json_script``. Both headers come from settings
(``SIBAO_CONTENT_SECURITY_POLICY``, ``SIBAO_PERMISSIONS_POLICY``).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _header(policy: dict[str, str], *, separator: str, joiner: str) -> str:
    return separator.join(f"{name}{joiner}{value}".strip() for name, value in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = _header(settings.SIBAO_CONTENT_SECURITY_POLICY, separator="; ", joiner=" ")
        self.permissions = _header(settings.SIBAO_PERMISSIONS_POLICY, separator=", ", joiner="=")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's technical error pages carry inline style and script
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
