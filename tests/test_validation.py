"""Validation rules across targets, the server's side (``programme.validation``): the shared cases of
tests/vectors/rules.json, which tests/test_rules_script.py runs through the form's script too, and the parsing
of a rule's sides."""

import json
from pathlib import Path

import pytest

from programme.validation import ERROR, WARNING, Operand, Rule, RuleSyntaxError, Side, parse_side, violations

VECTORS_FILE = Path(__file__).parent / "vectors" / "rules.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


def vector_rule(case: dict, importance: str = ERROR) -> Rule:
    return Rule.parse(
        code="r", left=case["left"], operator=case["operator"], right=case["right"], importance=importance, message="m"
    )


def vector_figures(case: dict) -> dict:
    return {code: tuple(pair) for code, pair in case["figures"].items()}


@pytest.mark.parametrize("case", VECTORS, ids=[v["why"] for v in VECTORS])
def test_the_server_judges_every_shared_vector(case):
    assert vector_rule(case).holds(vector_figures(case)) is case["holds"]


def test_the_vectors_try_every_operator_both_ways_and_a_blank():
    seen = {(case["operator"], case["holds"]) for case in VECTORS}
    for operator in ("<", "<=", "=", ">=", ">", "!="):
        assert {(operator, True), (operator, False)} <= seen, operator
    assert any(case["holds"] is None for case in VECTORS)


def test_a_side_is_a_sum_of_figures_and_whole_numbers():
    side = parse_side(" MT4b.numerator+ MT4c.denominator + 3 + 4 ")
    assert side == Side((Operand("MT4b", "numerator"), Operand("MT4c", "denominator")), 7)
    assert side.label == "MT4b (tử số) + MT4c (mẫu số) + 7"
    assert parse_side("12").label == "12"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "MT4b",
        "MT4b.numerator +",
        "MT4b.numerator - 1",
        "MT4b.tu_so",
        "1.5",
        "-1",
        "2 * MT4b.numerator",
        "+ 1",
    ],
)
def test_anything_else_is_refused_with_a_reason(text):
    with pytest.raises(RuleSyntaxError) as refused:
        parse_side(text)
    assert str(refused.value)


def test_a_violation_names_the_rule_its_condition_and_the_figures():
    rule = Rule.parse(
        code="mt4c",
        left="MT4c.numerator",
        operator="<=",
        right="MT4b.numerator",
        importance=WARNING,
        message="MT4c là một phần của MT4b.",
    )
    [broken] = violations([rule], {"MT4c": (6, 10), "MT4b": (5, 10)})
    assert (broken.left, broken.right, broken.is_error) == (6, 5, False)
    assert broken.text == "MT4c là một phần của MT4b. (cần MT4c (tử số) ≤ MT4b (tử số); đang là 6 và 5)"
    assert violations([rule], {"MT4c": (5, 10), "MT4b": (5, 10)}) == []
    assert violations([rule], {"MT4c": (None, 10), "MT4b": (5, 10)}) == []


def test_an_unknown_operator_or_importance_is_a_programming_error():
    with pytest.raises(ValueError):
        Rule.parse(code="r", left="1", operator="=>", right="1", importance=ERROR, message="")
    with pytest.raises(ValueError):
        Rule.parse(code="r", left="1", operator="=", right="1", importance="info", message="")
