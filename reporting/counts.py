"""Whole numbers as Vietnamese offices write them: the one reading of a typed or uploaded count.

"." groups thousands ("1.500" is fifteen hundred, in well-formed groups of three) and "," is the decimal mark,
so "1,000" is refused rather than read as one or as a thousand. Only the digits 0–9 are read: a count typed
with another script's digits is refused everywhere rather than converted (docs/decisions/0002-whole-numbers.md).
The form, the Excel template upload, the bulk upload and ``import_values`` all read through ``parse_count``;
static/js/counts.js is its port for the browser, and tests/vectors/counts.json holds the cases both must pass.
"""

import math
import re

MAX_COUNT = 2_147_483_647  # the largest whole number every supported database stores in the value columns

NOT_A_NUMBER = "Phải là số nguyên, ví dụ 1500 hoặc 1.500."
FRACTION = "Phải là số nguyên, không có phần thập phân."
BAD_GROUPS = (
    "Dấu chấm chỉ dùng để tách hàng nghìn, mỗi nhóm ba chữ số (ví dụ 1.500); số nguyên không có phần thập phân."
)
COMMA = "Dấu phẩy là dấu thập phân; số nguyên viết không có dấu phẩy, ví dụ 1000 hoặc 1.000."
OTHER_DIGITS = "Chỉ dùng chữ số 0–9."
NEGATIVE = "Không được là số âm."
TOO_LARGE = "Số quá lớn."

# The characters a browser's String.prototype.trim() removes, so both sides trim the same.
SPACES = " \t\n\v\f\r\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")
_NUMERIC = re.compile(r"[0-9.,]*[0-9][0-9.,]*")  # digits with marks, but not a count
_ASCII_DIGITS = frozenset("0123456789")


class CountError(ValueError):
    """Not a count; the message says why, for the officer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_count(value: object) -> int | None:
    """A whole number ≥ 0 from typed text or a spreadsheet cell; None when empty; CountError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):  # a TRUE/FALSE cell, and bool is an int to Python
        raise CountError(NOT_A_NUMBER)
    if isinstance(value, int):
        return _in_range(value)
    if isinstance(value, float):  # a number cell: 1500.0 is 1500, 12.5 has no whole reading
        if not math.isfinite(value):
            raise CountError(NOT_A_NUMBER)
        if not value.is_integer():
            raise CountError(FRACTION)
        return _in_range(int(value))
    if not isinstance(value, str):  # a date, a time, anything else a spreadsheet holds
        raise CountError(NOT_A_NUMBER)
    return _parse_text(value)


def _parse_text(text: str) -> int | None:
    text = text.strip(SPACES)
    if not text:
        return None
    if any(char.isdecimal() and char not in _ASCII_DIGITS for char in text):
        raise CountError(OTHER_DIGITS)
    negative = text[0] in "-−"
    body = text[1:] if negative else text
    if _GROUPED.fullmatch(body):
        body = body.replace(".", "")
    elif not _PLAIN.fullmatch(body):
        if not _NUMERIC.fullmatch(body):
            raise CountError(NOT_A_NUMBER)
        raise CountError(COMMA if "," in body else BAD_GROUPS)
    if negative:  # "-0" too: a count carries no sign
        raise CountError(NEGATIVE)
    digits = body.lstrip("0") or "0"
    if len(digits) > len(str(MAX_COUNT)):  # before int(), which refuses thousands of digits
        raise CountError(TOO_LARGE)
    return _in_range(int(digits))


def _in_range(number: int) -> int:
    if number < 0:
        raise CountError(NEGATIVE)
    if number > MAX_COUNT:
        raise CountError(TOO_LARGE)
    return number
