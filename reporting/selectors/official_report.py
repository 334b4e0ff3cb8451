"""What the district's official report for a period says, read in a fixed number of queries."""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Exists, OuterRef, Q

from milestones.selectors import MilestoneRow, milestone_rows
from programme.models import Period, TaskGroup
from programme.selectors import area_units, exists_on, programme_counts, programme_targets
from reporting.models import CLOSING_TEXTS, Narrative, Submission
from reporting.selectors.breakdowns import CategoryFigure, area_breakdowns
from reporting.selectors.compliance import ComplianceReport, district_reports
from reporting.selectors.timeliness import district_completeness
from reporting.selectors.verdicts import Verdict, verdicts


@dataclass(frozen=True)
class Passage:
    """A unit's text, as compiled into the district's report under the unit's name."""

    unit_name: str
    text: str
    kind: str = ""  # the unit's kind, as the body's report page filters the passages by it


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
    annexed: int = 0  # units below the area's own units whose texts are in the annex, not compiled
    verdicts: dict[int, Verdict] = field(default_factory=dict)  # target id → its verdict on the report's date
    milestones: list[MilestoneRow] = field(default_factory=list)  # the programme's, as they stand on that date
    # target id → its figures per category, for the targets with categories (``reporting.selectors.breakdowns``)
    breakdowns: dict[int, list[CategoryFigure]] = field(default_factory=dict)


def _passages(units, texts: dict[int, str]) -> list[Passage]:
    return [
        Passage(unit.name, texts[unit.id].strip(), unit.kind_name) for unit in units if texts.get(unit.id, "").strip()
    ]


def _has_text() -> Q:
    """A report with any text of its own: a narrative, shortcomings, next steps or proposals."""
    written = Narrative.objects.filter(submission=OuterRef("pk")).exclude(text="")
    return Q(Exists(written)) | reduce(operator.or_, (~Q(**{name: ""}) for name in CLOSING_TEXTS))


def official_report(period: Period, *, approved_only: bool = False, on: datetime.date) -> OfficialReport:
    """The figures of ``district_compliance``, the completeness of the period and the texts of the area's own
    units (its direct subordinates, as each level compiles the level below), each in the units' tree order.
    The texts come from the reports that count (approved ones only with ``approved_only``), like the figures.
    Units further down (a province's communes) are only counted: their texts are in the annex download.
    The verdicts and the milestones are as they stand on the report's date ``on``
    (``reporting.selectors.verdicts``, ``milestones.selectors.milestone_rows``). Seventeen queries whatever the
    number of units (eighteen with targets that have categories), one more when ``on`` is past the due date."""
    programme = period.programme
    targets = programme_targets(programme)
    report = district_reports(programme, [period], targets, approved_only=approved_only)[period.id]
    tally = district_completeness(period, programme.area_id)
    completeness = Completeness(
        expected=tally.expected,
        reported=tally.submitted,
        on_time=tally.on_time,
        late=tally.late,
        approved=tally.approved,
    )
    units = area_units(programme, on=period.end)
    statuses = Submission.counting_statuses(approved_only)
    counting = {
        row["unit_id"]: row
        for row in Submission.objects.filter(
            period=period, status__in=statuses, unit__in=[unit.id for unit in units]
        ).values("unit_id", *CLOSING_TEXTS)
    }
    narratives: dict[int, dict[int, str]] = {}
    rows = Narrative.objects.filter(
        submission__period=period, submission__status__in=statuses, submission__unit__in=list(counting)
    ).values_list("submission__unit_id", "task_group_id", "text")
    for unit_id, group_id, text in rows:
        narratives.setdefault(group_id, {})[unit_id] = text
    groups = list(TaskGroup.objects.filter(programme=programme).order_by("number"))

    def texts(name: str) -> dict[int, str]:
        return {unit_id: s[name] for unit_id, s in counting.items()}

    below = (
        Submission.objects.filter(period=period, status__in=statuses, unit__kind__reports=True)
        .exclude(unit__parent=programme.area_id)
        .filter(programme_counts(programme, "unit__"), exists_on(period.end, "unit__"), _has_text())
        .count()
    )
    return OfficialReport(
        period=period,
        approved_only=approved_only,
        compliance=report,
        completeness=completeness,
        groups=[(group, _passages(units, narratives.get(group.id, {}))) for group in groups],
        shortcomings=_passages(units, texts("shortcomings")),
        next_steps=_passages(units, texts("next_steps")),
        proposals=_passages(units, texts("proposals")),
        annexed=below,
        verdicts=verdicts(report, today=on),
        milestones=milestone_rows(programme, today=on).rows,
        breakdowns=area_breakdowns(programme, period, targets, approved_only=approved_only),
    )
