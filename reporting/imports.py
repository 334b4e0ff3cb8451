"""Import of reported figures from CSV or XLSX: every row is checked first, and nothing loads if any is bad."""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.permissions import Action, may, require
from programme.models import Period, Programme, Target, Unit
from programme.rules import not_typed
from programme.selectors import reporting_units, validation_rules
from reporting.counts import CountError, parse_count
from reporting.models import Submission, Value
from reporting.services import Figures, figure_map, rule_errors, submission_import
from reporting.sheetreader import UNCOMPUTED, Limits, SheetRefused, csv_rows, open_xlsx
from reporting.totals import totals_deferred

COLUMNS = ("unit", "period", "target", "numerator", "denominator")
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
    index = {name: header.index(name) for name in COLUMNS}
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        rows.append((line, {name: cells[i] if i < len(cells) else None for name, i in index.items()}))
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
        cells=rows * len(COLUMNS),
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

    units: dict[str, Unit]
    periods: dict[str, list[Period]]
    targets: dict[tuple[int, str], Target]
    members: dict[int, set[int]]
    statuses: dict[tuple[int, int], str]
    actor: object = None  # the person uploading: each row's unit must be one they may load figures for


def _load_context(rows, programme_code: str | None) -> _Context:
    def codes(column):
        return {str(row[column]).strip() for _, row in rows if row[column] is not None}

    units = {unit.code: unit for unit in Unit.objects.select_related("kind").filter(code__in=codes("unit"))}
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
            unit__in=units.values(), period__in=[p for found in periods.values() for p in found]
        ).values_list("unit_id", "period_id", "status")
    }
    return _Context(
        units=units,
        periods=periods,
        targets={(t.programme_id, t.code): t for t in targets},
        members=members,
        statuses=statuses,
    )


@dataclass(frozen=True)
class _GoodRow:
    unit: Unit
    period: Period
    target: Target
    figures: Figures

    @property
    def key(self) -> tuple[int, int, int]:
        return self.unit.id, self.period.id, self.target.id


class _BadRow(Exception):
    pass


def validate_rows(
    rows: list[tuple[int, dict[str, object]]], *, programme_code: str | None = None, actor=None
) -> tuple[dict[tuple[Unit, Period], dict[Target, Figures]], list[RowError]]:
    """Check every row; return the figures grouped by report, and every bad row with its reason. ``actor``, the
    person uploading, may load figures only for the units under their own (``Action.UPLOAD_BULK``)."""
    if programme_code and not Programme.objects.filter(code=programme_code).exists():
        raise ImportFileError(f"Không có chương trình mã “{programme_code}”.")
    context = _load_context(rows, programme_code)
    context.actor = actor
    plan: dict[tuple[Unit, Period], dict[Target, Figures]] = defaultdict(dict)
    errors: list[RowError] = []
    seen: dict[tuple[int, int, int], int] = {}
    for line, row in rows:
        try:
            good = _check_row(row, context)
            if good.key in seen:
                raise _BadRow(f"trùng với dòng {seen[good.key]} (cùng đơn vị, kỳ và chỉ tiêu)")
        except _BadRow as bad:
            errors.append(RowError(line, str(bad)))
            continue
        seen[good.key] = line
        plan[(good.unit, good.period)][good.target] = good.figures
    errors += _rule_errors(plan, seen)
    errors.sort(key=lambda error: error.line)
    return dict(plan), errors


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


def _count(cell: object, label: str) -> int:
    try:
        number = parse_count(cell)
    except CountError as error:
        raise _BadRow(f"{label} “{cell}”: {error.message}") from error
    if number is None:
        raise _BadRow(f"thiếu {label}")
    return number


def _check_row(row: dict[str, object], context: _Context) -> _GoodRow:
    uncomputed = [name for name, cell in row.items() if cell is UNCOMPUTED]
    if uncomputed:
        raise _BadRow(
            f"ô cột {', '.join(uncomputed)} là công thức nhưng tệp không lưu kết quả tính; hãy nhập giá trị, "
            "hoặc mở tệp bằng Excel rồi lưu lại"
        )
    unit_code, period_code, target_code = (str(row[c] or "").strip() for c in ("unit", "period", "target"))
    unit = context.units.get(unit_code)
    if unit is not None and context.actor is not None and not may(context.actor, Action.UPLOAD_BULK, unit):
        raise _BadRow(f"không có đơn vị mã “{unit_code}” trong các đơn vị đồng chí phụ trách")
    if unit is None:
        if not unit_code:
            raise _BadRow("thiếu mã đơn vị")
        hint = " (mã bắt đầu bằng số 0? Hãy định dạng cột unit trong Excel là Văn bản)" if unit_code.isdigit() else ""
        raise _BadRow(f"không có đơn vị mã “{unit_code}”{hint}")
    candidates = context.periods.get(period_code, [])
    if not candidates:
        raise _BadRow(f"không có kỳ báo cáo mã “{period_code}”" if period_code else "thiếu mã kỳ")
    period = next((p for p in candidates if unit.id in context.members[p.id]), None)
    if period is None:
        raise _BadRow(
            f"đơn vị {unit_code} không thuộc địa bàn của chương trình hoặc không còn hoạt động vào cuối kỳ {period_code}"
        )
    target = context.targets.get((period.programme_id, target_code))
    if target is None:
        raise _BadRow(f"không có chỉ tiêu mã “{target_code}”" if target_code else "thiếu mã chỉ tiêu")
    numerator = _count(row["numerator"], "tử số")
    denominator = _count(row["denominator"], "mẫu số")
    if numerator > denominator:
        raise _BadRow(f"tử số ({numerator}) lớn hơn mẫu số ({denominator})")
    if reason := not_typed(target, unit=unit, period=period):
        raise _BadRow(reason)
    if context.statuses.get((unit.id, period.id)) == Submission.Status.APPROVED:
        raise _BadRow(f"báo cáo của {unit.name} kỳ {period.code} đã được duyệt; cần mở lại trước khi nhập")
    return _GoodRow(unit, period, target, Figures(numerator, denominator))


def import_values(
    data: bytes, filename: str, *, programme_code: str | None = None, actor=None, actor_label: str = ""
) -> ImportResult:
    """Validate the whole file, then load it in one transaction; raises ImportRejected listing bad rows.
    ``actor`` is the person uploading it (none for the command line)."""
    if actor is not None:
        require(actor, Action.UPLOAD_BULK)
    rows = read_rows(data, filename)
    plan, errors = validate_rows(rows, programme_code=programme_code, actor=actor)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic(), totals_deferred():
        for (unit, period), figures in plan.items():
            submission_import(unit=unit, period=period, figures=figures, actor=actor, actor_label=actor_label)
    return ImportResult(rows=len(rows), submissions=len(plan))
