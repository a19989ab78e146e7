"""Hand-written SQL for the few hot paths where building and compiling the ORM's query costs more than the
database takes to answer it (issue 13: the checkpoint check and the API token, called by checkpoint systems
thousands of times an hour; compiling one joined ``values_list`` costs milliseconds, running it a tenth).

The statement is a constant written once; parameters go in as the ORM would send them (``db_date``,
``db_datetime``) and each column comes back as the ORM would return it (the model field's database converters,
``Columns``), so SQLite and PostgreSQL answer alike. Elsewhere use the ORM.
"""

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connections

Converter = Callable[[Any, Any, Any], Any]


class Columns:
    """The model fields a statement selects, in order: turns a fetched row into the ORM's Python values."""

    def __init__(self, fields: Sequence[Any]) -> None:  # model fields (Field, ForeignKey)
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


@functools.cache
def _preparing_cursor_class() -> Any:
    import psycopg  # PostgreSQL only

    class PreparingCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: Any = None) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)

        def _send_query_prepared(self, name: bytes, pgq: Any, *, binary: bool | None = None) -> None:
            # As an unprepared execution does: Django's query log reads the statement from ``_query``.
            self._query = pgq
            super()._send_query_prepared(name, pgq, binary=binary)

    return PreparingCursor


@contextmanager
def _cursor(using: str) -> Iterator[Any]:
    """A cursor of the ``using`` connection; on PostgreSQL one that prepares its statements (with
    ``SIBAO_PREPARED_STATEMENTS``): the statements here run thousands of times on every connection, and planning
    the scan's joins took ten times what executing it did. It is the connection's own (same transaction, query
    log and execute wrappers as ``connection.cursor()``), only binding parameters on the server."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not getattr(settings, "SIBAO_PREPARED_STATEMENTS", False):
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        if connection.connection.prepare_threshold is None:
            # Django turns preparing off (None); its own cursors bind on the client and never prepare, so a
            # threshold no statement reaches leaves them as they are and lets these ask for it (prepare=True).
            connection.connection.prepare_threshold = 2**31
        raw = _preparing_cursor_class()(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor


def fetch_one(sql: str, params: Sequence[Any], using: str = "default") -> tuple[Any, ...] | None:
    with _cursor(using) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def fetch_all(sql: str, params: Sequence[Any], using: str = "default") -> list[tuple[Any, ...]]:
    with _cursor(using) as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def insert_returning_id(sql: str, params: Sequence[Any], using: str = "default") -> int:
    """Run ``INSERT … VALUES (…)`` and return the new row's ``id`` (``RETURNING`` where the database has it)."""
    returning = connections[using].features.can_return_columns_from_insert
    with _cursor(using) as cursor:
        cursor.execute(f"{sql} RETURNING id" if returning else sql, params)
        return int(cursor.fetchone()[0] if returning else cursor.lastrowid)


def placeholders(count: int) -> str:
    """``%s, %s, …`` for an ``IN (…)`` of ``count`` values (at least one: ``IN ()`` is not SQL)."""
    return ", ".join(["%s"] * max(count, 1))
