"""The officer's offline report: an XLSX template for one unit and period, and reading the filled one back.

The template says what it is for in a hidden sheet "_meta": unit, period, programme, the report's version
when it was downloaded, the row of each text of the narrative (sheet "Thuyết minh": the task groups the report
covers, then shortcomings, next steps, proposals), and the row of each target. An upload is matched to its report by that sheet, refused
when it belongs to another report or is older than the last save, validated by the web form's own rules, and
saved as a draft through ``submission_save``. Sheet protection has no password: it only guards against slips
(typing over a label), since every cell is checked again on upload.
"""

import datetime
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from programme.formatting import vn_number, vn_percent
from programme.models import Period, Unit
from reporting.forms import NOTE_MAX, TEXT_MAX, ReportForm, part_name
from reporting.inert import filename_part, is_formula
from reporting.selectors.reports import ReportSheet, SheetRow, report_sheet
from reporting.services import EDITABLE, StaleSubmission, SubmissionError, figure_map, rule_errors, submission_save
from reporting.sheetreader import UNCOMPUTED, Limits, SheetRefused, open_xlsx

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SHEET_TITLE = "Báo cáo"
META_TITLE = "_meta"
GUIDANCE_TITLE = "Cách tính"
TEXTS_TITLE = "Thuyết minh"
TEXTS_FIRST_ROW = 3
TEXT_LABEL, TEXT_INPUT = "AB"
TEXT_WIDTHS = {TEXT_LABEL: 40, TEXT_INPUT: 100}
FORMAT = "dv-mau-bao-cao/1"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 200  # far more targets than any programme has; bounds what an upload makes us read
# Column of each part of a target's row; the inputs are NUM, DEN and NOTE.
CODE, NAME, NUM_LABEL, NUM, DEN_LABEL, DEN, PREVIOUS, NOTE = "ABCDEFGH"
INPUTS = {NUM: ("num", "tử số"), DEN: ("den", "mẫu số"), NOTE: ("note", "ghi chú")}
WIDTHS = {CODE: 8, NAME: 34, NUM_LABEL: 32, NUM: 12, DEN_LABEL: 32, DEN: 12, PREVIOUS: 20, NOTE: 32}
NOT_A_TEMPLATE = (
    "Tệp này không phải mẫu báo cáo tải từ hệ thống (thiếu thông tin nhận dạng). "
    "Hãy tải mẫu Excel tại trang báo cáo, điền vào đó rồi tải lên."
)
REMADE = "Hãy tải mẫu mới tại trang báo cáo và chỉ điền vào các ô nền vàng."
# A filled template has a few hundred cells and unpacks to well under 100 kB. Rows reach far enough for a
# template whose rows were moved to be told so; the cells are what bounds the reading.
TEMPLATE_LIMITS = Limits(
    file_bytes=MAX_UPLOAD_BYTES,
    unpacked_bytes=10 * 1024 * 1024,
    rows=20_000,
    columns=50,
    cells=10_000,
    advice=f"Tệp này không giống một mẫu báo cáo; không lưu gì. {REMADE}",
)
UNCOMPUTED_MESSAGE = "Ô có công thức nhưng tệp không lưu kết quả tính. Hãy nhập số, hoặc mở tệp bằng Excel rồi lưu lại."

_INPUT_FILL = PatternFill("solid", start_color="FFF2CC")
_HEADER_FILL = PatternFill("solid", start_color="E4ECFA")
_THIN = Side(style="thin", color="9AA3B2")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(name="Calibri", bold=True)


class TemplateError(Exception):
    """The upload as a whole is refused (file, wrong report, layout); the message is for the officer."""


class TemplateConflict(TemplateError):
    """The report moved on since the template was downloaded (saved again, or submitted)."""


