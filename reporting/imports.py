"""Import of reported figures from CSV or XLSX: every row is checked first, and nothing loads if any is bad."""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.permissions import Action, may, require
from programme.formatting import vn_number
from programme.models import Period, Programme, Target, TargetCategory, TaskGroup, Unit
from programme.rules import group_applies, not_typed
from programme.selectors import programme_task_groups, reporting_units, validation_rules
from reporting.breakdowns import BreakdownError, Part, breakdown_total, categories_by_target
from reporting.counts import CountError, parse_count
from reporting.forms import TEXT_MAX
from reporting.models import Submission, Value
from reporting.services import Figures, figure_map, rule_errors, submission_import
from reporting.sheetreader import UNCOMPUTED, Limits, SheetRefused, csv_rows, open_xlsx
from reporting.totals import totals_deferred

COLUMNS = ("unit", "period", "target", "numerator", "denominator")
# A target with categories (MT6 per organisation) takes one row per category, named in this column (its code or
# its name); other targets leave it out or blank. A row may carry a text of the report instead of a figure: its
# section (a task group's number, or shortcomings, next_steps, proposals) and the text, the target and figures
# left blank.
OPTIONAL_COLUMNS = ("category", "section", "text")
SECTIONS = {"shortcomings": "shortcomings", "next_steps": "next_steps", "proposals": "proposals"}
MAX_FILE_BYTES = 8 * 1024 * 1024  # 200 000 rows of CSV, with room; the proxy takes 10 MB
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 50
ERRORS_SHOWN = 200  # the page lists these and counts the rest


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, columns)."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self):
        return f"Dòng {self.line}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} dòng lỗi")
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    rows: int
    submissions: int


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, object]]]:
    """(line number, {column: cell}) for every non-blank row; line numbers as a spreadsheet shows them."""
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".csv":
            table = _csv_table(data)
        elif suffix == ".xlsx":
            table = _xlsx_table(data)
        else:
            raise ImportFileError("Tệp phải có đuôi .csv hoặc .xlsx.")
    except SheetRefused as refused:
        raise ImportFileError(str(refused)) from refused
    if not table:
        raise ImportFileError("Tệp trống.")
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ImportFileError(f"Thiếu cột: {', '.join(missing)}. Dòng đầu phải có các cột: {', '.join(COLUMNS)}.")
    index = {name: header.index(name) for name in (*COLUMNS, *OPTIONAL_COLUMNS) if name in header}
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        row = dict.fromkeys(OPTIONAL_COLUMNS) | {
            name: cells[i] if i < len(cells) else None for name, i in index.items()
        }
        rows.append((line, row))
    if not rows:
        raise ImportFileError("Tệp không có dòng số liệu nào dưới dòng tiêu đề.")
    return rows


def import_limits() -> Limits:
    """What a bulk file may hold; the number of rows is a setting (``DJANGO_IMPORT_MAX_ROWS``)."""
    rows = settings.IMPORT_MAX_ROWS
    return Limits(
        file_bytes=MAX_FILE_BYTES,
        unpacked_bytes=MAX_UNPACKED_BYTES,
        rows=rows,
        columns=MAX_COLUMNS,
        cells=rows * (len(COLUMNS) + 1),  # a row fills at most its five columns and a category (a text row, four)
        advice="Không nhập dòng nào; hãy chia số liệu thành nhiều tệp nhỏ hơn.",
    )


def _csv_table(data: bytes) -> list[list[object]]:
    return list(csv_rows(data, import_limits()))


def _xlsx_table(data: bytes) -> list[list[object]]:
    """The first sheet's cells; a formula is the result the spreadsheet saved with it, else ``UNCOMPUTED``."""
    with open_xlsx(data, import_limits()) as workbook:
        return list(workbook.rows(0))


@dataclass
class _Context:
    """Everything the rows refer to, read in a fixed number of queries."""

    units: dict[str, list[Unit]]  # code → every unit that carried it (codes are reused after a merger)
    periods: dict[str, list[Period]]
    targets: dict[tuple[int, str], Target]
    members: dict[int, set[int]]
    statuses: dict[tuple[int, int], str]
    categories: dict[int, list[TargetCategory]]
    groups: dict[int, dict[int, TaskGroup]]  # programme id → number → task group (with its unit kinds)
    actor: object = None  # the person uploading: each row's unit must be one they may load figures for


