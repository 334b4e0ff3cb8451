"""The dashboards' pages for one unit (its figures over the year, its models, its reports) and for one target
(how the units stand against it, who needs help first). Each is one selector with a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from programme import compliance
from programme.models import Period, Programme, Target, Unit
from programme.rules import applies, covers
from programme.selectors import (
    UnitInfo,
    UnitRegister,
    programme_targets,
    reporting_units,
    unit_info,
    unit_register,
)
from reporting import charts
from reporting.selectors.compliance import (
    NO_REGISTER,
    compliance_report,
    figures_by_period,
    register_figures_at,
    register_of,
    rule_for,
)
from reporting.selectors.dashboards import PAGE_SIZE
from reporting.selectors.matrix import ResultCell
from reporting.selectors.ranking import ranked_unit_ids
from reporting.selectors.reports import PeriodStatus, unit_periods
from reporting.selectors.series import period_short_name

# The unit page --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCell(ResultCell):
    """The unit's result for a target in a period; ``applies`` is False where the target is not reported in
    that period (annual ratings before the annual report) or the unit does not report the period."""

    period: Period
    applies: bool
    result: compliance.TargetResult | None = None  # None: no figure


@dataclass(frozen=True)
class UnitSeries:
    target: Target
    cells: list[UnitCell]

    @property
    def sparkline(self) -> SafeString:
        points = [(period_short_name(cell.period), cell.result.percent if cell.result else None) for cell in self.cells]
        return charts.sparkline(points, self.target.threshold, label=f"Xu hướng {self.target.code}")


@dataclass
class UnitDashboard:
    unit: Unit
    programme: Programme
    periods: list[Period]
    approved_only: bool
    rows: list[UnitSeries]
    register: UnitRegister
    history: list[PeriodStatus]


def unit_dashboard(unit: Unit, programme: Programme, *, approved_only: bool = False) -> UnitDashboard:
    """The unit's figures for every target that applies to it over the programme's periods, its register and
    its reports. ``programme`` must be one whose area contains the unit. Queries: periods and submissions (2),
    register (3, and 2 for MT5a/MT5b), targets (2), values (1)."""
    history = unit_periods(unit, programme)
    periods = [row.period for row in history]
    register = unit_register(unit, programme, year=programme.year)
    targets = [target for target in programme_targets(programme) if applies(target, kind_id=unit.kind_id)]
    # The figures that count, read as every dashboard reads them: never a draft's or a returned report's.
    values = {
        (period_id, target_id): figure
        for period_id, figures in figures_by_period(periods, approved_only=approved_only, unit_ids=[unit.id]).items()
        for (_, target_id), figure in figures.items()
    }
    info = [unit_info(unit)]
    figures_of_register = (
        register_of(programme, unit_ids=[unit.id]) if any(not t.is_typed for t in targets) else NO_REGISTER
    )
    rows = []
    for target in targets:
        rule, cells = rule_for(target), []
        for period in periods:
            if not (
                covers(target, kind_id=unit.kind_id, period=period)
                and unit.kind.reports
                and unit.is_active_on(period.end)
            ):
                cells.append(UnitCell(period, applies=False))
                continue
            if target.is_typed:
                figure = values.get((period.id, target.id))
            else:
                figure = register_figures_at(period, info, figures_of_register)[target.source][unit.id]
            result = compliance.unit_result(rule, figure, annual_period=period.is_annual) if figure else None
            cells.append(UnitCell(period, applies=True, result=result))
        rows.append(UnitSeries(target, cells))
    return UnitDashboard(unit, programme, periods, approved_only, rows, register, history)


# The target page ------------------------------------------------------------------------------------------

CHART_ENDS = 30  # a large district's chart shows the 30 lowest and the 30 highest units
HELP_FIRST = 15


@dataclass(frozen=True)
class UnitStanding:
    unit: UnitInfo
    result: compliance.TargetResult
    rank: int = 0

    @property
    def gap(self) -> Decimal:
        """Points between the unit's shown percentage and the threshold (negative: below it)."""
        return self.result.percent - self.result.threshold


