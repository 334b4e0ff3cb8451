"""The compliance figures as rows with fixed columns, shared by ``manage.py compliance`` and the downloads."""

import csv
import datetime
import functools
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone

from programme import compliance
from reporting.inert import inert
from reporting.selectors.compliance import ComplianceReport, UnitFigures, rule_for, unit_figures
from reporting.selectors.exports import TextRow, ValueRow

BOM = "\ufeff"  # begins every CSV download, so that Excel reads it as UTF-8 and shows Vietnamese correctly
COLUMNS = (
    "target",
    "operator",
    "threshold",
    "numerator",
    "denominator",
    "percent",
    "status",
    "units_reporting",
    "units_expected",
    "units_meeting",
    "complete",  # every expected unit reported: a verdict with units missing is provisional
)
UNIT_COLUMNS = ("unit", "unit_name", *COLUMNS)
VALUE_COLUMNS = (
    "unit",
    "unit_name",
    "period",
    "target",
    "category",  # blank on a target's own row; a category's name on the rows of its breakdown
    "numerator",
    "denominator",
    "note",
    "status",
    "submitted_at",
)


def _number(value: Decimal | None) -> int | float | None:
    """A Decimal for JSON: whole numbers as integers, others as their two-decimal value."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _row(result: compliance.TargetResult) -> dict[str, object]:
    return {
        "target": result.code,
        "operator": result.operator,
        "threshold": _number(result.threshold),
        "numerator": result.numerator,
        "denominator": result.denominator,
        "percent": _number(result.percent),
        "status": str(result.status),
        "units_reporting": result.units_reporting,
        "units_expected": result.units_expected,
        "units_meeting": result.units_meeting,
        "complete": result.complete,
    }


def district_rows(report: ComplianceReport) -> list[dict[str, object]]:
    return [_row(result) for _, result in report.rows]


def unit_rows(report: ComplianceReport) -> list[dict[str, object]]:
    return [{"unit": row.unit.code, "unit_name": row.unit.name, **_row(row.result)} for row in report.unit_rows]


def as_json(report: ComplianceReport, *, by_unit: bool = False) -> str:
    document: dict[str, object] = {
        "period": report.period.code,
        "approved_only": report.approved_only,
        "rows": district_rows(report),
    }
    if by_unit:
        document["units"] = unit_rows(report)
    return json.dumps(document, ensure_ascii=False, indent=2)


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _boolean(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _figure(value: Decimal | None) -> str:
    """A threshold or percentage as ``_plain(_number(value))`` writes it, without the float."""
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def _cells(result: compliance.TargetResult) -> list[object]:
    """``COLUMNS`` of a result, as CSV cells."""
    return [
        inert(result.code),
        result.operator,
        _figure(result.threshold),
        result.numerator,
        result.denominator,
        _figure(result.percent),
        result.status.value,
        result.units_reporting,
        result.units_expected,
        result.units_meeting,
        _boolean(result.complete),
    ]


class _Line:
    """A file-like sink that hands back the last line ``csv.writer`` wrote."""

    def write(self, line: str) -> str:
        return line


def csv_lines(report: ComplianceReport) -> Iterator[str]:
    """The lines of ``as_csv`` without ``by_unit``: one per target."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    for _, result in report.rows:
        yield writer.writerow(_cells(result))


