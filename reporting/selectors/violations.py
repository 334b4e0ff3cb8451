"""Every validation rule the counting reports of a period break, unit by unit, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from programme.models import Period, Programme
from programme.selectors import validation_rules
from programme.validation import Rule, violations
from reporting.models import Submission, Value
from reporting.selectors.review import RuleFinding

PER_PAGE = 50


@dataclass(frozen=True)
class UnitViolations:
    unit_code: str
    unit_name: str
    period_id: int
    status_label: str
    findings: list[RuleFinding]


@dataclass
class ViolationsBoard:
    programme: Programme
    periods: list[Period]
    period: Period
    rules: list[Rule]
    page: Page  # of UnitViolations, in the unit tree's order
    errors: int
    warnings: int
    unexplained: int


def period_violations(programme: Programme, *, periods: list[Period], period: Period, page) -> ViolationsBoard:
    """The rules broken by each submitted or approved report of the period: its figures as the reviewer sees
    them, judged by ``programme.validation``, with the officer's explanation of each warning. Two queries
    whatever the number of units: the rules, and the figures the rules read with their reports."""
    rules = validation_rules(programme)
    codes = set().union(*(rule.targets for rule in rules)) if rules else set()
    reports: dict[int, dict] = {}
    figures: dict[int, dict] = defaultdict(dict)
    rows = (
        Value.objects.counting()
        .filter(submission__period=period, target__programme=programme, target__code__in=codes)
        .values_list(
            "submission_id",
            "submission__unit__code",
            "submission__unit__name",
            "submission__unit__tree_order",
            "submission__status",
            "submission__explanations",
            "target__code",
            "numerator",
            "denominator",
        )
    )
    for submission_id, unit_code, unit_name, tree_order, status, explanations, code, num, den in rows:
        reports.setdefault(submission_id, (tree_order, unit_code, unit_name, status, explanations or {}))
        figures[submission_id][code] = (num, den)
    broken = {}
    for submission_id, found in figures.items():
        if found_violations := violations(rules, found):
            broken[submission_id] = found_violations
    ordered = sorted(broken, key=lambda submission_id: reports[submission_id][:2])
    shown = Paginator(ordered, PER_PAGE).get_page(page)
    labels = dict(Submission.Status.choices)
    shown.object_list = [
        UnitViolations(
            unit_code=reports[submission_id][1],
            unit_name=reports[submission_id][2],
            period_id=period.id,
            status_label=labels[reports[submission_id][3]],
            findings=[RuleFinding(v, reports[submission_id][4].get(v.rule.code, "")) for v in broken[submission_id]],
        )
        for submission_id in shown.object_list
    ]
    every = [v for found in broken.values() for v in found]
    warnings = [(sid, v) for sid, found in broken.items() for v in found if not v.is_error]
    return ViolationsBoard(
        programme=programme,
        periods=periods,
        period=period,
        rules=rules,
        page=shown,
        errors=sum(1 for v in every if v.is_error),
        warnings=len(warnings),
        unexplained=sum(1 for sid, v in warnings if not (reports[sid][4].get(v.rule.code) or "").strip()),
    )
