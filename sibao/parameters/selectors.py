from typing import Any

from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import Definition, definition
from sibao.regions.models import Region


def parameter_value(key: str | Definition, region: Region | None) -> Any:
    """The value in force for ``region``: its own override, else its nearest ancestor's, else the default."""
    spec = definition(key) if isinstance(key, str) else key
    if region is not None:
        codes = region.ancestor_codes()
        overrides = {
            code: value
            for code, value in ParameterOverride.objects.filter(key=spec.key, region__code__in=codes).values_list(
                "region__code", "value"
            )
        }
        for code in reversed(codes):
            if code in overrides:
                return spec.parse(overrides[code])
    return spec.parse(spec.default)


def parameters_for(region: Region | None) -> list[dict[str, Any]]:
    """Every parameter with its default and the value in force for ``region`` (for the parameters page)."""
    from sibao.parameters.registry import DEFINITIONS

    return [
        {"definition": spec, "default": spec.parse(spec.default), "value": parameter_value(spec, region)}
        for spec in DEFINITIONS.values()
    ]
