"""The reviewer's reads: the inbox of reports and one report under review."""

from dataclasses import dataclass

from django.db.models import F, QuerySet

from programme.models import Period, Programme, Target, UnitKind
from programme.selectors import UnitInfo, reporting_units
from programme.validation import Violation
from reporting.models import Submission
from reporting.plausibility import Limits, implausible_change
from reporting.selectors.reports import NarrativeSection, ReportSheet, SheetRow, report_history_events, report_sheet
from reporting.selectors.timeliness import days_after_due


def days_late(submission: Submission) -> int | None:
    """Days between the due date and the (latest) submission, for a report whose first submission was late."""
    if not submission.is_late or submission.submitted_at is None:
        return None
    return days_after_due(submission.period.due, submission.submitted_at)


def inbox_submissions(programme, *, period_id: int | None, kind_id: int | None, status: str | None) -> QuerySet:
    """The programme's reports for the reviewer's inbox: oldest due date first, then the earliest submitted.

    ``None`` for a filter means "all". The unit and the period come in the same query, so a page of the
    inbox costs one query (and the paginator's count) whatever the number of units.
    """
    submissions = Submission.objects.filter(period__programme=programme).select_related("unit", "period")
    if period_id is not None:
        submissions = submissions.filter(period_id=period_id)
    if kind_id is not None:
        submissions = submissions.filter(unit__kind_id=kind_id)
    if status is not None:
        submissions = submissions.filter(status=status)
    return submissions.order_by("period__due", F("submitted_at").asc(nulls_last=True), "unit__order", "unit__code")


@dataclass(frozen=True)
class InboxFilters:
    periods: list[Period]
    kinds: list[UnitKind]


def inbox_filters(programme) -> InboxFilters:
    """The choices of the inbox's filters: the programme's periods and the kinds of unit that report. Two queries."""
    return InboxFilters(
        periods=list(programme.periods.order_by("end")),
        kinds=list(UnitKind.objects.filter(reports=True).order_by("order", "code")),
    )


def units_not_submitted(period: Period) -> list[UnitInfo]:
    """The units expected to report for the period that have never submitted it. Two queries."""
    submitted = set(
        Submission.objects.filter(period=period, submitted_at__isnull=False).values_list("unit_id", flat=True)
    )
    return [unit for unit in reporting_units(period.programme, on=period.end) if unit.id not in submitted]


@dataclass(frozen=True)
class ReviewRow:
    """A target of the report under review, with the reasons its move from the previous period looks wrong."""

    sheet_row: SheetRow
    flags: list[str]


@dataclass(frozen=True)
class RuleFinding:
    """A validation rule the report's figures break, with the officer's explanation when it is a warning."""

    violation: Violation
    explanation: str


@dataclass
class ReviewPage:
    sheet: ReportSheet
    rows: list[ReviewRow]
    events: list
    findings: list[RuleFinding]

    @property
    def narrative(self) -> list[NarrativeSection]:
        return self.sheet.narrative

    @property
    def submission(self) -> Submission:
        return self.sheet.submission

    @property
    def days_late(self) -> int | None:
        return days_late(self.submission)


def plausibility_limits(programme: Programme) -> Limits:
    """The programme's limits of a plausible step from the previous period."""
    return Limits.of(
        cumulative_fall=programme.plausible_cumulative_fall,
        jump=programme.plausible_jump,
        denominator_change_percent=programme.plausible_denominator_change,
    )


def _flags(row: SheetRow, limits: Limits) -> list[str]:
    """Register-derived targets (MT5a/MT5b) move from 0 of 1 to 1 of 1 by design: only typed figures are checked."""
    if not row.target.is_typed or row.previous is None or row.numerator is None or row.denominator is None:
        return []
    return implausible_change(
        cumulative=row.target.judged == Target.Judged.CUMULATIVE,
        numerator=row.numerator,
        denominator=row.denominator,
        previous_numerator=row.previous.numerator,
        previous_denominator=row.previous.denominator,
        limits=limits,
    )


def review_page(unit, period: Period) -> ReviewPage | None:
    """What the reviewer sees of a unit's report: the sheet, plausibility flags, the narrative in the
    programme's order and the history. None when the unit has no report for the period. Fixed query count."""
    sheet = report_sheet(unit, period)
    submission = sheet.submission
    if submission is None:
        return None
    submission.period = period  # already loaded, with its programme
    limits = plausibility_limits(period.programme)
    return ReviewPage(
        sheet=sheet,
        rows=[ReviewRow(row, _flags(row, limits)) for row in sheet.rows],
        events=report_history_events(submission),
        findings=[RuleFinding(v, sheet.explanations.get(v.rule.code, "")) for v in sheet.violations()],
    )
