"""Numbers as Vietnamese offices write them: 1.500.050,3 and 99,99%, and dates as people type them. Shared by
pages, exports and reports."""

import datetime
from decimal import Decimal

from django.utils.formats import get_format


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


NAMED = 5  # units named in a list of those late or missing; the others are counted


def named_units(names: list[str], count: int) -> str:
    """The first ``NAMED`` of ``names`` (units in tree order), then how many of ``count`` are left unnamed:
    "Xã A, Xã B và 3 đơn vị khác"; only "3 đơn vị" when none is named. Commas only: a unit's name may hold
    "và"."""
    shown = names[:NAMED]
    listed = ", ".join(shown)
    others = count - len(shown)
    if others > 0:
        return f"{listed} và {vn_number(others)} đơn vị khác" if listed else f"{vn_number(others)} đơn vị"
    return listed


def typed_date(raw: str) -> datetime.date | None:
    """A date as people type it (``05/07/2024``) or a browser's date box sends it (``2024-07-05``): the
    interface's ``DATE_INPUT_FORMATS`` (dvproject/formats), as every form reads a date; None when it is neither."""
    raw = raw.strip()
    for pattern in get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None
