"""The units × targets matrix of a period: each unit's value of each target, coloured by its status,
grouped by kind, filtered, sorted and paginated. One selector with a fixed number of queries."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models import Value as V
from django.db.models.functions import Coalesce

from programme import compliance, rules
from programme.models import Period, Programme, Target, Unit
from programme.selectors import (
    UNIT_INFO_FIELDS,
    KindChoice,
    PagedRows,
    UnitInfo,
    area_path,
    programme_targets,
    reporting_units,
    reporting_units_query,
)
from reporting.models import ReportCounts, Submission
from reporting.selectors.breakdowns import lowest_parts
from reporting.selectors.compliance import (
    NO_REGISTER,
    Figures,
    UnitTargetResult,
    compliance_report,
    district_reports,
    figures_by_period,
    register_figures_at,
    register_of,
)
from reporting.selectors.dashboards import (
    PAGE_SIZE,
    chosen_id,
    expected_kinds,
    grouped_page,
    kind_runs,
    kind_then_tree_order,
    ordered_by_kind,
    units_page,
)

MISSING = "missing"  # the report status of a unit without a report for the period
REPORT_STATUS_CHOICES = [
    ("submitted", "Đã nộp, chờ duyệt"),
    ("approved", "Đã duyệt"),
    ("returned", "Bị trả lại"),
    ("draft", "Đang soạn (nháp)"),
    (MISSING, "Chưa có báo cáo"),
]
NAME_SORT = "ten"


class ResultCell:
    """A table cell showing one unit's result for one target: its colour class and its word."""

    applies: bool
    result: compliance.TargetResult | None  # None: the unit has no figure for it

    @property
    def css(self) -> str:
        if not self.applies or (self.result is not None and self.result.percent is None):
            return "na"
        return "no_data" if self.result is None else str(self.result.status)

    @property
    def label(self) -> str:
        if self.css == "na":
            return "Không áp dụng"
        return compliance.STATUS_LABELS[compliance.Status.NO_DATA] if self.result is None else self.result.status_label


@dataclass(frozen=True)
class MatrixCell(ResultCell):
    target: Target
    applies: bool
    result: compliance.TargetResult | None  # None: the unit has no figure for it
    lowest: str = ""  # a target with categories: the unit's lowest category (``selectors.breakdowns``)


@dataclass(frozen=True)
class MatrixRow:
    unit: UnitInfo
    report_status: str  # a key of REPORT_STATUS_CHOICES
    cells: list[MatrixCell]
    group: str = ""  # the kind's name on the first row of a kind on the page

    @property
    def report_label(self) -> str:
        return dict(REPORT_STATUS_CHOICES)[self.report_status]


@dataclass(frozen=True)
class SortLink:
    """A column header's sort: the ``sap_xep`` value its link asks for, and how the rows are sorted now."""

    param: str
    aria_sort: str  # "ascending", "descending" or "none"

    @property
    def arrow(self) -> str:
        return {"ascending": "▲", "descending": "▼"}.get(self.aria_sort, "")


def sort_link(key: str, current: str) -> SortLink:
    """First click sorts ascending (for a target: the lowest first, who lags), the next one descending."""
    if current == key:
        return SortLink(f"-{key}", "ascending")
    if current == f"-{key}":
        return SortLink(key, "descending")
    return SortLink(key, "none")


@dataclass(frozen=True)
class MatrixColumn:
    target: Target
    district: compliance.TargetResult
    sort: SortLink


@dataclass(frozen=True)
class ParentChoice:
    id: int
    name: str


@dataclass
class Matrix:
    programme: Programme
    periods: list[Period]
    period: Period
    approved_only: bool
    columns: list[MatrixColumn]
    name_sort: SortLink
    kinds: list[KindChoice]
    parents: list[ParentChoice]
    chosen: dict = field(default_factory=dict)  # kind, parent, status, sort as understood
    page: Page | None = None
    status_choices: list = field(default_factory=lambda: REPORT_STATUS_CHOICES)


