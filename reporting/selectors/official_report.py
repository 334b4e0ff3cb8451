"""What the district's official report for a period says, read in a fixed number of queries."""

from dataclasses import dataclass

from programme.models import Period, TaskGroup
from programme.selectors import reporting_units
from reporting.models import Narrative, Submission
from reporting.selectors.compliance import ComplianceReport, district_compliance

TEXT_FIELDS = ("shortcomings", "next_steps", "proposals")


@dataclass(frozen=True)
class Passage:
    """A unit's text, as compiled into the district's report under the unit's name."""

    unit_name: str
    text: str


@dataclass(frozen=True)
class Completeness:
    """Who reported for the period. ``reported`` counts submitted and approved reports (whatever the
    approved-only switch: it is about who has filed); returned reports and drafts are missing."""

    expected: int
    reported: int
    on_time: int
    late: int
    approved: int

    @property
    def missing(self) -> int:
        return self.expected - self.reported


@dataclass
class OfficialReport:
    period: Period
    approved_only: bool
    compliance: ComplianceReport
    completeness: Completeness
    groups: list[tuple[TaskGroup, list[Passage]]]
    shortcomings: list[Passage]
    next_steps: list[Passage]
    proposals: list[Passage]


def _passages(units, texts: dict[int, str]) -> list[Passage]:
    return [Passage(unit.name, texts[unit.id].strip()) for unit in units if texts.get(unit.id, "").strip()]


def official_report(period: Period, *, approved_only: bool = False) -> OfficialReport:
    """The figures of ``district_compliance``, the completeness of the period and the units' texts, each in
    the units' tree order. The texts come from the reports that count (approved ones only with
    ``approved_only``), like the figures. About ten queries whatever the number of units."""
    report = district_compliance(period, approved_only=approved_only)
    units = reporting_units(period.programme, on=period.end)
    expected_ids = {unit.id for unit in units}
    submissions = {
        row["unit_id"]: row
        for row in Submission.objects.filter(period=period).values("unit_id", "status", "is_late", *TEXT_FIELDS)
        if row["unit_id"] in expected_ids
    }
    filed = [s for s in submissions.values() if s["status"] in Submission.COUNTING]
    completeness = Completeness(
        expected=len(units),
        reported=len(filed),
        on_time=sum(1 for s in filed if not s["is_late"]),
        late=sum(1 for s in filed if s["is_late"]),
        approved=sum(1 for s in filed if s["status"] == Submission.Status.APPROVED),
    )
    statuses = {Submission.Status.APPROVED} if approved_only else set(Submission.COUNTING)
    counting = {unit_id: s for unit_id, s in submissions.items() if s["status"] in statuses}
    narratives: dict[int, dict[int, str]] = {}
    rows = Narrative.objects.filter(submission__period=period, submission__status__in=statuses).values_list(
        "submission__unit_id", "task_group_id", "text"
    )
    for unit_id, group_id, text in rows:
        if unit_id in counting:
            narratives.setdefault(group_id, {})[unit_id] = text
    groups = list(TaskGroup.objects.filter(programme=period.programme).order_by("number"))

    def texts(name: str) -> dict[int, str]:
        return {unit_id: s[name] for unit_id, s in counting.items()}

    return OfficialReport(
        period=period,
        approved_only=approved_only,
        compliance=report,
        completeness=completeness,
        groups=[(group, _passages(units, narratives.get(group.id, {}))) for group in groups],
        shortcomings=_passages(units, texts("shortcomings")),
        next_steps=_passages(units, texts("next_steps")),
        proposals=_passages(units, texts("proposals")),
    )
