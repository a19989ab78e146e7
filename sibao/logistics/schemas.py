"""LG API shapes. Drivers appear with masked ID numbers only; a full number leaves only through ``/reveal``."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from sibao.core.api_types import Id
from sibao.epidemic.models import CodeColour
from sibao.logistics.models import (
    Arrangement,
    CheckpointKind,
    Condition,
    PassState,
    StationKind,
    StationStatus,
    VehicleKind,
)


class Ref(Schema):
    id: int
    name: str


class VehicleIn(Schema):
    plate: str = Field(..., max_length=16, description="车牌号，如 豫B·12345 / 豫AD12345（新能源 8 位）")
    kind: VehicleKind = VehicleKind.TRUCK


class VehicleOut(Schema):
    id: int
    enterprise: Ref
    plate: str
    plate_display: str
    kind: VehicleKind
    new_energy: bool
    is_active: bool


class ActiveIn(Schema):
    is_active: bool


class DriverIn(Schema):
    name: str = Field(..., max_length=64)
    id_number: str = Field(..., max_length=32)
    phone: str = Field("", max_length=32)
    health_code: CodeColour | None = Field(None, description="无员工档案的司机：健康码颜色")


class DriverOut(Schema):
    id: int
    enterprise: Ref
    name: str
    id_masked: str
    phone_masked: str
    employee_id: int | None
    health_code: str
    health_code_source: str
    is_active: bool
    on_transport_whitelist: bool


class DriverHealthIn(Schema):
    health_code: CodeColour | None = None
    certificate_sampled_at: datetime | None = None


class RevealIn(Schema):
    purpose: str = Field(..., max_length=200)


class RevealOut(Schema):
    id: int
    id_number: str


class PassIn(Schema):
    vehicle: Id
    drivers: list[Id] = Field(..., max_length=10)
    served: list[Id] = Field(..., max_length=50, description="所服务的白名单企业")
    arrangement: Arrangement
    route: str = Field(..., max_length=255)
    valid_from: date
    valid_until: date
    stations: list[Id] = Field([], max_length=50)
    toll_reduction: bool = True


class DriverRef(Schema):
    id: int
    name: str
    id_masked: str


class ServedOut(Schema):
    id: int
    name: str
    dropped_at: datetime | None
    drop_reason: str


class StationRef(Schema):
    id: int
    name: str
    kind: StationKind


class PassOut(Schema):
    id: int
    number: str
    enterprise: Ref
    vehicle_plate: str
    drivers: list[DriverRef]
    served: list[ServedOut]
    arrangement: Arrangement
    route: str
    stations: list[StationRef]
    valid_from: date
    valid_until: date
    toll_reduction: bool
    state: PassState
    applied_at: datetime
    decided_at: datetime | None
    decision_reason: str
    suspended_at: datetime | None
    suspension_reason: str
    actions: list[str] = []
    # The signed code the QR carries, for the holder and officials in scope of an approved pass.
    qr_token: str | None = None
    check_url: str | None = None


class DecisionIn(Schema):
    reason: str = Field("", max_length=2000)


class CheckIn(Schema):
    checkpoint: Id
    token: str = Field(..., max_length=512, description="二维码内容（核验网址或令牌）")
    id_number: str = Field("", max_length=32, description="驾驶员身份证号（或给出 driver）")
    driver: Id | None = Field(None, description="通行证上的驾驶员 id")
    itinerary: list[str] = Field([], max_length=50, description="行程卡显示的途经县（市、区）代码或名称")


class VerdictOut(Schema):
    condition: Condition
    label: str
    passed: bool | None
    message: str


class CheckOut(Schema):
    id: int
    green: bool
    checked_at: datetime
    failed: list[Condition]
    conditions: list[VerdictOut]
    plate: str
    company: str
    valid_from: date | None
    valid_until: date | None
    driver_name: str
    driver_id_masked: str


class PassLookupOut(Schema):
    number: str
    plate: str
    company: str
    state: PassState
    valid_from: date
    valid_until: date
    drivers: list[DriverRef]
    served: list[str]


class CheckRowOut(Schema):
    id: int
    checkpoint: Ref
    checked_at: datetime
    officer: str
    plate: str
    driver_name: str
    green: bool
    failed: list[Condition]


class TallyOut(Schema):
    checkpoint: Ref
    day: date
    checks: int
    green: int
    failed_pass: int
    failed_driver: int
    failed_health_code: int
    failed_itinerary: int
    failed_test: int


class CheckpointIn(Schema):
    region_code: str = Field(..., max_length=12)
    name: str = Field(..., max_length=128)
    kind: CheckpointKind = CheckpointKind.HIGHWAY_EXIT
    location: str = Field("", max_length=255)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_active: bool = True


class CheckpointOut(Schema):
    id: int
    region: Ref
    name: str
    kind: CheckpointKind
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_active: bool
    checks_today: int | None = None


class StationIn(Schema):
    region_code: str = Field(..., max_length=12)
    kind: StationKind
    name: str = Field(..., max_length=128)
    address: str = Field(..., max_length=255)
    capacity: int = Field(..., ge=1, le=1_000_000)
    hours: str = Field(..., max_length=64)
    contact_phone: str = Field("", max_length=32)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    status: StationStatus = StationStatus.STANDBY


class StationOut(Schema):
    id: int
    region: Ref
    region_code: str
    kind: StationKind
    name: str
    address: str
    capacity: int
    hours: str
    contact_phone: str
    latitude: Decimal | None
    longitude: Decimal | None
    status: StationStatus


class MapPointOut(Schema):
    id: int
    name: str
    kind: StationKind
    status: StationStatus
    capacity: int
    latitude: Decimal
    longitude: Decimal
    region_code: str


class ReceivingPointIn(Schema):
    location: str = Field(..., max_length=255)
    hours: str = Field(..., max_length=64)
    contact_name: str = Field(..., max_length=64)
    contact_phone: str = Field(..., max_length=32)
    instructions: str = Field("", max_length=2000)
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class ReceivingPointOut(Schema):
    enterprise: Ref
    location: str
    hours: str
    contact_name: str
    contact_phone: str
    instructions: str
    latitude: Decimal | None
    longitude: Decimal | None
