"""What the district's dashboards show: the overview of a period and the completeness of every period (the
matrix is in ``matrix``, a unit's and a target's pages in ``drilldown``), with the helpers they share. Each
page is one selector with a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from programme import compliance
from programme.models import Period, Programme, Target, UnitKind, exists_between
from programme.selectors import (
    UNIT_INFO_FIELDS,
    KindChoice,
    PagedRows,
    UnitInfo,
    programme_targets,
    reporting_units_query,
)
from reporting import charts
from reporting.models import ReportCounts
from reporting.selectors.breakdowns import area_breakdowns
from reporting.selectors.compliance import district_reports, latest_period_with_data
from reporting.selectors.series import period_short_name
from reporting.selectors.timeliness import (
    Completeness,
    Timeliness,
    completeness_by_period,
    district_completeness,
    report_states,
    timeliness,
)
from reporting.selectors.verdicts import Verdict, verdicts

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
    verdict: Verdict  # the status, and the units still missing
    breakdown: list = field(default_factory=list)  # per category (``CategoryFigure``), for a target with categories

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

    @property
    def has_breakdowns(self) -> bool:
        return any(card.breakdown for card in self.cards)


def overview(programme: Programme, *, periods: list[Period], period: Period, approved_only: bool) -> Overview:
    """A card per target reported in ``period`` with its trend over every period of the programme and its
    verdict, and the period's completeness, all summed by the database. Queries: targets (2), the kept sums
    (1), the kept counts (1), after the due date the units still missing (1); with targets that have categories,
    their categories (1) and their sums per category (1)."""
    targets = programme_targets(programme)
    reports = district_reports(programme, periods, targets, approved_only=approved_only)
    by_period = {period_id: {t.id: r for t, r in report.rows} for period_id, report in reports.items()}
    told = verdicts(reports[period.id], today=timezone.localdate())
    breakdowns = area_breakdowns(programme, period, targets, approved_only=approved_only)
    cards = [
        TargetCard(
            target,
            result,
            [TrendPoint(p, period_short_name(p), by_period[p.id].get(target.id)) for p in periods],
            told[target.id],
            breakdowns.get(target.id, []),
        )
        for target, result in reports[period.id].rows
    ]
    return Overview(programme, periods, period, approved_only, cards, district_completeness(period, programme.area_id))


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


def kind_then_tree_order(units: QuerySet) -> QuerySet:
    """The units grouped by kind in the kinds' order, each kind in the tree's order: ``ordered_by_kind``
    without a key, said in SQL."""
    return units.order_by(*(f"kind__{field}" for field in UnitKind._meta.ordering), "tree_order")


def kinds_among(units: QuerySet) -> tuple[list[KindChoice], dict[int, int]]:
    """The kinds that ``units`` have, in the kinds' order, and how many units of each. One query."""
    rows = (
        units.order_by(*(f"kind__{field}" for field in UnitKind._meta.ordering))
        .values_list("kind_id", "kind__code", "kind__name")
        .annotate(n=Count("id"))
    )
    return [KindChoice(*row[:3]) for row in rows], {row[0]: row[3] for row in rows}


def expected_kinds(programme: Programme, periods: list[Period]) -> tuple[list[KindChoice], dict[int, int]]:
    """``kinds_among`` the units expected to report on any of the periods' ends
    (``reporting_units_query(programme, ends)``), without reading every unit: those that exist on the last end
    are the counts kept for the programme's area (``ReportCounts.expected``); any other was closed by then, read
    through the index of closing days. One query, two when there are earlier periods."""
    last = max(periods, key=lambda period: period.end)
    order = [f"kind__{field}" for field in UnitKind._meta.ordering]
    kept = ReportCounts.objects.filter(period=last, area=programme.area_id, expected__gt=0)
    rows = list(kept.values_list(*order, "kind_id", "kind__code", "kind__name", "expected"))
    earlier = sorted({period.end for period in periods if period.end < last.end})
    if earlier:
        closed = reporting_units_query(programme, earlier).filter(closed_on__lte=last.end)
        rows += closed.values_list(*order, "kind_id", "kind__code", "kind__name").annotate(n=Count("id")).order_by()
    kinds, counts = {}, Counter()
    for *_, kind_id, code, name, count in sorted(rows):  # in the kinds' order
        kinds.setdefault(kind_id, KindChoice(kind_id, code, name))
        counts[kind_id] += count
    return list(kinds.values()), dict(counts)


def kind_runs(units: QuerySet, kinds: list[KindChoice], per_kind: dict[int, int], start: int, stop: int) -> QuerySet:
    """The rows ``start:stop`` of ``kind_then_tree_order(units)``, when ``per_kind`` says how many units of each
    kind ``units`` holds: read within the kinds the rows fall in only, so that a page of one kind is read from
    the index (kind, tree order) rather than by sorting every unit of the area."""
    before, within, skip = 0, [], 0
    for kind in kinds:
        count = per_kind.get(kind.id, 0)
        if count and before < stop and before + count > start:
            skip = skip if within else start - before
            within.append(kind.id)
        before += count
    if len(within) == 1:
        return units.filter(kind_id=within[0]).order_by("tree_order")[skip : skip + stop - start]
    return kind_then_tree_order(units.filter(kind_id__in=within))[skip : skip + stop - start]


def completeness(
    programme: Programme, *, periods: list[Period], kind: object = None, page: object = 1
) -> CompletenessTable:
    """Each unit × each period of the programme: on time, late, missing (overdue), approved; the totals of
    each period over the units the filter keeps (all pages), counted by the database, which also sorts and
    cuts the page of units. Queries: kinds (2), the kept counts (1), the page's units (1) and their
    submissions (1)."""
    units = reporting_units_query(programme, [period.end for period in periods])
    kinds, per_kind = expected_kinds(programme, periods)
    kind_id = chosen_id(kind, kinds)
    if kind_id is not None:
        units, per_kind = units.filter(kind_id=kind_id), {kind_id: per_kind[kind_id]}
    totals = completeness_by_period(periods, programme.area_id, kind_id=kind_id)
    today = timezone.localdate()

    def rows(start: int, stop: int) -> list[tuple[UnitInfo, list[bool]]]:
        shown = kind_runs(units, kinds, per_kind, start, stop).values_list(*UNIT_INFO_FIELDS, "opened_on", "closed_on")
        width = len(UNIT_INFO_FIELDS)
        return [
            (UnitInfo(*row[:width]), [exists_between(*row[width:], period.end) for period in periods]) for row in shown
        ]

    cut = Paginator(PagedRows(sum(per_kind.values()), rows), PAGE_SIZE).get_page(page)
    cut.object_list = list(cut.object_list)
    expected = {unit.id: exists for unit, exists in cut.object_list}
    cut.object_list = [unit for unit, _ in cut.object_list]
    states = report_states(periods, unit_ids=list(expected))

    def row(unit: UnitInfo, group: str) -> CompletenessRow:
        marks = [
            timeliness(p, states.get((p.id, unit.id)), expected=exists, today=today)
            for p, exists in zip(periods, expected[unit.id], strict=True)
        ]
        return CompletenessRow(unit, marks, group)

    return CompletenessTable(programme, periods, kinds, kind_id, totals, grouped_page(cut, kinds, row), today)
