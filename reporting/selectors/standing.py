"""A target's units at a period, read only as far as a page shows them: the ranked units of a few windows (a page
of the table, the lowest and the highest of the chart), the units without a figure and those it does not apply
to. The database filters, ranks and counts; Python only arranges in tree order the units it was given (the
runs of equal value that reach into a window, the units without a figure). The pairing of units and figures is ``reporting.selectors.compliance._paired``'s, in SQL: a unit
is expected when it lies under the programme's area, is of a reporting kind the target applies to and exists on
the period's end; its figure counts when its report for the period is counting and the figure is complete."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models import Value as V
from django.db.models.functions import Rank, RowNumber

from programme import tree
from programme.models import Period, Target, Unit
from programme.selectors import UnitInfo, applicable_kind_ids, area_path, exists_on
from reporting.models import Submission, Value
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
        tree.under(area_path(target.programme), prefix)
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


def units_without_value(
    target: Target, period: Period, *, approved_only: bool
) -> tuple[list[UnitInfo], list[UnitInfo]]:
    """The units expected to report the target at the period without a figure that counts, and those whose
    figure has a denominator of 0 (the target does not apply to them), each in tree order. One query: those
    units and every unit under the area that has units of its own, in the siblings' order, arranged by their
    parents as ``programme.selectors.reporting_units`` arranges every unit."""
    figure = _counting(target, period, approved_only=approved_only).filter(submission__unit=OuterRef("pk"))
    expected = Unit.objects.filter(_expected(target, period))
    has_units = Exists(Unit.objects.filter(parent=OuterRef("pk")))
    above = Unit.objects.filter(tree.under(area_path(target.programme)), has_units)

    def rows(units: QuerySet[Unit], what: str) -> QuerySet:
        return units.annotate(what=V(what, output_field=CharField())).values_list(*UNIT_FIELDS, "what").order_by()

    found = rows(expected.filter(~Exists(figure)), MISSING).union(
        rows(expected.filter(Exists(figure.filter(denominator=0))), NOT_APPLICABLE),
        rows(above, ABOVE),
        all=True,
    )
    what: dict[int, set[str]] = defaultdict(set)
    units: dict[int, tuple] = {}
    for row in found.order_by("order", "code"):
        what[row[0]].add(row[-1])
        units.setdefault(row[0], row[:-1])
    ordered = tree.in_tree_order(units.values(), itemgetter(0), itemgetter(5), target.programme.area_id)
    return (
        [UnitInfo(*row) for row in ordered if MISSING in what[row[0]]],
        [UnitInfo(*row) for row in ordered if NOT_APPLICABLE in what[row[0]]],
    )


def tree_order(paths: Iterable[str]) -> Callable[[str], tuple[int, ...]]:
    """A sort key that puts the units of these paths in tree order (each unit after its parent, siblings by
    order, then code, as the database sorts them), read for those units and their ancestors only. One query
    (none without paths)."""
    ids = {unit_id for path in paths for unit_id in tree.ids_of(path)}
    # Numbered among the siblings read here only: two units are ordered by their ancestors where their paths
    # part, and those two are both read.
    place = dict(
        Unit.objects.filter(pk__in=ids)
        .annotate(place=Window(RowNumber(), partition_by=F("parent_id"), order_by=(F("order").asc(), F("code").asc())))
        .values_list("id", "place")
        .order_by()
    )
    return lambda path: tuple(place[unit_id] for unit_id in tree.ids_of(path))


def ranked_windows(figures: QuerySet[Value], windows: list[range]) -> list[list[RankedUnit]]:
    """The units with a figure above 0 ranked by its exact value, lowest first, the units of one value in tree
    order, at the positions of each window (0 for the lowest; a window past the end is cut short). Three queries
    whatever the windows (none when they are all empty): the values of the runs of equal value that reach into
    a window, ranked by the database; those units' places in the tree; the shown units. A run that reaches into
    a window is read whole (its ids and paths), as its tree order decides which of its units fall in it."""
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
        .values_list("first", "submission__unit__path", "numerator", "denominator")
        .order_by()
    )
    key = tree_order(path for first, path, *_ in runs)
    runs.sort(key=lambda row: (row[0], key(row[1])))
    at: dict[int, tuple] = {}  # position (from 0) → the row there
    previous, offset = None, 0
    for row in runs:
        offset = offset + 1 if row[0] == previous else 0
        previous = row[0]
        at[row[0] - 1 + offset] = row
    shown = {position for window in windows for position in window if position in at}
    ids = {tree.ids_of(at[position][1])[-1] for position in shown}
    units = {row[0]: UnitInfo(*row) for row in Unit.objects.filter(pk__in=ids).values_list(*UNIT_FIELDS).order_by()}

    def ranked_unit(position: int) -> RankedUnit:
        _, path, numerator, denominator = at[position]
        return RankedUnit(units[tree.ids_of(path)[-1]], numerator, denominator, position + 1)

    return [[ranked_unit(position) for position in window if position in at] for window in asked]
