"""Protected personal identifiers (EP-1, X-3): ID numbers are stored encrypted, looked up by a keyed digest,
and shown masked. Only a logged, role-checked reveal decrypts one.

Keys come from ``settings.SIBAO_FIELD_KEY`` (the environment in production). Two keys are derived from it:
one for Fernet (AES-128-CBC + HMAC-SHA256, authenticated) and one for the HMAC-SHA256 digest, so the digest
never helps an attacker with the ciphertext. The digest makes "is this person already registered" and
re-import de-duplication one indexed equality, without decrypting anything.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@cache
def _keys(material: str) -> tuple[Fernet, bytes]:
    root = hashlib.sha256(material.encode()).digest()
    encryption = hmac.new(root, b"sibao/field-encryption", hashlib.sha256).digest()
    lookup = hmac.new(root, b"sibao/field-digest", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(encryption)), lookup


def _fernet() -> Fernet:
    return _keys(settings.SIBAO_FIELD_KEY)[0]


def protect(value: str) -> str:
    """Encrypt ``value`` for storage (a different token each time)."""
    return _fernet().encrypt(value.encode()).decode()


def reveal(token: str) -> str:
    """Decrypt a stored token; callers must have checked the right to see it and logged the access."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("protected value cannot be decrypted with the configured key") from None


def digest(value: str) -> str:
    """A keyed, deterministic digest for equality lookups (64 hex characters)."""
    return hmac.new(_keys(settings.SIBAO_FIELD_KEY)[1], value.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """4102************3X: the province/city prefix and the last two characters only."""
    value = value.strip().upper()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_phone(phone: str) -> str:
    """138****5678: a private person's phone as lists and the audit log show it (X-3)."""
    phone = str(phone or "")
    if len(phone) > 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" if phone else ""
