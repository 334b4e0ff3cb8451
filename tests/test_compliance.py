"""The compliance arithmetic, without the database, with exact numbers and property-based tests."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programme.compliance import (
    ABOVE,
    AT_LEAST,
    Figure,
    Judged,
    Rule,
    Status,
    display_percent,
    evaluate,
    is_reported_in,
    meets,
    sorted_exactly,
    status_for,
    unit_result,
)

thresholds = st.decimals(min_value=0, max_value=100, places=2)
operators = st.sampled_from([AT_LEAST, ABOVE])


@st.composite
def figures(draw, max_units=30):
    n = draw(st.integers(min_value=0, max_value=max_units))
    result = []
    for i in range(n):
        den = draw(st.integers(min_value=0, max_value=10**7))
        num = draw(st.integers(min_value=0, max_value=den))
        result.append(Figure(f"U{i}", num, den))
    return result


def exact_meets(num, den, operator, threshold):
    value = Fraction(100 * num, den)
    return value >= Fraction(threshold) if operator == AT_LEAST else value > Fraction(threshold)


@given(figures(), operators, thresholds)
def test_district_value_is_sum_of_numerators_over_sum_of_denominators(figs, operator, threshold):
    rule = Rule("MT", operator, threshold, Judged.STATE)
    result = evaluate(rule, figs, expected_units=[f.unit for f in figs], annual_period=False)
    counted = [f for f in figs if f.denominator > 0]
    assert result.numerator == sum(f.numerator for f in counted)
    assert result.denominator == sum(f.denominator for f in counted)
    assert result.units_reporting == len(counted)
    assert result.units_expected == len(counted)
    assert result.units_meeting == sum(exact_meets(f.numerator, f.denominator, operator, threshold) for f in counted)
    if result.denominator:
        assert (result.status == Status.MET) == exact_meets(result.numerator, result.denominator, operator, threshold)
    else:
        assert result.status == Status.NO_DATA and result.percent is None


@given(figures(max_units=8))
def test_district_value_is_not_the_average_of_unit_percentages(figs):
    rule = Rule("MT", AT_LEAST, Decimal(50), Judged.STATE)
    result = evaluate(rule, figs, expected_units=[f.unit for f in figs], annual_period=False)
    if result.denominator:
        exact = Fraction(100 * result.numerator, result.denominator)
        assert abs(Fraction(result.percent) - exact) <= Fraction(1, 100)


def test_average_of_percentages_would_differ():
    # 1/1 (100%) and 0/99 (0%): the average is 50%, the district value is 1%.
    rule = Rule("MT", AT_LEAST, Decimal(50), Judged.STATE)
    result = evaluate(rule, [Figure("A", 1, 1), Figure("B", 0, 99)], expected_units=["A", "B"], annual_period=False)
    assert result.percent == Decimal("1.00")
    assert result.status == Status.NOT_MET
    assert result.units_meeting == 1


@pytest.mark.parametrize(
    ("num", "den", "operator", "threshold", "expected"),
    [
        (900, 1000, ABOVE, "90", False),  # 90.0% does not meet "trên 90%"
        (901, 1000, ABOVE, "90", True),
        (900, 1000, AT_LEAST, "90", True),
        (9_999, 10_000, AT_LEAST, "100", False),  # the rounding trap: 99.99% is not 100%
        (10_000, 10_000, AT_LEAST, "100", True),
        (7, 10, ABOVE, "70", False),
        (19, 20, ABOVE, "95", False),  # 95.0% is not "trên 95%"
        (0, 5, AT_LEAST, "0", True),
        (0, 5, ABOVE, "0", False),
    ],
)
def test_threshold_boundaries(num, den, operator, threshold, expected):
    assert meets(num, den, operator, Decimal(threshold)) is expected


@given(st.integers(min_value=1, max_value=10**9))
def test_one_short_of_everyone_is_never_100_percent(den):
    assert not meets(den - 1, den, AT_LEAST, Decimal(100))
    assert meets(den, den, AT_LEAST, Decimal(100))


@given(st.integers(min_value=1, max_value=10**9), st.data())
def test_displayed_percent_never_contradicts_the_status(den, data):
    num = data.draw(st.integers(min_value=0, max_value=den))
    operator, threshold = data.draw(operators), data.draw(thresholds)
    shown = display_percent(num, den, operator, threshold)
    exact = Fraction(100 * num, den)
    assert abs(Fraction(shown) - exact) < Fraction(1, 100)
    met = exact_meets(num, den, operator, threshold)
    assert (shown >= threshold if operator == AT_LEAST else shown > threshold) == met


def reference_percent(num, den, operator, threshold):
    """The rule in exact fractions: half up to the hundredth but below 100 short of everyone, else towards the
    side the status is on."""
    exact = Fraction(100 * num, den)
    hundredths = exact * 100
    half_up = int(hundredths + Fraction(1, 2))  # floor(x + 1/2): half up for x ≥ 0
    if num < den:
        half_up = min(half_up, 9_999)
    met = exact_meets(num, den, operator, threshold)
    shown = Fraction(half_up, 100)
    if (shown >= Fraction(threshold) if operator == AT_LEAST else shown > Fraction(threshold)) != met:
        whole = hundredths.numerator // hundredths.denominator
        half_up = whole + (hundredths != whole) if met else whole
    return Decimal(half_up).scaleb(-2)


@given(st.integers(min_value=1, max_value=2**31), st.data())
def test_displayed_percent_is_the_exact_rule_to_the_hundredth(den, data):
    num = data.draw(st.integers(min_value=0, max_value=den))
    operator, threshold = data.draw(operators), data.draw(thresholds)
    shown = display_percent(num, den, operator, threshold)
    assert shown == reference_percent(num, den, operator, threshold)
    assert shown.as_tuple().exponent == -2


@given(st.integers(min_value=0, max_value=10**7), st.data(), operators, thresholds, st.booleans())
def test_one_units_result_is_the_district_result_of_that_unit_alone(den, data, operator, threshold, annual):
    figure = Figure("U", data.draw(st.integers(min_value=0, max_value=den)), den)
    rule = Rule("MT", operator, threshold, data.draw(st.sampled_from(list(Judged))))
    alone = evaluate(rule, [figure], expected_units=["U"], annual_period=annual)
    assert unit_result(rule, figure, annual_period=annual) == alone


def test_display_rounds_half_up_away_from_the_threshold():
    assert display_percent(2, 3, AT_LEAST, Decimal(100)) == Decimal("66.67")
    assert display_percent(99_999, 100_000, AT_LEAST, Decimal(100)) == Decimal("99.99")
    assert display_percent(900_001, 1_000_000, ABOVE, Decimal(90)) == Decimal("90.01")
    assert display_percent(0, 0, AT_LEAST, Decimal(100)) is None


@pytest.mark.parametrize(
    ("judged", "annual", "num", "expected"),
    [
        (Judged.CUMULATIVE, False, 5, Status.IN_PROGRESS),  # interim, below threshold: progress, not failure
        (Judged.CUMULATIVE, True, 5, Status.NOT_MET),  # judged in the annual report
        (Judged.CUMULATIVE, False, 10, Status.MET),
        (Judged.STATE, False, 5, Status.NOT_MET),  # state targets are judged at every report
        (Judged.ANNUAL, True, 5, Status.NOT_MET),
        (Judged.CUMULATIVE, False, 0, Status.IN_PROGRESS),
    ],
)
def test_in_progress_rule(judged, annual, num, expected):
    rule = Rule("MT", AT_LEAST, Decimal(100), judged)
    assert status_for(rule, num, 10, annual_period=annual) == expected


@given(st.sampled_from(list(Judged)), st.booleans(), st.integers(0, 100), st.integers(1, 100))
def test_in_progress_only_for_cumulative_targets_before_the_annual_report(judged, annual, num, den):
    num = min(num, den)
    status = status_for(Rule("MT", AT_LEAST, Decimal(100), judged), num, den, annual_period=annual)
    assert (status == Status.IN_PROGRESS) == (judged == Judged.CUMULATIVE and not annual and num < den)


def test_annual_targets_appear_in_the_annual_report_only():
    annual = Rule("MT8", ABOVE, Decimal(95), Judged.ANNUAL)
    assert not is_reported_in(annual, annual_period=False)
    assert is_reported_in(annual, annual_period=True)
    assert is_reported_in(Rule("MT6", ABOVE, Decimal(90), Judged.STATE), annual_period=False)


def test_zero_denominator_drops_the_unit_from_the_target():
    rule = Rule("MT", AT_LEAST, Decimal(100), Judged.STATE)
    result = evaluate(
        rule,
        [Figure("A", 5, 5), Figure("B", 0, 0)],
        expected_units=["A", "B", "C"],
        annual_period=False,
    )
    assert (result.numerator, result.denominator) == (5, 5)
    assert result.units_reporting == 1
    assert result.units_expected == 2  # C has not reported; B said the target does not apply
    assert result.status == Status.MET


def test_figures_of_units_not_expected_are_ignored():
    rule = Rule("MT", AT_LEAST, Decimal(100), Judged.STATE)
    result = evaluate(rule, [Figure("A", 1, 2), Figure("Z", 9, 9)], expected_units=["A"], annual_period=False)
    assert (result.numerator, result.denominator, result.units_reporting) == (1, 2, 1)


def test_no_report_means_no_data():
    rule = Rule("MT", AT_LEAST, Decimal(100), Judged.CUMULATIVE)
    result = evaluate(rule, [], expected_units=["A", "B"], annual_period=True)
    assert result.status == Status.NO_DATA
    assert (result.units_expected, result.units_reporting) == (2, 0)


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Rule("MT", "=>", Decimal(100), Judged.STATE),
        lambda: Rule("MT", AT_LEAST, Decimal("100.01"), Judged.STATE),
        lambda: Rule("MT", AT_LEAST, Decimal("-1"), Judged.STATE),
        lambda: Figure("A", 3, 2),
        lambda: Figure("A", -1, 2),
    ],
)
def test_impossible_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        bad()


fractions = st.integers(min_value=1, max_value=2**53 + 3).flatmap(
    lambda den: st.tuples(st.integers(min_value=0, max_value=den), st.just(den))
)


@given(st.lists(st.one_of(fractions, st.sampled_from([(1, 1), (2, 2), (1, 3), (2**53, 2**53 + 1)])), max_size=40))
def test_sorted_exactly_is_the_exact_order_with_ties_in_place(pairs):
    indexed = list(enumerate(pairs))

    ordered = sorted_exactly(indexed, lambda item: item[1])

    assert ordered == sorted(indexed, key=lambda item: (Fraction(*item[1]), item[0]))


def test_values_that_share_a_float_are_still_told_apart():
    above, below = (2**53 + 1, 2**53 + 2), (2**53, 2**53 + 1)  # both 1.0 as floats, not equal
    assert float(Fraction(*above)) == float(Fraction(*below)) and Fraction(*below) < Fraction(*above)
    assert sorted_exactly([above, below, (1, 1)], lambda pair: pair) == [below, above, (1, 1)]
