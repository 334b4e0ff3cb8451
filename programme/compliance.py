"""The compliance arithmetic, in plain Python with exact numbers and no database.

A district figure is never an average of unit percentages: it is 100 × Σ numerators ÷ Σ denominators over
the units that reported. A target is met when ``100·Σnum`` compares with ``threshold·Σden`` by the target's
operator, in exact arithmetic, so that 90.0% fails "trên 90%" and 9 999/10 000 is not 100%.
"""

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from programme.formatting import named_units, vn_number

AT_LEAST = ">="
ABOVE = ">"
OPERATORS = (AT_LEAST, ABOVE)
T = TypeVar("T")


class Judged(StrEnum):
    STATE = "state"
    CUMULATIVE = "cumulative"
    ANNUAL = "annual"


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    IN_PROGRESS = "in_progress"
    NO_DATA = "no_data"


STATUS_LABELS = {
    Status.MET: "Đạt",
    Status.NOT_MET: "Chưa đạt",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.NO_DATA: "Chưa có số liệu",
}


@dataclass(frozen=True)
class Rule:
    """What a target asks for."""

    code: str
    operator: str
    threshold: Decimal
    judged: Judged

    def __post_init__(self):
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown operator {self.operator!r}")
        if not Decimal(0) <= self.threshold <= Decimal(100):
            raise ValueError(f"threshold {self.threshold} is not a percentage")


@dataclass(frozen=True)
class Figure:
    """One unit's value for one target."""

    unit: str
    numerator: int
    denominator: int

    def __post_init__(self):
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"{self.unit}: numerator {self.numerator} outside 0..{self.denominator}")


@dataclass(slots=True)  # not frozen: a download makes a hundred thousand, and frozen ones cost 4× to make
class TargetResult:
    code: str
    operator: str
    threshold: Decimal
    numerator: int
    denominator: int
    percent: Decimal | None
    status: Status
    units_reporting: int
    units_expected: int
    units_meeting: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def complete(self) -> bool:
        """Whether every unit expected to report the target has (a unit it does not apply to has too)."""
        return self.units_reporting >= self.units_expected


def verdict(result: TargetResult, *, final: bool, missing: Sequence[str] = ()) -> str:
    """The verdict as pages and documents print it. While units are missing it says how many have reported,
    "Đạt (14/17 đơn vị đã báo cáo)": before the due date the verdict is provisional; once it has passed
    (``final``) the missing units are named too (``verdict_detail``). ``status`` itself is left as it is:
    tools read it."""
    detail = verdict_detail(result, final=final, missing=missing)
    return f"{result.status_label} ({detail})" if detail else result.status_label


def verdict_detail(result: TargetResult, *, final: bool, missing: Sequence[str] = ()) -> str:
    """What a verdict adds to the status while units are missing (empty when none is): how many have
    reported, and once the due date has passed (``final``) the missing units, the first few of ``missing``
    (their names in tree order) named and the others counted (``named_units``)."""
    if result.complete:
        return ""
    told = f"{vn_number(result.units_reporting)}/{vn_number(result.units_expected)} đơn vị đã báo cáo"
    if not final:
        return told
    listed = named_units(list(missing), result.units_expected - result.units_reporting)
    return f"{told}; chưa báo cáo: {listed}"


def meets(numerator: int, denominator: int, operator: str, threshold: Decimal) -> bool:
    """Whether numerator/denominator, as a percentage, satisfies ``operator threshold``, exactly. The one rule:
    the form's script (``dvMeets`` in ``static/js/percent.js``) and the database's count of the units meeting a
    target (``reporting.selectors.compliance``) are held to it by ``tests/vectors/percent.json``."""
    if denominator <= 0:
        return False
    left, right = 100 * numerator, threshold * denominator
    return left >= right if operator == AT_LEAST else left > right


