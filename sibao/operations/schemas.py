"""EN-3 API shapes. The inputs state the bounds the service's validator holds (X-5: a schema-valid request is
accepted unless a rule between fields refuses it); out-of-bounds values are refused with 422 naming the field."""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from sibao.core.api_types import Amount, Id, Input, IsoDate, optional_text, required_text
from sibao.operations.models import ProductionStatus
from sibao.operations.services import MAX_DAYS, MAX_PROBLEM_LENGTH, MAX_STAFF
from sibao.tickets.models import Category


class OperatingEnterpriseRef(Schema):
    id: int
    name: str
    uscc: str


class OperatingRegionRef(Schema):
    code: str
    name: str


_DAYS = re.compile(r"[0-9]{1,4}(\.[0-9])?")
_TENTH = Decimal("0.1")


def _days(value: Any) -> Any:
    # A JSON number is rounded to a tenth of a day; a string must be written to the tenth (like Amount).
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Input should be a number of days")
    if isinstance(value, int | float):
        return Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    if isinstance(value, Decimal) or (isinstance(value, str) and _DAYS.fullmatch(value)):
        return value
    raise PydanticCustomError("decimal_type", "Input should be a number of days: a number or a string like 12.5")


# Days of stock: 0 to 9999.9, as a JSON number or a decimal string (services.MAX_DAYS).
Days = Annotated[
    Decimal,
    BeforeValidator(_days),
    Field(ge=0, le=MAX_DAYS, max_digits=5, decimal_places=1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 9999.9},
                {"type": "string", "pattern": "^" + _DAYS.pattern + "$"},
            ]
        }
    ),
]


class OperatingValuesIn(Input):
    """What the schema can state, it states (bounds, kinds); the rules between fields (no more staff on site
    than in total, a problem described when its kind is chosen) are the service's, refused with 400."""

    status: ProductionStatus
    staff_on_site: int = Field(..., ge=0, le=MAX_STAFF, description="在岗人数（不超过职工总数）")
    staff_total: int = Field(..., ge=0, le=MAX_STAFF, description="职工总数")
    capacity_percent: int = Field(..., ge=0, le=100, description="产能利用率 %，0—100")
    raw_material_days: Days = Field(..., description="原材料可用天数（一位小数）")
    finished_goods_days: Days = Field(..., description="产成品库存天数（一位小数）")
    output_month: Amount = Field(..., description="本月产值（万元）")
    problem_category: Literal[""] | Category = Field("", description="问题类别（诉求类别的取值），可空")
    main_problem: str = optional_text(MAX_PROBLEM_LENGTH, description="主要问题；选了问题类别时必填")


class OperatingReportIn(OperatingValuesIn):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    day: IsoDate | None = Field(None, description="省略表示今天；不早于 2000-01-01，不晚于今天")


class OperatingReportOut(Schema):
    id: int
    enterprise: OperatingEnterpriseRef
    day: date
    status: ProductionStatus
    staff_on_site: int
    staff_total: int
    capacity_percent: int
    raw_material_days: Decimal
    finished_goods_days: Decimal
    output_month: Decimal
    problem_category: str
    main_problem: str
    channel: str
    late: bool
    filed_at: datetime
    updated_at: datetime


class OperatingMissingOut(Schema):
    id: int
    name: str
    uscc: str
    sector: str
    region: OperatingRegionRef
    due_at: datetime
    overdue: bool


class OperatingSummaryOut(Schema):
    day: date
    region: OperatingRegionRef | None
    sector: str
    due: int
    reported: int
    missing: int
    overdue: int
    late: int
    normal: int
    closed_loop: int
    reduced: int
    halted: int
    not_normal: int
    not_normal_percent: Decimal | None
    refreshed_at: datetime | None


class OperatingWarningOut(Schema):
    id: int
    enterprise: OperatingEnterpriseRef
    day: date
    due_at: datetime
    status: str
    raised_at: datetime
    closed_at: datetime | None
    lifted: bool
    note: str


class OperatingWarningCloseIn(Input):
    note: str = required_text(2000)
