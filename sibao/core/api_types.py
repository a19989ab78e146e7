"""Input types shared by every API router: what a request may carry is what its OpenAPI document says."""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, BeforeValidator, ConfigDict, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

# Primary keys a caller may send: positive and inside a 64-bit column. Bounding them here keeps an
# oversized number a 422 on every database (SQLite cannot even bind one; foreign-key lookups do not
# get Django's out-of-range guard).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# No input may carry a NUL character (PostgreSQL text cannot store one); required text must hold more than
# white space, since the services strip it and refuse what is left empty.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def optional_text(max_length: int, default: Any = "", **extra: Any) -> Any:
    """An optional free-text field (``default`` unless sent)."""
    return Field(default, max_length=max_length, pattern=NO_NUL, **extra)


def required_text(max_length: int, **extra: Any) -> Any:
    """A free-text field that must be sent and hold more than white space."""
    return Field(..., min_length=1, max_length=max_length, pattern=NOT_BLANK, **extra)


def filled_text(max_length: int, **extra: Any) -> Any:
    """Optional (left out: unchanged), but not blank when sent — for PATCH bodies."""
    return Field(None, min_length=1, max_length=max_length, pattern=NOT_BLANK, **extra)


class Input(Schema):
    """Base of request bodies and query filters: a JSON object, nothing else.

    ninja's ``Schema`` reads any value's attributes, so a list, a number or ``null`` sent where an object with
    optional fields belongs passed as "nothing to change" (issue 8 #10: ``PATCH …/venues/{id}`` with
    ``[null, null]``). A field the schema does not name is refused, not ignored (``additionalProperties:
    false``). Patterns are Python's, like the services' ``str.strip()`` and schemathesis' generator."""

    model_config = ConfigDict(regex_engine="python-re", extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's own validator runs first and wraps the value for attribute access.
        if not isinstance(data._obj if isinstance(data, DjangoGetter) else data, Mapping):
            raise PydanticCustomError("model_type", "Input should be an object")
        return data


def _not_nullable(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        options = [option for option in prop.get("anyOf", []) if option != {"type": "null"}]
        if "anyOf" in prop and len(options) < len(prop["anyOf"]):
            del prop["anyOf"]
            if len(options) == 1:
                prop.update(options[0])
            else:
                prop["anyOf"] = options


class Patch(Input):
    """Base of PATCH bodies: every field may be left out (unchanged), none may be ``null``, which is not a
    value of any of them (it used to reach the database as one)."""

    model_config = ConfigDict(json_schema_extra=_not_nullable)  # type: ignore[typeddict-item]

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", "Leave the field out instead of sending null")
        return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# RFC 3339 date-time (OpenAPI's ``format: date-time``); seconds and the offset may be left out, as other
# systems send local times: those are Beijing time (the platform's zone), like the pages.
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?")


def _iso_date(value: Any) -> Any:
    # Pydantic alone also takes 0 or "0" (a Unix time) and "2026-01-01T00:00:00" for a date.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    # Pydantic alone also takes numbers (Unix times) and bare dates.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return value
    raise PydanticCustomError("datetime_format", "Input should be a date and time (RFC 3339)")


def _utc(value: datetime) -> datetime:
    # In UTC from here on: PostgreSQL refuses offsets beyond ±15:59, which RFC 3339 allows (+17:06).
    try:
        aware = value if timezone.is_aware(value) else timezone.make_aware(value)
        return aware.astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00+08:00 is before year 1 in UTC
        raise PydanticCustomError("datetime_range", "Input should be a date and time after year 1") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime), AfterValidator(_utc)]


# 统一社会信用代码 (GB 32100, EN-1) and 公民身份号码 (GB 11643): the shape here, the check characters in the
# services (``core.validators``). ``format`` names them for clients and for schemathesis' generators.
Uscc = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        json_schema_extra={"format": "uscc"},
        description="统一社会信用代码（18位，含两位校验码）",
    ),
]
IdNumber = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        pattern=r"^[0-9]{17}[0-9Xx]$",
        json_schema_extra={"format": "cn-resident-id"},
        description="18位居民身份证号码（含校验码）",
    ),
]
# A region as its GB/T 2260 code (county, 6 digits) or the statistics bureau's township code (9 digits).
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{6}([0-9]{3})?$", description="县（6位）或乡镇（9位）区划代码")]

_AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
_CENT = Decimal("0.01")


def _amount(value: Any) -> Any:
    # A JSON number is rounded to the cent (0.1 + 0.2 is not refused); a string must be written to the cent.
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Input should be an amount")
    if isinstance(value, int | float):
        return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, Decimal) or (isinstance(value, str) and _AMOUNT.fullmatch(value)):
        return value
    raise PydanticCustomError("decimal_type", "Input should be an amount: a number or a string like 1234.56")


# Output values, investments: 0 to 999,999,999,999.99, as a JSON number or a decimal string.
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    Field(ge=0, max_digits=14, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 999_999_999_999},
                {"type": "string", "pattern": "^" + _AMOUNT.pattern + "$"},
            ]
        }
    ),
]


# Media types of the files the API takes and gives (documented on the multipart part and on the answer).
PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
CSV = "text/csv"
JPEG = "image/jpeg"
PNG = "image/png"
SPREADSHEETS = (XLSX, CSV)


def uploads(**parts: Sequence[str]) -> dict[str, Any]:
    """``openapi_extra`` naming the media types each multipart file part accepts (``file=(PDF, DOCX)``)."""
    encoding = {name: {"contentType": ", ".join(types)} for name, types in parts.items()}
    return {"requestBody": {"content": {"multipart/form-data": {"encoding": encoding}}}}


def download(*media_types: str) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint that answers 200 with a file of one of ``media_types`` (``*/*``: any
    stored attachment, in the type it was uploaded as)."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}
    return {"responses": {200: {"description": "OK", "content": content}}}
