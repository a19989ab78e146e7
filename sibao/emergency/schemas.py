"""EM-1…EM-6 API shapes."""

from datetime import date, datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, Input, IsoDate, IsoDateTime, RegionCode, optional_text, required_text
from sibao.emergency.models import (
    AreaKind,
    Decision,
    EmergencyStatus,
    InspectionKind,
    InspectionState,
    ShutdownCause,
    ShutdownState,
)
from sibao.enterprises.models import ClosedLoopMode


class EmergencyRegionRef(Schema):
    code: str
    name: str
    level: str


class EmergencyEnterpriseRef(Schema):
    id: int
    name: str


class ConfirmationCountsOut(Schema):
    held: int
    confirmed: int
    missing: int


class EmergencyOut(Schema):
    id: int
    region: EmergencyRegionRef
    status: EmergencyStatus
    reason: str
    document_number: str
    effective_at: datetime
    readiness_due_at: datetime
    declared_by: str
    declared_at: datetime
    activated_at: datetime | None
    enterprises_switched: int
    employees: int
    to_full: int
    to_two_point: int
    already_closed: int
    ended_at: datetime | None
    end_reason: str
    end_document_number: str
    enterprises_restored: int
    confirmations: ConfirmationCountsOut


class AreaOut(Schema):
    id: int
    kind: AreaKind
    name: str
    townships: list[EmergencyRegionRef]
    enterprises: list[EmergencyEnterpriseRef]
    note: str
    created_at: datetime
    ended_at: datetime | None


class DifferingParameterOut(Schema):
    key: str
    label: str
    unit: str
    normal: str
    emergency: str


class JointOfficeOut(Schema):
    economic: list[str]
    epidemic: list[str]


class RegionStateOut(Schema):
    region: EmergencyRegionRef
    state: str = Field(..., description="normal | emergency")
    inherited: bool = Field(..., description="the emergency is that of a region above")
    emergency: EmergencyOut | None
    announced: EmergencyOut | None = Field(None, description="announced on the path, not in force yet")
    areas: list[AreaOut]
    joint_office: JointOfficeOut
    differing_parameters: list[DifferingParameterOut]
    actions: list[str] = Field(..., description="switch | switch_back | call_off | draw_area, for the caller")


class SectorLineOut(Schema):
    sector: str
    mode: ClosedLoopMode
    enterprises: int
    moving: int
    already: int


class PreviewOut(Schema):
    region: EmergencyRegionRef
    enterprises: int
    employees: int
    to_full: int
    to_two_point: int
    already_closed: int
    held_elsewhere: int
    without_bubble: int
    sectors: list[SectorLineOut]


class SwitchIn(Input):
    reason: str = required_text(2000)
    document_number: str = required_text(64, description="文号, e.g. 通防指〔2022〕3号")
    effective_at: IsoDateTime | None = Field(None, description="advance notice: when it takes effect (empty: now)")


class SwitchBackIn(Input):
    reason: str = required_text(2000)
    document_number: str = required_text(64)


class AreaIn(Input):
    kind: AreaKind
    name: str = required_text(128)
    township_codes: list[RegionCode] = Field(default_factory=list, max_length=500)
    enterprise_ids: list[Id] = Field(default_factory=list, max_length=5000)
    note: str = optional_text(2000)


class LiftIn(Input):
    reason: str = optional_text(2000)


class HoldOut(Schema):
    id: int
    enterprise: EmergencyEnterpriseRef
    region: str
    prior_mode: ClosedLoopMode
    applied_mode: ClosedLoopMode
    held_at: datetime
    released_at: datetime | None
    confirmed_at: datetime | None
    staff_inside: int | None
    overdue: bool


class ConfirmIn(Input):
    staff_inside: int | None = Field(None, ge=0, le=2_000_000)
    note: str = optional_text(2000)


class EmergencyNoticeAreaOut(Schema):
    kind: AreaKind
    name: str


class EmergencyNoticeOut(Schema):
    emergency_id: int
    region: EmergencyRegionRef
    status: EmergencyStatus
    document_number: str
    reason: str
    effective_at: datetime
    in_force: bool
    readiness_due_at: datetime
    mode: ClosedLoopMode | None
    prior_mode: ClosedLoopMode | None
    confirmed_at: datetime | None
    area: EmergencyNoticeAreaOut | None


class HaltOut(Schema):
    """EM-4: a whitelist enterprise's report of a halt or reduction with no approved shutdown in force."""

    report_id: int = Field(alias="pk")
    enterprise: EmergencyEnterpriseRef
    region_code: str = Field(alias="enterprise.region.code")
    region_name: str = Field(alias="enterprise.region.name")
    sector: str = Field(alias="enterprise.sector")
    day: date
    status: str = Field(description="halted 停产 / reduced 减产")
    capacity_percent: int
    staff_on_site: int
    staff_total: int
    problem_category: str
    main_problem: str
    waiting_shutdown: bool = Field(description="已提出停产申请、尚待两个指挥部审批")


class ShutdownOut(Schema):
    id: int
    enterprise: EmergencyEnterpriseRef
    incident_id: int | None
    cause: ShutdownCause
    date_from: date
    date_to: date
    days: int
    scope: str
    capacity_limit: int | None = Field(description="限产时允许的产能比例（%）；为空是停产")
    reason: str
    whitelisted: bool
    state: ShutdownState
    economic_decision: Decision
    economic_reason: str
    economic_at: datetime | None
    epidemic_decision: Decision
    epidemic_reason: str
    epidemic_at: datetime | None
    reopened_at: datetime | None
    in_force: bool
    overdue: bool = Field(..., description="approved, past its last day, production not recorded as resumed")
    actions: list[str] = []


class ShutdownProposeIn(Input):
    enterprise_id: Id
    cause: ShutdownCause
    date_from: IsoDate
    date_to: IsoDate
    scope: str = required_text(255, description="the areas shut")
    reason: str = required_text(2000)
    capacity_limit: int | None = Field(
        None, ge=1, le=99, description="限产：允许的产能比例（%）；不填为停产（事件引起的停产不可限产）"
    )


class DecisionIn(Input):
    reason: str = optional_text(2000)


class RefusalIn(Input):
    reason: str = required_text(2000, description="理由（必填）")


class InspectionOut(Schema):
    id: int
    enterprise: EmergencyEnterpriseRef
    kind: InspectionKind
    exempt: bool
    item: str
    department: str
    planned_on: date
    state: InspectionState
    decision_reason: str
    decided_at: datetime | None
    done_at: datetime | None
    done_note: str
    actions: list[str] = []


class InspectionIn(Input):
    enterprise_id: Id
    kind: InspectionKind
    item: str = required_text(255)
    department: str = required_text(128)
    planned_on: date


class UnapprovedInspectionIn(Input):
    department: str = required_text(128)
    day: IsoDate | None = None
    note: str = optional_text(2000)


class FiledRequestOut(Schema):
    id: int
    number: str


class EvidenceOut(Schema):
    label: str
    value: str
    ok: bool | None
    detail: str


class SectionOut(Schema):
    key: str
    title: str
    ok: bool | None
    rows: list[EvidenceOut]


class RecordIncidentOut(Schema):
    id: int
    person: str
    reported_at: datetime
    state: str


class DutyRecordOut(Schema):
    enterprise: EmergencyEnterpriseRef
    date_from: date
    date_to: date
    ok: bool
    sections: list[SectionOut]
    incidents: list[RecordIncidentOut]
