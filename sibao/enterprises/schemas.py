from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from sibao.core.sectors import Sector
from sibao.enterprises.models import (
    ClosedLoopMode,
    CreditStatus,
    EntityKind,
    OperatingStatus,
    RecordKind,
    RecordSeverity,
    ServiceLevel,
)


class RegionRef(Schema):
    code: str
    name: str
    level: str


class EnterpriseOut(Schema):
    id: int
    kind: EntityKind
    name: str
    uscc: str
    sector: Sector
    region: RegionRef
    park: str
    service_level: ServiceLevel
    legal_representative: str
    contact_name: str
    contact_phone: str
    address: str
    output_value: Decimal
    investment: Decimal
    employee_count: int
    above_designated_size: bool
    specialised_sme: bool
    leader_linked: bool
    livelihood: bool
    city_operation: bool
    operating_status: OperatingStatus
    credit_status: CreditStatus
    environmental_compliant: bool
    safety_compliant: bool
    closed_loop_mode: ClosedLoopMode
    closed_loop: bool
    dormitory_capacity: int
    canteen_capacity: int
    updated_at: datetime


class _EnterpriseFields(Schema):
    park: str = Field("", max_length=128)
    service_level: ServiceLevel = ServiceLevel.COUNTY
    legal_representative: str = Field("", max_length=64)
    contact_name: str = Field("", max_length=64)
    contact_phone: str = Field("", max_length=32)
    address: str = Field("", max_length=255)
    output_value: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    investment: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    employee_count: int = Field(0, ge=0, le=2_000_000)
    above_designated_size: bool = False
    specialised_sme: bool = False
    leader_linked: bool = False
    livelihood: bool = False
    city_operation: bool = False
    operating_status: OperatingStatus = OperatingStatus.OPERATING
    credit_status: CreditStatus = CreditStatus.GOOD
    environmental_compliant: bool = True
    safety_compliant: bool = True
    closed_loop_mode: ClosedLoopMode = ClosedLoopMode.NONE
    dormitory_capacity: int = Field(0, ge=0, le=2_000_000)
    canteen_capacity: int = Field(0, ge=0, le=2_000_000)


class EnterpriseIn(_EnterpriseFields):
    kind: EntityKind = EntityKind.ENTERPRISE
    name: str = Field(..., min_length=1, max_length=128)
    uscc: str = Field(..., min_length=1, max_length=32, description="统一社会信用代码")
    sector: Sector
    region_code: str = Field(..., min_length=6, max_length=12, description="县或乡镇的区划代码")


class EnterprisePatch(Schema):
    """Only the fields sent are changed."""

    kind: EntityKind | None = None
    name: str | None = Field(None, min_length=1, max_length=128)
    uscc: str | None = Field(None, min_length=1, max_length=32)
    sector: Sector | None = None
    region_code: str | None = Field(None, min_length=6, max_length=12)
    park: str | None = Field(None, max_length=128)
    service_level: ServiceLevel | None = None
    legal_representative: str | None = Field(None, max_length=64)
    contact_name: str | None = Field(None, max_length=64)
    contact_phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=255)
    output_value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    investment: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    employee_count: int | None = Field(None, ge=0, le=2_000_000)
    above_designated_size: bool | None = None
    specialised_sme: bool | None = None
    leader_linked: bool | None = None
    livelihood: bool | None = None
    city_operation: bool | None = None
    operating_status: OperatingStatus | None = None
    credit_status: CreditStatus | None = None
    environmental_compliant: bool | None = None
    safety_compliant: bool | None = None
    closed_loop_mode: ClosedLoopMode | None = None
    dormitory_capacity: int | None = Field(None, ge=0, le=2_000_000)
    canteen_capacity: int | None = Field(None, ge=0, le=2_000_000)


class ImportErrorOut(Schema):
    row: int
    record: int
    column: str
    message: str


class ImportResultOut(Schema):
    committed: bool
    total_rows: int
    saved: int
    errors: list[ImportErrorOut]


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class EnterpriseRef(Schema):
    id: int
    name: str
    uscc: str


class SupplyLinkOut(Schema):
    id: int
    supplier: EnterpriseRef
    customer: EnterpriseRef
    product: str


class PairingOut(Schema):
    id: int
    enterprise: EnterpriseRef
    partner: EnterpriseRef
    kind: str
    note: str


class RelationsOut(Schema):
    suppliers: list[SupplyLinkOut]
    customers: list[SupplyLinkOut]
    pairings: list[PairingOut]


class RelationIn(Schema):
    relation: str = Field(
        ...,
        pattern=r"^(supplier|customer|pairing:(transport|commerce|accommodation_catering))$",
        description="supplier / customer / pairing:transport / pairing:commerce / pairing:accommodation_catering",
    )
    partner_uscc: str = Field(..., min_length=1, max_length=32)
    detail: str = Field("", max_length=128)


class RecordOut(Schema):
    """EN-1: a dated accident, violation or dishonesty record (read by the whitelist exclusions)."""

    id: int
    kind: RecordKind
    severity: RecordSeverity
    occurred_on: date
    description: str
    source: str


class RecordIn(Schema):
    kind: RecordKind
    severity: RecordSeverity
    occurred_on: date = Field(..., description="The day it happened; not in the future.")
    description: str = Field("", max_length=2000)
    source: str = Field("", max_length=128, description="The document or authority it comes from.")


class RecordPatch(Schema):
    kind: RecordKind | None = None
    severity: RecordSeverity | None = None
    occurred_on: date | None = None
    description: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=128)
