"""Whether a unit's figure is a believable next step from its figure of the period before. Plain Python.

Every figure is a year-to-date snapshot, so a reviewer expects small moves from one report to the next.
``implausible_change`` names the moves worth a second look, each as a Vietnamese reason:

- a cumulative target's percentage falls by more than ``CUMULATIVE_FALL`` (10) points: what has been done
  since January cannot be undone, so a large fall usually means a typing error or a changed basis;
- any target's percentage moves by more than ``JUMP`` (30) points, up or down;
- the denominator (the population counted) changes by more than ``DENOMINATOR_CHANGE`` (50%) of its
  previous value: a commune's households or officials do not halve or double in three months.

Limits are strict ("more than"): a fall of exactly 10 points is not flagged. Nothing is flagged without a
previous figure, or where either denominator is 0 for the percentage rules (the target did not apply).
"""

from fractions import Fraction

CUMULATIVE_FALL = Fraction(10)
JUMP = Fraction(30)
DENOMINATOR_CHANGE = Fraction(1, 2)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _one_decimal(value: Fraction) -> str:
    tenths = (abs(value) * 10 * 2 + 1) // 2  # half up
    return f"{_number(int(tenths // 10))},{tenths % 10}"


def implausible_change(
    *, cumulative: bool, numerator: int, denominator: int, previous_numerator: int, previous_denominator: int
) -> list[str]:
    """The reasons (Vietnamese) why this figure looks wrong next to the previous one; empty when it looks fine."""
    reasons = []
    if denominator > 0 and previous_denominator > 0:
        change = 100 * (Fraction(numerator, denominator) - Fraction(previous_numerator, previous_denominator))
        if abs(change) > JUMP or (cumulative and -change > CUMULATIVE_FALL):
            word = "Giảm" if change < 0 else "Tăng"
            reasons.append(f"{word} {_one_decimal(change)} điểm % so với kỳ trước")
    if previous_denominator > 0 and abs(denominator - previous_denominator) > DENOMINATOR_CHANGE * previous_denominator:
        word = "giảm" if denominator < previous_denominator else "tăng"
        share = _one_decimal(Fraction(100 * abs(denominator - previous_denominator), previous_denominator))
        reasons.append(
            f"Mẫu số {word} {share}% ({_number(previous_denominator)} → {_number(denominator)}) so với kỳ trước"
        )
    return reasons
