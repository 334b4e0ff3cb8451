"""The target page's ranking, made by the database, is the exact order of ``programme.compliance`` on awkward
figures: ties, equal values of different sizes, floats that cannot tell two values apart, 0 denominators and
units without a figure."""

import random

import pytest

from programme import compliance
from programme.models import Unit
from programme.selectors import reporting_units
from reporting.selectors.drilldown import target_dashboard
from reporting.selectors.standing import counting_figures, ranked_windows
from reporting.services import Figures, submission_import
from tests.factories import make_district

BIG = 2_147_483_647  # the largest count
AWKWARD = [
    (1, 3),
    (2, 6),  # the same value as 1/3, of another size
    (0, 5),
    (0, 1),
    (5, 5),
    (7, 7),
    (0, 0),  # not applicable
    None,  # no figure
    (BIG - 1, BIG),
    (BIG - 2, BIG - 1),  # one float with the one above, a smaller value
    (BIG - 1, BIG),
    (1, 2),
    (3, 6),
    (1_000_000, 2_000_000),
    (2, 3),
    (BIG // 3, BIG),
    (1, 3),
    None,
    (0, 0),
]


@pytest.fixture
def district(db):
    """A district of communes, a few of them with units of their own (so that the units' order is the tree's,
    neither their codes' nor their ids'), each reporting one of the awkward figures."""
    programme, periods, targets = make_district(len(AWKWARD) - 3, targets=1)
    communes = list(Unit.objects.filter(parent=programme.area).order_by("order"))
    for index, unit in enumerate(reversed(communes)):  # the ids' order is not the units'
        unit.order = index * 2
        unit.save(update_fields=["order"])
    communes[0].refresh_from_db()
    for order in (0, 1, 2):
        Unit.objects.create(code=f"SUB-{order}", name=f"Đơn vị con {order}", kind=communes[0].kind, parent=communes[0])
    return programme, periods[-1], targets[0]


def report(units, period, target, figures):
    # Last unit first, so that the order the values are stored in is not the units' order.
    for unit, figure in reversed(list(zip(units, figures, strict=True))):
        if figure is not None:
            submission_import(unit=unit, period=period, figures={target: Figures(*figure)}, actor_label="test")


def expected_ranking(programme, period, figures_by_unit) -> list[int]:
    """The ranking as ``programme.compliance`` makes it: exact values, ties in the units' order."""
    rows = [
        (unit.id, *figures_by_unit[unit.id])
        for unit in reporting_units(programme, on=period.end)
        if figures_by_unit.get(unit.id) and figures_by_unit[unit.id][1]
    ]
    return [unit_id for unit_id, *_ in compliance.sorted_exactly(rows, lambda row: (row[1], row[2]))]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_database_ranks_the_units_as_the_exact_rule_does(district, seed):
    programme, period, target = district
    units = [Unit.objects.get(pk=info.id) for info in reporting_units(programme, on=period.end)]
    figures = AWKWARD[:]
    random.Random(seed).shuffle(figures)
    report(units, period, target, figures)
    by_unit = {unit.id: figure for unit, figure in zip(units, figures, strict=True)}

    expected = expected_ranking(programme, period, by_unit)
    figures_counting = counting_figures(target, period, approved_only=False)
    # Every window, wherever it starts and ends (in a run of equal values or between two), holds those units.
    windows = [range(start, stop) for start in range(len(expected) + 1) for stop in range(start, len(expected) + 2)]
    for window, rows in zip(windows, ranked_windows(figures_counting, windows, len(expected)), strict=True):
        assert [(row.unit.id, row.rank) for row in rows] == [
            (unit_id, rank) for rank, unit_id in enumerate(expected, start=1) if window.start < rank <= window.stop
        ], window

    board = target_dashboard(target, periods=[period], period=period, approved_only=False)
    assert [row.unit.id for row in board.page] == expected
    assert {unit.id for unit in board.not_applicable} == {u for u, f in by_unit.items() if f == (0, 0)}
    assert {unit.id for unit in board.missing} == {u for u, f in by_unit.items() if f is None}


def test_the_ranking_tells_apart_values_one_float_cannot(district):
    programme, period, target = district
    assert (BIG - 1) / BIG == (BIG - 2) / (BIG - 1)  # why the database does not divide in floats
    units = [Unit.objects.get(pk=info.id) for info in reporting_units(programme, on=period.end)][:3]
    report(units, period, target, [(BIG - 1, BIG), (BIG - 2, BIG - 1), (BIG - 1, BIG)])
    [rows] = ranked_windows(counting_figures(target, period, approved_only=False), [range(3)], 3)
    assert [row.unit.id for row in rows] == [units[1].id, units[0].id, units[2].id]
