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

from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models import Value as V

from programme.models import Period, Target, Unit
from programme.selectors import UnitInfo, applicable_kind_ids, exists_on, programme_counts
from reporting.models import UNITS_MISSING, UNITS_NOT_APPLICABLE, TargetTotals, Value

UNIT_FIELDS = ("id", "code", "name", "kind_id", "kind__name", "parent_id", "order")
RANK_ORDER = (F("value_high"), F("value_low"), F("submission__unit__tree_order"))  # by exact value, then tree order


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
    return Value.objects.counting(approved_only=approved_only).filter(period=period, target=target)


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
    and the units: those without a figure among the units directly under their areas, those it does not apply
    to from the index of the target's values at the period, where a 0 denominator has no exact order and comes
    last; none more when there are none."""
    areas = gap_areas(period, [target], approved_only=approved_only)
    if not any(areas.values()):
        return [], []
    figure = _counting(target, period, approved_only=approved_only).filter(submission__unit=OuterRef("pk"))
    missing = Unit.objects.filter(_expected(target, period), ~Exists(figure), parent__in=sorted(areas[MISSING]))
    not_applicable = counting_figures(target, period, approved_only=approved_only).filter(
        value_high__isnull=True, denominator=0
    )
    if not areas[NOT_APPLICABLE]:
        not_applicable = not_applicable.none()

    def rows(found: QuerySet, what: str, prefix: str = "") -> QuerySet:
        fields = [f"{prefix}{field}" for field in UNIT_FIELDS]
        marked = found.annotate(key=F(f"{prefix}tree_order"), what=V(what, output_field=CharField()))
        return marked.values_list(*fields, "key", "what").order_by()

    found = rows(missing, MISSING).union(rows(not_applicable, NOT_APPLICABLE, "submission__unit__"), all=True)
    width = len(UNIT_FIELDS)
    listed: dict[str, list[UnitInfo]] = {MISSING: [], NOT_APPLICABLE: []}
    for row in found.order_by("key"):
        listed[row[-1]].append(UnitInfo(*row[:width]))
    return listed[MISSING], listed[NOT_APPLICABLE]


def ranked_windows(figures: QuerySet[Value], windows: list[range], count: int) -> list[list[RankedUnit]]:
    """The units with a figure above 0 ranked by its exact value, lowest first, the units of one value in tree
    order, at the positions of each window (0 for the lowest; a window past the end is cut short). ``count`` is
    how many there are (the kept sums' units reporting). Each window is read from whichever end is nearer, so
    that the chart's two ends and the table's first and last pages cost the same whatever the number of units.
    Two queries per window that is not empty: the values up to its far end, from the index of the values in
    their exact order (``Value.value_high``, ``value_low``); then its units, in the order of that index and of
    the units' tree order or, when the window lies within one run of equal values (a hundred units at 100 %),
    the run's units alone in tree order, so that a long run is not read whole to find a window's worth."""
    ranked = figures.filter(denominator__gt=0)
    fields = (*(f"submission__unit__{field}" for field in UNIT_FIELDS), "numerator", "denominator")
    found: list[list[RankedUnit]] = []
    for window in windows:
        window = range(max(window.start, 0), min(window.stop, count))
        if not window:
            found.append([])
            continue
        from_top = count - window.stop < window.start  # nearer the highest: read down from there
        order = [field.desc() for field in RANK_ORDER] if from_top else [field.asc() for field in RANK_ORDER]
        start = count - window.stop if from_top else window.start
        stop = start + len(window)
        values = list(ranked.order_by(*order[:2]).values_list("value_high", "value_low")[:stop])
        if len(values) > start and values[start] == values[-1]:  # one run: its units from the start of the run
            run_start = values.index(values[-1])
            high, low = values[-1]
            rows = ranked.filter(value_high=high, value_low=low).order_by(order[2])
            rows = list(rows.values_list(*fields)[start - run_start : stop - run_start])
        else:
            rows = list(ranked.order_by(*order).values_list(*fields)[start:stop])
        if from_top:
            rows.reverse()
        ranks = range(window.start + 1, window.stop + 1)  # fewer rows only if a report changed since the count
        found.append([RankedUnit(UnitInfo(*row[:-2]), *row[-2:], rank) for rank, row in zip(ranks, rows, strict=False)])
    return found
