"""The XLSX downloads: the compliance figures and the raw values, with Vietnamese headers and number formats.

The columns are those of ``reporting.exports`` (and so of ``manage.py compliance``), in the same order, so
that a sheet read back gives the same figures. Percentages are stored as numbers like 99.99 (header "(%)",
format ``0.00``), never as fractions, so a cell's value is the figure the other outputs print.
"""

import datetime
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

import xlsxwriter
from django.utils import timezone

from programme import compliance
from programme.models import Period
from reporting.exports import district_rows, unit_rows, value_rows
from reporting.inert import is_formula
from reporting.models import Submission
from reporting.selectors.compliance import ComplianceReport
from reporting.selectors.exports import ValueRow

INTEGER = "#,##0"
PERCENT = "0.00"
DATETIME = "dd/mm/yyyy hh:mm"
OPERATOR_WORDS = {">=": "≥", ">": ">"}
HEADER_COLOUR = "#DDE4EE"
PROGRESS_ROWS = 5000  # how often a workbook made in the background tells how far it got: a write each time

# ``progress(done, total)``: rows written so far of the sheet's rows (a background download's progress bar).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    words: Mapping[str | bool, str] = field(default_factory=dict)  # a code → the word shown

    def cell(self, value: object) -> object:
        return self.words.get(value, value) if isinstance(value, (str, bool)) else value


UNIT = {
    "unit": Column("Mã đơn vị", 12),
    "unit_name": Column("Tên đơn vị", 38),
}
COMPLIANCE = {
    "target": Column("Chỉ tiêu", 10),
    "operator": Column("Phép so sánh", 13, words=OPERATOR_WORDS),
    "threshold": Column("Ngưỡng (%)", 11),
    "numerator": Column("Tử số", 12, INTEGER),
    "denominator": Column("Mẫu số", 12, INTEGER),
    "percent": Column("Tỷ lệ (%)", 11, PERCENT),
    "status": Column("Đánh giá", 18, words={str(k): v for k, v in compliance.STATUS_LABELS.items()}),
    "units_reporting": Column("Đơn vị báo cáo", 15, INTEGER),
    "units_expected": Column("Đơn vị phải báo cáo", 19, INTEGER),
    "units_meeting": Column("Đơn vị đạt", 12, INTEGER),
    "complete": Column("Đủ đơn vị báo cáo", 17, words={True: "Đủ", False: "Chưa đủ"}),
}
VALUES = {
    **UNIT,
    "period": Column("Kỳ báo cáo", 12),
    "target": Column("Chỉ tiêu", 10),
    "category": Column("Tổ chức (phần chia)", 24),
    "numerator": Column("Tử số", 12, INTEGER),
    "denominator": Column("Mẫu số", 12, INTEGER),
    "note": Column("Ghi chú", 40),
    "status": Column("Trạng thái báo cáo", 18, words=dict(Submission.Status.choices)),
    "submitted_at": Column("Nộp lúc", 17, DATETIME),
}


