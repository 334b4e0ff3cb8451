"""The XLSX downloads: the compliance figures and the raw values, with Vietnamese headers and number formats.

The columns are those of ``reporting.exports`` (and so of ``manage.py compliance``), in the same order, so
that a sheet read back gives the same figures. Percentages are stored as numbers like 99.99 (header "(%)",
format ``0.00``), never as fractions, so a cell's value is the figure the other outputs print.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from programme import compliance
from programme.models import Period
from reporting.exports import district_rows, unit_rows, value_rows
from reporting.models import Submission
from reporting.selectors.compliance import ComplianceReport
from reporting.selectors.exports import ValueRow

INTEGER = "#,##0"
PERCENT = "0.00"
DATETIME = "dd/mm/yyyy hh:mm"
OPERATOR_WORDS = {">=": "≥", ">": ">"}
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    words: Mapping[str, str] = field(default_factory=dict)  # a code → the word shown

    def cell(self, value: object) -> object:
        return self.words.get(value, value) if isinstance(value, str) else value


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
}
VALUES = {
    **UNIT,
    "period": Column("Kỳ báo cáo", 12),
    "target": Column("Chỉ tiêu", 10),
    "numerator": Column("Tử số", 12, INTEGER),
    "denominator": Column("Mẫu số", 12, INTEGER),
    "note": Column("Ghi chú", 40),
    "status": Column("Trạng thái báo cáo", 18, words=dict(Submission.Status.choices)),
    "submitted_at": Column("Nộp lúc", 17, DATETIME),
}


def _data_sheet(workbook: Workbook, title: str, columns: dict[str, Column], rows: list[dict]) -> None:
    sheet = workbook.active
    sheet.title = title
    sheet.append([column.header for column in columns.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([column.cell(row[key]) for key, column in columns.items()])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # typed text that starts with "=" stays text, never a live formula
                cell.data_type = "s"
    for index, column in enumerate(columns.values(), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _info_sheet(workbook: Workbook, period: Period, *, approved_only: bool, table: str, notes=()) -> None:
    programme = period.programme
    sheet = workbook.create_sheet("Thông tin")
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
    for row in rows:
        sheet.append(row)
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def compliance_workbook(report: ComplianceReport, *, by_unit: bool = False) -> bytes:
    """The overview (one row per target) or, ``by_unit``, the matrix: the district rows, named after the
    programme's area, then one row per unit and target."""
    workbook = Workbook()
    if by_unit:
        area = report.period.programme.area.name
        rows = [{"unit": "", "unit_name": area, **row} for row in district_rows(report)] + unit_rows(report)
        _data_sheet(workbook, "Ma trận", {**UNIT, **COMPLIANCE}, rows)
    else:
        _data_sheet(workbook, "Tổng quan", COMPLIANCE, district_rows(report))
    notes = [("Cách tính", "Tỷ lệ = Σ tử số ÷ Σ mẫu số của các đơn vị đã báo cáo, không lấy trung bình các tỷ lệ.")]
    notes += [
        (f"Chỉ tiêu {target.code}", f"{target.short_name} ({target.threshold_text})") for target, _ in report.rows
    ]
    _info_sheet(
        workbook,
        report.period,
        approved_only=report.approved_only,
        table="Ma trận đơn vị × chỉ tiêu" if by_unit else "Tổng quan chỉ tiêu",
        notes=notes,
    )
    return _bytes(workbook)


def values_workbook(period: Period, values: list[ValueRow], *, approved_only: bool = False) -> bytes:
    """Every typed figure of the period's counting reports; times in local time (Excel has no time zones)."""
    workbook = Workbook()
    rows = [
        {**row, "submitted_at": row["submitted_at"].replace(tzinfo=None) if row["submitted_at"] else None}
        for row in value_rows(values)
    ]
    _data_sheet(workbook, "Số liệu", VALUES, rows)
    _info_sheet(workbook, period, approved_only=approved_only, table="Số liệu các đơn vị đã báo cáo")
    return _bytes(workbook)
