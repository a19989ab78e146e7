"""EP-9 API shapes. People appear with masked ID numbers only."""

from datetime import date, datetime

from ninja import Field, Schema

from sibao.core.api_types import Id
from sibao.emergency.schemas import ShutdownOut
from sibao.incidents.models import ContactKind, IncidentState, ObservationPlace, Trigger


class EnterpriseRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
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
    employee: PersonRef
    trigger: Trigger
    state: IncidentState
    reported_at: datetime
    retest_due_at: datetime
    retest_result: str
    deadline: DeadlineOut


class ContactOut(Schema):
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


class HistoryOut(Schema):
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
    contacts: list[ContactOut]
    shutdowns: list[ShutdownOut]
    history: list[HistoryOut]


class ReportIn(Schema):
    employee_id: Id
    trigger: Trigger
    note: str = Field("", max_length=2000)


class ActionIn(Schema):
    reason: str = Field("", max_length=2000)
    place: ObservationPlace | None = Field(None, description="observe: point | dormitory")
    where: str = Field("", max_length=128)
    sampled_at: datetime | None = Field(None, description="sample_retest: when the re-test sample was taken")
    areas: str = Field("", max_length=2000, description="disinfect: venues and areas disinfected")
    disinfected_on: date | None = None
    note: str = Field("", max_length=2000)


class ContactIn(Schema):
    employee_id: Id
    kind: ContactKind = ContactKind.CLOSE
    venue_name: str = Field("", max_length=128)


class ProposalOut(Schema):
    added: int
    already_listed: int
    outside_area: int
    not_employees: int


class IsolatedOut(Schema):
    moved: int


class ReleaseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=255)


class ShutdownIn(Schema):
    date_from: date
    date_to: date
    scope: str = Field(..., max_length=255, description="the areas shut (not the whole enterprise unless said)")
    reason: str = Field(..., max_length=2000)
