"""EP-7 API shapes. No output carries an ID number or a digest of a registered person's number in clear."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from sibao.core.api_types import Id, IdNumber, Input, IsoDateTime, Patch, filled_text, optional_text, required_text
from sibao.venues.models import ImportStatus, VenueKind


class VenueIn(Input):
    enterprise_id: Id | None = Field(None, description="企业用户可省略（本企业）")
    kind: VenueKind
    name: str = required_text(128, description="本企业内不重名")
    location: str = optional_text(128)


class VenuePatch(Patch):
    kind: VenueKind | None = None
    name: str | None = filled_text(128, description="本企业内不重名")
    location: str | None = optional_text(128, None)
    is_active: bool | None = None


class VenueOut(Schema):
    id: int
    enterprise_id: int
    kind: VenueKind
    name: str
    location: str
    token: str
    is_active: bool


class DeclarationIn(Input):
    entrances: int = Field(1, ge=0, le=10_000)
    workshops: int = Field(0, ge=0, le=10_000)
    production_areas: int = Field(0, ge=0, le=10_000)
    buildings: int = Field(0, ge=0, le=10_000)
    floors: int = Field(0, ge=0, le=10_000)
    units: int = Field(0, ge=0, le=10_000)
    closed_spaces: int = Field(0, ge=0, le=10_000)


class RuleOut(Schema):
    code: str
    label: str
    required: int
    actual: int
    passed: bool
    reason: str


class VenueCoverageOut(Schema):
    enterprise_id: int
    enterprise_name: str
    passed: bool
    rules: list[RuleOut]


class ScanImportOut(Schema):
    id: int
    file_name: str
    status: ImportStatus
    progress: int
    row_count: int
    added_count: int
    error: str
    created_at: datetime


class TraceIn(Input):
    """Trace a registered employee (``employee_id``) or anyone by ID number (``id_number``)."""

    employee_id: Id | None = None
    id_number: IdNumber | None = None
    start: IsoDateTime
    end: IsoDateTime = Field(..., description="晚于 start，且一次最多追溯规定天数")
    purpose: str = required_text(255, description="追溯事由（记入日志）")

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["employee_id"], "properties": {"employee_id": {"type": "integer"}}},
                {"required": ["id_number"], "properties": {"id_number": {"type": "string"}}},
            ]
        }
    )

    @model_validator(mode="after")
    def _someone(self) -> "TraceIn":
        if self.employee_id is None and self.id_number is None:
            raise PydanticCustomError("missing", "Name the employee or give the ID number")
        return self


class VisitOut(Schema):
    venue_id: int
    venue_name: str
    enterprise_id: int
    scanned_at: datetime


class TraceContactOut(Schema):
    employee_id: int | None
    name: str
    enterprise_id: int | None
    venue_id: int
    venue_name: str
    case_scanned_at: datetime
    contact_scanned_at: datetime


class TraceOut(Schema):
    trace_id: int
    subject: str
    window_minutes: int
    visits: list[VisitOut]
    contacts: list[TraceContactOut]
