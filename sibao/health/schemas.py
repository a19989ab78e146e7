"""EP-3/EP-4/EP-5 API shapes. ID numbers appear only masked; inputs carry them only to be digested."""

from datetime import date, datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, Input, IsoDate, IsoDateTime
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
    day: IsoDate
    people_on_site: int = Field(..., ge=0, le=10_000_000)
    symptoms: list[SymptomIn] = Field(default_factory=list, max_length=10_000, description="空表示零报告")
    note: str = Field("", max_length=2000)


class DailyReportCorrectIn(Input):
    people_on_site: int = Field(..., ge=0, le=10_000_000)
    symptoms: list[SymptomIn] = Field(default_factory=list, max_length=10_000)
    note: str = Field("", max_length=2000)


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
    county_code: str = Field(..., min_length=6, max_length=12, description="县（市、区）区划代码")
    area_name: str = Field("", max_length=128)
    level: RiskLevel
    valid_from: IsoDate
    valid_until: IsoDate | None = None
    source: str = Field("", max_length=255)


class RiskAreaEndIn(Input):
    until: IsoDate


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
    note: str = Field("", max_length=255)


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
    name: str = Field(..., min_length=1, max_length=64)
    id_number: str = Field(..., min_length=1, max_length=18, description="18位居民身份证号码（只保存掩码和校验值）")
    phone: str = Field("", max_length=32)
    origin_county_code: str = Field(..., min_length=6, max_length=12, description="来自的县（市、区）区划代码")
    origin_area: str = Field("", max_length=128)
    expected_date: IsoDate | None = None
    arrived_at: IsoDateTime | None = Field(None, description="补录：已到达的时间")


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
    arrived_at: IsoDateTime | None = None


class SightingIn(Input):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    name: str = Field(..., min_length=1, max_length=64)
    id_number: str = Field(..., min_length=1, max_length=18)
    seen_at: IsoDateTime
    source: str = Field(..., min_length=1, max_length=64)


class SightingOut(Schema):
    id: int
    enterprise: EnterpriseRef
    name: str
    id_masked: str
    seen_at: datetime
    source: str
    registration_id: int | None
