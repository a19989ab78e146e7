"""Day partitions of the big person-level event tables on PostgreSQL (issue 15 #1; docs/scale-out.md §3).

Test results, venue scans and checkpoint checks grow by millions of rows a day for as long as an emergency lasts,
and their retention is counted in days: a table ``PARTITION BY RANGE`` of its event time, one partition per local
(Beijing) day, lets the purge drop a whole expired day (O(1), no dead rows to vacuum) and lets every question
bounded in time read only the days it asks about. Each table also has a ``DEFAULT`` partition: a row for a day
whose partition does not exist yet (late, odd or far-future data) is stored there rather than refused, and
moved into its day when that day's partition is made.

The models do not know: Django reads and writes the parent table, PostgreSQL routes each row. SQLite keeps one
plain table behind the same models (every function here is a no-op there). Partitions are named
``<table>_p<YYYYMMDD>`` and ``<table>_default``.

A table opts in by a migration calling ``partition_by_day`` (which converts it, keeping its rows, keys and
indexes) and by naming its column on its ``core.personal_data.PersonalTable`` (the retention app then makes
partitions ahead each night and drops expired days). A second migration, ``count_rows_per_day``, has triggers
keep its rows per day and link in ``core.DayRowCount``: a day of ten million scans is then counted per region
and dropped without being read.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

DAYS_AHEAD = 7  # partitions made ahead: a week of nightly runs may fail before a row lands in the default

_NAME = re.compile(r"_p(\d{8})$")


def partition_name(table: str, day: date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def default_partition_name(table: str) -> str:
    return f"{table}_default"


def _bounds(day: date, is_date: bool) -> tuple[str, str]:
    """The partition's range for ``day``: the date itself for a date column, Beijing midnights for a
    timestamp column (a local day is what the retention and the tallies count)."""
    if is_date:
        return day.isoformat(), (day + timedelta(days=1)).isoformat()
    zone = timezone.get_default_timezone()

    def midnight(d: date) -> str:
        return datetime.combine(d, time.min, tzinfo=zone).isoformat()

    return midnight(day), midnight(day + timedelta(days=1))


def is_partitioned(table: str, connection: BaseDatabaseWrapper = default_connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
        return cursor.fetchone() is not None


def _partition_column(cursor: object, table: str) -> tuple[str, bool]:
    """The partitioned table's key column and whether it is a date (rather than a timestamp)."""
    cursor.execute(  # type: ignore[attr-defined]
        """SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_partitioned_table p
           JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
           WHERE p.partrelid = to_regclass(%s)""",
        [table],
    )
    column, kind = cursor.fetchone()  # type: ignore[attr-defined]
    return column, kind == "date"


def day_partitions(table: str, connection: BaseDatabaseWrapper = default_connection) -> dict[date, str]:
    """The table's day partitions (not the default), by day."""
    if not is_partitioned(table, connection):
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        found = {}
        for (name,) in cursor.fetchall():
            match = _NAME.search(name)
            if match:
                found[datetime.strptime(match.group(1), "%Y%m%d").date()] = name
        return found


def ensure_day_partitions(
    table: str, days: Iterable[date], connection: BaseDatabaseWrapper = default_connection
) -> list[date]:
    """Make the partitions of ``days`` that do not exist yet; returns the days made. Rows of such a day already
    in the default partition move into the new one (a partition cannot be attached while the default holds
    rows of its range), in the same transaction."""
    if not is_partitioned(table, connection):
        return []
    existing = day_partitions(table, connection)
    made = []
    with connection.cursor() as cursor:
        column, is_date = _partition_column(cursor, table)
    default = default_partition_name(table)
    for day in sorted(set(days) - set(existing)):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            name = partition_name(table, day)
            lower, upper = _bounds(day, is_date)
            # Built detached, filled from the default, then attached: the attach checks the default no longer
            # holds the range (a scan of the default, which stays small: only rows that came before their day).
            # One transaction per day: a failure leaves no half-made table behind.
            cursor.execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
            cursor.execute(
                f'WITH moved AS (DELETE FROM "{default}" WHERE "{column}" >= %s AND "{column}" < %s RETURNING *) '
                f'INSERT INTO "{name}" SELECT * FROM moved',
                [lower, upper],
            )
            cursor.execute(
                f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" FOR VALUES FROM (%s) TO (%s)', [lower, upper]
            )
        made.append(day)
    return made


