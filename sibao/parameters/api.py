"""The rule numbers in force for a region (X-5): every parameter of the seeds with its default, the region's
value in normal state and in emergency, and the one in force now — what a county's systems (a checkpoint's
48 hours, a report's deadline) need to apply the platform's rules the platform's way."""

from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.api_types import Input, optional_text
from sibao.core.roles import Capability
from sibao.parameters.registry import DEFINITIONS
from sibao.parameters.selectors import ParameterRow, parameter_table, state_at
from sibao.parameters.services import parameter_update
from sibao.regions.selectors import region_for_reader

router = Router(tags=["parameters"])

Value = int | float | bool | str  # numbers with decimals are sent as text ("70.5"), as they are entered


class ParameterQuery(Input):
    region: str = optional_text(12, description="区划代码（缺省：本人所在地区）")


class ParameterOut(Schema):
    key: str
    label: str
    kind: str
    unit: str
    source: str = Field(description="出处（种子文件与条款）")
    default: Value
    emergency_default: Value | None
    normal: Value = Field(description="本地区常态下的值")
    normal_region_code: str | None = Field(description="常态值由哪个地区设置（缺省：默认值）")
    emergency: Value = Field(description="本地区应急状态下的值")
    emergency_region_code: str | None = Field(description="应急值由哪个地区设置（缺省：默认值或同常态）")
    in_force: Value = Field(description="本地区当前状态下生效的值")
    set_below: int = Field(description="下级地区另行设置的个数")


class RegionParametersOut(Schema):
    region_code: str
    region_name: str
    state: str = Field(description="本地区当前状态：normal 或 emergency")
    parameters: list[ParameterOut]


class ParameterIn(Input):
    region: str = optional_text(12, description="区划代码（缺省：本人所在地区）")
    normal: Value | None = Field(None, description="本地区常态下的值；不填则沿用上级地区")
    emergency: Value | None = Field(None, description="本地区应急状态下的值；不填则沿用上级地区")
    note: str = optional_text(255, description="依据，如设定它的文件")


def _raw(value: Value | None) -> str:
    if value is None:
        return ""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _out(row: ParameterRow) -> dict[str, Any]:
    spec = row.definition
    return {
        "key": spec.key,
        "label": str(spec.label),
        "kind": spec.kind,
        "unit": str(spec.unit),
        "source": spec.source,
        "default": spec.to_json(row.default),
        "emergency_default": None if row.emergency_default is None else spec.to_json(row.emergency_default),
        "normal": spec.to_json(row.normal.value),
        "normal_region_code": row.normal.region.code if row.normal.region else None,
        "emergency": spec.to_json(row.emergency.value),
        "emergency_region_code": row.emergency.region.code if row.emergency.region else None,
        "in_force": spec.to_json(row.in_force),
        "set_below": row.set_below,
    }


@router.get(
    "",
    response=responses({200: RegionParametersOut}),
    summary="Every rule number with the value a region has in normal state, in emergency and now",
)
def region_parameters(request: AuthenticatedRequest, query: Query[ParameterQuery]) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    region = region_for_reader(request.user, query.region)
    rows = [_out(row) for row in parameter_table(region)]
    return {"region_code": region.code, "region_name": region.name, "state": state_at(region.path), "parameters": rows}


@router.put(
    "/{key}",
    response=responses({200: ParameterOut}),
    summary="Set a region's own normal and emergency values of a rule number (blank: follow the region above)",
)
def parameter_put(request: AuthenticatedRequest, key: str, payload: ParameterIn) -> Any:
    require(request, Capability.PARAMETER_MANAGE)
    if key not in DEFINITIONS:
        raise Http404
    region = region_for_reader(request.user, payload.region)
    parameter_update(
        actor=request.user,
        key=key,
        region=region,
        normal=_raw(payload.normal),
        emergency=_raw(payload.emergency),
        note=payload.note,
    )
    return _out(parameter_table(region, [key])[0])
