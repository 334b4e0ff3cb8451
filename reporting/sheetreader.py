"""Every uploaded spreadsheet is read here, within limits, so that no file can exhaust a worker.

A small XLSX can unpack to gigabytes, hold one row of millions of cells, claim row 1 000 000, or carry a
string table of millions of entries; openpyxl, even in read-only mode, builds a whole row (and the whole
string table) in memory before handing it over. So an XLSX is first walked part by part with expat, which
keeps nothing, counting rows, cells, strings and elements and stopping at the first limit passed; only a file
within every limit reaches openpyxl, which then reads no further than the rows and columns the walk found
(never the size a sheet declares). A CSV is read line by line, each record bounded.

Each limit refused says so in Vietnamese with the figure, followed by the advice of the kind of file.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl import load_workbook

from programme.formatting import vn_number

UNREADABLE_XLSX = "Không đọc được tệp Excel (.xlsx); tệp có thể bị hỏng."
CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
RECORD_CHARS = 100_000  # one CSV record (a line, or several when a quoted field holds line breaks)
ROW_ELEMENTS = 5_000  # the XML elements of one sheet row: its cells, values, formulas, rich-text runs
PART_ELEMENTS = 100_000  # of the workbook's other parts (styles, workbook, relations), and outside the rows
RATIO = 100  # a sheet deflates 5 to 30 times; a ratio past this is a file made to unpack to much more
RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpack to little whatever their ratio
CHUNK = 64 * 1024
BINARY_PARTS = (
    ".bin",
    ".png",
    ".jpeg",
    ".jpg",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".emf",
    ".wmf",
    ".docx",
    ".xlsx",
    ".pdf",
)
# How an XML part can begin: blanks, "<", a byte-order mark, or UTF-16 without one.
XML_STARTS = (b" ", b"\t", b"\r", b"\n", b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"\x00\x00")


class SheetRefused(Exception):
    """The file is refused as a whole; the message, in Vietnamese, is for the person who sent it."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    unpacked_bytes: int
    rows: int  # rows read, and the highest row number a sheet may use
    columns: int  # cells in one row, and the highest column number
    cells: int  # cells in the whole workbook; the shared-string table may not hold more entries
    advice: str  # what to do instead, said after each refusal
    ratio: int = RATIO

    def refuse(self, what: str) -> SheetRefused:
        return SheetRefused(f"{what} {self.advice}")


def _mb(size: int, decimals: int = 0) -> str:
    return f"{vn_number(size / 1024 / 1024, decimals)} MB"


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise limits.refuse(f"Tệp quá lớn ({_mb(size, 1)}); tối đa {_mb(limits.file_bytes)}.")


# XLSX ---------------------------------------------------------------------------------------------------------


class Uncomputed:
    """A formula saved without its result: a program wrote the file and no spreadsheet calculated it."""

    def __str__(self) -> str:
        return "công thức chưa tính"


UNCOMPUTED = Uncomputed()


@dataclass(frozen=True)
class Extent:
    """The highest row and column number any sheet of the workbook uses."""

    rows: int = 0
    columns: int = 0