class _Book:
    """An XLSX file written row by row (XlsxWriter: a province's matrix is over a million cells, which
    openpyxl takes several times longer to write)."""

    def __init__(self):
        self.out = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.out, {"in_memory": True, "strings_to_formulas": False})
        self.formats: dict[tuple[str | None, bool], object] = {(None, False): None}
        self.bold = self.workbook.add_format({"bold": True})

    def format(self, number_format: str | None, *, quoted: bool = False):
        """The cell format of a column; ``quoted`` adds the apostrophe that keeps a formula-like text a text."""
        if (number_format, quoted) not in self.formats:
            properties = {"num_format": number_format} if number_format else {}
            self.formats[number_format, quoted] = self.workbook.add_format({**properties, "quote_prefix": quoted})
        return self.formats[number_format, quoted]

    def data_sheet(
        self, title: str, columns: dict[str, Column], rows: Iterable[dict], *, total: int = 0, progress=None
    ) -> None:
        """The rows under a header; ``progress(done, total)``, when given, every ``PROGRESS_ROWS`` rows and at
        the end."""
        sheet = self.workbook.add_worksheet(title)
        header = self.workbook.add_format(
            {"bold": True, "bg_color": HEADER_COLOUR, "text_wrap": True, "valign": "vcenter"}
        )
        for index, column in enumerate(columns.values()):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, column.header, header)
        number = 0
        if progress:
            progress(0, total)
        for number, row in enumerate(rows, start=1):
            for index, (key, column) in enumerate(columns.items()):
                self.write(sheet, number, index, column.cell(row[key]), column.number_format)
            if progress and number % PROGRESS_ROWS == 0:
                progress(number, total)
        if progress:
            progress(number, total)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, number, len(columns) - 1)

    def info_sheet(self, period: Period, *, approved_only: bool, table: str, notes=()) -> None:
        programme = period.programme
        sheet = self.workbook.add_worksheet("Thông tin")
        rows = [
            ("Bảng", table),
            ("Chương trình", programme.title),
            ("Cơ quan ban hành", programme.issuing_body),
            ("Kỳ báo cáo", f"{period.name} ({period.code})"),
            ("Thời gian", f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"),
            ("Chỉ tính báo cáo đã duyệt", "Có" if approved_only else "Không (tính báo cáo đã nộp và đã duyệt)"),
            ("Lập lúc", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
            *notes,
        ]
        for number, (name, value) in enumerate(rows):
            sheet.write_string(number, 0, name, self.bold)
            self.write(sheet, number, 1, value)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 90)

    def write(self, sheet, row: int, column: int, value: object, number_format: str | None = None) -> None:
        """Text always as text, marked so when a spreadsheet would take it for a formula (``reporting.inert``);
        numbers and times as such; nothing for no value."""
        cell_format = self.format(number_format)
        if value is None or value == "":
            if cell_format is not None:
                sheet.write_blank(row, column, None, cell_format)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, self.format(number_format, quoted=is_formula(value)))
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, column, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, column, value, cell_format)
        else:
            self.write(sheet, row, column, str(value), number_format)

    def bytes(self) -> bytes:
        self.workbook.close()
        return self.out.getvalue()


def compliance_workbook(report: ComplianceReport, *, by_unit: bool = False, progress: Progress | None = None) -> bytes:
    """The overview (one row per target) or, ``by_unit``, the matrix: the district rows, named after the
    programme's area, then one row per unit and target."""
    book = _Book()
    if by_unit:
        area = report.period.programme.area.name
        rows = chain(({"unit": "", "unit_name": area, **row} for row in district_rows(report)), unit_rows(report))
        total = len(report.rows) + len(report.unit_rows)
        book.data_sheet("Ma trận", {**UNIT, **COMPLIANCE}, rows, total=total, progress=progress)
    else:
        book.data_sheet("Tổng quan", COMPLIANCE, district_rows(report))
    notes = [("Cách tính", "Tỷ lệ = Σ tử số ÷ Σ mẫu số của các đơn vị đã báo cáo, không lấy trung bình các tỷ lệ.")]
    notes += [
        (f"Chỉ tiêu {target.code}", f"{target.short_name} ({target.threshold_text})") for target, _ in report.rows
    ]
    book.info_sheet(
        report.period,
        approved_only=report.approved_only,
        table="Ma trận đơn vị × chỉ tiêu" if by_unit else "Tổng quan chỉ tiêu",
        notes=notes,
    )
    return book.bytes()


def values_workbook(
    period: Period, values: list[ValueRow], *, approved_only: bool = False, progress: Progress | None = None
) -> bytes:
    """Every typed figure of the period's counting reports; times in local time (Excel has no time zones)."""
    book = _Book()
    rows = (
        {**row, "submitted_at": row["submitted_at"].replace(tzinfo=None) if row["submitted_at"] else None}
        for row in value_rows(values)
    )
    book.data_sheet("Số liệu", VALUES, rows, total=len(values), progress=progress)
    book.info_sheet(period, approved_only=approved_only, table="Số liệu các đơn vị đã báo cáo")
    return book.bytes()
