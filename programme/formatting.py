"""Numbers as Vietnamese offices write them: 1.500.050,3 and 99,99%. Shared by pages, exports and reports."""

from decimal import Decimal


def vn_number(value: int | Decimal | float | None, decimals: int = 0) -> str:
    """``1500050.3`` → ``"1.500.050,3"``; None → ``"—"``."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | None, decimals: int = 2) -> str:
    """``Decimal("99.99")`` → ``"99,99%"``; None (no data) → ``"—"``."""
    return "—" if value is None else f"{vn_number(value, decimals)}%"