def _load_context(rows, programme_code: str | None) -> _Context:
    def codes(column):
        return {str(row[column]).strip() for _, row in rows if row[column] is not None}

    units: dict[str, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.select_related("kind").filter(code__in=codes("unit")):
        units[unit.code].append(unit)
    period_qs = Period.objects.select_related("programme").filter(code__in=codes("period"))
    if programme_code:
        period_qs = period_qs.filter(programme__code=programme_code)
    periods: dict[str, list[Period]] = defaultdict(list)
    for period in period_qs:
        periods[period.code].append(period)
    programmes = {period.programme_id: period.programme for found in periods.values() for period in found}
    targets = Target.objects.filter(programme__in=programmes, code__in=codes("target")).prefetch_related("applies_to")
    members = {}
    for found in periods.values():
        for period in found:
            members[period.id] = {unit.id for unit in reporting_units(programmes[period.programme_id], on=period.end)}
    statuses = {
        (unit_id, period_id): status
        for unit_id, period_id, status in Submission.objects.filter(
            unit__in=[unit for found in units.values() for unit in found],
            period__in=[p for found in periods.values() for p in found],
        ).values_list("unit_id", "period_id", "status")
    }
    return _Context(
        units=units,
        periods=periods,
        targets={(t.programme_id, t.code): t for t in targets},
        members=members,
        statuses=statuses,
        categories=categories_by_target(targets),
        groups={pid: {g.number: g for g in programme_task_groups(p)} for pid, p in programmes.items()},
    )


@dataclass(frozen=True)
class _GoodRow:
    unit: Unit
    period: Period
    target: Target
    figures: Figures
    category: TargetCategory | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return self.unit.id, self.period.id, self.target.id

    @property
    def row_key(self) -> tuple:
        return (*self.key, self.category.id if self.category else None)


@dataclass(frozen=True)
class _TextRow:
    unit: Unit
    period: Period
    name: str  # the form's name: "group_2", "shortcomings"…
    text: str

    @property
    def row_key(self) -> tuple:
        return self.unit.id, self.period.id, self.name


class _BadRow(Exception):
    pass


def validate_rows(
    rows: list[tuple[int, dict[str, object]]], *, programme_code: str | None = None, actor=None
) -> tuple[dict[tuple[Unit, Period], dict[Target, Figures]], dict[tuple[Unit, Period], dict[str, str]], list[RowError]]:
    """Check every row; return the figures and the texts grouped by report, and every bad row with its reason.
    ``actor``, the person uploading, may load figures only for the units under their own (``Action.UPLOAD_BULK``)."""
    if programme_code and not Programme.objects.filter(code=programme_code).exists():
        raise ImportFileError(f"Không có chương trình mã “{programme_code}”.")
    context = _load_context(rows, programme_code)
    context.actor = actor
    plan: dict[tuple[Unit, Period], dict[Target, Figures]] = defaultdict(dict)
    errors: list[RowError] = []
    seen: dict[tuple[int, int, int], int] = {}  # each (unit, period, target)'s first row
    seen_rows: dict[tuple, int] = {}
    parts: dict[tuple[Unit, Period, Target], dict[TargetCategory, Part]] = defaultdict(dict)
    texts: dict[tuple[Unit, Period], dict[str, str]] = defaultdict(dict)
    for line, row in rows:
        try:
            good = _check_text_row(row, context) if str(row.get("section") or "").strip() else _check_row(row, context)
            if good.row_key in seen_rows:
                if isinstance(good, _TextRow):
                    what = "đơn vị, kỳ và mục"
                else:
                    what = "đơn vị, kỳ, chỉ tiêu và tổ chức" if good.category else "đơn vị, kỳ và chỉ tiêu"
                raise _BadRow(f"trùng với dòng {seen_rows[good.row_key]} (cùng {what})")
        except _BadRow as bad:
            errors.append(RowError(line, str(bad)))
            continue
        seen_rows[good.row_key] = line
        if isinstance(good, _TextRow):
            texts[(good.unit, good.period)][good.name] = good.text
            continue
        seen.setdefault(good.key, line)
        if good.category is None:
            plan[(good.unit, good.period)][good.target] = good.figures
        else:
            parts[(good.unit, good.period, good.target)][good.category] = Part(
                good.figures.numerator, good.figures.denominator
            )
    for (unit, period, target), given in parts.items():
        try:
            total = _breakdown(unit, period, target, given, context.categories[target.id])
        except _BadRow as bad:
            errors.append(RowError(seen[(unit.id, period.id, target.id)], str(bad)))
            continue
        plan[(unit, period)][target] = Figures(total.numerator, total.denominator, parts=given)
    errors += _rule_errors(plan, seen)
    errors.sort(key=lambda error: error.line)
    return dict(plan), dict(texts), errors


def _rule_errors(plan: dict[tuple[Unit, Period], dict[Target, Figures]], lines: dict) -> list[RowError]:
    """The error rules each report would break once loaded: the file's figures over those saved before, judged
    as a submission is. Each is named at the file's first row of a target the rule reads. Two queries, plus
    one per programme."""
    if not plan:
        return []
    rules = {}
    for _, period in plan:
        if period.programme_id not in rules:
            rules[period.programme_id] = validation_rules(period.programme_id)
    if not any(rules.values()):
        return []
    saved: dict[tuple[int, int], dict] = defaultdict(dict)
    rows = Value.objects.filter(
        submission__unit__in={unit.id for unit, _ in plan},
        submission__period__in={period.id for _, period in plan},
        target__source=Target.Source.REPORTED,
    ).values_list("submission__unit_id", "submission__period_id", "target__code", "numerator", "denominator")
    for unit_id, period_id, code, num, den in rows:
        saved[(unit_id, period_id)][code] = (num, den)
    errors = []
    for (unit, period), figures in plan.items():
        merged = saved.get((unit.id, period.id), {}) | figure_map(figures)
        codes = {target.code: target.id for target in figures}
        for violation in rule_errors(rules[period.programme_id], merged):
            # The first row of a figure the rule reads; else (the saved figures break it) the report's first row.
            in_file = [lines[(unit.id, period.id, codes[c])] for c in violation.rule.targets if c in codes]
            line = min(in_file or [lines[(unit.id, period.id, target_id)] for target_id in codes.values()])
            errors.append(RowError(line, f"báo cáo của {unit.code} ({unit.name}) kỳ {period.code}: {violation.text}"))
    return errors


def _breakdown(unit: Unit, period: Period, target: Target, given: dict, categories: list[TargetCategory]) -> Part:
    """The target's figures from the file's rows of its categories, every category having its row."""
    if lacking := [c.name for c in categories if c not in given]:
        raise _BadRow(
            f"báo cáo của {unit.code} ({unit.name}) kỳ {period.code}: chỉ tiêu {target.code} được báo cáo theo từng "
            f"tổ chức, thiếu dòng của {', '.join(lacking)}"
        )
    try:
        return breakdown_total(target, categories, given, complete=True)
    except BreakdownError as error:
        raise _BadRow(f"báo cáo của {unit.code} ({unit.name}) kỳ {period.code}: {error.message}") from error


def _category(row: dict[str, object], target: Target, context: _Context) -> TargetCategory | None:
    """The row's category: required, and one of the target's, for a target with categories; else none."""
    cell = str(row.get("category") or "").strip()
    categories = context.categories.get(target.id, [])
    if not categories:
        if cell:
            raise _BadRow(f"chỉ tiêu {target.code} không báo cáo theo từng tổ chức; để trống cột category")
        return None
    names = ", ".join(f"{c.code} ({c.name})" for c in categories)
    if not cell:
        raise _BadRow(f"chỉ tiêu {target.code} được báo cáo theo từng tổ chức: cột category cần một trong {names}")
    for category in categories:
        if cell.lower() in (category.code.lower(), category.name.lower()):
            return category
    raise _BadRow(f"chỉ tiêu {target.code} không có tổ chức “{cell}” (có: {names})")


def _count(cell: object, label: str) -> int:
    try:
        number = parse_count(cell)
    except CountError as error:
        raise _BadRow(f"{label} “{cell}”: {error.message}") from error
    if number is None:
        raise _BadRow(f"thiếu {label}")
    return number


def _report_of(row: dict[str, object], context: _Context) -> tuple[Unit, Period]:
    """The row's unit and period: the unit exists, the period is one of a programme it reports in. Codes are
    reused, so the unit is the one carrying the code that reports in the period (exists at its end)."""
    unit_code, period_code = (str(row[c] or "").strip() for c in ("unit", "period"))
    units = context.units.get(unit_code, [])
    if context.actor is not None:
        units = [unit for unit in units if may(context.actor, Action.UPLOAD_BULK, unit)]
        if context.units.get(unit_code) and not units:
            raise _BadRow(f"không có đơn vị mã “{unit_code}” trong các đơn vị đồng chí phụ trách")
    if not units:
        if not unit_code:
            raise _BadRow("thiếu mã đơn vị")
        hint = " (mã bắt đầu bằng số 0? Hãy định dạng cột unit trong Excel là Văn bản)" if unit_code.isdigit() else ""
        raise _BadRow(f"không có đơn vị mã “{unit_code}”{hint}")
    candidates = context.periods.get(period_code, [])
    if not candidates:
        raise _BadRow(f"không có kỳ báo cáo mã “{period_code}”" if period_code else "thiếu mã kỳ")
    unit, period = next(
        ((unit, p) for p in candidates for unit in units if unit.id in context.members[p.id]), (units[0], None)
    )
    if period is None:
        raise _BadRow(
            f"đơn vị {unit_code} không thuộc địa bàn của chương trình hoặc không còn hoạt động vào cuối kỳ {period_code}"
        )
    if context.statuses.get((unit.id, period.id)) == Submission.Status.APPROVED:
        raise _BadRow(f"báo cáo của {unit.name} kỳ {period.code} đã được duyệt; cần mở lại trước khi nhập")
    return unit, period


def _check_text_row(row: dict[str, object], context: _Context) -> _TextRow:
    """A row carrying one text of a report: its section (a task group the unit's kind writes, or a closing
    text), the text itself, and no target, figure or category."""
    if UNCOMPUTED in (row.get("section"), row.get("text")):
        raise _BadRow("ô cột section hoặc text là công thức nhưng tệp không lưu kết quả tính; hãy nhập giá trị")
    unit, period = _report_of(row, context)
    if filled := [c for c in ("target", "numerator", "denominator", "category") if str(row.get(c) or "").strip()]:
        raise _BadRow(f"dòng nội dung (cột section) không ghi chỉ tiêu hay số liệu; để trống cột {', '.join(filled)}")
    section = str(row["section"]).strip()
    if section.lower() in SECTIONS:
        name = SECTIONS[section.lower()]
    else:
        number = int(section) if section.isdigit() else None
        group = context.groups.get(period.programme_id, {}).get(number)
        if group is None:
            choices = ", ".join([*map(str, sorted(context.groups.get(period.programme_id, {}))), *SECTIONS])
            raise _BadRow(f"không có mục “{section}” (cột section nhận: {choices})")
        if not group_applies(group, kind_id=unit.kind_id):
            raise _BadRow(f"nhóm nhiệm vụ {number} không áp dụng cho {unit.kind.name.lower()} ({unit.name})")
        name = f"group_{number}"
    text = row.get("text")
    text = "" if text is None else str(text).strip()
    if not text:
        raise _BadRow("thiếu nội dung ở cột text")
    if len(text) > TEXT_MAX:
        raise _BadRow(f"nội dung dài tối đa {vn_number(TEXT_MAX)} ký tự (đang có {vn_number(len(text))})")
    return _TextRow(unit, period, name, text)


def _check_row(row: dict[str, object], context: _Context) -> _GoodRow:
    uncomputed = [name for name, cell in row.items() if cell is UNCOMPUTED]
    if uncomputed:
        raise _BadRow(
            f"ô cột {', '.join(uncomputed)} là công thức nhưng tệp không lưu kết quả tính; hãy nhập giá trị, "
            "hoặc mở tệp bằng Excel rồi lưu lại"
        )
    unit, period = _report_of(row, context)
    target_code = str(row["target"] or "").strip()
    target = context.targets.get((period.programme_id, target_code))
    if target is None:
        raise _BadRow(f"không có chỉ tiêu mã “{target_code}”" if target_code else "thiếu mã chỉ tiêu")
    numerator = _count(row["numerator"], "tử số")
    denominator = _count(row["denominator"], "mẫu số")
    if numerator > denominator:
        raise _BadRow(f"tử số ({numerator}) lớn hơn mẫu số ({denominator})")
    if reason := not_typed(target, unit=unit, period=period):
        raise _BadRow(reason)
    category = _category(row, target, context)
    return _GoodRow(unit, period, target, Figures(numerator, denominator), category)


def import_values(
    data: bytes, filename: str, *, programme_code: str | None = None, actor=None, actor_label: str = ""
) -> ImportResult:
    """Validate the whole file, then load it in one transaction; raises ImportRejected listing bad rows.
    ``actor`` is the person uploading it (none for the command line)."""
    if actor is not None:
        require(actor, Action.UPLOAD_BULK)
    rows = read_rows(data, filename)
    plan, texts, errors = validate_rows(rows, programme_code=programme_code, actor=actor)
    if errors:
        raise ImportRejected(errors)
    reports = list(dict.fromkeys([*plan, *texts]))  # the file's order: a report with texts only too
    with transaction.atomic(), totals_deferred():
        for unit, period in reports:
            submission_import(
                unit=unit,
                period=period,
                figures=plan.get((unit, period), {}),
                texts=texts.get((unit, period)),
                actor=actor,
                actor_label=actor_label,
            )
    return ImportResult(rows=len(rows), submissions=len(reports))
