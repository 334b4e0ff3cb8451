from decimal import Decimal

import pytest

from programme.formatting import vn_number, vn_percent


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1500050.3, 1, "1.500.050,3"),
        (1500, 0, "1.500"),
        (0, 0, "0"),
        (Decimal("99.99"), 2, "99,99"),
        (Decimal("100"), 2, "100,00"),
        (None, 0, "—"),
    ],
)
def test_vn_number(value, decimals, text):
    assert vn_number(value, decimals) == text


def test_vn_percent():
    assert vn_percent(Decimal("99.99")) == "99,99%"
    assert vn_percent(Decimal("1234.5"), 1) == "1.234,5%"
    assert vn_percent(None) == "—"