def _sort_key(target: Target, figures: Figures, descending: bool):
    """A unit's exact value of the target (negated for a descending sort), for sorting; None without one, or
    where the target does not apply to the unit."""
    sign = -1 if descending else 1

    def key(unit: UnitInfo):
        found = figures.get((unit.id, target.id))
        if not rules.applies(target, kind_id=unit.kind_id) or found is None or not found.denominator:
            return None
        return tuple(sign * part for part in compliance.exact_key(found.numerator, found.denominator))

    return key


def expected_parents(programme: Programme, period: Period) -> list[ParentChoice]:
    """The units with units of their own expected to report in the period (``reporting_units_query(programme,
    [period.end])``'s parents), in their order and by name, for the filter. Read from the counts kept for each
    area (``ReportCounts``), which add a parent's own units to it and to every area above it: a parent is an area
    that counts more than the areas right under it, so no unit of the area is read. Two queries: an area's
    count, and then the parents' names."""
    kept = (
        ReportCounts.objects.filter(period=period, area__path__startswith=area_path(programme))
        .values_list("area_id", "area__parent_id")
        .annotate(units=Sum("expected"))
        .order_by()
    )
    own: dict[int, int] = {}
    for area_id, parent_id, units in kept:
        own[area_id] = own.get(area_id, 0) + units
        own[parent_id] = own.get(parent_id, 0) - units
    rows = Unit.objects.filter(id__in=sorted(area for area, units in own.items() if units > 0))
    return [ParentChoice(*row) for row in rows.order_by("order", "name").values_list("id", "name")]


def unit_results(
    programme: Programme, period: Period, units: list[UnitInfo], targets: list[Target], *, approved_only: bool
) -> dict[tuple[int, int], UnitTargetResult]:
    """(unit id, target id) → the unit's own result, for a few units (a page). Queries: values (1), register
    (2, when a target comes from it)."""
    unit_ids = [unit.id for unit in units]
    figures = figures_by_period([period], approved_only=approved_only, unit_ids=unit_ids)
    register = (
        register_of(programme, periods=[period], unit_ids=unit_ids)
        if any(not target.is_typed for target in targets)
        else NO_REGISTER
    )
    report = compliance_report(
        period,
        units=units,
        targets=targets,
        figures=figures.get(period.id, {}),
        register=register_figures_at(period, units, register),
        approved_only=approved_only,
        by_unit=True,
    )
    return {(row.unit.id, row.target.id): row for row in report.unit_rows}


def _tree_page(
    units: QuerySet,
    period: Period,
    kinds: tuple[list[KindChoice], dict[int, int]],
    kind_id: int | None,
    parent_id: int | None,
    status: str | None,
    page: object,
) -> tuple[Page, dict[int, str]]:
    """The page of ``units`` (grouped by kind, in tree order) that the filters keep, sorted and cut by the
    database, and each unit's report status for the period. ``kinds``: the kinds of ``units`` and how many of
    each. One query, or two with a filter by parent or status (their count)."""
    report = Submission.objects.filter(period=period, unit=OuterRef("pk")).values("status")[:1]
    units = units.annotate(report_status=Coalesce(Subquery(report), V(MISSING)))
    ordered, per_kind = kinds
    if kind_id is not None:
        units, per_kind = units.filter(kind_id=kind_id), {kind_id: per_kind[kind_id]}
    if parent_id is None and status is None:  # how many units of each kind is known: a page reads its kinds only
        count = sum(per_kind.values())

        def read(start: int, stop: int) -> QuerySet:
            return kind_runs(units, ordered, per_kind, start, stop)

    else:
        if parent_id is not None:
            units = units.filter(parent_id=parent_id)
        if status is not None:
            units = units.filter(report_status=status)
        count = units.count()

        def read(start: int, stop: int) -> QuerySet:
            return kind_then_tree_order(units)[start:stop]

    def rows(start: int, stop: int) -> list[tuple[UnitInfo, str]]:
        return [
            (UnitInfo(*row[:-1]), row[-1]) for row in read(start, stop).values_list(*UNIT_INFO_FIELDS, "report_status")
        ]

    shown = Paginator(PagedRows(count, rows), PAGE_SIZE).get_page(page)
    report_status = dict((unit.id, found) for unit, found in shown.object_list)
    shown.object_list = [unit for unit, _ in shown.object_list]
    return shown, report_status


