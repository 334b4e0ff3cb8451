"""A target's units at a period, read only as far as a page shows them: the ranked units of a few windows (a page
of the table, the lowest and the highest of the chart), the units without a figure and those it does not apply
to. The database filters, ranks and counts; Python only puts the units of one value in tree order, for the rows
it was given. The pairing of units and figures is ``reporting.selectors.compliance._paired``'s, in SQL: a unit
is expected when it lies under the programme's area, is of a reporting kind the target applies to and exists on
the period's end; its figure counts when its report for the period is counting and the figure is complete."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
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


def _unit_rows(rows: QuerySet, prefix: str = "") -> QuerySet:
    return rows.values_list(*(f"{prefix}{name}" for name in (*UNIT_FIELDS, "path")))


def missing_units(target: Target, period: Period, *, approved_only: bool) -> list[tuple]:
    """The units expected to report the target at the period without a figure that counts: ``UNIT_FIELDS``
    and the path. One query."""
    figure = _counting(target, period, approved_only=approved_only).filter(submission__unit=OuterRef("pk"))
    return list(_unit_rows(Unit.objects.filter(_expected(target, period)).filter(~Exists(figure))).order_by())


def not_applicable_units(figures: QuerySet[Value]) -> list[tuple]:
    """The units whose figure has a denominator of 0 (the target does not apply to them). One query."""
    return list(_unit_rows(figures.filter(denominator=0), "submission__unit__").order_by())


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


def in_tree_order(rows: list[tuple]) -> list[UnitInfo]:
    """Rows of ``UNIT_FIELDS`` and the path, as units in tree order."""
    key = tree_order(row[-1] for row in rows)
    return [UnitInfo(*row[:-1]) for row in sorted(rows, key=lambda row: key(row[-1]))]


def ranked_windows(figures: QuerySet[Value], windows: list[range]) -> list[list[RankedUnit]]:
    """The units with a figure above 0 ranked by its exact value, lowest first, the units of one value in tree
    order, at the positions of each window (0 for the lowest; a window past the end is cut short). Three queries
    whatever the windows (none when they are all empty): the values at the windows' ends, the units of the
    values between them, and those units' places in the tree. Only the units of a value that reaches into a
    window are read, all of them, as their tree order decides which of them fall in it."""
    ranked = figures.filter(denominator__gt=0).annotate(**exact_value_order())
    asked, windows = windows, [window for window in windows if len(window)]
    if not windows:
        return [[] for _ in asked]
    ends = {position for window in windows for position in (window.start + 1, window.stop)}  # 1-based
    at = {
        position: ((high, low), rank - 1)  # the value there, how many units have a lower one
        for position, high, low, rank in ranked.annotate(
            position=Window(RowNumber(), order_by=VALUE_ORDER), rank=Window(Rank(), order_by=VALUE_ORDER)
        )
        .filter(position__in=ends)
        .values_list("position", "value_high", "value_low", "rank")
    }
    spans = []  # (lowest value, how many below it, highest value) of each window that is not past the end
    for window in windows:
        last = max((position for position in at if window.start < position <= window.stop), default=None)
        if last is not None and window.start + 1 in at:
            spans.append((window, *at[window.start + 1], at[last][0]))
    if not spans:
        return [[] for _ in asked]

    def between(low: tuple[int, int], high: tuple[int, int]) -> Q:
        return (Q(value_high__gt=low[0]) | Q(value_high=low[0], value_low__gte=low[1])) & (
            Q(value_high__lt=high[0]) | Q(value_high=high[0], value_low__lte=high[1])
        )

    span_filter = Q()
    for _, low, _, high in spans:
        span_filter |= between(low, high)
    fields = [f"submission__unit__{name}" for name in (*UNIT_FIELDS, "path")]
    rows = list(
        ranked.filter(span_filter)
        .values_list("value_high", "value_low", "numerator", "denominator", *fields)
        .order_by()
    )
    key = tree_order(row[-1] for row in rows)
    rows.sort(key=lambda row: (row[0], row[1], key(row[-1])))
    found: dict[range, list[RankedUnit]] = {}
    for window, low, below, high in spans:
        run = [row for row in rows if low <= (row[0], row[1]) <= high]
        found[window] = [
            RankedUnit(UnitInfo(*row[4:-1]), row[2], row[3], rank)
            for rank, row in enumerate(run, start=below + 1)
            if window.start < rank <= window.stop
        ]
    return [found.get(window, []) for window in asked]