@dataclass(frozen=True)
class CellError:
    cell: str  # "D7"; empty when the problem is not tied to one cell
    message: str
    what: str = ""  # "MT3b, tử số"

    def __str__(self):
        if not self.cell:
            return self.message
        return f"Ô {self.cell} ({self.what}): {self.message}" if self.what else f"Ô {self.cell}: {self.message}"


class TemplateRejected(Exception):
    def __init__(self, errors: list[CellError]):
        super().__init__(f"{len(errors)} ô lỗi")
        self.errors = errors


def template_filename(unit: Unit, period: Period) -> str:
    return f"bao-cao-{filename_part(unit.code)}-{filename_part(period.code)}.xlsx"


# Building the template -------------------------------------------------------------------------------------


def build_template(sheet: ReportSheet) -> bytes:
    """The report's XLSX template: typed targets with their saved figures as editable inputs."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    version = sheet.submission.version if sheet.submission else None
    _title_block(ws, sheet, version)
    _header(ws, sheet)
    numbers = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số liệu không hợp lệ",
        error="Chỉ nhập số nguyên không âm.",
        showInputMessage=True,
        promptTitle="Số liệu",
        prompt="Số nguyên không âm; để trống nếu chưa có.",
    )
    notes = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(NOTE_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ghi chú quá dài",
        error=f"Ghi chú tối đa {NOTE_MAX} ký tự.",
    )
    rows, part_rows = {}, {}
    number = FIRST_ROW
    for row in sheet.rows:
        _target_row(ws, number, row, sheet.previous_period)
        if row.target.is_typed:
            rows[row.target.code] = number
            notes.add(f"{NOTE}{number}")
            if not row.parts:
                numbers.add(f"{NUM}{number}")
                numbers.add(f"{DEN}{number}")
        for part in row.parts:  # a target with categories: a row per category, the target's row their saved sums
            number += 1
            _part_row(ws, number, row, part)
            part_rows[(row.target.code, part.category.code)] = number
            numbers.add(f"{NUM}{number}")
            numbers.add(f"{DEN}{number}")
        number += 1
    ws.add_data_validation(numbers)
    ws.add_data_validation(notes)
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    # Locked cells stay locked; officers may still resize rows and columns to read long labels.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    texts = _texts_sheet(workbook, sheet)
    _guidance_sheet(workbook, sheet)
    _meta_sheet(workbook, sheet, version, rows, part_rows, texts)
    workbook.security = WorkbookProtection(lockStructure=True)  # keeps "_meta" hidden and the sheets in place
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title_block(ws, sheet: ReportSheet, version: int | None) -> None:
    unit, period = sheet.unit, sheet.period
    downloaded = timezone.localtime().strftime("%H:%M ngày %d/%m/%Y")
    saved = f"{version}" if version is not None else "chưa có (báo cáo chưa được lưu lần nào)"
    lines = [
        f"BÁO CÁO SỐ LIỆU CHỈ TIÊU — {period.name.upper()}",
        f"Đơn vị: {unit.name} (mã {unit.code}) · Kỳ báo cáo: {period.name} · Hạn nộp: {period.due:%d/%m/%Y}",
        f"Phiên bản: {saved} · Tải mẫu lúc {downloaded}",
        "Hướng dẫn: chỉ nhập vào các ô nền vàng — tử số và mẫu số là số nguyên không âm, để trống nếu chưa có; "
        "ghi chú không bắt buộc. Phần thuyết minh (kết quả các nhóm nhiệm vụ, hạn chế, phương hướng, đề xuất) "
        f"nhập ở trang tính “{TEXTS_TITLE}”. Điền xong, lưu tệp dạng .xlsx và tải lên tại "
        "trang báo cáo: số liệu sẽ thành bản nháp. Nếu báo cáo được lưu trên mạng sau khi tải mẫu này, tệp sẽ "
        "bị từ chối; khi đó tải mẫu mới.",
    ]
    for number, text in enumerate(lines, start=1):
        ws.merge_cells(f"A{number}:{NOTE}{number}")
        cell = ws[f"A{number}"]
        _put(cell, text)
        cell.alignment = _WRAP
    ws["A1"].font = Font(name="Calibri", bold=True, size=13)
    ws.row_dimensions[4].height = 62


def _header(ws, sheet: ReportSheet) -> None:
    previous = f"{sheet.previous_period.name} (kỳ trước)" if sheet.previous_period else "Kỳ trước"
    titles = {
        CODE: "Mã",
        NAME: "Chỉ tiêu",
        NUM_LABEL: "Nội dung tử số",
        NUM: "Tử số",
        DEN_LABEL: "Nội dung mẫu số",
        DEN: "Mẫu số",
        PREVIOUS: previous,
        NOTE: "Ghi chú (không bắt buộc)",
    }
    for column, title in titles.items():
        cell = ws[f"{column}{HEADER_ROW}"]
        _put(cell, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = _WRAP
    ws.row_dimensions[HEADER_ROW].height = _height(titles)


def _previous_text(row: SheetRow, previous_period: Period | None) -> str:
    if previous_period is None:
        return "—"
    if row.previous is None:
        return "chưa có"
    text = f"{vn_number(row.previous.numerator)}/{vn_number(row.previous.denominator)}"
    result = row.previous_result
    if result is None or result.percent is None:
        return text
    return f"{text} ({vn_percent(result.percent)} · {result.status_label})"


def _target_row(ws, number: int, row: SheetRow, previous_period: Period | None) -> None:
    target = row.target
    values = {
        CODE: target.code,
        NAME: f"{target.short_name} (yêu cầu {target.threshold_text})",
        NUM_LABEL: target.numerator_label,
        NUM: row.numerator,
        DEN_LABEL: target.denominator_label,
        DEN: row.denominator,
        PREVIOUS: _previous_text(row, previous_period),
        NOTE: row.note if target.is_typed else "Tính từ sổ mô hình “Dân vận khéo”; không nhập ở đây.",
    }
    for column, value in values.items():
        cell = ws[f"{column}{number}"]
        _put(cell, value)
        cell.border = _BOX
        cell.alignment = _WRAP
        if target.is_typed and column in INPUTS and not (row.parts and column in (NUM, DEN)):
            cell.protection = Protection(locked=False)
            cell.fill = _INPUT_FILL
    ws[f"{CODE}{number}"].font = _BOLD
    ws.row_dimensions[number].height = _height(values)


def _part_row(ws, number: int, row: SheetRow, part) -> None:
    """One category's row under its target's: the category's two figures are the inputs. The target's row shows
    the sums saved (no formula: no download carries a live one); the upload never reads it, the server adds the
    parts again."""
    values = {
        CODE: row.target.code,
        NAME: part.category.name,
        NUM_LABEL: f"{part.category.name}: tử số",
        NUM: part.numerator,
        DEN_LABEL: f"{part.category.name}: mẫu số",
        DEN: part.denominator,
        PREVIOUS: "",
        NOTE: "",
    }
    for column, value in values.items():
        cell = ws[f"{column}{number}"]
        _put(cell, value)
        cell.border = _BOX
        cell.alignment = _WRAP
        if column in (NUM, DEN):
            cell.protection = Protection(locked=False)
            cell.fill = _INPUT_FILL
    ws[f"{NAME}{number}"].alignment = Alignment(wrap_text=True, vertical="top", indent=2)
    ws.row_dimensions[number].height = _height(values)


def _put(cell, value: object) -> None:
    """A cell's value, text always as text (openpyxl takes any "=…" for a formula) and marked so when a
    spreadsheet would take it for one (``reporting.inert``): a note or a name typed as "=…" never runs."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula(value):
            cell.quotePrefix = True


