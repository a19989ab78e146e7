"""Input types shared by every API router: what a request may carry is what its OpenAPI document says."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

# Primary keys a caller may send: positive and inside a 64-bit column. Bounding them here keeps an
# oversized number a 422 on every database (SQLite cannot even bind one; foreign-key lookups do not
# get Django's out-of-range guard).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

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
    """Optional (``null`` or left out: unchanged), but not blank when sent — for PATCH bodies."""
    return Field(None, min_length=1, max_length=max_length, pattern=NOT_BLANK, **extra)


class Input(Schema):
    """Base of request bodies and query filters: a JSON object, nothing else.

    ninja's ``Schema`` reads any value's attributes, so a list, a number or ``null`` sent where an object with
    optional fields belongs passed as "nothing to change" (issue 8 #10: ``PATCH …/venues/{id}`` with
    ``[null, null]``). Patterns are Python's, like the services' ``str.strip()`` and schemathesis' generator."""

    model_config = ConfigDict(regex_engine="python-re")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's own validator runs first and wraps the value for attribute access.
        if not isinstance(data._obj if isinstance(data, DjangoGetter) else data, Mapping):
            raise PydanticCustomError("model_type", "Input should be an object")
        return data


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# RFC 3339 date-time, what OpenAPI's ``format: date-time`` means: seconds and an offset are required.
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _iso_date(value: Any) -> Any:
    # Pydantic alone also takes 0 or "0" (a Unix time) and "2026-01-01T00:00:00" for a date.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    # Pydantic alone also takes numbers (Unix times), bare dates and times without an offset.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return value
    raise PydanticCustomError("datetime_format", "Input should be a date and time with its offset (RFC 3339)")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
