"""A target's figures in two programmes side by side (``reporting.views.programmes.target_year_over_year``)."""

from dataclasses import dataclass

from programme import compliance
from programme.models import Period, Programme, Target
from programme.selectors import UnitInfo
from reporting.selectors.compliance import ComplianceReport, _judge, latest_period_with_data, unit_figures


@dataclass(frozen=True)
class Side:
    """One programme's target, the period shown (the latest with data) and its figures."""

    programme: Programme
    target: Target | None
    period: Period | None
    result: compliance.TargetResult | None
    units: dict[int, tuple[UnitInfo, compliance.TargetResult, bool]]  # unit id → (unit, its result, has a figure)


@dataclass(frozen=True)
class UnitRow:
    unit: UnitInfo
    this: compliance.TargetResult
    this_has_figure: bool
    other: compliance.TargetResult
    other_has_figure: bool


@dataclass(frozen=True)
class YearOverYear:
    this: Side
    other: Side
    rows: list[UnitRow]  # the units expected in both, in this programme's order


def _side(programme: Programme, target: Target | None) -> Side:
    """The target's figures in the programme's latest period with data. Eight queries at most."""
    period = latest_period_with_data(programme) if target is not None else None
    if period is None or not target.is_reported_in(period):
        return Side(programme, target, period, None, {})
    report = ComplianceReport(period=period, approved_only=False)
    _judge(report, ((t, found) for t, found in unit_figures(period) if t.id == target.id), by_unit=True)
    result = report.rows[0][1] if report.rows else None
    units = {row.unit.id: (row.unit, row.result, row.has_figure) for row in report.unit_rows}
    return Side(programme, target, period, result, units)


def year_over_year(target: Target, other: Programme) -> YearOverYear:
    """``target`` beside the target of the same code in ``other`` (targets are matched by code); the units are
    those expected for it in both. A fixed number of queries, whatever the number of units."""
    matched = Target.objects.filter(programme=other, code=target.code).prefetch_related("applies_to").first()
    this, that = _side(target.programme, target), _side(other, matched)
    rows = [
        UnitRow(unit, result, has_figure, that.units[unit_id][1], that.units[unit_id][2])
        for unit_id, (unit, result, has_figure) in this.units.items()
        if unit_id in that.units
    ]
    return YearOverYear(this, that, rows)
