"""The database's count of the units meeting a target (``_meets`` in reporting/selectors/compliance.py) says
"meets" as ``programme.compliance.meets`` does, on every case of tests/vectors/percent.json that a value can
hold (figures up to 2 147 483 647, thresholds with two decimals, as the columns store them)."""

from decimal import Decimal

from django.db.models import Case
from django.db.models import Value as V

from programme.compliance import meets
from reporting.models import Submission, Value
from reporting.selectors.compliance import _meets
from tests.test_percent_display import VECTORS

LARGEST = 2_147_483_647
STORABLE = [
    case
    for case in VECTORS
    if case["den"] <= LARGEST and Decimal(case["threshold"]) == Decimal(case["threshold"]).quantize(Decimal("0.01"))
]


def test_the_vectors_include_the_stored_boundaries():
    assert len(STORABLE) >= 20
    assert {case["den"] for case in STORABLE} >= {0, LARGEST}
    assert {case["threshold"] for case in STORABLE} >= {"0", "100", "99.99"}


def test_the_database_meets_every_vector_as_python_does(commune, phong_tho, targets):
    target = targets["MT6"]
    submission = Submission.objects.create(unit=commune, period=phong_tho.periods.get(code="2024Q1"))
    value = Value.objects.create(submission=submission, target=target, numerator=0, denominator=0)
    answers = []
    for case in STORABLE:
        Value.objects.filter(pk=value.pk).update(numerator=case["num"], denominator=case["den"])
        target.operator, target.threshold = case["operator"], Decimal(case["threshold"])
        met = Value.objects.filter(pk=value.pk).annotate(met=Case(_meets(target), default=V(0))).get().met
        answers.append((case["num"], case["den"], case["operator"], case["threshold"], bool(met)))
    assert answers == [
        (case["num"], case["den"], case["operator"], case["threshold"], case["met"]) for case in STORABLE
    ]
    assert all(meets(num, den, operator, Decimal(threshold)) is met for num, den, operator, threshold, met in answers)
