"""A target's units ranked by their exact value, in the database.

Ordering by ``numerator * 1.0 / denominator`` is not exact: 2147483646/2147483647 and 2147483645/2147483646
are one float. Ordered instead by the first 62 binary digits of the fraction, ⌊n·2⁶²/d⌋, read as two whole
numbers of 31 digits each (q1 = ⌊n·2³¹/d⌋, then q2 = ⌊(n·2³¹ − q1·d)·2³¹/d⌋), every product stays below 2⁶² and
fits the 64-bit integers of PostgreSQL and SQLite alike. Two different fractions with denominators below 2³¹ (the
largest count is 2 147 483 647) differ by at least 1/(d₁·d₂) > 2⁻⁶², so they differ in those digits; equal ones
agree. The same order as ``programme.compliance.exact_key``, as ``tests/test_ranking.py`` checks. Each value keeps
the two numbers in columns the database generates from its figures (``Value.value_high``, ``value_low``), under
the index that ranks a target's units at a period (``reporting.selectors.standing``)."""

from django.db.models import BigIntegerField, ExpressionWrapper, F
from django.db.models import Value as V
from django.db.models.functions import NullIf

SCALE = 2**31


def _whole(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=BigIntegerField())


def exact_value_order(numerator: str = "numerator", denominator: str = "denominator") -> dict[str, ExpressionWrapper]:
    """Two annotations whose order, the first then the second, is the order of numerator/denominator; null
    where the denominator is 0."""
    divisor = NullIf(F(denominator), V(0))
    high = _whole(F(numerator) * V(SCALE) / divisor)
    low = _whole((F(numerator) * V(SCALE) - high * F(denominator)) * V(SCALE) / divisor)
    return {"value_high": high, "value_low": low}
