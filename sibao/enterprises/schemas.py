from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from sibao.core.api_types import (
    Amount,
    Input,
    IsoDate,
    Patch,
    RegionCode,
    Uscc,
    filled_text,
    optional_text,
    required_text,
)
from sibao.core.sectors import Sector
from sibao.enterprises.models import (
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
    closed_loop: bool
    dormitory_capacity: int
    canteen_capacity: int
    updated_at: datetime


class _EnterpriseFields(Input):
    park: str = optional_text(128)
    service_level: ServiceLevel = ServiceLevel.COUNTY
    legal_representative: str = optional_text(64)
    contact_name: str = optional_text(64)
    contact_phone: str = optional_text(32)
    address: str = optional_text(255)
    output_value: Amount = Decimal("0")
    investment: Amount = Decimal("0")
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
    closed_loop: bool = False
    dormitory_capacity: int = Field(0, ge=0, le=2_000_000)
    canteen_capacity: int = Field(0, ge=0, le=2_000_000)


class EnterpriseIn(_EnterpriseFields):
    kind: EntityKind = EntityKind.ENTERPRISE
    name: str = required_text(128)
    uscc: Uscc
    sector: Sector
    region_code: RegionCode = Field(..., description="县或乡镇的区划代码，须在调用者的管辖范围内")


class EnterprisePatch(Patch):
    """Only the fields sent are changed. An enterprise user may change its contact details, staff figures and
    capacities only."""

    kind: EntityKind | None = None
    name: str | None = filled_text(128)
    uscc: Uscc | None = None
    sector: Sector | None = None
    region_code: RegionCode | None = None
    park: str | None = optional_text(128, None)
    service_level: ServiceLevel | None = None
    legal_representative: str | None = optional_text(64, None)
    contact_name: str | None = optional_text(64, None)
    contact_phone: str | None = optional_text(32, None)
    address: str | None = optional_text(255, None)
    output_value: Amount | None = None
    investment: Amount | None = None
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
    closed_loop: bool | None = None
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


class RelationIn(Input):
    relation: str = Field(
        ...,
        pattern=r"^(supplier|customer|pairing:(transport|commerce|accommodation_catering))$",
        description="supplier / customer / pairing:transport / pairing:commerce / pairing:accommodation_catering",
    )
    partner_uscc: Uscc = Field(..., description="对方企业的统一社会信用代码（须在调用者的管辖范围内）")
    detail: str = optional_text(128)


class RecordOut(Schema):
    """EN-1: a dated accident, violation or dishonesty record (read by the whitelist exclusions)."""

    id: int
    kind: RecordKind
    severity: RecordSeverity
    occurred_on: date
    description: str
    source: str


class RecordIn(Input):
    kind: RecordKind
    severity: RecordSeverity
    occurred_on: IsoDate = Field(..., description="发生日期，不得晚于今天")
    description: str = optional_text(2000)
    source: str = optional_text(128, description="所依据的文书或机关")


class RecordPatch(Patch):
    kind: RecordKind | None = None
    severity: RecordSeverity | None = None
    occurred_on: IsoDate | None = Field(None, description="发生日期，不得晚于今天")
    description: str | None = optional_text(2000, default=None)
    source: str | None = optional_text(128, default=None)
