"""EP-9 API shapes. People appear with masked ID numbers only."""

from datetime import date, datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, Input, IsoDate, IsoDateTime, optional_text, required_text
from sibao.enterprises.schemas import EnterpriseRef
from sibao.incidents.models import ContactKind, IncidentState, ObservationPlace, ShutdownState, Trigger


class IncidentEmployeeRef(Schema):
    id: int
    name: str
    id_masked: str
    zone: str
    health_code: str


class DeadlineOut(Schema):
    state: str
    label: str


class IncidentListOut(Schema):
    id: int
    enterprise: EnterpriseRef
    employee: IncidentEmployeeRef
    trigger: Trigger
    state: IncidentState
    reported_at: datetime
    retest_due_at: datetime
    retest_result: str
    deadline: DeadlineOut


class IncidentContactOut(Schema):
    id: int
    employee_id: int | None
    name: str
    id_masked: str
    kind: ContactKind
    source: str
    venue_name: str
    contact_at: datetime | None
    isolated_at: datetime | None
    released_at: datetime | None


class ShutdownOut(Schema):
    id: int
    incident_id: int
    date_from: date
    date_to: date
    days: int
    scope: str
    reason: str
    state: ShutdownState
    whitelisted: bool
    consultation: str
    decision_reason: str
    decided_at: datetime | None
    ended_at: datetime | None
    actions: list[str] = []


class IncidentHistoryOut(Schema):
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str


class IncidentOut(IncidentListOut):
    note: str
    observation_place: str
    observation_where: str
    observed_at: datetime | None
    retest_sampled_at: datetime | None
    result_at: datetime | None
    trace_from: datetime
    quiet_period_until: datetime | None
    contacts_isolated_at: datetime | None
    disinfected_areas: str
    disinfected_on: date | None
    disinfection_note: str
    closed_at: datetime | None
    rest_of_enterprise_producing: bool
    actions: list[str]
    contacts: list[IncidentContactOut]
    shutdowns: list[ShutdownOut]
    history: list[IncidentHistoryOut]


class ReportIn(Input):
    employee_id: Id
    trigger: Trigger
    note: str = optional_text(2000)


class ObserveIn(Input):
    place: ObservationPlace = Field(..., description="point：临时留观点；dormitory：留观宿舍")
    where: str = optional_text(128, description="具体位置")
    reason: str = optional_text(2000)


class RetestIn(Input):
    sampled_at: IsoDateTime | None = Field(None, description="单采复核采样时间（不晚于现在、不早于报告）；省略为现在")
    reason: str = optional_text(2000)


class IncidentReasonIn(Input):
    reason: str = optional_text(2000)


class DisinfectIn(Input):
    areas: str = required_text(2000, description="已消杀的场所和区域")
    disinfected_on: IsoDate = Field(..., description="消杀日期（不晚于今天、不早于报告日）")
    note: str = optional_text(2000)


class ContactIn(Input):
    employee_id: Id
    kind: ContactKind = ContactKind.CLOSE
    venue_name: str = optional_text(128)


class ProposalOut(Schema):
    added: int
    already_listed: int
    outside_area: int
    not_employees: int


class IsolatedOut(Schema):
    moved: int


class ReleaseIn(Input):
    reason: str = required_text(255)


class ShutdownIn(Input):
    date_from: IsoDate = Field(..., description="停产首日（不早于事件报告日）")
    date_to: IsoDate = Field(..., description="停产末日（不早于首日；含首末日不超过本地区规定天数）")
    scope: str = required_text(255, description="停产的区域（除非写明，不是整个企业）")
    reason: str = required_text(2000)


class ApproveIn(Input):
    reason: str = required_text(2000, description="批准理由")
    consultation: str = optional_text(255, description="白名单企业：与省指挥部会商的情况（必填）")


class RefuseIn(Input):
    reason: str = required_text(2000, description="不予批准的理由")


class EndIn(Input):
    reason: str = optional_text(2000)
