"""The rule numbers in force for a region (X-5): every parameter of the seeds with its default, the region's
value in normal state and in emergency, and the one in force now — what a county's systems (a checkpoint's
48 hours, a report's deadline) need to apply the platform's rules the platform's way."""

from typing import Any

from ninja import Field, Query, Router, Schema

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import require, responses
from sibao.core.api_types import Input, optional_text
from sibao.core.roles import Capability
from sibao.parameters.registry import DEFINITIONS
from sibao.parameters.selectors import parameter_states_at, state_at
from sibao.regions.models import RegionState
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
    emergency: Value = Field(description="本地区应急状态下的值")
    in_force: Value = Field(description="本地区当前状态下生效的值")


class RegionParametersOut(Schema):
    region_code: str
    region_name: str
    state: str = Field(description="本地区当前状态：normal 或 emergency")
    parameters: list[ParameterOut]


@router.get(
    "",
    response=responses({200: RegionParametersOut}),
    summary="Every rule number with the value a region has in normal state, in emergency and now",
)
def region_parameters(request: AuthenticatedRequest, query: Query[ParameterQuery]) -> Any:
    require(request, Capability.ORGANISATION_VIEW)
    region = region_for_reader(request.user, query.region)
    state = state_at(region.path)
    rows = []
    for spec, normal, emergency in parameter_states_at(sorted(DEFINITIONS), region.path):
        rows.append(
            {
                "key": spec.key,
                "label": str(spec.label),
                "kind": spec.kind,
                "unit": str(spec.unit),
                "source": spec.source,
                "default": spec.to_json(spec.parse(spec.default)),
                "emergency_default": (
                    None if spec.emergency_default is None else spec.to_json(spec.parse(spec.emergency_default))
                ),
                "normal": spec.to_json(normal),
                "emergency": spec.to_json(emergency),
                "in_force": spec.to_json(emergency if state == RegionState.EMERGENCY else normal),
            }
        )
    return {"region_code": region.code, "region_name": region.name, "state": state, "parameters": rows}
