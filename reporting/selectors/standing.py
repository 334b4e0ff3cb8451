"""A target's units at a period, read only as far as a page shows them: the ranked units of a few windows (a page
of the table, the lowest and the highest of the chart), the units without a figure and those it does not apply
to. The database filters, ranks and counts; the units of one value, and the units without a figure, are put in
tree order by the kept ``Unit.tree_order`` key. The pairing of units and figures is
``reporting.selectors.compliance._paired``'s, in SQL: a unit
is expected when it lies under the programme's area, is of a reporting kind the target applies to and exists on
the period's end; its figure counts when its report for the period is counting and the figure is complete. The
units without a figure are looked for only under the areas whose kept sums (``TargetTotals``) count such units,
so a province where every unit has reported costs what a district does."""

from dataclasses import dataclass
from operator import itemgetter

from django.db.models import BooleanField, CharField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Window
from django.db.models import Value as V
from django.db.models.functions import Rank

from programme.models import Period, Target, Unit
from programme.selectors import UnitInfo, applicable_kind_ids, exists_on, programme_counts
from reporting.models import UNITS_MISSING, UNITS_NOT_APPLICABLE, Submission, TargetTotals, Value
from reporting.selectors.ranking import exact_value_order

UNIT_FIELDS = ("id", "code", "name", "kind_id", "kind__name", "parent_id", "order")
VALUE_ORDER = (F("value_high").asc(), F("value_low").asc())


@dataclass(frozen=True)
class RankedUnit:
    unit: UnitInfo
    numerator: int
    denominator: int
    rank: int  # 1 for the lowest value


def _expected(target: Target, period: Period, prefix: str = "") -> Q:
    """The units (``prefix`` leads to them) expected to report the target at the period."""
    return (
        programme_counts(target.programme, prefix)
        & Q(**{f"{prefix}kind__reports": True, f"{prefix}kind__in": applicable_kind_ids(target)})
        & exists_on(period.end, prefix)
    )


def _counting(target: Target, period: Period, *, approved_only: bool) -> QuerySet[Value]:
    return Value.objects.filter(
        submission__period=period,
        submission__status__in=Submission.counting_statuses(approved_only),
        target=target,
        numerator__isnull=False,
        denominator__isnull=False,
    )


def counting_figures(target: Target, period: Period, *, approved_only: bool) -> QuerySet[Value]:
    """The figures that count for the target at the period, of the units expected to report it."""
    return _counting(target, period, approved_only=approved_only).filter(
        _expected(target, period, "submission__unit__")
    )


MISSING, NOT_APPLICABLE, ABOVE = "missing", "not applicable", "above"
GAPS = {MISSING: UNITS_MISSING, NOT_APPLICABLE: UNITS_NOT_APPLICABLE}


def gap_areas(period: Period, targets: list[Target], *, approved_only: bool) -> dict[str, set[int]]:
    """``MISSING`` and ``NOT_APPLICABLE`` → the areas whose kept sums, for one of the targets at the period, count
    such units under them. A unit without a figure has its parent among the first, as the parent's sums count
    it; an area whose units have all reported is not read further. One query on the kept rows."""
    flags = {f"gap_{n}": ExpressionWrapper(gap, output_field=BooleanField()) for n, gap in enumerate(GAPS.values())}
    rows = TargetTotals.objects.filter(
        GAPS[MISSING] | GAPS[NOT_APPLICABLE],
        period=period,
        target__in=[target.id for target in targets],
        approved_only=approved_only,
    )
    found: dict[str, set[int]] = {what: set() for what in GAPS}
    for area_id, *gaps in rows.annotate(**flags).values_list("area_id", *flags).order_by():
        for what, gap in zip(GAPS, gaps, strict=True):
            if gap:
                found[what].add(area_id)
    return found


def units_without_value(
    target: Target, period: Period, *, approved_only: bool
) -> tuple[list[UnitInfo], list[UnitInfo]]:
    """The units expected to report the target at the period without a figure that counts, and those whose
    figure has a denominator of 0 (the target does not apply to them), each in tree order (the kept
    ``tree_order`` key). Two queries, whatever the number of units: the areas with such units (``gap_areas``),
    and the units directly under them; none more when there are none."""
    figure = _counting(target, period, approved_only=approved_only).filter(submission__unit=OuterRef("pk"))
    expected = Unit.objects.filter(_expected(target, period))
    areas = gap_areas(period, [target], approved_only=approved_only)
    if not any(areas.values()):
        return [], []

    def under_gaps(what: str) -> QuerySet[Unit]:
        return expected.filter(parent__in=sorted(areas[what]))

    def rows(units: QuerySet[Unit], what: str) -> QuerySet:
        fields = (*UNIT_FIELDS, "tree_order")
        return units.annotate(what=V(what, output_field=CharField())).values_list(*fields, "what").order_by()

    found = rows(under_gaps(MISSING).filter(~Exists(figure)), MISSING).union(
        rows(under_gaps(NOT_APPLICABLE).filter(Exists(figure.filter(denominator=0))), NOT_APPLICABLE), all=True
    )
    width = len(UNIT_FIELDS)
    listed: dict[str, list[UnitInfo]] = {MISSING: [], NOT_APPLICABLE: []}
    for row in found.order_by("tree_order"):
        listed[row[-1]].append(UnitInfo(*row[:width]))
    return listed[MISSING], listed[NOT_APPLICABLE]


def ranked_windows(figures: QuerySet[Value], windows: list[range]) -> list[list[RankedUnit]]:
    """The units with a figure above 0 ranked by its exact value, lowest first, the units of one value in tree
    order, at the positions of each window (0 for the lowest; a window past the end is cut short). Two queries
    whatever the windows (none when they are all empty): the values of the runs of equal value that reach into
    a window, ranked by the database, with their units' tree-order keys; the shown units. A run that reaches
    into a window is read whole (its ids and keys), as its tree order decides which of its units fall in it."""
    asked, windows = windows, [window for window in windows if len(window)]
    if not windows:
        return [[] for _ in asked]
    ranked = (
        figures.filter(denominator__gt=0)
        .annotate(**exact_value_order())
        .annotate(
            first=Window(Rank(), order_by=VALUE_ORDER),  # 1-based position of the run's first unit
            size=Window(Count("pk"), partition_by=[F("value_high"), F("value_low")]),
        )
    )
    reaches = Q()
    for window in windows:  # the run holds positions first - 1 … first + size - 2 (from 0)
        reaches |= Q(first__lte=window.stop) & Q(last__gt=window.start)
    runs = list(
        ranked.annotate(last=F("first") + F("size") - 1)
        .filter(reaches)
        .values_list("first", "submission__unit__tree_order", "numerator", "denominator", "submission__unit_id")
        .order_by()
    )
    runs.sort(key=itemgetter(0, 1))  # by value, then the units of one value in tree order
    at: dict[int, tuple] = {}  # position (from 0) → the row there
    previous, offset = None, 0
    for row in runs:
        offset = offset + 1 if row[0] == previous else 0
        previous = row[0]
        at[row[0] - 1 + offset] = row
    shown = {position for window in windows for position in window if position in at}
    ids = {at[position][4] for position in shown}
    units = {row[0]: UnitInfo(*row) for row in Unit.objects.filter(pk__in=ids).values_list(*UNIT_FIELDS).order_by()}

    def ranked_unit(position: int) -> RankedUnit:
        _, _, numerator, denominator, unit_id = at[position]
        return RankedUnit(units[unit_id], numerator, denominator, position + 1)

    return [[ranked_unit(position) for position in window if position in at] for window in asked]
