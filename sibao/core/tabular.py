"""Read and write the spreadsheets officials live in (.xlsx and .csv), all cells as text.

ID numbers, phone numbers and credit codes must never pass through a float, so every cell is read
as a string: integral floats lose their ".0", everything else keeps Excel's text.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook


class TableReadError(Exception):
    """The file as a whole cannot be read (wrong type, not a spreadsheet, empty)."""


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


def _decode_csv(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everything else is UTF-8 (with or without BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableReadError(_("The CSV file is neither UTF-8 nor GBK encoded."))


def read_rows(upload: IO[bytes], filename: str) -> list[list[str]]:
    """All rows of the first sheet as lists of text, header included."""
    raw = upload.read()
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        text = _decode_csv(raw)
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if lowered.endswith((".xlsx", ".xlsm", ".xls")):
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
            sheet = workbook.get_sheet_by_index(0)
            return [[_cell_text(cell) for cell in row] for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises several types for corrupt files
            raise TableReadError(_("The file could not be read as an Excel workbook.")) from exc
    raise TableReadError(_("Only .xlsx and .csv files can be imported."))


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str, notes: Sequence[str] = ()
) -> bytes:
    """A workbook with a bold header row, text-formatted columns and optional notes on a second sheet."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(
            [
                value if isinstance(value, int | float) and not isinstance(value, bool) else _cell_text(value)
                for value in row
            ]
        )
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(header) * 2 + 4))
        # Text format keeps long codes (credit codes, phones) from turning into numbers on entry.
        for cell in sheet[letter]:
            if not isinstance(cell.value, int | float):
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    if notes:
        notes_sheet = workbook.create_sheet(_("Instructions")[:31])
        for line in notes:
            notes_sheet.append([line])
        notes_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