def display_percent(numerator: int, denominator: int, operator: str, threshold: Decimal) -> Decimal | None:
    """The percentage to two decimals, rounded half up, but never 100.00 short of everyone and never on the
    wrong side of the threshold: 99 999/100 000 shows 99.99, not a "100.00" that is not met (or, against a
    lower threshold, that reads as everyone). Where the two collide, against "> 99.99", the threshold wins:
    99 999/100 000 meets it and shows 100.00, as no figure to two decimals above 99.99 is below 100. Counted in
    whole hundredths of a percent, exactly (a download judges a hundred thousand figures). Every page, export
    and document shows this figure through ``programme.formatting.vn_percent``; ``static/js/percent.js`` is
    its port for the report form, held to it by ``tests/vectors/percent.json``."""
    if denominator <= 0:
        return None
    return _shown(numerator, denominator, operator, threshold, meets(numerator, denominator, operator, threshold))


def _shown(numerator: int, denominator: int, operator: str, threshold: Decimal, met: bool) -> Decimal:
    return Decimal(shown_hundredths(numerator, denominator, operator, threshold, met)).scaleb(-2)


def shown_hundredths(numerator: int, denominator: int, operator: str, threshold: Decimal, met: bool) -> int:
    """``display_percent`` in whole hundredths of a percent, for a positive denominator and ``met`` as
    ``meets`` says."""
    hundredths, rest = divmod(10_000 * numerator, denominator)
    shown = hundredths + (2 * rest >= denominator)
    if shown == 10_000 and numerator < denominator:  # short of everyone never reads 100%
        shown = 9_999
    bar = _hundredths(threshold)
    if (shown >= bar if operator == AT_LEAST else shown > bar) != met:
        shown = hundredths + (rest > 0) if met else hundredths
    return shown


@functools.cache
def _hundredths(threshold: Decimal) -> int | Decimal:
    """The threshold in hundredths of a percent: an integer, so that comparing with one is cheap, unless the
    threshold has more than two decimals."""
    bar = threshold * 100
    return int(bar) if bar == bar.to_integral_value() else bar


def exact_key(numerator: int, denominator: int) -> tuple[float, Fraction]:
    """A sort key by the exact value of numerator/denominator that compares floats first: rounding keeps
    their order (x < y gives float(x) ≤ float(y)), so the slow exact fractions decide only where floats tie."""
    return numerator / denominator, Fraction(numerator, denominator)


def sorted_exactly(items: Iterable[T], fraction: Callable[[T], tuple[int, int]]) -> list[T]:
    """``items`` in the order of the exact value of ``fraction(item)`` (numerator, positive denominator); items
    of equal value keep their order. The same order as sorting by ``exact_key``, but an exact fraction is made
    only where two different values share a float, which a ranking of a province's units otherwise pays for
    every unit."""
    keyed = sorted(((n / d, n, d, item) for item in items for n, d in [fraction(item)]), key=lambda row: row[0])
    ordered: list[T] = []
    start = 0
    while start < len(keyed):
        end = start + 1
        while end < len(keyed) and keyed[end][0] == keyed[start][0]:
            end += 1
        run = keyed[start:end]
        _, n0, d0, _ = run[0]
        if any(n * d0 != n0 * d for _, n, d, _ in run):  # a float tie between different values
            run.sort(key=lambda row: Fraction(row[1], row[2]))
        ordered += [row[3] for row in run]
        start = end
    return ordered


def status_for(rule: Rule, numerator: int, denominator: int, *, annual_period: bool) -> Status:
    met = meets(numerator, denominator, rule.operator, rule.threshold)
    return _status(rule, denominator, met, annual_period=annual_period)


def _status(rule: Rule, denominator: int, met: bool, *, annual_period: bool) -> Status:
    if denominator <= 0:
        return Status.NO_DATA
    if met:
        return Status.MET
    if rule.judged == Judged.CUMULATIVE and not annual_period:
        return Status.IN_PROGRESS
    return Status.NOT_MET


