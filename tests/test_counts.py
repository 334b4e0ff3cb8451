"""The one reading of a count: every shared vector (the browser's script passes the same ones), and the
spreadsheet cells that are not text."""

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programme.formatting import vn_number
from reporting import counts
from reporting.counts import MAX_COUNT, CountError, parse_count

VECTORS = json.loads((Path(__file__).parent / "vectors" / "counts.json").read_text(encoding="utf-8"))


def verdict(value) -> dict:
    """What ``parse_count`` makes of a value, in the vectors' shape."""
    try:
        number = parse_count(value)
    except CountError as error:
        return {"error": error.message}
    return {"empty": True} if number is None else {"value": number}


@pytest.mark.parametrize("vector", VECTORS, ids=[repr(v["input"])[:30] for v in VECTORS])
def test_every_vector(vector):
    expected = {key: value for key, value in vector.items() if key != "input"}
    assert verdict(vector["input"]) == expected


def test_the_vectors_name_every_message_and_both_sides_of_the_limit():
    errors = {v.get("error") for v in VECTORS}
    messages = {counts.NOT_A_NUMBER, counts.BAD_GROUPS, counts.COMMA, counts.OTHER_DIGITS, counts.NEGATIVE}
    assert messages | {counts.TOO_LARGE} <= errors
    values = {v.get("value") for v in VECTORS}
    assert {0, MAX_COUNT} <= values and {"2147483648", "1,000", "   ", ""} <= {v["input"] for v in VECTORS}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, {"empty": True}),
        (0, {"value": 0}),
        (1500, {"value": 1500}),
        (1500.0, {"value": 1500}),
        (MAX_COUNT, {"value": MAX_COUNT}),
        (float(MAX_COUNT), {"value": MAX_COUNT}),
        (MAX_COUNT + 1, {"error": counts.TOO_LARGE}),
        (1e308, {"error": counts.TOO_LARGE}),
        (10**40, {"error": counts.TOO_LARGE}),
        (-1, {"error": counts.NEGATIVE}),
        (-3.0, {"error": counts.NEGATIVE}),
        (12.5, {"error": counts.FRACTION}),
        (0.1, {"error": counts.FRACTION}),
        (float("nan"), {"error": counts.NOT_A_NUMBER}),
        (float("inf"), {"error": counts.NOT_A_NUMBER}),
        (True, {"error": counts.NOT_A_NUMBER}),
        (False, {"error": counts.NOT_A_NUMBER}),
        (datetime.date(2024, 3, 31), {"error": counts.NOT_A_NUMBER}),
        (datetime.time(8, 30), {"error": counts.NOT_A_NUMBER}),
        ("9" * 5000, {"error": counts.TOO_LARGE}),  # past the digits Python's int() accepts from text
        ("0" * 5000 + "7", {"value": 7}),
    ],
)
def test_spreadsheet_cells(cell, expected):
    assert verdict(cell) == expected


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_every_count_reads_back_as_the_pages_show_it_and_as_digits(number):
    assert parse_count(vn_number(number)) == number
    assert parse_count(str(number)) == number
