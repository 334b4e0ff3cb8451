"""Reads behind the downloads that ``district_compliance`` does not already cover."""

from dataclasses import dataclass
from datetime import datetime

from programme.models import Period
from reporting.models import Submission, Value


@dataclass(frozen=True)
class ValueRow:
    """One typed figure of a counting report, as the raw-values download lists it."""

    unit: str
    unit_name: str
    period: str
    target: str
    numerator: int | None
    denominator: int | None
    note: str
    status: str
    submitted_at: datetime | None


def period_values(period: Period, *, approved_only: bool = False) -> list[ValueRow]:
    """Every value of the period's counting reports (approved ones only with ``approved_only``), in the
    units' and targets' order. One query."""
    statuses = [Submission.Status.APPROVED] if approved_only else list(Submission.COUNTING)
    rows = (
        Value.objects.filter(submission__period=period, submission__status__in=statuses)
        .order_by("submission__unit__order", "submission__unit__code", "target__order", "target__code")
        .values_list(
            "submission__unit__code",
            "submission__unit__name",
            "target__code",
            "numerator",
            "denominator",
            "note",
            "submission__status",
            "submission__submitted_at",
        )
    )
    return [
        ValueRow(unit, name, period.code, target, num, den, note, status, submitted_at)
        for unit, name, target, num, den, note, status, submitted_at in rows
    ]
