"""EP-10 / EP-11 API shapes."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from sibao.core.api_types import NOT_BLANK, Input, IsoDate, Patch, optional_text
from sibao.readiness.models import SupplyItem

MAX_COUNT = 9_999_999_999
_LITRES = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")


def _litres(value: Any) -> Any:
    # Whole litres as a JSON number, or a decimal string to the centilitre ("2.5"): a float such as 2.345
    # would be rounded silently.
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and _LITRES.fullmatch(value):
        return value
    raise PydanticCustomError("decimal_type", "Input should be whole litres or a string like 2.5")


Litres = Annotated[
    Decimal,
    BeforeValidator(_litres),
    Field(ge=0, le=MAX_COUNT, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
                {"type": "string", "pattern": "^" + _LITRES.pattern + "$"},
            ]
        }
    ),
]


class ReadinessEnterpriseRef(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")


class HeadcountOut(Schema):
    count: int
    source: str = Field(..., description="employees: registered active employees; registry: Enterprise.employee_count")
    source_label: str


class SupplyLineOut(Schema):
    item: SupplyItem
    label: str
    per_employee: Decimal
    reserve: Decimal
    stock: Decimal
    short: bool
    missing: Decimal
    updated_at: datetime | None


class SupplyStatusOut(Schema):
    enterprise: ReadinessEnterpriseRef
    headcount: HeadcountOut
    short: bool
    lines: list[SupplyLineOut]


def _count(label: str) -> Any:
    return Field(None, ge=0, le=MAX_COUNT, description=label)


class SupplyQuantities(Patch):
    """The current stock of some or all of the seven supplies (EP-10, 001#annex2-二.7): counts are whole numbers,
    disinfectant is litres to the centilitre."""

    masks: int | None = _count("口罩（只）")
    protective_suits: int | None = _count("防护服（套）")
    gloves: int | None = _count("乳胶手套（副）")
    disinfectant: Litres | None = Field(None, description="消毒液（升）")
    hand_sanitiser: int | None = _count("免洗洗手液（瓶）")
    thermometers: int | None = _count("体温计（支）")
    antigen_tests: int | None = _count("抗原检测试剂（份）")


class StockIn(Input):
    quantities: SupplyQuantities = Field(..., json_schema_extra={"minProperties": 1}, description="至少一项")
    note: str = optional_text(255)


class SupplyReportOut(Schema):
    id: int
    item: SupplyItem
    previous_quantity: Decimal
    quantity: Decimal
    note: str
    reported_by: str | None = Field(None, alias="reported_by.username")
    reported_at: datetime


class CheckItemOut(Schema):
    key: str
    label: str
    passed: bool
    reason: str
    advisory: bool


class ReadinessOut(Schema):
    enterprise: ReadinessEnterpriseRef
    headcount: HeadcountOut
    leader_name: str
    leader_post: str
    members: str
    plan_name: str
    plan_date: date | None
    plan_size: int
    observation_rooms: int
    required_rooms: int
    has_sampling_booth: bool
    sampling_booth_encouraged: bool
    dormitory_capacity: int
    canteen_capacity: int
    last_drill: date | None
    days_since_drill: int | None
    gap_count: int
    checklist: list[CheckItemOut]


class ReadinessIn(Input):
    leader_name: str = optional_text(64, description="负责的领导班子成员")
    leader_post: str = optional_text(64, description="其职务（填了负责人时必填）")
    members: str = optional_text(5000)
    observation_rooms: int = Field(0, ge=0, le=100000)
    has_sampling_booth: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            # EP-11: the leadership member responsible is named with their post.
            "if": {"properties": {"leader_name": {"pattern": NOT_BLANK}}, "required": ["leader_name"]},
            "then": {"properties": {"leader_post": {"pattern": NOT_BLANK}}, "required": ["leader_post"]},
        }
    )


class DrillIn(Input):
    held_on: IsoDate = Field(..., description="演练日期（不晚于今天）")
    note: str = optional_text(5000)


class DrillOut(Schema):
    id: int
    held_on: date
    note: str
    created_at: datetime


class RankingRowOut(Schema):
    enterprise: ReadinessEnterpriseRef
    staff: int
    gap_count: int
    failed: list[CheckItemOut]


class ShortfallRowOut(Schema):
    enterprise: ReadinessEnterpriseRef
    staff: int
    short: list[SupplyLineOut]
