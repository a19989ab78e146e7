from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import ServiceError
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import DEFINITIONS
from sibao.parameters.selectors import forget_cached_parameters
from sibao.regions.models import Region


def parameter_set(*, actor: User | None, key: str, region: Region, value: Any, note: str = "") -> ParameterOverride:
    """Set ``region``'s own value (audit-logged); its subtree inherits it unless a subregion overrides."""
    spec = DEFINITIONS.get(key)
    if spec is None:
        raise ServiceError("parameters.unknown", _("Unknown parameter."), field="key")
    try:
        parsed = spec.parse(value)
    except ValueError as error:
        raise ServiceError("parameters.invalid", f"{spec.label}：{error}", field="value") from None
    with transaction.atomic(), as_actor(actor):
        override, _created = ParameterOverride.objects.update_or_create(
            key=key,
            region=region,
            defaults={
                "value": spec.to_json(parsed),
                "note": note,
                "updated_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    forget_cached_parameters()
    return override


def parameter_reset(*, actor: User | None, key: str, region: Region) -> None:
    with transaction.atomic(), as_actor(actor):
        for override in ParameterOverride.objects.filter(key=key, region=region):
            override.delete()
    forget_cached_parameters()
