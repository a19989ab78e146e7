"""Checks services call before a write: the capability, and that the target lies in scope."""

from typing import Any

from django.utils.translation import gettext as _

from sibao.core.actors import Actor
from sibao.core.errors import PermissionRefused
from sibao.core.roles import Role, has_capability


def require_capability(actor: Actor, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


def region_in_scope(actor: Actor, region: Any) -> bool:
    if actor.is_superuser or actor.role == Role.ADMINISTRATOR:
        return True
    if actor.region_id is None:
        return False
    return bool(region.path.startswith(actor.region.path))


def sector_in_scope(actor: Actor, sector: str) -> bool:
    if actor.is_superuser or actor.role == Role.ADMINISTRATOR or not actor.sector:
        return True
    return bool(actor.sector == sector)
