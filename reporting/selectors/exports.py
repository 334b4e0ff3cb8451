"""Reads behind the downloads that ``district_compliance`` does not already cover."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from programme.models import Period, Target
from programme.selectors import exists_on, programme_counts
from reporting.models import CLOSING_TEXTS, Narrative, Submission, Value, ValuePart


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
    category: str = ""  # a row of a target's breakdown: the category's name (the target's own row has none)


def period_values(period: Period, *, approved_only: bool = False) -> list[ValueRow]:
    """Every value of the period's counting reports (approved ones only with ``approved_only``), in the
    units' and targets' order; a target with categories has its categories' rows after its own, in their
    order. Two queries."""
    values = Value.objects.counting(approved_only=approved_only).filter(
        submission__period=period, target__source=Target.Source.REPORTED
    )
    rows = values.order_by("submission__unit__order", "submission__unit__code", "target__order", "target__code")
    rows = rows.values_list(
        "id",
        "submission__unit__code",
        "submission__unit__name",
        "target__code",
        "numerator",
        "denominator",
        "note",
        "submission__status",
        "submission__submitted_at",
    )
    parts: dict[int, list[tuple[str, int | None, int | None]]] = {}
    found = (
        ValuePart.objects.filter(value__in=values.values("id"))
        .order_by("value_id", "category__order", "category__code")
        .values_list("value_id", "category__name", "numerator", "denominator")
    )
    for value_id, name, num, den in found:
        parts.setdefault(value_id, []).append((name, num, den))
    listed = []
    for value_id, unit, name, target, num, den, note, status, submitted_at in rows:
        listed.append(ValueRow(unit, name, period.code, target, num, den, note, status, submitted_at))
        listed += [
            ValueRow(unit, name, period.code, target, part_num, part_den, "", status, submitted_at, category)
            for category, part_num, part_den in parts.get(value_id, ())
        ]
    return listed


@dataclass(frozen=True)
class TextRow:
    """One text of a counting report, as the annex of the official report lists it."""

    unit: str
    unit_name: str
    parent_name: str
    section: str
    text: str


def period_texts(period: Period, *, approved_only: bool = False) -> Iterator[TextRow]:
    """Every text of the period's counting reports of units under the area, unit by unit (grouped by parent
    unit in the parents' order, then in the units' order): the task groups' narratives in their order, then
    shortcomings, next steps and proposals. Two queries, read as they are written out (and one for the area
    when the period was read without it)."""
    statuses = Submission.counting_statuses(approved_only)
    # Grouped by parent, then in the units' order; integers only, so that Python compares them as the
    # database sorts them.
    order = ("unit__parent__order", "unit__parent_id", "unit__order", "unit_id")
    reports = (
        Submission.objects.filter(period=period, status__in=statuses, unit__kind__reports=True)
        .filter(exists_on(period.end, "unit__"), programme_counts(period.programme, "unit__"))
        .order_by(*order)
        .values_list(*order, "unit__code", "unit__parent_id", "unit__name", "unit__parent__name", *CLOSING_TEXTS)
    )
    narratives = (
        Narrative.objects.filter(
            programme_counts(period.programme, "submission__unit__"),
            submission__period=period,
            submission__status__in=statuses,
        )
        .exclude(text="")
        .order_by(*(f"submission__{field}" for field in order), "task_group__number")
        .values_list(*(f"submission__{field}" for field in order), "task_group__number", "task_group__title", "text")
    )
    pending = narratives.iterator(chunk_size=2000)
    waiting = next(pending, None)
    for row in reports.iterator(chunk_size=2000):
        key, (code, _, name, parent_name, *texts) = row[:4], row[4:]
        while waiting is not None and waiting[:4] < key:  # a report the filters above left out
            waiting = next(pending, None)
        written = []
        while waiting is not None and waiting[:4] == key:
            written.append((f"{waiting[4]}. {waiting[5]}", waiting[6]))
            waiting = next(pending, None)
        written += zip(Submission.closing_texts().values(), texts, strict=True)
        for section, text in written:
            if text.strip():
                yield TextRow(code, name, parent_name or "", section, text.strip())
