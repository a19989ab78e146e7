"""EN-3 API shapes. Inputs are loose on purpose (numbers as sent): the service's validator refuses a bad value
naming its field, with the same words as the page and the import."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from sibao.core.api_types import Id, Input, IsoDate, optional_text, required_text
from sibao.operations.models import ProductionStatus


class OperatingEnterpriseRef(Schema):
    id: int
    name: str
    uscc: str


class OperatingRegionRef(Schema):
    code: str
    name: str


class OperatingValuesIn(Input):
    status: ProductionStatus
    staff_on_site: int = Field(..., description="在岗人数（≥ 0，不超过职工总数）")
    staff_total: int = Field(..., description="职工总数（≥ 0）")
    capacity_percent: int = Field(..., description="产能利用率 %，0—100")
    raw_material_days: Decimal = Field(..., description="原材料可用天数（≥ 0，一位小数）")
    finished_goods_days: Decimal = Field(..., description="产成品库存天数（≥ 0，一位小数）")
    output_month: Decimal = Field(..., description="本月产值（万元，≥ 0）")
    problem_category: str = optional_text(20, description="问题类别（诉求类别的取值），可空")
    main_problem: str = optional_text(2000, description="主要问题，可空")


class OperatingReportIn(OperatingValuesIn):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    day: IsoDate | None = Field(None, description="省略表示今天")


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
