"""LG API shapes. Drivers appear with masked ID numbers only; a full number leaves only through ``/reveal``."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, WithJsonSchema

from sibao.core.api_types import (
    NO_NUL,
    Id,
    IdNumber,
    Input,
    IsoDate,
    IsoDateTime,
    RegionCode,
    optional_text,
    required_text,
)
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


# WGS-84 degrees to the metre (the columns hold 6 decimals).
def _degrees(value: Any) -> Any:
    # A JSON number is rounded to the micro-degree (about 0.1 m), as the column keeps it; anything else is left
    # for the Decimal type to accept (a decimal string) or refuse.
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        return number.quantize(Decimal("0.000001")) if number.is_finite() and abs(number) <= 360 else number
    return value


Latitude = Annotated[
    Decimal,
    BeforeValidator(_degrees),
    Field(ge=-90, le=90, max_digits=9, decimal_places=6),
    WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90}),
]
Longitude = Annotated[
    Decimal,
    BeforeValidator(_degrees),
    Field(ge=-180, le=180, max_digits=9, decimal_places=6),
    WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180}),
]


class Ref(Schema):
    id: int
    name: str


class VehicleIn(Input):
    plate: str = required_text(16, description="车牌号，如 豫B·12345 / 豫AD12345（新能源 8 位）")
    kind: VehicleKind = VehicleKind.TRUCK


class VehicleOut(Schema):
    id: int
    enterprise: Ref
    plate: str
    plate_display: str
    kind: VehicleKind
    new_energy: bool
    is_active: bool


class ActiveIn(Input):
    is_active: bool


class DriverIn(Input):
    name: str = required_text(64)
    id_number: IdNumber
    phone: str = optional_text(32)
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


class DriverHealthIn(Input):
    health_code: CodeColour | None = None
    certificate_sampled_at: IsoDateTime | None = None


class DriverRevealIn(Input):
    purpose: str = required_text(200)


class DriverRevealOut(Schema):
    id: int
    id_number: str


class PassIn(Input):
    vehicle: Id
    drivers: list[Id] = Field(..., max_length=10)
    served: list[Id] = Field(..., max_length=50, description="所服务的白名单企业")
    arrangement: Arrangement
    route: str = required_text(255)
    valid_from: IsoDate
    valid_until: IsoDate
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


class PassReasonIn(Input):
    reason: str = required_text(2000, description="理由")


class CheckIn(Input):
    checkpoint: Id
    token: str = required_text(512, description="二维码内容（核验网址或令牌）")
    id_number: str = optional_text(32, description="驾驶员身份证号（或给出 driver）")
    driver: Id | None = Field(None, description="通行证上的驾驶员 id")
    itinerary: list[Annotated[str, Field(max_length=64, pattern=NO_NUL)]] = Field(
        [], max_length=50, description="行程卡显示的途经县（市、区）代码或名称"
    )


# The check's answer is plain pydantic, validated from the dict the endpoint builds: ninja's ``Schema`` reads
# every value through its attribute getter, which cost ~6 % of a check's time (issue 13); nothing here is a
# model instance to read attributes from.
class VerdictOut(BaseModel):
    condition: Condition
    label: str
    passed: bool | None
    message: str


class CheckOut(BaseModel):
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


class CheckpointIn(Input):
    region_code: RegionCode
    name: str = required_text(128)
    kind: CheckpointKind = CheckpointKind.HIGHWAY_EXIT
    location: str = optional_text(255)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
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


class StationIn(Input):
    region_code: RegionCode
    kind: StationKind
    name: str = required_text(128)
    address: str = required_text(255)
    capacity: int = Field(..., ge=1, le=1_000_000)
    hours: str = required_text(64)
    contact_phone: str = optional_text(32)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
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


class ReceivingPointIn(Input):
    location: str = required_text(255)
    hours: str = required_text(64)
    contact_name: str = required_text(64)
    contact_phone: str = required_text(32)
    instructions: str = optional_text(2000)
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class ReceivingPointOut(Schema):
    enterprise: Ref
    location: str
    hours: str
    contact_name: str
    contact_phone: str
    instructions: str
    latitude: Decimal | None
    longitude: Decimal | None
