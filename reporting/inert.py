"""Text typed by people, made harmless where the app writes it into a file.

A spreadsheet runs a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (or their full-width forms, which
some input methods type), a tab or a carriage return: a unit's name or a note could then fetch an address or
show a false link when a reviewer opens a download (OWASP, "CSV injection"). ``is_formula`` is the one rule for
every writer. A CSV cell gets the apostrophe a person types to keep a cell text (``inert``); an XLSX cell is
written as text and carries that apostrophe as its style (``quotePrefix``), so its value stays what was typed.
"""

import re

FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
SIGNED_NUMBER = re.compile(r"[-+][0-9]+(?:[.,][0-9]+)*")  # "-5", "-1.500": read as a number, nothing runs


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula."""
    return text[:1] in FORMULA_STARTS and not SIGNED_NUMBER.fullmatch(text)


def inert(text: str) -> str:
    """``text`` for a CSV cell: behind an apostrophe when a spreadsheet would run it."""
    return f"'{text}" if is_formula(text) else text


def filename_part(text: str) -> str:
    """``text`` (a unit's or a period's code) fit for a download's name: only letters, digits, ``-`` and ``_``."""
    return re.sub(r"[^0-9A-Za-z_-]", "-", text)
