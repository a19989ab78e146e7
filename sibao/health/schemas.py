"""EP-3/EP-4/EP-5 API shapes. ID numbers appear only masked; inputs carry them only to be digested."""

from datetime import date, datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, IdNumber, Input, IsoDate, IsoDateTime, RegionCode, optional_text, required_text
from sibao.enterprises.schemas import EnterpriseRef, RegionRef
from sibao.epidemic.models import CodeColour
from sibao.health.models import ArrivalKind, CodeBasis, CodingDecision, RiskLevel, Symptom


class SymptomIn(Input):
    employee_id: Id
    symptoms: list[Symptom] = Field(..., min_length=1, max_length=3)


class SymptomOut(Schema):
    employee_id: int
    employee_name: str
    symptoms: list[str]

    @staticmethod
    def resolve_employee_name(obj: object) -> str:
        return str(obj.employee.name)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_symptoms(obj: object) -> list[str]:
        return str(obj.symptoms).split(",")  # type: ignore[attr-defined]


class DailyReportIn(Input):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    day: IsoDate = Field(..., description="报告日期（不晚于今天）")
    people_on_site: int = Field(..., ge=0, le=10_000_000)
    symptoms: list[SymptomIn] = Field(default_factory=list, max_length=10_000, description="空表示零报告")
    note: str = optional_text(2000)


class DailyReportCorrectIn(Input):
    people_on_site: int = Field(..., ge=0, le=10_000_000)
    symptoms: list[SymptomIn] = Field(default_factory=list, max_length=10_000)
    note: str = optional_text(2000)


class DailyReportOut(Schema):
    id: int
    enterprise: EnterpriseRef
    day: date
    people_on_site: int
    symptom_count: int
    is_zero: bool
    note: str
    filed_at: datetime
    updated_at: datetime


class DailyReportDetailOut(DailyReportOut):
    symptoms: list[SymptomOut]

    @staticmethod
    def resolve_symptoms(obj: object) -> list[object]:
        return list(obj.symptoms.select_related("employee"))  # type: ignore[attr-defined]


class MissingOut(Schema):
    id: int
    name: str
    region: RegionRef


class RiskAreaIn(Input):
    county_code: str = Field(..., pattern=r"^[0-9]{6}$", description="县（市、区）区划代码")
    area_name: str = optional_text(128)
    level: RiskLevel
    valid_from: IsoDate
    valid_until: IsoDate | None = Field(None, description="不早于 valid_from")
    source: str = optional_text(255)


class RiskAreaEndIn(Input):
    until: IsoDate = Field(..., description="解除日期（不早于生效日期）")


class RiskAreaOut(Schema):
    id: int
    county: RegionRef
    area_name: str
    level: RiskLevel
    valid_from: date
    valid_until: date | None
    source: str


class CodeAssignIn(Input):
    colour: CodeColour
    basis: CodeBasis
    note: str = optional_text(255)


class CodedEmployeeOut(Schema):
    id: int
    name: str
    id_masked: str
    enterprise: EnterpriseRef
    health_code: CodeColour


class CodeChangeOut(Schema):
    id: int
    employee_id: int
    from_colour: CodeColour
    to_colour: CodeColour
    basis: CodeBasis
    note: str
    changed_at: datetime


class ArrivalIn(Input):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    kind: ArrivalKind
    name: str = required_text(64)
    id_number: IdNumber = Field(..., description="18位居民身份证号码（只保存掩码和校验值）")
    phone: str = optional_text(32)
    origin_county_code: RegionCode = Field(..., description="来自的县（市、区）或其乡镇的区划代码")
    origin_area: str = optional_text(128)
    expected_date: IsoDate | None = Field(None, description="预计到达日期；未填到达时间且门岗未见此人时必填")
    arrived_at: IsoDateTime | None = Field(None, description="补录：已到达的时间（不晚于现在）")


class ArrivalOut(Schema):
    id: int
    enterprise: EnterpriseRef
    kind: ArrivalKind
    name: str
    id_masked: str
    origin_county: RegionRef
    origin_area: str
    expected_date: date | None
    arrived_at: datetime | None
    registered_at: datetime
    registered_after_arrival: bool
    employee_id: int | None
    coding: CodingDecision
    isolation_until: datetime | None
    test_due_by: datetime | None
    status: str

    @staticmethod
    def resolve_status(obj: object) -> str:
        from sibao.health.selectors import arrival_status

        return arrival_status(obj)  # type: ignore[arg-type]


class ArrivedIn(Input):
    arrived_at: IsoDateTime | None = Field(None, description="到达时间（不晚于现在）；省略为现在")


class SightingIn(Input):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    name: str = required_text(64)
    id_number: IdNumber
    seen_at: IsoDateTime = Field(..., description="见到的时间（不晚于现在）")
    source: str = required_text(64, description="来源，如：东门门岗")


class SightingOut(Schema):
    id: int
    enterprise: EnterpriseRef
    name: str
    id_masked: str
    seen_at: datetime
    source: str
    registration_id: int | None


class CredentialOut(Schema):
    key: str = Field(description="code 健康码 / itinerary 行程 / certificate 核酸证明")
    label: str
    ok: bool
    detail: str


class TwoCodesOut(Schema):
    """EP-4 两码一证 of one employee, as a gate or checkpoint reads them."""

    employee_id: int
    ok: bool
    credentials: list[CredentialOut]
