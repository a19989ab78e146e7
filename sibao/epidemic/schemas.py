"""EP-1 API shapes. Outputs carry the masked ID number only; the full one exists only in ``RevealOut``."""

from datetime import date, datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, IdNumber, Input, IsoDate, optional_text, required_text
from sibao.core.protected import mask_phone
from sibao.enterprises.schemas import EnterpriseRef
from sibao.epidemic.models import CodeColour, PostType, TestImportStatus, Zone


class EmployeeListOut(Schema):
    id: int
    enterprise: EnterpriseRef
    name: str
    id_masked: str
    phone_masked: str
    post_type: PostType
    team: str
    dormitory: str
    management_unit: str
    arrival_date: date | None
    is_active: bool

    @staticmethod
    def resolve_phone_masked(obj: object) -> str:
        return mask_phone(str(getattr(obj, "phone", "")))


class EmployeeOut(Schema):
    id: int
    enterprise: EnterpriseRef
    name: str
    id_masked: str
    phone: str
    post_type: PostType
    team: str
    dormitory: str
    management_unit: str
    arrival_date: date | None
    is_active: bool


class EmployeeIn(Input):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    name: str = required_text(64)
    id_number: IdNumber
    phone: str = optional_text(32)
    post_type: PostType = PostType.NORMAL
    team: str = optional_text(64)
    dormitory: str = optional_text(64)
    management_unit: str = optional_text(64)
    arrival_date: IsoDate | None = None


class RevealIn(Input):
    purpose: str = required_text(200, description="查看完整身份证号码的事由（记入审计日志）")


class RevealOut(Schema):
    id: int
    id_number: str


class EmployeeStatusOut(Schema):
    """EP-2/EP-4/EP-8 state of a person: zone, code, quiet period and last tests."""

    id: int
    enterprise: EnterpriseRef
    name: str
    id_masked: str
    post_type: PostType
    zone: Zone
    health_code: CodeColour
    quiet_period_until: datetime | None
    last_test_at: datetime | None
    last_negative_test_at: datetime | None


class TestImportOut(Schema):
    id: int
    institution: str
    file_name: str
    status: TestImportStatus
    progress: int = Field(..., description="0–100")
    row_count: int
    added_count: int
    errors: list[str]
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_errors(obj: object) -> list[str]:
        return str(getattr(obj, "error", "")).splitlines()


class ZoneMoveIn(Input):
    zone: Zone
    reason: str = required_text(255)


class ZoneMoveOut(Schema):
    from_zone: Zone
    to_zone: Zone
    reason: str
    moved_at: datetime
