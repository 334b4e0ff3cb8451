"""Numbers as Vietnamese offices write them: 1.500.050,3 and 99,99%. Shared by pages, exports and reports."""

from decimal import Decimal


def vn_number(value: int | Decimal | float | None, decimals: int = 0) -> str:
    """``1500050.3`` → ``"1.500.050,3"``; None → ``"—"``."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_decimal(value: Decimal | None) -> str:
    """A setting's decimal with the decimals it needs: ``Decimal("9.50")`` → ``"9,5"``, ``Decimal("10.00")`` →
    ``"10"``."""
    if value is None:
        return "—"
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return vn_number(value, max(0, -exponent))


def vn_percent(value: Decimal | None, decimals: int = 2) -> str:
    """``Decimal("99.99")`` → ``"99,99%"``; None (no data) → ``"—"``."""
    return "—" if value is None else f"{vn_number(value, decimals)}%"