def _height(values: dict[str, object]) -> float:
    """A row tall enough for its wrapped labels: spreadsheets do not grow rows written by a program."""
    lines = max(math.ceil(len(str(value or "")) / (WIDTHS[column] - 2)) for column, value in values.items())
    return 15 * max(lines, 1) + 3


def text_fields(sheet: ReportSheet) -> list[tuple[str, str, str]]:
    """(name, label, saved text) of each text of the report's narrative, as the web form names, labels and fills
    them: the task groups the report shows, then the closing texts."""
    form = ReportForm(sheet=sheet)
    return [(field.name, str(field.label), saved) for field, saved in [*form.group_fields(), *form.closing_fields()]]


def _texts_sheet(workbook, sheet: ReportSheet) -> dict[str, int]:
    """The narrative's texts beside the figures, each in a yellow cell; returns the row of each text's name."""
    ws = workbook.create_sheet(TEXTS_TITLE)
    ws.merge_cells(f"{TEXT_LABEL}1:{TEXT_INPUT}1")
    _put(
        ws[f"{TEXT_LABEL}1"],
        f"Thuyết minh báo cáo {sheet.unit.name} — {sheet.period.name}: nhập nội dung vào các ô nền vàng cột "
        f"{TEXT_INPUT}, mỗi mục tối đa {vn_number(TEXT_MAX)} ký tự; tất cả các mục phải có nội dung khi nộp báo cáo.",
    )
    ws[f"{TEXT_LABEL}1"].alignment = _WRAP
    ws.row_dimensions[1].height = 33
    for column, title in ((TEXT_LABEL, "Mục"), (TEXT_INPUT, "Nội dung")):
        cell = ws[f"{column}2"]
        _put(cell, title)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BOX
    lengths = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(TEXT_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Nội dung quá dài",
        error=f"Mỗi mục tối đa {vn_number(TEXT_MAX)} ký tự.",
    )
    rows = {}
    for number, (name, label, saved) in enumerate(text_fields(sheet), start=TEXTS_FIRST_ROW):
        rows[name] = number
        _put(ws[f"{TEXT_LABEL}{number}"], label)
        _put(ws[f"{TEXT_INPUT}{number}"], saved or None)
        for column in TEXT_WIDTHS:
            ws[f"{column}{number}"].alignment, ws[f"{column}{number}"].border = _WRAP, _BOX
        ws[f"{TEXT_LABEL}{number}"].font = _BOLD
        ws[f"{TEXT_INPUT}{number}"].protection = Protection(locked=False)
        ws[f"{TEXT_INPUT}{number}"].fill = _INPUT_FILL
        lengths.add(f"{TEXT_INPUT}{number}")
        lines = max(math.ceil(len(label) / 38), math.ceil(len(saved) / 98), 4)
        ws.row_dimensions[number].height = 15 * min(lines, 26) + 3  # a spreadsheet row holds at most 409 points
    ws.add_data_validation(lengths)
    for column, width in TEXT_WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = f"A{TEXTS_FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return rows


