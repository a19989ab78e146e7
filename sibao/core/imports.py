"""The one bulk-import mechanism (EN-4, X-4): preview (dry run) or commit, all or nothing.

An importer declares its columns and two functions: ``parse_row`` turns one row of text into a
value (or raises ``RowInvalid`` naming the column) using the same single-record validation the
pages and API use; ``save_rows`` writes all values. ``run_import`` reads the file, checks every
row, and writes only when no row failed — inside one transaction, so a failure while writing also
leaves nothing behind.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Generic, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sibao.core.tabular import TableReadError, read_rows

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

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Importer(Generic[T]):
    columns: Sequence[Column]
    parse_row: Callable[[dict[str, str], int], T]
    save_rows: Callable[[list[T]], int]
    max_rows: int = 50_000


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


def run_import(importer: Importer[T], upload: IO[bytes], filename: str, *, commit: bool) -> ImportResult[T]:
    result: ImportResult[T] = ImportResult()
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        result.errors.append(
            RowError(0, "", _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20})
        )
        return result
    try:
        rows = read_rows(upload, filename)
    except TableReadError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    rows = [row for row in rows if any(cell.strip() for cell in row)] if rows else []
    if not rows:
        result.errors.append(RowError(1, "", _("The file is empty: the first row must hold the column titles.")))
        return result
    positions, header_errors = _map_header(rows[0], importer.columns)
    if header_errors:
        result.errors.extend(header_errors)
        return result
    data_rows = rows[1:]
    result.total_rows = len(data_rows)
    if not data_rows:
        result.errors.append(RowError(2, "", _("The file has no data rows.")))
        return result
    if len(data_rows) > importer.max_rows:
        result.errors.append(
            RowError(0, "", _("At most %(count)d rows can be imported at once.") % {"count": importer.max_rows})
        )
        return result
    for offset, row in enumerate(data_rows):
        row_number = offset + 2
        record = {key: (row[index].strip() if index < len(row) else "") for key, index in positions.items()}
        try:
            result.values.append((row_number, importer.parse_row(record, row_number)))
        except RowInvalid as invalid:
            result.errors.extend(RowError(row_number, column, message) for column, message in invalid.errors)
    if result.errors or not commit:
        return result
    with transaction.atomic():
        result.saved = importer.save_rows([value for _, value in result.values])
    result.committed = True
    return result


def describe_errors(result: ImportResult[Any]) -> list[str]:
    return [str(error) for error in result.errors]