def is_reported_in(rule: Rule, *, annual_period: bool) -> bool:
    """Annual ratings (MT4c, MT8) appear in the annual report only."""
    return rule.judged != Judged.ANNUAL or annual_period


@dataclass(frozen=True)
class Totals:
    """What the district result of a target is made of, however it was summed: over figures in Python, or by
    the database. ``units_expected`` still counts the units that said "not applicable" (denominator 0)."""

    numerator: int = 0
    denominator: int = 0
    units_reporting: int = 0
    units_meeting: int = 0
    units_not_applicable: int = 0
    units_expected: int = 0


def result_from_totals(rule: Rule, totals: Totals, *, annual_period: bool) -> TargetResult:
    return _result(
        rule,
        totals.numerator,
        totals.denominator,
        reporting=totals.units_reporting,
        meeting=totals.units_meeting,
        expected=totals.units_expected - totals.units_not_applicable,
        annual_period=annual_period,
    )


def _result(
    rule: Rule, numerator: int, denominator: int, *, reporting: int, meeting: int, expected: int, annual_period: bool
) -> TargetResult:
    met = meets(numerator, denominator, rule.operator, rule.threshold)
    return TargetResult(
        code=rule.code,
        operator=rule.operator,
        threshold=rule.threshold,
        numerator=numerator,
        denominator=denominator,
        percent=_shown(numerator, denominator, rule.operator, rule.threshold, met) if denominator > 0 else None,
        status=_status(rule, denominator, met, annual_period=annual_period),
        units_reporting=reporting,
        units_expected=expected,
        units_meeting=meeting,
    )


def evaluate(
    rule: Rule, figures: Iterable[Figure], *, expected_units: Iterable[str], annual_period: bool
) -> TargetResult:
    """The district result of one target over the figures of the units that reported.

    A unit with a denominator of 0 has said the target does not apply to it: it leaves the sums, the units
    reporting and the units expected. Figures from units that are not expected are ignored.
    """
    expected = set(expected_units)
    numerator = denominator = reporting = meeting = not_applicable = 0
    seen: set[str] = set()
    for figure in figures:
        if figure.unit not in expected or figure.unit in seen:
            continue
        seen.add(figure.unit)
        if figure.denominator == 0:
            not_applicable += 1
            continue
        numerator += figure.numerator
        denominator += figure.denominator
        reporting += 1
        meeting += meets(figure.numerator, figure.denominator, rule.operator, rule.threshold)
    totals = Totals(numerator, denominator, reporting, meeting, not_applicable, len(expected))
    return result_from_totals(rule, totals, annual_period=annual_period)


def unit_result(rule: Rule, figure: Figure, *, annual_period: bool) -> TargetResult:
    """One unit's own result for a target, shaped like a district result over that unit alone: what
    ``evaluate`` gives for the one figure, without its bookkeeping."""
    hundredths, status, met = unit_judgement(rule, figure.numerator, figure.denominator, annual_period=annual_period)
    applies = int(figure.denominator > 0)
    return TargetResult(
        code=rule.code,
        operator=rule.operator,
        threshold=rule.threshold,
        numerator=figure.numerator,
        denominator=figure.denominator,
        percent=None if hundredths is None else Decimal(hundredths).scaleb(-2),
        status=status,
        units_reporting=applies,
        units_expected=applies,
        units_meeting=int(met),
    )


def unit_judgement(
    rule: Rule, numerator: int, denominator: int, *, annual_period: bool
) -> tuple[int | None, Status, bool]:
    """What ``unit_result`` is made of: the percentage shown, in hundredths (None when the target does not
    apply to the unit, denominator 0), the status and whether the target is met. Makes no object, so that a
    download can judge every unit of a province row by row."""
    if denominator <= 0:
        return None, Status.NO_DATA, False
    met = meets(numerator, denominator, rule.operator, rule.threshold)
    shown = shown_hundredths(numerator, denominator, rule.operator, rule.threshold, met)
    return shown, _status(rule, denominator, met, annual_period=annual_period), met
