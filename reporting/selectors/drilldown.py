"""The dashboards' pages for one unit (its figures over the year, its models, its reports) and for one target
(how the units stand against it, who needs help first). Each is one selector with a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.safestring import SafeString

from programme import compliance
from programme.models import Period, Programme, Target, Unit
from programme.rules import applies, covers
from programme.selectors import (
    UnitInfo,
    UnitRegister,
    ancestor_ids,
    applicable_kind_ids,
    programme_targets,
    reporting_units,
    unit_info,
    unit_register,
)
from reporting import charts
from reporting.selectors import standing as standing_units
from reporting.selectors.breakdowns import area_breakdowns
from reporting.selectors.compliance import (
    NO_REGISTER,
    district_reports,
    figures_by_period,
    register_figures_at,
    register_of,
    rule_for,
)
from reporting.selectors.dashboards import PAGE_SIZE
from reporting.selectors.matrix import ResultCell
from reporting.selectors.reports import PeriodStatus, unit_periods
from reporting.selectors.series import period_short_name
from reporting.selectors.verdicts import Verdict, verdict_of

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


@dataclass(frozen=True)
class Predecessor:
    """A unit merged into (or split into) the unit shown, and the last period in which it reported."""

    unit: Unit
    period: Period | None  # None: it reported in no programme kept here


@dataclass(frozen=True)
class PredecessorRow:
    target: Target
    cells: list[compliance.TargetResult | None]  # one per predecessor, None: no figure
    total: compliance.TargetResult | None  # summed like an area's figures, None when none has a figure


@dataclass(frozen=True)
class Predecessors:
    """The figures of a merged unit's predecessors in their last reported period, target by target (matched by
    code with the programme shown), and their sum: what the unit started from."""

    units: list[Predecessor]
    rows: list[PredecessorRow]


@dataclass
class UnitDashboard:
    unit: Unit
    programme: Programme
    periods: list[Period]
    approved_only: bool
    rows: list[UnitSeries]
    register: UnitRegister
    history: list[PeriodStatus]
    predecessors: Predecessors | None  # None: a unit with no predecessors


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
    predecessors = predecessor_figures(unit, targets, approved_only=approved_only)
    return UnitDashboard(unit, programme, periods, approved_only, rows, register, history, predecessors)


def predecessor_figures(unit: Unit, targets: list[Target], *, approved_only: bool) -> Predecessors | None:
    """``Predecessors`` of the unit for those targets, or None for a unit that has none. Four queries
    (predecessors, the programmes over them and their periods, their figures), whatever their number; none for
    a unit with no opening day, which has no predecessors (the day of a merger is the successor's opening day,
    and the admin asks for it)."""
    if unit.opened_on is None:
        return None
    before = list(unit.predecessors.select_related("kind").order_by("order", "code"))
    if not before:
        return None
    areas = {ancestor for predecessor in before for ancestor in ancestor_ids(predecessor)}
    periods = list(
        Period.objects.filter(programme__area_id__in=areas)
        .select_related("programme")
        .order_by("-end", "programme__code")
    )
    figures = figures_by_period(periods, approved_only=approved_only, unit_ids=[p.id for p in before])
    own_targets = {
        (t.programme_id, t.code): t
        for t in Target.objects.filter(
            programme__in={p.programme_id for p in periods}, code__in=[t.code for t in targets]
        )
    }
    shown, found = [], []
    for predecessor in before:
        # its last period with a figure, in a programme over it
        last = next((p for p in periods if any(u == predecessor.id for u, _ in figures.get(p.id, {}))), None)
        shown.append(Predecessor(predecessor, last))
        found.append({} if last is None else figures[last.id])
    rows = []
    for target in targets:
        cells, counted = [], []
        for entry, by_unit in zip(shown, found, strict=True):
            theirs = entry.period and own_targets.get((entry.period.programme_id, target.code))
            figure = by_unit.get((entry.unit.id, theirs.id)) if theirs else None
            annual = bool(entry.period and entry.period.is_annual)
            # judged by the rule of the programme it reported in, as it was judged then
            cells.append(compliance.unit_result(rule_for(theirs), figure, annual_period=annual) if figure else None)
            if figure:
                counted.append((figure, annual, theirs))
        total = None
        if counted:
            total = compliance.evaluate(
                rule_for(counted[0][2]),
                [figure for figure, _, _ in counted],
                expected_units=[entry.unit.code for entry in shown],
                annual_period=all(annual for _, annual, _ in counted),
            )
        rows.append(PredecessorRow(target, cells, total))
    return Predecessors(shown, rows)


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
    not_applicable: list[UnitInfo] | None = None  # the unit reported a denominator of 0
    missing: list[UnitInfo] | None = None  # expected, without a figure
    verdict: Verdict | None = None
    charts: list[BarChart] | None = None
    needs_help: list[UnitStanding] | None = None
    needing_help: int = 0
    page: Page | None = None  # of the units with a percentage, lowest first
    breakdown: list | None = None  # per category (``CategoryFigure``), for a target with categories


def _charts(target: Target, count: int, lowest: list[UnitStanding], highest: list[UnitStanding]) -> list[BarChart]:
    """Every ranked unit when there are at most ``2 * CHART_ENDS`` (``lowest``, then those of ``highest`` not
    among them), else both ends."""

    def chart(title: str, rows: list[UnitStanding]) -> BarChart:
        bars = [(row.unit.name, row.result.percent) for row in rows]
        return BarChart(title, charts.bar_chart(bars, target.threshold, label=f"{target.code}, {title.lower()}"))

    if count <= 2 * CHART_ENDS:
        rest = [row for row in highest if row.rank > len(lowest)]
        return [chart("Các đơn vị, từ thấp đến cao", lowest + rest)] if lowest else []
    return [
        chart(f"{CHART_ENDS} đơn vị thấp nhất", lowest),
        chart(f"{CHART_ENDS} đơn vị cao nhất", list(reversed(highest))),
    ]


def _windows(count: int, page: object) -> tuple[range, range, Page]:
    """The positions (0 for the lowest) of the ranked units the page shows: the chart's lowest (the units needing
    help first are among them), its highest (they meet in a small district), and the table's page, whose
    ``object_list`` is a range until the rows are read. None is empty when a unit is ranked, so the page asks the
    same queries whatever the number of units."""
    lowest = range(min(count, CHART_ENDS))
    highest = range(max(0, count - CHART_ENDS), count)
    return lowest, highest, Paginator(range(count), PAGE_SIZE).get_page(page)


def target_dashboard(
    target: Target, *, periods: list[Period], period: Period, approved_only: bool, page: object = 1
) -> TargetDashboard:
    """How the units stand against one target in a period: the district result, the units ranked by their
    exact value (a chart of both ends, a table of all, 50 a page), who is furthest below the threshold and who
    has not reported. Only the units shown are read (``reporting.selectors.standing``); the district result is
    the database's sums. ``target`` needs its ``applies_to`` prefetched. Queries: the district result (1), the
    categories (1) and, for a target with categories, their sums (1), the ranked units (two for each of the
    chart's two ends and the table's page: 6), the areas with units without a figure (1) and, when there are
    such areas, those units (1); for a target from the register, every unit is read and judged: units (1), the
    register (2), the district result (1)."""
    programme = target.programme
    board = TargetDashboard(target, programme, periods, period, approved_only, target.is_reported_in(period))
    if not board.reported:
        return board
    board.result = district_reports(programme, [period], [target], approved_only=approved_only)[period.id].rows[0][1]
    board.breakdown = area_breakdowns(programme, period, [target], approved_only=approved_only).get(target.id)
    count = board.result.units_reporting
    lowest, highest, board.page = _windows(count, page)
    rule = rule_for(target)

    def standing(row: standing_units.RankedUnit) -> UnitStanding:
        figure = compliance.Figure(row.unit.code, row.numerator, row.denominator)
        return UnitStanding(row.unit, compliance.unit_result(rule, figure, annual_period=period.is_annual), row.rank)

    if target.is_typed:
        figures = standing_units.counting_figures(target, period, approved_only=approved_only)
        windows = standing_units.ranked_windows(figures, [lowest, highest, board.page.object_list], count)
        board.missing, board.not_applicable = standing_units.units_without_value(
            target, period, approved_only=approved_only
        )
    else:  # the register's figures are not in the database as values: every unit is read and judged
        ranked, board.not_applicable, board.missing = _register_standing(target, period)
        windows = [[ranked[i] for i in window] for window in (lowest, highest, board.page.object_list)]
    final = period.due_passed(timezone.localdate())
    board.verdict = verdict_of(board.result, final=final, missing=[unit.name for unit in board.missing])
    low, high, shown = ([standing(row) for row in rows] for rows in windows)
    # The ranking is by exact value and the threshold is the same for all: the lowest are the furthest below,
    # and a unit is below when it does not meet the target.
    board.needing_help = count - board.result.units_meeting
    board.needs_help = low[: min(HELP_FIRST, board.needing_help)]
    board.charts = _charts(target, count, low, high)
    board.page.object_list = shown
    return board


def _register_standing(
    target: Target, period: Period
) -> tuple[list[standing_units.RankedUnit], list[UnitInfo], list[UnitInfo]]:
    """For MT5a/MT5b: every unit ranked, those it does not apply to and those without a figure, from the
    register. Three queries."""
    programme = target.programme
    units = reporting_units(programme, on=period.end)
    register = register_figures_at(period, units, register_of(programme, periods=[period]))[target.source]
    kinds = applicable_kind_ids(target)
    found = [(unit, register[unit.id]) for unit in units if unit.kind_id in kinds]
    with_value = compliance.sorted_exactly(
        [(unit, figure) for unit, figure in found if figure.denominator],
        lambda row: (row[1].numerator, row[1].denominator),
    )
    ranked = [
        standing_units.RankedUnit(unit, figure.numerator, figure.denominator, rank)
        for rank, (unit, figure) in enumerate(with_value, start=1)
    ]
    return ranked, [unit for unit, figure in found if not figure.denominator], []