def matrix(
    programme: Programme,
    *,
    periods: list[Period],
    period: Period,
    approved_only: bool,
    kind: object = None,
    parent: object = None,
    status: object = None,
    sort: object = None,
    page: object = 1,
) -> Matrix:
    """Units (grouped by kind) × the targets reported in ``period``, 50 units a page. Filters and sort are
    what a user typed: anything not understood is ignored. The district's figures are summed by the
    database; only the units of the page are judged one by one. In the tree's order the database filters,
    sorts and cuts the page; a sort by name or by a target reads every unit (and that target's values).
    Queries: targets (2), district sums (3), kinds (1, from the kept counts), parents (2), units (1: the page;
    2 with a filter by parent or status: the count too; or every unit and the submissions), the sort's values (1, the register's 2), the page's values and register
    (3), the lowest category of each of the page's units for the targets with categories (1)."""
    expected_units = reporting_units_query(programme, [period.end])
    targets = [target for target in programme_targets(programme) if target.is_reported_in(period)]
    district = district_reports(programme, [period], targets, approved_only=approved_only)[period.id]
    kinds, per_kind = expected_kinds(programme, [period])
    parents = expected_parents(programme, period)

    kind_id, parent_id = chosen_id(kind, kinds), chosen_id(parent, parents)
    status = status if status in dict(REPORT_STATUS_CHOICES) else None
    sort = str(sort or "")
    by_code = {target.code: target for target in targets}
    sort_target = by_code.get(sort.removeprefix("-"))
    if sort.removeprefix("-") != NAME_SORT and sort_target is None:
        sort = ""
        chosen = (kinds, per_kind)
        shown_page, report_status = _tree_page(expected_units, period, chosen, kind_id, parent_id, status, page)
    else:  # a sort reads every unit
        expected = reporting_units(programme, on=period.end)
        statuses = dict(Submission.objects.filter(period=period).values_list("unit_id", "status"))
        report_status = {unit.id: statuses.get(unit.id, MISSING) for unit in expected}
        shown = [
            unit
            for unit in expected
            if (kind_id is None or unit.kind_id == kind_id)
            and (parent_id is None or unit.parent_id == parent_id)
            and (status is None or report_status[unit.id] == status)
        ]
        if sort_target is None:
            shown = sorted(shown, key=lambda unit: (unit.name.casefold(), unit.code), reverse=sort.startswith("-"))
            shown = ordered_by_kind(shown, kinds, None, False)
        else:
            if sort_target.is_typed:
                figures = figures_by_period([period], approved_only=approved_only, targets=[sort_target])
                figures = figures.get(period.id, {})
            else:
                register = register_figures_at(period, expected, register_of(programme, periods=[period]))
                register = register[sort_target.source]
                figures = {(unit_id, sort_target.id): figure for unit_id, figure in register.items()}
            shown = ordered_by_kind(shown, kinds, _sort_key(sort_target, figures, sort.startswith("-")), False)
        shown_page = units_page(shown, page)

    cells = unit_results(programme, period, shown_page.object_list, targets, approved_only=approved_only)
    page_ids = [unit.id for unit in shown_page.object_list]
    lowest = lowest_parts(period, page_ids, targets, approved_only=approved_only)

    def row(unit: UnitInfo, group: str) -> MatrixRow:
        found = [(target, cells.get((unit.id, target.id))) for target in targets]
        row_cells = [
            MatrixCell(
                target,
                applies=cell is not None,
                result=cell.result if cell and cell.has_figure else None,
                lowest=lowest.get((unit.id, target.id), ""),
            )
            for target, cell in found
        ]
        return MatrixRow(unit, report_status[unit.id], row_cells, group)

    return Matrix(
        programme=programme,
        periods=periods,
        period=period,
        approved_only=approved_only,
        columns=[MatrixColumn(target, result, sort_link(target.code, sort)) for target, result in district.rows],
        name_sort=sort_link(NAME_SORT, sort),
        kinds=kinds,
        parents=parents,
        chosen={"kind": kind_id, "parent": parent_id, "status": status, "sort": sort},
        page=grouped_page(shown_page, kinds, row),
    )