def matrix_csv_lines(report: ComplianceReport, units: UnitFigures) -> Iterator[str]:
    """The lines of ``as_csv`` with ``by_unit``, one by one, so that a download of every unit can be streamed:
    the district rows of ``report`` (empty unit), then one row per unit and target of ``units``. Each unit's
    row is judged here by ``unit_judgement``, which ``unit_result`` is made of, and written from text made
    once per unit and per target: a province's download makes no object per row."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(UNIT_COLUMNS)
    for _, result in report.rows:
        yield writer.writerow(["", "", *_cells(result)])
    annual = report.period.is_annual
    named: dict[int, str] = {}  # unit id → "code,name," as CSV
    for target, found in units:
        rule = rule_for(target)
        head = writer.writerow([inert(target.code), target.operator, _figure(target.threshold)])[:-1]
        for unit, figure in found:
            if (lead := named.get(unit.id)) is None:
                lead = named[unit.id] = writer.writerow([inert(unit.code), inert(unit.name), ""])[:-1]
            if figure is None:
                yield f"{lead}{head},0,0,,{NO_DATA},0,1,0,false\n"
                continue
            shown, status, met = compliance.unit_judgement(
                rule, figure.numerator, figure.denominator, annual_period=annual
            )
            applies = int(shown is not None)
            yield (
                f"{lead}{head},{figure.numerator},{figure.denominator},{_hundredths_text(shown)},{status.value},"
                f"{applies},{applies},{int(met)},true\n"
            )


NO_DATA = compliance.Status.NO_DATA.value


def _hundredths_text(hundredths: int | None) -> str:
    """``_figure`` of the percentage ``hundredths / 100``."""
    if hundredths is None:
        return ""
    whole, part = divmod(hundredths, 100)
    return f"{whole}.{part:02d}" if part else str(whole)


def as_csv(report: ComplianceReport, *, by_unit: bool = False) -> str:
    """District rows (empty unit) first, then with ``by_unit`` one row per unit and target, read again."""
    if by_unit:
        units = unit_figures(report.period, approved_only=report.approved_only)
        return "".join(matrix_csv_lines(report, units))
    return "".join(csv_lines(report))


def value_rows(values: list[ValueRow]) -> list[dict[str, object]]:
    """The raw figures with ``VALUE_COLUMNS``; the report's status as its code, its time in local time."""
    local = functools.lru_cache(maxsize=4096)(timezone.localtime)  # a report's rows share its time
    return [
        {
            "unit": v.unit,
            "unit_name": v.unit_name,
            "period": v.period,
            "target": v.target,
            "category": v.category,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "note": v.note,
            "status": v.status,
            "submitted_at": local(v.submitted_at) if v.submitted_at else None,
        }
        for v in values
    ]


def values_csv_lines(values: Iterable[ValueRow]) -> Iterator[str]:
    """The raw figures as CSV lines, with ``value_rows``' columns and local times in ISO form, the typed text
    made inert; written from each row as it comes, so that a province's download is streamed."""

    @functools.lru_cache(maxsize=4096)  # a report's rows share its time
    def stamp(when: datetime.datetime) -> str:
        return timezone.localtime(when).isoformat(timespec="seconds")

    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(VALUE_COLUMNS)
    for v in values:
        when = stamp(v.submitted_at) if v.submitted_at else None
        yield writer.writerow(
            [
                inert(v.unit),
                inert(v.unit_name),
                inert(v.period),
                inert(v.target),
                inert(v.category),
                v.numerator,
                v.denominator,
                inert(v.note),
                v.status,
                when,
            ]
        )


def as_table(report: ComplianceReport, *, by_unit: bool = False) -> str:
    """An aligned text table for reading in a terminal."""
    columns = UNIT_COLUMNS if by_unit else COLUMNS
    rows = [[""] * 2 + [_plain(r[c]) for c in COLUMNS] for r in district_rows(report)] if by_unit else []
    if by_unit:
        rows += [[_plain(r[c]) for c in UNIT_COLUMNS] for r in unit_rows(report)]
    else:
        rows = [[_plain(r[c]) for c in COLUMNS] for r in district_rows(report)]
    widths = [max(len(str(c)), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


TEXT_COLUMNS = ("unit", "unit_name", "parent_name", "section", "text")


def texts_csv_lines(rows: Iterable[TextRow]) -> Iterator[str]:
    """The official report's annex: one line per text, formulas made inert."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(TEXT_COLUMNS)
    for row in rows:
        yield writer.writerow(
            [inert(row.unit), inert(row.unit_name), inert(row.parent_name), inert(row.section), inert(row.text)]
        )
