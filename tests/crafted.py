"""Hostile spreadsheets, written part by part so that none is ever held whole in memory or kept on disk.

Each is a real XLSX (or CSV) that a spreadsheet program or openpyxl would try to open; their shapes are those
that took a worker from about 120 MB to several GB before the uploads were read within limits.
"""

import zipfile
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CHUNK = 1 << 20


def _repeat(piece: bytes, times: int):
    """``piece * times`` a megabyte at a time."""
    per_chunk = max(1, CHUNK // len(piece))
    block = piece * per_chunk
    while times >= per_chunk:
        yield block
        times -= per_chunk
    if times:
        yield piece * times


def write_xlsx(path: Path, sheet_parts, strings_parts=None, *, head: str = "") -> Path:
    """A workbook whose first sheet "Sheet1" is the concatenation of ``sheet_parts`` (the body of sheetData,
    after ``head``), with a shared-strings table from ``strings_parts`` (the body of sst) when given."""
    types = [
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{WORKBOOK_TYPE}"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>',
    ]
    relations = [f'<Relationship Id="rId1" Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>']
    if strings_parts is not None:
        types.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>')
        relations.append(f'<Relationship Id="rId2" Type="{DOCUMENT}/sharedStrings" Target="sharedStrings.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{"".join(types)}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Type="{DOCUMENT}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(relations)}</Relationships>'
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}">{head}<sheetData>'.encode())
            for part in sheet_parts:
                sheet.write(part)
            sheet.write(b"</sheetData></worksheet>")
        if strings_parts is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
                strings.write(f'<sst xmlns="{MAIN}">'.encode())
                for part in strings_parts:
                    strings.write(part)
                strings.write(b"</sst>")
    return path


def header_row() -> bytes:
    cells = "".join(
        f'<c t="inlineStr"><is><t>{name}</t></is></c>'
        for name in ("unit", "period", "target", "numerator", "denominator")
    )
    return f"<row>{cells}</row>".encode()


def one_wide_row(path: Path, cells: int = 7_000_000) -> Path:
    """One row of millions of empty cells: about 30 KB, 28 MB unpacked."""
    return write_xlsx(path, [b"<row>", *_repeat(b"<c/>", cells), b"</row>"])


def many_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A header and a million rows of one number: about 65 KB."""
    return write_xlsx(path, [header_row(), *_repeat(b"<row><c><v>1</v></c></row>", rows)])


def far_row(path: Path, number: int = 1_000_000) -> Path:
    """A single cell on a far row: a reader that fills the rows in between makes a million of them."""
    return write_xlsx(path, [header_row(), f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'.encode()])


def many_strings(path: Path, strings: int = 1_500_000) -> Path:
    """A shared-strings table of a million and a half entries behind a one-cell sheet."""
    return write_xlsx(path, [b'<row><c t="s"><v>0</v></c></row>'], [*_repeat(b"<si><t>x</t></si>", strings)])


class _Deflated:
    """Stands for zipfile's compressor when the data given is deflated already."""

    def compress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


def zip_bomb(path: Path, unpacked_mb: int = 1800) -> Path:
    """A second sheet of 1.8 GB of blanks, deflated to about 1.8 MB. A megabyte of blanks is deflated once and
    its bytes repeated (each ends on a full flush, so the stream stays valid): a second to make, not a minute."""
    write_xlsx(path, [])
    opening, closing = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(), b"</sheetData></worksheet>"
    blank = b" " * CHUNK
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(opening) + compressor.flush(zlib.Z_FULL_FLUSH)
    once = compressor.compress(blank) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(closing) + compressor.flush()
    crc = zlib.crc32(opening)
    for _ in range(unpacked_mb):
        crc = zlib.crc32(blank, crc)
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("xl/worksheets/sheet2.xml", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            member._compressor = _Deflated()
            for piece in (first, *[once] * unpacked_mb, last):
                member.write(piece)
            member._crc = zlib.crc32(closing, crc)
            member._file_size = len(opening) + unpacked_mb * CHUNK + len(closing)
    return path


def many_csv_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A header and a million short rows: 4 MB, within the size an upload may have."""
    with path.open("wb") as out:
        out.write(b"unit,period,target,numerator,denominator\n")
        for block in _repeat(b"1,2\n", rows):
            out.write(block)
    return path


def enormous_csv_field(path: Path, chars: int = 5 * 1024 * 1024) -> Path:
    """One quoted field of five million digits."""
    with path.open("wb") as out:
        out.write(b'unit,period,target,numerator,denominator\n03549,2024Q1,MT1,1,"')
        for block in _repeat(b"9", chars):
            out.write(block)
        out.write(b'"\n')
    return path
