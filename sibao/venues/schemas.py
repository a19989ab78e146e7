"""EP-7 API shapes. No output carries an ID number or a digest of a registered person's number in clear."""

from datetime import datetime

from ninja import Field, Schema

from sibao.core.api_types import Id, Input, IsoDateTime
from sibao.venues.models import ImportStatus, VenueKind


class VenueIn(Input):
    enterprise_id: Id | None = None
    kind: VenueKind
    name: str = Field(max_length=128)
    location: str = Field("", max_length=128)


class VenuePatch(Input):
    kind: VenueKind | None = None
    name: str | None = Field(None, max_length=128)
    location: str | None = Field(None, max_length=128)
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
    employee_id: Id | None = None
    id_number: str = Field("", max_length=18)
    start: IsoDateTime
    end: IsoDateTime
    purpose: str = Field(max_length=255)


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