class _Walk:
    """Counts what one part of the archive holds as expat reads it, and stops at the first limit passed."""

    def __init__(self, limits: Limits, extent: Extent, cells: int):
        self.limits = limits
        self.kind = ""  # "worksheet", "sst" or another root element
        self.depth = 0
        self.rows = self.strings = self.elements = self.group_elements = self.chars = 0
        self.group_depth = 0  # the depth of the open row (or shared string), 0 outside one
        self.row = self.column = 0
        self.cells = cells  # counted over the whole workbook
        self.max_row, self.max_column = extent.rows, extent.columns

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(" ")[2]
        self.depth += 1
        self.chars = 0
        if self.depth == 1:
            self.kind = name
        if self.group_depth:
            self.group_elements += 1
            if self.group_elements > ROW_ELEMENTS:
                raise SheetRefused(UNREADABLE_XLSX)
            if name == "c" and self.depth == self.group_depth + 1:
                self._cell(attributes.get("r"))
        elif self.kind == "worksheet" and name == "row":
            self._row(attributes.get("r"))
        elif self.kind == "sst" and name == "si" and self.depth == 2:
            self.group_depth, self.group_elements = self.depth, 0
            self.strings += 1
            if self.strings > self.limits.cells:
                raise self.limits.refuse(f"Tệp có quá nhiều chuỗi chữ (tối đa {vn_number(self.limits.cells)}).")
        else:
            self.elements += 1
            if self.elements > PART_ELEMENTS:
                raise SheetRefused(UNREADABLE_XLSX)

    def end(self, name: str) -> None:
        if self.depth == self.group_depth:
            self.group_depth = 0
        self.depth -= 1
        self.chars = 0

    def text(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > CELL_CHARS:
            raise self.limits.refuse(f"Tệp có ô dài quá {vn_number(CELL_CHARS)} ký tự.")

    def _row(self, reference: str | None) -> None:
        self.group_depth, self.group_elements = self.depth, 0
        self.rows += 1
        self.row = _number(reference) if reference else self.row + 1
        if self.rows > self.limits.rows or self.row > self.limits.rows:
            raise self.limits.refuse(f"Tệp có quá nhiều dòng (tối đa {vn_number(self.limits.rows)} dòng).")
        self.column = 0
        self.max_row = max(self.max_row, self.row)

    def _cell(self, reference: str | None) -> None:
        self.column = _column(reference) if reference else self.column + 1
        if self.column > self.limits.columns:
            raise self.limits.refuse(f"Tệp có dòng quá nhiều cột (tối đa {vn_number(self.limits.columns)} cột).")
        self.cells += 1
        if self.cells > self.limits.cells:
            raise self.limits.refuse(f"Tệp có quá nhiều ô (tối đa {vn_number(self.limits.cells)} ô).")
        self.max_column = max(self.max_column, self.column)


def _number(reference: str) -> int:
    if not reference.isdigit() or len(reference) > 9:
        raise SheetRefused(UNREADABLE_XLSX)
    return int(reference)


def _column(reference: str) -> int:
    """The column number of a cell reference such as "AB12"."""
    letters = reference.rstrip("0123456789").upper()
    if not letters or len(letters) > 3 or not letters.isascii() or not letters.isalpha():
        raise SheetRefused(UNREADABLE_XLSX)
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _refuse_declarations(*args) -> None:
    """No spreadsheet writes a DTD; one in an upload is there to expand entities."""
    raise SheetRefused(UNREADABLE_XLSX)


def _walk_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, extent: Extent, cells: int):
    """(extent, cells) after reading one part. Pictures, printer settings and embedded files are skipped, unless
    they could be read as XML: openpyxl reads whatever part the workbook names as a sheet."""
    walk = _Walk(limits, extent, cells)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = walk.start, walk.end
    parser.CharacterDataHandler = walk.text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse_declarations
    with archive.open(info) as member:
        chunk = member.read(CHUNK)
        if info.filename.lower().endswith(BINARY_PARTS) and not chunk.startswith(XML_STARTS):
            return extent, cells
        while chunk:
            parser.Parse(chunk, False)
            chunk = member.read(CHUNK)
        parser.Parse(b"", True)
    return Extent(walk.max_row, walk.max_column), walk.cells


