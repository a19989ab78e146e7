"""EP-10 / EP-11 API shapes."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from sibao.core.api_types import Input, IsoDate
from sibao.readiness.models import SupplyItem


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


class StockIn(Input):
    quantities: dict[SupplyItem, Decimal] = Field(..., description="supply → current quantity (some or all)")
    note: str = Field("", max_length=255)


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
    leader_name: str = Field("", max_length=64)
    leader_post: str = Field("", max_length=64)
    members: str = Field("", max_length=5000)
    observation_rooms: int = Field(0, ge=0, le=100000)
    has_sampling_booth: bool = False


class DrillIn(Input):
    held_on: IsoDate
    note: str = Field("", max_length=5000)


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