@dataclass(frozen=True)
class BarChart:
    title: str
    svg: SafeString


@dataclass
class TargetDashboard:
    target: Target
    programme: Programme
    periods: list[Period]
    period: Period
    approved_only: bool
    reported: bool  # False for an annual rating in an interim period
    result: compliance.TargetResult | None = None
    ranked: list[UnitStanding] | None = None  # units with a percentage, lowest first
    not_applicable: list[UnitInfo] | None = None  # the unit reported a denominator of 0
    missing: list[UnitInfo] | None = None  # expected, without a figure
    charts: list[BarChart] | None = None
    needs_help: list[UnitStanding] | None = None
    needing_help: int = 0
    page: Page | None = None


def _charts(target: Target, ranked: list[UnitStanding]) -> list[BarChart]:
    def chart(title: str, rows: list[UnitStanding]) -> BarChart:
        bars = [(row.unit.name, row.result.percent) for row in rows]
        return BarChart(title, charts.bar_chart(bars, target.threshold, label=f"{target.code}, {title.lower()}"))

    if len(ranked) <= 2 * CHART_ENDS:
        return [chart("Các đơn vị, từ thấp đến cao", ranked)] if ranked else []
    return [
        chart(f"{CHART_ENDS} đơn vị thấp nhất", ranked[:CHART_ENDS]),
        chart(f"{CHART_ENDS} đơn vị cao nhất", list(reversed(ranked[-CHART_ENDS:]))),
    ]


def target_dashboard(
    target: Target, *, periods: list[Period], period: Period, approved_only: bool, page: object = 1
) -> TargetDashboard:
    """How the units stand against one target in a period: the district result, the units ranked by their
    exact value (a chart of both ends, a table of all, 50 a page), who is furthest below the threshold and who
    has not reported. ``target`` needs its ``applies_to`` prefetched. Queries: units (1), and the values and their
    ranking (2) or the register (2)."""
    programme = target.programme
    board = TargetDashboard(target, programme, periods, period, approved_only, target.is_reported_in(period))
    if not board.reported:
        return board
    units = reporting_units(programme, on=period.end)
    figures = figures_by_period([period], approved_only=approved_only, targets=[target]) if target.is_typed else {}
    figures = figures.get(period.id, {})
    register = {} if target.is_typed else register_figures_at(period, units, register_of(programme, periods=[period]))
    report = compliance_report(
        period,
        units=units,
        targets=[target],
        figures=figures,
        register=register,
        approved_only=approved_only,
        by_unit=True,
    )
    board.result = report.rows[0][1]
    with_value = [row for row in report.unit_rows if row.has_figure and row.result.denominator]
    if target.is_typed:  # the database ranks; units of equal value keep the units' order, as below
        position = {row.unit.id: index for index, row in enumerate(with_value)}
        runs = ranked_unit_ids(period, target, approved_only=approved_only)
        with_value = [with_value[index] for run in runs for index in sorted(position[i] for i in run if i in position)]
    else:  # the register's figures are not in the database as values
        with_value = compliance.sorted_exactly(with_value, lambda row: (row.result.numerator, row.result.denominator))
    board.ranked = [UnitStanding(row.unit, row.result, rank) for rank, row in enumerate(with_value, start=1)]
    board.not_applicable = [row.unit for row in report.unit_rows if row.has_figure and not row.result.denominator]
    board.missing = [row.unit for row in report.unit_rows if not row.has_figure]
    # The ranking is by exact value and the threshold is the same for all: the lowest are the furthest below.
    below = [row for row in board.ranked if row.result.status != compliance.Status.MET]
    board.needs_help, board.needing_help = below[:HELP_FIRST], len(below)
    board.charts = _charts(target, board.ranked)
    board.page = Paginator(board.ranked, PAGE_SIZE).get_page(page)
    return board
