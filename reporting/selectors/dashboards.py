"""What the district's dashboards show: the overview of a period and the completeness of every period (the
matrix is in ``matrix``, a unit's and a target's pages in ``drilldown``), with the helpers they share. Each
page is one selector with a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.safestring import SafeString

from programme import compliance
from programme.models import Period, Programme, Target
from programme.selectors import KindChoice, UnitInfo, programme_targets, register_kinds
from reporting import charts
from reporting.selectors.compliance import census, district_reports, latest_period_with_data
from reporting.selectors.series import period_short_name, units_by_period
from reporting.selectors.timeliness import (
    Completeness,
    Timeliness,
    completeness_by_period,
    district_completeness,
    report_states,
    timeliness,
)

PAGE_SIZE = 50


def chosen_id(raw: object, choices: list) -> int | None:
    """The id a user picked, when it is one of ``choices`` (objects with an ``id``); anything else is None.
    Compared as text, never read with ``int()``, which refuses "²" and a string of thousands of digits."""
    return {str(choice.id): choice.id for choice in choices}.get(str(raw or "").strip())


def chosen_period(programme: Programme, periods: list[Period], raw: object) -> Period | None:
    """The period picked by id among the programme's, else the latest with data. Two queries at most."""
    picked = chosen_id(raw, periods)
    if picked is None:
        latest = latest_period_with_data(programme)
        picked = latest.id if latest else None
    return next((period for period in periods if period.id == picked), None)


def ordered_by_kind(units: list[UnitInfo], kinds: list[KindChoice], key, descending: bool) -> list[UnitInfo]:
    """Grouped by kind in the kinds' order; inside a kind by ``key`` (units without a value last), else in
    the tree's order."""
    kind_rank = {kind.id: index for index, kind in enumerate(kinds)}
    position = {unit.id: index for index, unit in enumerate(units)}

    def order(unit: UnitInfo):
        value = key(unit) if key else None
        if key is None:
            inside = (0, 0)
        elif value is None:
            inside = (1, 0)
        else:
            inside = (0, -value if descending else value)
        return kind_rank.get(unit.kind_id, len(kind_rank)), *inside, position[unit.id]

    return sorted(units, key=order)


def units_page(units: list[UnitInfo], page: object) -> Page:
    """The page asked for (50 units); anything not a page number is the first, a number past the end the last."""
    return Paginator(units, PAGE_SIZE).get_page(page)


def grouped_page(units_page: Page, kinds: list[KindChoice], make_row) -> Page:
    """The page's units, each made into a row by ``make_row(unit, group)``, where ``group`` is the kind's name
    on the first row of each kind on the page (for its heading row), else ""."""
    names = {kind.id: kind.name for kind in kinds}
    rows, previous = [], None
    for unit in units_page.object_list:
        rows.append(make_row(unit, names.get(unit.kind_id, unit.kind_name) if unit.kind_id != previous else ""))
        previous = unit.kind_id
    units_page.object_list = rows
    return units_page


# The overview ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    short_name: str
    result: compliance.TargetResult | None  # None where the target is not reported in that period


@dataclass(frozen=True)
class TargetCard:
    target: Target
    result: compliance.TargetResult
    trend: list[TrendPoint]

    @property
    def sparkline(self) -> SafeString:
        points = [(point.short_name, point.result.percent if point.result else None) for point in self.trend]
        return charts.sparkline(points, self.target.threshold, label=f"Xu hướng {self.target.code}")


@dataclass
class Overview:
    programme: Programme
    periods: list[Period]
    period: Period
    approved_only: bool
    cards: list[TargetCard]
    completeness: Completeness


def overview(programme: Programme, *, periods: list[Period], period: Period, approved_only: bool) -> Overview:
    """A card per target reported in ``period`` with its trend over every period of the programme, and the
    period's completeness, all summed by the database. Queries: targets (2), census (2), the kept sums (1),
    submissions (1)."""
    counted = census(programme, periods)
    targets = programme_targets(programme)
    reports = district_reports(programme, periods, targets, approved_only=approved_only, counted=counted)
    by_period = {period_id: {t.id: r for t, r in report.rows} for period_id, report in reports.items()}
    cards = [
        TargetCard(
            target,
            result,
            [TrendPoint(p, period_short_name(p), by_period[p.id].get(target.id)) for p in periods],
        )
        for target, result in reports[period.id].rows
    ]
    return Overview(programme, periods, period, approved_only, cards, district_completeness(period, counted))


# Completeness and timeliness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessRow:
    unit: UnitInfo
    marks: list[Timeliness]  # one per period, in the periods' order
    group: str = ""


@dataclass
class CompletenessTable:
    programme: Programme
    periods: list[Period]
    kinds: list[KindChoice]
    kind_id: int | None
    totals: list[Completeness]  # one per period, over the units the filter keeps
    page: Page
    today: object = None


def completeness(
    programme: Programme, *, periods: list[Period], kind: object = None, page: object = 1
) -> CompletenessTable:
    """Each unit × each period of the programme: on time, late, missing (overdue), approved; the totals of
    each period over the units the filter keeps (all pages), counted by the database. Queries: units (1),
    kinds (1), census (2), totals (1), the page's submissions (1)."""
    units = units_by_period(programme, periods)
    everyone: dict[int, UnitInfo] = {}
    for period in periods:
        for unit in units[period.id]:
            everyone.setdefault(unit.id, unit)
    kinds = [kind for kind in register_kinds() if any(unit.kind_id == kind.id for unit in everyone.values())]
    kind_id = chosen_id(kind, kinds)
    shown = ordered_by_kind(
        [u for u in everyone.values() if kind_id is None or u.kind_id == kind_id], kinds, None, False
    )
    totals = completeness_by_period(periods, census(programme, periods), kind_id=kind_id)
    expected = {period.id: {unit.id for unit in units[period.id]} for period in periods}
    cut = units_page(shown, page)
    states = report_states(periods, unit_ids=[unit.id for unit in cut.object_list])
    today = timezone.localdate()

    def row(unit: UnitInfo, group: str) -> CompletenessRow:
        marks = [
            timeliness(p, states.get((p.id, unit.id)), expected=unit.id in expected[p.id], today=today) for p in periods
        ]
        return CompletenessRow(unit, marks, group)

    return CompletenessTable(programme, periods, kinds, kind_id, totals, grouped_page(cut, kinds, row), today)
