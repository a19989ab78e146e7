"""The one bulk-import mechanism (EN-4, X-4): preview (dry run) or commit, all or nothing.

An importer declares its columns and two functions: ``parse_row`` turns one row of text into a
value (or raises ``RowInvalid`` naming the column) using the same single-record validation the
pages and API use; ``save_rows`` writes all values. ``run_import`` reads the file, checks every
row, and writes only when no row failed — inside one transaction, so a failure while writing also
leaves nothing behind.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Generic, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from sibao.core.tabular import (
    ReadLimits,
    Table,
    TableReadError,
    is_blank,
    open_table,
    too_big,
    too_many_rows,
    unquoted,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese column title in the template; English keys are accepted too
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number as the user sees it (header = 1, first data row = 2)
    column: str  # column title, or "" for the whole row
    message: str

    @property
    def record(self) -> int:
        """1-based number of the data row (the sheet row minus the header)."""
        return self.row - 1

    def __str__(self) -> str:
        values = {"record": self.record, "row": self.row, "column": self.column, "message": self.message}
        if self.row < 2:
            if self.column:
                return _("Header row, column “%(column)s”: %(message)s") % values
            return self.message
        if self.column:
            return _("Data row %(record)d (sheet row %(row)d), column “%(column)s”: %(message)s") % values
        return _("Data row %(record)d (sheet row %(row)d): %(message)s") % values


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        """``errors``: (column title, message) pairs."""
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


@dataclass
class ImportResult(Generic[T]):
    total_rows: int = 0
    values: list[tuple[int, T]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    saved: int = 0
    summary: dict[str, int] = field(default_factory=dict)  # what saving did beyond the count (per importer)
    errors_truncated: bool = False  # more than MAX_ERRORS errors: only the first are listed

    @property
    def ok(self) -> bool:
        return not self.errors


# What ``save_rows`` answers: the number saved, or figures with the number under "saved".
Saved = int | Mapping[str, int]


@dataclass
class Importer(Generic[T]):
    columns: Sequence[Column]
    parse_row: Callable[[dict[str, str], int], T]
    save_rows: Callable[[list[T]], Saved]
    max_rows: int = 50_000


def save(importer: Importer[T], result: ImportResult[T]) -> None:
    """Save a checked result's rows (inside the caller's transaction) and record what saving did."""
    saved = importer.save_rows([value for _, value in result.values])
    if isinstance(saved, Mapping):
        result.summary = {key: int(value) for key, value in saved.items()}
        result.saved = result.summary.get("saved", len(result.values))
    else:
        result.saved = saved
    result.committed = True


def _map_header(header: list[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[RowError]]:
    by_title = {}
    for column in columns:
        by_title[column.header] = column.key
        by_title[column.key] = column.key
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = by_title.get(title.strip().lstrip("*").strip())
        if key is not None and key not in positions:
            positions[key] = index
    errors = [
        RowError(1, column.header, _("This required column is missing from the header row."))
        for column in columns
        if column.required and column.key not in positions
    ]
    return positions, errors


MAX_ERRORS = 1_000  # a file with thousands of bad rows is reported by its first ones
ProgressFn = Callable[[int], None]


def run_import(
    importer: Importer[T],
    upload: IO[bytes],
    filename: str,
    *,
    commit: bool,
    progress: ProgressFn | None = None,
) -> ImportResult[T]:
    """Check every row of the file and, with ``commit`` and no error, save them all in one transaction.

    The file is read row by row within ``ReadLimits.for_import(importer.max_rows)`` (issue 8 #1): a file
    past a limit is refused with the limit named, before its rows are parsed. ``progress`` (0-100) follows
    the rows checked; saving is the last step."""
    result: ImportResult[T] = ImportResult()
    limits = ReadLimits.for_import(importer.max_rows)
    size = getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        result.errors.append(RowError(0, "", str(too_big(limits))))
        return result
    try:
        table = open_table(upload, filename, limits)
        _check_rows(importer, table, result, progress, commit)
    except TableReadError as exc:
        result.values.clear()
        result.errors = [RowError(0, "", str(exc))]
        return result
    if result.errors or not commit:
        return result
    with transaction.atomic():
        save(importer, result)
    return result


def _check_rows(
    importer: Importer[T], table: Table, result: ImportResult[T], progress: ProgressFn | None, commit: bool
) -> None:
    rows = (row for row in table.rows if not is_blank(row))
    header = next(rows, None)
    if header is None:
        result.errors.append(RowError(1, "", _("The file is empty: the first row must hold the column titles.")))
        return
    positions, header_errors = _map_header(header, importer.columns)
    if header_errors:
        result.errors.extend(header_errors)
        return
    share = 90 if commit else 100  # of the progress bar; saving takes the rest
    step = max(table.total // 20, 1)
    for offset, row in enumerate(rows):
        row_number = offset + 2  # rows are numbered without the blank ones, the header being row 1
        if offset >= importer.max_rows:
            result.values.clear()
            result.errors = [RowError(0, "", str(too_many_rows(ReadLimits.for_import(importer.max_rows))))]
            return
        result.total_rows += 1
        if progress is not None and offset % step == 0:
            progress(min(share, share * offset // max(table.total, 1)))
        if len(result.errors) >= MAX_ERRORS:
            result.errors_truncated = True
            continue
        record = {key: (unquoted(row[index].strip()) if index < len(row) else "") for key, index in positions.items()}
        try:
            value = importer.parse_row(record, row_number)
        except RowInvalid as invalid:
            result.errors.extend(RowError(row_number, column, message) for column, message in invalid.errors)
            result.values.clear()  # nothing will be saved: keep no more rows in memory
            continue
        if not result.errors:
            result.values.append((row_number, value))
    if not result.total_rows:
        result.errors.append(RowError(2, "", _("The file has no data rows.")))


def describe_errors(result: ImportResult[Any]) -> list[str]:
    return [str(error) for error in result.errors]
