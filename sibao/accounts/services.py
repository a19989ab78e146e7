"""Writes to users and API tokens (administrator work, and the demo loader)."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.accounts.models import ApiToken, User
from sibao.core.audit import as_actor
from sibao.core.roles import Role

# Roles whose scope is a region subtree must have a region; enterprise users an enterprise.
_REGIONAL_ROLES = {
    Role.TOWNSHIP,
    Role.SECTOR_DEPARTMENT,
    Role.HQ_OFFICE,
    Role.EPIDEMIC,
    Role.SUPERVISION,
    Role.LEADER,
    Role.EPIDEMIC_HQ_OFFICE,
    Role.LOGISTICS,
    Role.CHECKPOINT,
}


def _validate_anchor(user: User) -> None:
    if user.role == Role.ENTERPRISE and user.enterprise_id is None:
        raise ValidationError({"enterprise": _("An enterprise user must belong to an enterprise.")})
    if user.role in _REGIONAL_ROLES and user.region_id is None:
        raise ValidationError({"region": _("This role needs a region.")})
    if user.role == Role.SECTOR_DEPARTMENT and not user.sector:
        raise ValidationError({"sector": _("A sector department user needs a sector.")})


def user_create(*, actor: User | None, username: str, password: str, role: str, **fields: Any) -> User:
    user = User(username=username, role=role, **fields)
    if user.role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.is_superuser = True
    validate_password(password, user)
    user.set_password(password)
    _validate_anchor(user)
    user.full_clean(exclude=["password"])
    with transaction.atomic(), as_actor(actor):
        user.save()
    return user


def api_token_create(
    *, actor: User | None, user: User, name: str, valid_days: int | None = 365
) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw, prefix, key_hash = ApiToken.generate()
    expires_at = timezone.now() + timedelta(days=valid_days) if valid_days else None
    with transaction.atomic(), as_actor(actor):
        token = ApiToken.objects.create(
            user=user, name=name, key_prefix=prefix, key_hash=key_hash, expires_at=expires_at
        )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    with transaction.atomic(), as_actor(actor):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
