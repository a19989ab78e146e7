from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import ServiceError
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import DEFINITIONS
from sibao.parameters.selectors import forget_cached_parameters
from sibao.regions.models import Region, RegionState


def parameter_set(
    *, actor: User | None, key: str, region: Region, value: Any, note: str = "", state: str = RegionState.NORMAL
) -> ParameterOverride:
    """Set ``region``'s own value for ``state`` (audit-logged); its subtree inherits it unless a subregion
    overrides. An emergency value is read while the region is in emergency (EM-1)."""
    spec = DEFINITIONS.get(key)
    if spec is None:
        raise ServiceError("parameters.unknown", _("Unknown parameter."), field="key")
    if state not in RegionState.values:
        raise ServiceError("parameters.state", _("Choose the region state."), field="state")
    try:
        parsed = spec.parse(value)
    except ValueError as error:
        raise ServiceError("parameters.invalid", f"{spec.label}：{error}", field="value") from None
    with transaction.atomic(), as_actor(actor):
        override, _created = ParameterOverride.objects.update_or_create(
            key=key,
            region=region,
            state=state,
            defaults={
                "value": spec.to_json(parsed),
                "note": note,
                "updated_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    forget_cached_parameters()
    return override


def parameter_reset(*, actor: User | None, key: str, region: Region, state: str = RegionState.NORMAL) -> None:
    with transaction.atomic(), as_actor(actor):
        for override in ParameterOverride.objects.filter(key=key, region=region, state=state):
            override.delete()
    forget_cached_parameters()


def parameter_update(
    *, actor: User | None, key: str, region: Region, normal: str, emergency: str, note: str = ""
) -> None:
    """Set ``region``'s own normal and emergency values of ``key`` together (the parameters page): a blank value
    clears the region's own one, so the region follows the region above it again. Both are checked before
    either is written, so a wrong emergency value leaves the normal one as it was."""
    spec = DEFINITIONS.get(key)
    if spec is None:
        raise ServiceError("parameters.unknown", _("Unknown parameter."), field="key")
    values = {RegionState.NORMAL: normal.strip(), RegionState.EMERGENCY: emergency.strip()}
    for state, raw in values.items():
        if raw:
            try:
                spec.parse(raw)
            except ValueError as error:
                raise ServiceError("parameters.invalid", f"{spec.label}：{error}", field=state) from None
    with transaction.atomic():
        for state, raw in values.items():
            if raw:
                parameter_set(actor=actor, key=key, region=region, value=raw, note=note, state=state)
            else:
                parameter_reset(actor=actor, key=key, region=region, state=state)