def _guidance_sheet(workbook, sheet: ReportSheet) -> None:
    """How to count each of the report's targets, as the form shows it, read-only beside the report."""
    ws = workbook.create_sheet(GUIDANCE_TITLE)
    for column, (title, width) in enumerate((("Mã", 8), ("Chỉ tiêu", 34), ("Cách tính", 90)), start=1):
        cell = ws.cell(1, column)
        _put(cell, title)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BOX
        ws.column_dimensions["ABC"[column - 1]].width = width
    for number, row in enumerate(sheet.rows, start=2):
        target = row.target
        for column, value in enumerate((target.code, target.short_name, target.guidance), start=1):
            cell = ws.cell(number, column)
            _put(cell, value)
            cell.alignment, cell.border = _WRAP, _BOX
        ws.row_dimensions[number].height = 15 * max(math.ceil(len(target.guidance) / 88), 1) + 3
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _meta_sheet(
    workbook,
    sheet: ReportSheet,
    version: int | None,
    rows: dict[str, int],
    part_rows: dict[tuple[str, str], int],
    texts: dict[str, int],
) -> None:
    meta = workbook.create_sheet(META_TITLE)
    lines = [
        ["format", FORMAT],
        ["unit", sheet.unit.code],
        ["unit_name", sheet.unit.name],
        ["period_id", sheet.period.id],
        ["period_code", sheet.period.code],
        ["period_name", sheet.period.name],
        ["programme", sheet.period.programme.code],
        ["version", version if version is not None else ""],
        *(["target", code, number] for code, number in rows.items()),
        *(["part", code, number, category] for (code, category), number in part_rows.items()),
        *(["text", name, number] for name, number in texts.items()),
    ]
    for number, line in enumerate(lines, start=1):
        for column, value in enumerate(line, start=1):
            _put(meta.cell(number, column), value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


# Reading a filled template ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateMeta:
    unit_code: str
    unit_name: str
    period_id: int
    period_name: str
    programme_code: str
    version: int | None
    rows: dict[str, int]  # target code → row number
    part_rows: dict[tuple[str, str], int]  # (target code, category code) → row number
    texts: dict[str, int] = field(default_factory=dict)  # the narrative's field name → row number, on TEXTS_TITLE


@dataclass(frozen=True)
class FilledTemplate:
    meta: TemplateMeta
    cells: dict[str, dict[str, object]]  # target code → {"num": …, "den": …, "note": …} as the cells hold them
    parts: dict[tuple[str, str], dict[str, object]]  # (target code, category code) → {"num": …, "den": …}
    # the narrative's field name → (label, cell) as the sheet holds them; empty for a template made before the
    # narrative was in it, whose upload keeps the texts saved
    texts: dict[str, tuple[object, object]] = field(default_factory=dict)

    def cell(self, code: str, part: str, category: str | None = None) -> str:
        column = {name: column for column, (name, _) in INPUTS.items()}[part]
        return f"{column}{self.meta.rows[code] if category is None else self.meta.part_rows[(code, category)]}"

    def text_cell(self, name: str) -> str:
        return f"{TEXTS_TITLE}!{TEXT_INPUT}{self.meta.texts[name]}"


def read_template(data: bytes, filename: str) -> FilledTemplate:
    """The meta and the input cells of an uploaded template; TemplateError when it is not one."""
    suffix = Path(filename).suffix.lower()
    if suffix != ".xlsx":
        hint = " Tệp Excel cũ (.xls) hãy mở ra rồi lưu lại dạng .xlsx." if suffix == ".xls" else ""
        raise TemplateError(f"Tệp phải là tệp Excel (.xlsx) tải từ trang báo cáo.{hint}")
    meta_rows, report_rows, text_rows = _raw_tables(data)
    if meta_rows is None:
        raise TemplateError(NOT_A_TEMPLATE)
    meta = _parse_meta(meta_rows)
    if report_rows is None:
        raise TemplateError(f"Tệp không còn trang tính “{SHEET_TITLE}”. {REMADE}")
    if meta.texts and text_rows is None:
        raise TemplateError(f"Tệp không còn trang tính “{TEXTS_TITLE}”. {REMADE}")
    cells = {}
    for code, number in meta.rows.items():
        found = report_rows.get(number, [])
        found = [*found, *([None] * (len(WIDTHS) - len(found)))]
        if str(found[0] or "").strip() != code:
            raise TemplateError(f"Bố cục tệp mẫu đã bị thay đổi: dòng {number} không còn là chỉ tiêu {code}. {REMADE}")
        columns = dict(zip(WIDTHS, found, strict=True))
        cells[code] = {name: columns[column] for column, (name, _) in INPUTS.items()}
    parts = {}
    for (code, category), number in meta.part_rows.items():
        found = report_rows.get(number, [])
        found = [*found, *([None] * (len(WIDTHS) - len(found)))]
        if str(found[0] or "").strip() != code:
            raise TemplateError(f"Bố cục tệp mẫu đã bị thay đổi: dòng {number} không còn là chỉ tiêu {code}. {REMADE}")
        columns = dict(zip(WIDTHS, found, strict=True))
        parts[(code, category)] = {"num": columns[NUM], "den": columns[DEN]}
        cells[code] |= {"num": None, "den": None}  # the saved sums: never read, the server adds the parts
    texts = {}
    for name, number in meta.texts.items():
        label, text = (*text_rows.get(number, []), None, None)[:2]
        texts[name] = (label, text)
    return FilledTemplate(meta, cells, parts, texts)


def _raw_tables(data: bytes) -> tuple[list[list] | None, dict[int, list] | None, dict[int, list] | None]:
    """The rows of "_meta", of the report sheet and of the narrative's sheet (by row number), as plain values;
    None for a missing sheet. A formula is the result the spreadsheet saved with it, or ``UNCOMPUTED`` when none
    was saved: read as blank, it would erase the figure the officer meant."""
    try:
        with open_xlsx(data, TEMPLATE_LIMITS) as workbook:
            if META_TITLE not in workbook.sheetnames:
                return None, None, None
            meta_rows = list(workbook.rows(META_TITLE, max_row=MAX_ROWS, max_col=4))
            report = texts = None
            if SHEET_TITLE in workbook.sheetnames:
                rows = workbook.rows(SHEET_TITLE, min_row=FIRST_ROW, max_row=FIRST_ROW + MAX_ROWS, max_col=len(WIDTHS))
                report = dict(enumerate(rows, start=FIRST_ROW))
            if TEXTS_TITLE in workbook.sheetnames:
                rows = workbook.rows(
                    TEXTS_TITLE, min_row=TEXTS_FIRST_ROW, max_row=TEXTS_FIRST_ROW + MAX_ROWS, max_col=len(TEXT_WIDTHS)
                )
                texts = dict(enumerate(rows, start=TEXTS_FIRST_ROW))
            return meta_rows, report, texts
    except SheetRefused as refused:
        raise TemplateError(str(refused)) from refused


def _parse_meta(meta_rows: list[tuple]) -> TemplateMeta:
    values, rows, part_rows, texts = {}, {}, {}, {}
    for cells in meta_rows:
        key, value, number, category = (*cells, None, None, None, None)[:4]
        if key == "text" and isinstance(value, str) and isinstance(number, int):
            if not TEXTS_FIRST_ROW <= number < TEXTS_FIRST_ROW + MAX_ROWS:
                raise TemplateError(NOT_A_TEMPLATE)
            texts[value] = number
        elif key in ("target", "part") and isinstance(value, str) and isinstance(number, int):
            if not FIRST_ROW <= number < FIRST_ROW + MAX_ROWS:
                raise TemplateError(NOT_A_TEMPLATE)
            if key == "target":
                rows[value] = number
            elif isinstance(category, str):
                part_rows[(value, category)] = number
            else:
                raise TemplateError(NOT_A_TEMPLATE)
        elif isinstance(key, str):
            values[key] = value
    if values.get("format") != FORMAT or not isinstance(values.get("period_id"), int):
        raise TemplateError(NOT_A_TEMPLATE)
    version = values.get("version")
    if version in (None, ""):
        version = None
    elif not isinstance(version, int):
        raise TemplateError(NOT_A_TEMPLATE)
    return TemplateMeta(
        unit_code=str(values.get("unit") or ""),
        unit_name=str(values.get("unit_name") or ""),
        period_id=values["period_id"],
        period_name=str(values.get("period_name") or ""),
        programme_code=str(values.get("programme") or ""),
        version=version,
        rows=rows,
        part_rows=part_rows,
        texts=texts,
    )


# Validating and saving ---------------------------------------------------------------------------------------


def _as_typed(value: object) -> str:
    """A note's cell as the officer would have typed it into the web form (Vietnamese decimal comma)."""
    if value is None or value is UNCOMPUTED:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _as_text(value: object) -> str:
    """A text's cell as the officer typed it: line breaks kept, a number or a date as it would be typed."""
    if isinstance(value, str):
        return value
    return _as_typed(value)


def _check_belongs(meta: TemplateMeta, unit: Unit, period: Period) -> None:
    if (meta.unit_code, meta.period_id, meta.programme_code) != (unit.code, period.id, period.programme.code):
        other = f"{meta.unit_name or meta.unit_code} — {meta.period_name}".strip(" —")
        raise TemplateError(
            f"Tệp mẫu này của đơn vị/kỳ khác ({other}), không phải của {unit.name} — {period.name}. "
            "Hãy tải mẫu Excel tại trang báo cáo này."
        )


def _check_current(meta: TemplateMeta, sheet: ReportSheet) -> None:
    submission = sheet.submission
    if submission is not None and submission.status not in EDITABLE:
        raise TemplateConflict(
            f"Báo cáo đang ở trạng thái “{submission.get_status_display()}” nên không nhận tệp tải lên; "
            "không có gì được lưu."
        )
    current = submission.version if submission else None
    if meta.version != current:
        raise TemplateConflict(_stale_message(submission, meta.version))
    if set(meta.rows) != {target.code for target in sheet.typed_targets}:
        raise TemplateConflict(f"Danh sách chỉ tiêu của kỳ đã thay đổi sau khi tải mẫu này; không lưu gì. {REMADE}")
    if set(meta.part_rows) != {(row.target.code, part.category.code) for row in sheet.rows for part in row.parts}:
        raise TemplateConflict(
            f"Danh sách tổ chức của các chỉ tiêu đã thay đổi sau khi tải mẫu này; không lưu gì. {REMADE}"
        )
    if meta.texts and list(meta.texts) != [name for name, _, _ in text_fields(sheet)]:
        raise TemplateConflict(f"Các mục thuyết minh của kỳ đã thay đổi sau khi tải mẫu này; không lưu gì. {REMADE}")


def _check_text_labels(filled: FilledTemplate, sheet: ReportSheet) -> None:
    """Each text is read from the row its label is on, as made: a moved row would put one text under another."""
    labels = {name: label for name, label, _ in text_fields(sheet)}
    for name, (label, _) in filled.texts.items():
        if str(label or "").strip() != labels[name]:
            number = filled.meta.texts[name]
            raise TemplateError(
                f"Bố cục trang tính “{TEXTS_TITLE}” đã bị thay đổi: dòng {number} không còn là mục "
                f"“{labels[name]}”. {REMADE}"
            )


def _stale_message(submission, version: int | None) -> str:
    when = ""
    if submission is not None:
        when = " lúc " + timezone.localtime(submission.updated_at).strftime("%H:%M ngày %d/%m/%Y")
    downloaded = f"phiên bản {version}" if version is not None else "khi báo cáo chưa được lưu"
    return (
        f"Tệp mẫu đã cũ: báo cáo được lưu{when}, sau khi tải mẫu này ({downloaded}). Không lưu gì từ tệp, "
        "để không ghi đè bản mới hơn. Hãy tải mẫu mới tại trang báo cáo, chép số liệu sang rồi tải lên lại."
    )


def template_form(filled: FilledTemplate, sheet: ReportSheet) -> ReportForm:
    """The web form as if the officer had typed the cells and pressed "Lưu nháp". The narrative is the file's,
    or, from a template made before it carried the narrative, the one saved."""
    data = {"version": "" if filled.meta.version is None else str(filled.meta.version), "action": "save"}
    for code, cells in filled.cells.items():
        # The figures go in as the cells hold them: the form's count field reads a number cell and text alike.
        data |= {f"{part}_{code}": None if cells[part] is UNCOMPUTED else cells[part] for part in ("num", "den")}
        data[f"note_{code}"] = _as_typed(cells["note"])
    for (code, category), cells in filled.parts.items():
        data |= {
            part_name(part, code, category): None if cells[part] is UNCOMPUTED else cells[part]
            for part in ("num", "den")
        }
    if filled.texts:
        data |= {name: _as_text(text) for name, (_, text) in filled.texts.items()}
    else:
        data |= {name: saved for name, _, saved in text_fields(sheet)}
    for rule in sheet.warning_rules:
        data[f"explain_{rule.code}"] = sheet.explanations.get(rule.code, "")
    return ReportForm(data, sheet=sheet)


def rule_cell_errors(form: ReportForm, filled: FilledTemplate) -> list[CellError]:
    """The error rules the file's figures break, each named at the cell of the first figure it reads: the
    file is refused as a submission would be, though it is saved as a draft."""
    labels = dict(INPUTS.values())
    errors = []
    for violation in rule_errors(form.sheet.rules, figure_map(form.content().figures)):
        first = (violation.rule.left.operands or violation.rule.right.operands)[0]
        part = "num" if first.part == "numerator" else "den"
        errors.append(CellError(filled.cell(first.target, part), violation.text, f"{first.target}, {labels[part]}"))
    return errors


def cell_errors(form: ReportForm, filled: FilledTemplate) -> list[CellError]:
    """The form's errors and the formulas saved without a result, each named by its cell, in the sheet's order."""
    labels = dict(INPUTS.values())
    errors = []
    for code in sorted(filled.meta.rows, key=filled.meta.rows.get):
        for part in ("num", "den", "note"):
            if filled.cells[code][part] is UNCOMPUTED:
                errors.append(CellError(filled.cell(code, part), UNCOMPUTED_MESSAGE, f"{code}, {labels[part]}"))
            for message in form.errors.get(f"{part}_{code}", []):
                errors.append(CellError(filled.cell(code, part), message, f"{code}, {labels[part]}"))
    for code, category in sorted(filled.meta.part_rows, key=filled.meta.part_rows.get):
        for part in ("num", "den"):
            cell, name = filled.cell(code, part, category), part_name(part, code, category)
            what = f"{code}, {form.fields[name].label}"  # "MT6, Hội Nông dân: tử số"
            if filled.parts[(code, category)][part] is UNCOMPUTED:
                errors.append(CellError(cell, UNCOMPUTED_MESSAGE, what))
            for message in form.errors.get(name, []):
                errors.append(CellError(cell, message, what))
    for name in filled.texts:
        where, label = filled.text_cell(name), str(form[name].label)
        if filled.texts[name][1] is UNCOMPUTED:
            errors.append(CellError(where, UNCOMPUTED_MESSAGE, label))
        errors += [CellError(where, message, label) for message in form.errors.get(name, [])]
    known = {f"{part}_{code}" for code in filled.meta.rows for part in ("num", "den", "note")} | set(filled.texts)
    known |= {part_name(part, code, category) for code, category in filled.meta.part_rows for part in ("num", "den")}
    for name, messages in form.errors.items():
        if name not in known:
            errors += [CellError("", message) for message in messages]
    return errors


def template_upload(*, user, unit: Unit, period: Period, data: bytes, filename: str):
    """Save a filled template as the report's draft; TemplateError or TemplateRejected, and nothing saved,
    when it cannot be."""
    filled = read_template(data, filename)
    _check_belongs(filled.meta, unit, period)
    sheet = report_sheet(unit, period)
    _check_current(filled.meta, sheet)
    _check_text_labels(filled, sheet)
    form = template_form(filled, sheet)
    errors = cell_errors(form, filled) or rule_cell_errors(form, filled)
    if errors:
        raise TemplateRejected(errors)
    try:
        return submission_save(
            user=user,
            unit=unit,
            period=period,
            version=filled.meta.version,
            content=form.content(),
            submit=False,
        )
    except StaleSubmission as stale:  # saved between our check and the row lock
        raise TemplateConflict(_stale_message(stale.submission, filled.meta.version)) from stale
    except SubmissionError as refused:
        raise TemplateConflict(str(refused)) from refused