def _walk(data: bytes, limits: Limits) -> Extent:
    check_file_size(len(data), limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            unpacked = sum(info.file_size for info in parts)
            if unpacked > limits.unpacked_bytes:
                raise limits.refuse(f"Tệp Excel giải nén ra quá lớn (hơn {_mb(limits.unpacked_bytes)}).")
            for info in parts:
                if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
                    raise limits.refuse("Tệp Excel bị nén bất thường (giải nén ra lớn gấp hàng trăm lần).")
            extent, cells = Extent(), 0
            for info in parts:
                extent, cells = _walk_part(archive, info, limits, extent, cells)
            return extent
    except SheetRefused:
        raise
    except Exception as error:  # zip, deflate, CRC or XML: the answer is the same
        raise SheetRefused(UNREADABLE_XLSX) from error


class Workbook:
    """An XLSX within limits; each cell is its value, a formula's saved result, or ``UNCOMPUTED``."""

    def __init__(self, values, formulas, extent: Extent):
        self._values, self._formulas, self._extent = values, formulas, extent

    @property
    def sheetnames(self) -> list[str]:
        return self._values.sheetnames

    def rows(self, sheet: str | int = 0, *, min_row: int = 1, max_row: int | None = None, max_col: int | None = None):
        """The rows of a sheet (by name, or the first), as lists no longer than the widest row of the file; never
        past the rows and columns the file uses, whatever size the sheet declares."""
        max_row = min(max_row or self._extent.rows, self._extent.rows)
        max_col = min(max_col or self._extent.columns, self._extent.columns)
        if max_row < min_row or max_col < 1:
            return
        pick = (lambda book: book.worksheets[sheet]) if isinstance(sheet, int) else (lambda book: book[sheet])
        window = {"min_row": min_row, "max_row": max_row, "max_col": max_col, "values_only": True}
        try:
            pairs = zip(pick(self._values).iter_rows(**window), pick(self._formulas).iter_rows(**window), strict=True)
            for values, formulas in pairs:
                yield [
                    UNCOMPUTED if value is None and formula is not None else value
                    for value, formula in zip(values, formulas, strict=True)
                ]
        except Exception as error:  # openpyxl's own checks, met while reading a row
            raise SheetRefused(UNREADABLE_XLSX) from error


@contextmanager
def open_xlsx(data: bytes, limits: Limits) -> Iterator[Workbook]:
    """The workbook, once its every part was found within the limits; SheetRefused otherwise.

    It is opened twice, once for the results the spreadsheet saved and once for the formulas, so that a formula
    saved without its result is told apart from an empty cell; both are read row by row, side by side."""
    extent = _walk(data, limits)
    books = []
    try:
        try:
            books = [load_workbook(io.BytesIO(data), read_only=True, data_only=flag) for flag in (True, False)]
        except Exception as error:
            raise SheetRefused(UNREADABLE_XLSX) from error
        yield Workbook(*books, extent)
    finally:
        for book in books:
            book.close()


# CSV ----------------------------------------------------------------------------------------------------------


def csv_rows(data: bytes, limits: Limits) -> Iterator[list[str]]:
    """The records of a UTF-8 CSV, decoded as they are read; SheetRefused at the first limit passed."""
    check_file_size(len(data), limits)
    if b"\x00" in data:  # no database stores it in text, and no spreadsheet writes it
        raise SheetRefused("Tệp CSV chứa ký tự không hợp lệ (NUL); hãy lưu lại tệp từ Excel dạng CSV UTF-8.")
    first_line = data[:CHUNK].split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    budget = [RECORD_CHARS]

    def lines(stream):
        while line := stream.readline(RECORD_CHARS + 1):
            budget[0] -= len(line)
            if budget[0] < 0:
                raise limits.refuse(f"Tệp CSV có dòng dài quá {vn_number(RECORD_CHARS)} ký tự.")
            yield line

    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines(stream), dialect)
    count = 0
    try:
        for record in reader:
            count += 1
            if count > limits.rows:
                raise limits.refuse(f"Tệp có quá nhiều dòng (tối đa {vn_number(limits.rows)} dòng).")
            budget[0] = RECORD_CHARS
            yield record
    except UnicodeDecodeError as error:
        raise SheetRefused("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    except csv.Error as error:
        raise SheetRefused(f"Tệp CSV không đúng định dạng (dòng {vn_number(reader.line_num)}).") from error
