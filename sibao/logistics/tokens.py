"""The QR code of a pass (LG-1): the pass's random code, signed with HMAC-SHA256 under a key of its own
(``SIBAO_PASS_SIGNING_KEY``), so a checkpoint refuses a forged or altered code before reading anything, and
nothing in the code counts up or reveals another pass.

The QR code holds the URL of the check page with the token (``/logistics/check/?t=…``): an officer's phone
camera opens the check directly, and a checkpoint system or a hand scanner may send the URL or the token.
"""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "sibao.logistics.pass"
_SEP = "."  # never in a code (token_urlsafe uses letters, digits, "-" and "_")
MAX_TOKEN_LENGTH = 512  # anything longer is not ours; refused before any work


def _signer() -> signing.Signer:
    return signing.Signer(key=settings.SIBAO_PASS_SIGNING_KEY, salt=_SALT, sep=_SEP, algorithm="sha256")


def sign_code(code: str) -> str:
    return _signer().sign(code)


def code_from_token(raw: str) -> str | None:
    """The pass code a scanned token (or the URL holding it) carries, or None when forged or altered."""
    token = token_from_scan(raw)
    if not token:
        return None
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None


def token_from_scan(raw: str) -> str:
    """What a scanner read: the check URL (``…?t=<token>``) or the bare token."""
    text = str(raw or "").strip()
    if not text or len(text) > MAX_TOKEN_LENGTH:
        return ""
    if "?" in text or "://" in text:
        values = parse_qs(urlsplit(text).query).get("t")
        return values[0].strip() if values else ""
    return text


def check_url(request: object, code: str) -> str:
    """The absolute URL the QR code encodes."""
    path = f"{reverse('logistics:check')}?t={sign_code(code)}"
    build = getattr(request, "build_absolute_uri", None)
    return str(build(path)) if build else path
