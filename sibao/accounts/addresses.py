"""The client's network address, read one way for lockout, audit and rate limits (X-3).

Behind ``SIBAO_TRUSTED_PROXY_COUNT`` reverse proxies the address is the one the outermost trusted proxy
saw, taken from the right of ``X-Forwarded-For``; with no proxy configured the header is ignored, since a
client can write anything into it (an attacker must not choose the address it is counted or logged under).
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = getattr(settings, "SIBAO_TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # the request did not come through every proxy: trust only the socket
    candidate = forwarded[-proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
