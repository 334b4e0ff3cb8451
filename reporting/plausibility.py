"""Whether a unit's figure is a believable next step from its figure of the period before. Plain Python.

Every figure is a year-to-date snapshot, so a reviewer expects small moves from one report to the next.
``implausible_change`` names the moves worth a second look, each as a Vietnamese reason:

- a cumulative target's percentage falls by more than ``cumulative_fall`` points: what has been done
  since January cannot be undone, so a large fall usually means a typing error or a changed basis;
- any target's percentage moves by more than ``jump`` points, up or down;
- the denominator (the population counted) changes by more than ``denominator_change`` of its previous value:
  a commune's households or officials do not halve or double in three months.

The limits are the programme's data (``Programme.plausible_*``, by default 10 points, 30 points and 50%);
``Limits()`` holds those defaults. Limits are strict ("more than"): a fall of exactly 10 points is not flagged.
Nothing is flagged without a previous figure, or where either denominator is 0 for the percentage rules (the
target did not apply).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Limits:
    cumulative_fall: Fraction = Fraction(10)  # percentage points
    jump: Fraction = Fraction(30)  # percentage points
    denominator_change: Fraction = Fraction(1, 2)  # a share of the previous denominator

    @classmethod
    def of(cls, *, cumulative_fall: Decimal, jump: Decimal, denominator_change_percent: Decimal) -> "Limits":
        """The limits as a programme keeps them (points, points, percent), exactly."""
        return cls(Fraction(cumulative_fall), Fraction(jump), Fraction(denominator_change_percent) / 100)


DEFAULT = Limits()


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _one_decimal(value: Fraction) -> str:
    tenths = (abs(value) * 10 * 2 + 1) // 2  # half up
    return f"{_number(int(tenths // 10))},{tenths % 10}"


def implausible_change(
    *,
    cumulative: bool,
    numerator: int,
    denominator: int,
    previous_numerator: int,
    previous_denominator: int,
    limits: Limits = DEFAULT,
) -> list[str]:
    """The reasons (Vietnamese) why this figure looks wrong next to the previous one; empty when it looks fine."""
    reasons = []
    if denominator > 0 and previous_denominator > 0:
        change = 100 * (Fraction(numerator, denominator) - Fraction(previous_numerator, previous_denominator))
        if abs(change) > limits.jump or (cumulative and -change > limits.cumulative_fall):
            word = "Giảm" if change < 0 else "Tăng"
            reasons.append(f"{word} {_one_decimal(change)} điểm % so với kỳ trước")
    moved = abs(denominator - previous_denominator)
    if previous_denominator > 0 and moved > limits.denominator_change * previous_denominator:
        word = "giảm" if denominator < previous_denominator else "tăng"
        share = _one_decimal(Fraction(100 * abs(denominator - previous_denominator), previous_denominator))
        reasons.append(
            f"Mẫu số {word} {share}% ({_number(previous_denominator)} → {_number(denominator)}) so với kỳ trước"
        )
    return reasons
