"""EP-6 API shapes. People appear with their masked ID number only."""

from datetime import datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, Input, optional_text, required_text
from sibao.core.import_api import ImportJobOut
from sibao.enterprises.schemas import EnterpriseRef
from sibao.sentinel.models import WarningKind, WarningStatus


class EmployeeRef(Schema):
    id: int
    name: str
    id_masked: str


class UserRef(Schema):
    id: int
    username: str
    display_name: str


class WarningOut(Schema):
    id: int
    kind: WarningKind
    kind_label: str
    enterprise: EnterpriseRef
    employee: EmployeeRef | None
    detail: str
    status: WarningStatus
    lifted: bool
    unattended: bool
    owner: UserRef | None
    handling_note: str
    raised_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: object) -> str:
        return str(obj.get_kind_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_unattended(obj: object) -> bool:
        from sibao.sentinel.selectors import is_unattended

        return is_unattended(obj)  # type: ignore[arg-type]


class WarningHistoryOut(Schema):
    at: datetime
    action: str
    from_state: str
    to_state: str
    actor: str | None
    reason: str


class WarningDetailOut(WarningOut):
    history: list[WarningHistoryOut]
    available_actions: list[str]


class CloseIn(Input):
    note: str = required_text(2000, description="处置情况，如：已提醒本人，当日已完成核酸检测")


class ReassignIn(Input):
    owner_id: Id = Field(..., description="接手处置的用户")
    reason: str = optional_text(500)


class RegionCountOut(Schema):
    code: str
    name: str
    open: int
    unattended: int


class CountsRegionOut(Schema):
    code: str
    name: str


class CountsOut(Schema):
    total: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    unattended: int
    region: CountsRegionOut | None
    by_region: list[RegionCountOut]
    # Issue 10: officials' figures are the maintained summary's as of this moment (rebuilt every minute);
    # null for an enterprise user, whose own warnings are counted live.
    refreshed_at: datetime | None = None


class PharmacyImportOut(ImportJobOut):
    """The import job (``/api/imports/{id}``) and what saving did: new purchases, purchases by employees,
    warnings raised (0 until the file is imported)."""

    added: int = 0
    matched: int = 0
    warnings_raised: int = 0