def drop_day_partition(table: str, day: date, connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Drop the whole day (its rows are gone for good, without a row-by-row delete or dead tuples), and its
    rows per day with it."""
    name = day_partitions(table, connection).get(day)
    if name is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{name}"')
        cursor.execute(f'DELETE FROM "{_COUNTS}" WHERE "table" = %s AND day = %s', [table, day])
    return True


# Rows per day and link (``core.DayRowCount``), kept by three statement-level triggers on the partitioned parent.
# Statement-level with transition tables: one grouped upsert per statement (a COPY of 100,000 results adds one
# row per import and day), not a trigger call per row. Writes that name a partition directly (the move out of
# the default above) fire none of them, and change no day. A day's count row is shared by concurrent writers of
# the same link (one venue, one import): its lock is held until their commit, as short as the write itself.
# For the tables written in bulk (imports): a one-row statement pays ~0.17 ms for the trigger (measured), so a
# table written one row per request on a hot path (the checkpoint check) is better counted when its day drops.
_COUNTS = "core_dayrowcount"


def _local_day(column: str, is_date: bool) -> str:
    return f'"{column}"' if is_date else f"""("{column}" AT TIME ZONE '{settings.TIME_ZONE}')::date"""


def count_rows_per_day(schema_editor: object, table: str, link: str) -> None:
    """Keep ``table``'s rows per local day of its partition column and per ``link`` column in
    ``core.DayRowCount`` (for a migration's ``RunPython`` after ``partition_by_day``; nothing on SQLite).
    Counts the rows already there."""
    connection = schema_editor.connection  # type: ignore[attr-defined]
    if not is_partitioned(table, connection):
        return
    with connection.cursor() as cursor:
        column, is_date = _partition_column(cursor, table)
        day = _local_day(column, is_date)
        grouped = f"""SELECT '{table}', {day}, COALESCE("{link}", 0), {{sign}} count(*) FROM {{rows}} GROUP BY 2, 3"""
        add = (
            f'INSERT INTO "{_COUNTS}" ("table", day, link, rows) {{select}} '
            f'ON CONFLICT ("table", day, link) DO UPDATE SET rows = "{_COUNTS}".rows + EXCLUDED.rows'
        )
        bodies = {
            "INSERT": add.format(select=grouped.format(sign="", rows="new_rows")),
            "DELETE": add.format(select=grouped.format(sign="-", rows="old_rows")),
            # An update moves a row only if it changes its day or link: the net change per day and link.
            "UPDATE": add.format(
                select=f"""SELECT t, d, l, sum(n) FROM ({grouped.format(sign="", rows="new_rows")}
                            UNION ALL {grouped.format(sign="-", rows="old_rows")}) AS moved (t, d, l, n)
                           GROUP BY 1, 2, 3 HAVING sum(n) <> 0"""
            ),
        }
        for event, body in bodies.items():
            function = f"{table}_count_{event.lower()}"
            transition = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}.get(
                event, "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            )
            cursor.execute(
                f'CREATE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
                f"BEGIN {body}; RETURN NULL; END $$"
            )
            cursor.execute(
                f'CREATE TRIGGER "{function}" AFTER {event} ON "{table}" REFERENCING {transition} '
                f'FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()'
            )
        cursor.execute(f'DELETE FROM "{_COUNTS}" WHERE "table" = %s', [table])
        cursor.execute(add.format(select=grouped.format(sign="", rows=f'"{table}"')))


def day_row_counts(table: str, day: date, connection: BaseDatabaseWrapper = default_connection) -> dict[int, int]:
    """The day's rows of ``table`` per link id (0: no link), as the triggers kept them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT link, rows FROM "{_COUNTS}" WHERE "table" = %s AND day = %s AND rows <> 0', [table, day]
        )
        return dict(cursor.fetchall())


def counts_rows_per_day(table: str, connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Whether ``table`` has its rows per day kept (``count_rows_per_day``)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s", [table, f"{table}_count_insert"]
        )
        return cursor.fetchone() is not None


def partition_by_day(
    schema_editor: object,
    table: str,
    column: str,
    primary_key: list[str],
    *,
    keep_days: int = 60,
) -> None:
    """Convert ``table`` into a table partitioned by local day of ``column``, keeping its rows, constraints and
    indexes (for a migration's ``RunPython``; nothing on SQLite). ``primary_key`` must contain ``column``:
    PostgreSQL requires every unique key of a partitioned table to include the partition key (a surrogate
    ``id`` stays unique in practice: it comes from a sequence). Days with rows in the last ``keep_days`` and the
    next ``DAYS_AHEAD`` get partitions; older rows go to the default partition."""
    connection = schema_editor.connection  # type: ignore[attr-defined]
    if connection.vendor != "postgresql" or is_partitioned(table, connection):
        return
    if column not in primary_key:
        raise ValueError(f"{table}: the primary key must contain the partition column {column!r}")
    old = f"{table}_unpartitioned"
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype, conname""",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = %s::regclass
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) = 'date' FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = %s",
            [table, column],
        )
        (is_date,) = cursor.fetchone()
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) '
            f'PARTITION BY RANGE ("{column}")'
        )
        cursor.execute(f'CREATE TABLE "{default_partition_name(table)}" PARTITION OF "{table}" DEFAULT')
        today = timezone.localdate()
        local_day = _local_day(column, is_date)
        cursor.execute(
            f'SELECT DISTINCT {local_day} FROM "{old}" WHERE {local_day} >= %s', [today - timedelta(days=keep_days)]
        )
        days = {day for (day,) in cursor.fetchall()} | {today + timedelta(days=n) for n in range(-1, DAYS_AHEAD + 1)}
        ensure_day_partitions(table, days, connection)
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
        cursor.execute(f'DROP TABLE "{old}"')
        for name, kind, definition in constraints:
            if kind == "p":
                columns = ", ".join(f'"{part}"' for part in primary_key)
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" PRIMARY KEY ({columns})')
            else:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        if "id" in primary_key:
            # The identity's sequence is new: carry on after the rows kept, under the name it had.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)',
                [table],
            )
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            if sequence != f"public.{table}_id_seq":
                cursor.execute(f'ALTER SEQUENCE {sequence} RENAME TO "{table}_id_seq"')
