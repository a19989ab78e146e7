"""Hand-written SQL for the few hot paths where building and compiling the ORM's query costs more than the
database takes to answer it (issue 13: the checkpoint check and the API token, called by checkpoint systems
thousands of times an hour; compiling one joined ``values_list`` costs milliseconds, running it a tenth).

The statement is a constant written once; parameters go in as the ORM would send them (``db_date``,
``db_datetime``) and each column comes back as the ORM would return it (the model field's database converters,
``Columns``), so SQLite and PostgreSQL answer alike. Elsewhere use the ORM.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connections
from django.db.models import Field

Converter = Callable[[Any, Any, Any], Any]


class Columns:
    """The model fields a statement selects, in order: turns a fetched row into the ORM's Python values."""

    def __init__(self, fields: Sequence[Field]) -> None:  # type: ignore[type-arg]
        self.fields = list(fields)
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def _for(self, alias: str) -> list[tuple[int, list[Converter], Any]]:
        found = self._converters.get(alias)
        if found is None:
            connection = connections[alias]
            found = []
            for index, field in enumerate(self.fields):
                column = field.cached_col
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if converters:
                    found.append((index, converters, column))
            self._converters[alias] = found
        return found

    def convert(self, row: Sequence[Any], *, using: str = "default", offset: int = 0) -> list[Any]:
        """``row[offset:offset + len(self)]`` as Python values."""
        connection = connections[using]
        values = list(row[offset : offset + len(self.fields)])
        for index, converters, column in self._for(using):
            value = values[index]
            for converter in converters:
                value = converter(value, column, connection)
            values[index] = value
        return values


def db_datetime(value: datetime, using: str = "default") -> Any:
    """A moment as the database compares it (SQLite: naive UTC text, as the ORM stores it)."""
    return connections[using].ops.adapt_datetimefield_value(value)


def db_date(value: date, using: str = "default") -> Any:
    return connections[using].ops.adapt_datefield_value(value)


def fetch_one(sql: str, params: Sequence[Any], using: str = "default") -> tuple[Any, ...] | None:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def fetch_all(sql: str, params: Sequence[Any], using: str = "default") -> list[tuple[Any, ...]]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def placeholders(count: int) -> str:
    """``%s, %s, …`` for an ``IN (…)`` of ``count`` values (at least one: ``IN ()`` is not SQL)."""
    return ", ".join(["%s"] * max(count, 1))
