"""A target's figures in two programmes side by side (``reporting.views.programmes.target_year_over_year``)."""

from dataclasses import dataclass

from programme import compliance
from programme.models import Period, Programme, Target
from programme.selectors import UnitInfo, predecessor_links
from reporting.selectors.compliance import ComplianceReport, _judge, latest_period_with_data, rule_for, unit_figures

Found = dict[int, tuple[UnitInfo, compliance.Figure | None]]  # unit id → (unit, its figure, None if none)


@dataclass(frozen=True)
class Side:
    """One programme's target, the period shown (the latest with data) and its figures."""

    programme: Programme
    target: Target | None
    period: Period | None
    result: compliance.TargetResult | None
    units: Found


@dataclass(frozen=True)
class UnitRow:
    """A unit's figures in both programmes: the same unit, or a unit beside its predecessors (a merger) summed as
    the area's figures are."""

    units: list[UnitInfo]  # this programme's
    others: list[UnitInfo]  # the other programme's: the same unit, or the predecessors or successors
    this: compliance.TargetResult
    this_has_figure: bool
    other: compliance.TargetResult
    other_has_figure: bool

    @property
    def unit(self) -> UnitInfo:
        return self.units[0]

    @property
    def merged(self) -> bool:
        return [unit.id for unit in self.units] != [unit.id for unit in self.others]


@dataclass(frozen=True)
class YearOverYear:
    this: Side
    other: Side
    rows: list[UnitRow]  # the units expected in both (or their predecessors), in this programme's order


def _side(programme: Programme, target: Target | None) -> Side:
    """The target's figures in the programme's latest period with data. Eight queries at most."""
    period = latest_period_with_data(programme) if target is not None else None
    if period is None or not target.is_reported_in(period):
        return Side(programme, target, period, None, {})
    paired = [(t, found) for t, found in unit_figures(period) if t.id == target.id]
    report = ComplianceReport(period=period, approved_only=False)
    _judge(report, paired, by_unit=False)
    result = report.rows[0][1] if report.rows else None
    units = {unit.id: (unit, figure) for _, found in paired for unit, figure in found}
    return Side(programme, target, period, result, units)


def _result(side: Side, unit_ids: list[int]) -> tuple[compliance.TargetResult, bool]:
    """The figures of those units of the side: one unit's own result, or several summed like an area's."""
    rule, annual = rule_for(side.target), side.period.is_annual
    figures = [side.units[unit_id][1] for unit_id in unit_ids if side.units[unit_id][1] is not None]
    if len(unit_ids) == 1 and figures:
        return compliance.unit_result(rule, figures[0], annual_period=annual), True
    codes = [side.units[unit_id][0].code for unit_id in unit_ids]
    return compliance.evaluate(rule, figures, expected_units=codes, annual_period=annual), bool(figures)


def _matches(this: Side, that: Side) -> list[tuple[list[int], list[int]]]:
    """Pairs of unit ids (this side's, the other's), in this side's order: a unit expected in both, or a unit of
    the later programme beside its predecessors expected in the earlier one (Xã Khổng Lào in 2026 beside Khổng
    Lào, Hoang Thèn and Bản Lang in 2024). One query."""
    later_is_this = this.programme.year >= that.programme.year
    later, earlier = (this, that) if later_is_this else (that, this)
    new = [unit_id for unit_id in later.units if unit_id not in earlier.units]
    links = predecessor_links(new, earlier.units) if new and earlier.units else {}
    pairs: list[tuple[list[int], list[int]]] = []
    placed: set[int] = set()
    for unit_id in this.units:
        if unit_id in that.units:
            pairs.append(([unit_id], [unit_id]))
        elif later_is_this and links.get(unit_id):
            pairs.append(([unit_id], links[unit_id]))
        elif not later_is_this and unit_id not in placed:
            successor = next((s for s, before in links.items() if unit_id in before), None)
            if successor is not None:
                group = [before for before in links[successor] if before in this.units]
                placed.update(group)
                pairs.append((group, [successor]))
    return pairs


def year_over_year(target: Target, other: Programme) -> YearOverYear:
    """``target`` beside the target of the same code in ``other`` (targets are matched by code); the units are
    those expected for it in both, and merged units beside their predecessors. A fixed number of queries,
    whatever the number of units."""
    matched = Target.objects.filter(programme=other, code=target.code).prefetch_related("applies_to").first()
    this, that = _side(target.programme, target), _side(other, matched)
    rows = []
    for mine, theirs in _matches(this, that) if this.units and that.units else []:
        this_result, this_has = _result(this, mine)
        other_result, other_has = _result(that, theirs)
        rows.append(
            UnitRow(
                [this.units[u][0] for u in mine],
                [that.units[u][0] for u in theirs],
                this_result,
                this_has,
                other_result,
                other_has,
            )
        )
    return YearOverYear(this, that, rows)
