"""Validation rules across a report's targets, in plain Python with exact whole numbers and no database.

A rule compares two sides, each a sum of a report's figures (a target's numerator or denominator) and a
whole-number constant, by one of six operators: ``MT4c.numerator <= MT4b.numerator``. A rule one of whose
figures is blank (not typed yet, or not in this report) is not evaluated: it neither holds nor fails.

The rules themselves are programme data (``programme.models.ValidationRule``); this module parses their sides
and judges them. The report form's script (``static/js/rules.js``) judges the same payload
(``Rule.payload``) the same way, and both pass every case of ``tests/vectors/rules.json``.
"""

import operator as op
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

PARTS = {"numerator": "tử số", "denominator": "mẫu số"}
OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "<": op.lt,
    "<=": op.le,
    "=": op.eq,
    ">=": op.ge,
    ">": op.gt,
    "!=": op.ne,
}
OPERATOR_SIGNS = {"<": "<", "<=": "≤", "=": "=", ">=": "≥", ">": ">", "!=": "≠"}
ERROR = "error"
WARNING = "warning"
MAX_TERMS = 20

_TERM = re.compile(r"(?P<target>[A-Za-z0-9][A-Za-z0-9_-]*)\.(?P<part>[A-Za-z_]+)|(?P<constant>[0-9]{1,18})")

# target code → (numerator, denominator); either may be None (blank)
FigureMap = Mapping[str, tuple[int | None, int | None]]


class RuleSyntaxError(ValueError):
    """A side that is not a sum of figures and whole numbers; the message is for the administrator."""


@dataclass(frozen=True)
class Operand:
    target: str
    part: str  # "numerator" or "denominator"

    @property
    def label(self) -> str:
        return f"{self.target} ({PARTS[self.part]})"


@dataclass(frozen=True)
class Side:
    operands: tuple[Operand, ...]
    constant: int = 0

    @property
    def targets(self) -> set[str]:
        return {operand.target for operand in self.operands}

    @property
    def label(self) -> str:
        """The side as users read it: "MT4c (tử số) + 2"."""
        words = [operand.label for operand in self.operands]
        if self.constant or not words:
            words.append(str(self.constant))
        return " + ".join(words)

    def value(self, figures: FigureMap) -> int | None:
        """The side's sum, or None when one of its figures is blank."""
        total = self.constant
        for operand in self.operands:
            pair = figures.get(operand.target)
            figure = None if pair is None else pair[0 if operand.part == "numerator" else 1]
            if figure is None:
                return None
            total += figure
        return total

    def payload(self) -> dict:
        # The constant as text: the script reads it into a BigInt, exact whatever its size.
        return {"terms": [[o.target, o.part] for o in self.operands], "constant": str(self.constant)}


def parse_side(text: str) -> Side:
    """``MT4c.numerator + MT4b.denominator + 3`` → a Side; RuleSyntaxError (Vietnamese) when it is not one."""
    terms = [term.strip() for term in (text or "").split("+")]
    if not text or not text.strip() or any(not term for term in terms):
        raise RuleSyntaxError(
            "Mỗi vế là tổng của các số liệu (MÃ.numerator là tử số, MÃ.denominator là mẫu số) và số nguyên, "
            "nối bằng dấu +, ví dụ “MT4c.numerator” hoặc “MT4b.numerator + 5”."
        )
    if len(terms) > MAX_TERMS:
        raise RuleSyntaxError(f"Mỗi vế có tối đa {MAX_TERMS} số hạng.")
    operands, constant = [], 0
    for term in terms:
        match = _TERM.fullmatch(term)
        if match is None:
            raise RuleSyntaxError(
                f"“{term}” không phải số liệu hay số nguyên: viết MÃ.numerator (tử số), MÃ.denominator (mẫu số) "
                "hoặc một số nguyên không âm."
            )
        if match["constant"] is not None:
            constant += int(match["constant"])
        elif match["part"] not in PARTS:
            raise RuleSyntaxError(
                f"“{term}”: sau dấu chấm phải là numerator (tử số) hoặc denominator (mẫu số), "
                f"không phải “{match['part']}”."
            )
        else:
            operands.append(Operand(match["target"], match["part"]))
    return Side(tuple(operands), constant)


@dataclass(frozen=True)
class Rule:
    code: str
    left: Side
    operator: str
    right: Side
    importance: str  # ERROR or WARNING
    message: str

    def __post_init__(self):
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown operator {self.operator!r}")
        if self.importance not in (ERROR, WARNING):
            raise ValueError(f"unknown importance {self.importance!r}")

    @classmethod
    def parse(cls, *, code: str, left: str, operator: str, right: str, importance: str, message: str) -> "Rule":
        return cls(code, parse_side(left), operator, parse_side(right), importance, message)

    @property
    def targets(self) -> set[str]:
        return self.left.targets | self.right.targets

    @property
    def is_error(self) -> bool:
        return self.importance == ERROR

    @property
    def condition(self) -> str:
        """What the rule asks, as users read it: "MT4c (tử số) ≤ MT4b (tử số)"."""
        return f"{self.left.label} {OPERATOR_SIGNS[self.operator]} {self.right.label}"

    def holds(self, figures: FigureMap) -> bool | None:
        """Whether the figures keep the rule; None when one of its figures is blank (not evaluated)."""
        left, right = self.left.value(figures), self.right.value(figures)
        if left is None or right is None:
            return None
        return OPERATORS[self.operator](left, right)

    def payload(self) -> dict:
        """What the report form's script needs to judge the rule as this module does (the page shows the
        message and the condition itself)."""
        return {
            "code": self.code,
            "left": self.left.payload(),
            "operator": self.operator,
            "right": self.right.payload(),
            "importance": self.importance,
        }


@dataclass(frozen=True)
class Violation:
    rule: Rule
    left: int
    right: int

    @property
    def is_error(self) -> bool:
        return self.rule.is_error

    @property
    def text(self) -> str:
        """The rule's message and the figures that break it, in Vietnamese."""
        return f"{self.rule.message} (cần {self.rule.condition}; đang là {self.left} và {self.right})"

    def __str__(self):
        return self.text


def violations(rules: Iterable[Rule], figures: FigureMap) -> list[Violation]:
    """The rules the figures break, in the rules' order; rules with a blank figure are left out."""
    found = []
    for rule in rules:
        if rule.holds(figures) is False:
            found.append(Violation(rule, rule.left.value(figures), rule.right.value(figures)))
    return found


def errors_and_warnings(rules: Iterable[Rule], figures: FigureMap) -> tuple[list[Violation], list[Violation]]:
    broken = violations(rules, figures)
    return [v for v in broken if v.is_error], [v for v in broken if not v.is_error]
