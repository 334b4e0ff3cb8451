"""Who has reported, on time or late, and who has not: the completeness of each period.

The definitions, shared by the overview's strip and the completeness page:

- **expected**: the units that report under the programme and exist at the period's end
  (``reporting_units(programme, on=period.end)``);
- **submitted**: an expected unit whose report for the period is *submitted* or *approved* — the reports
  that count in the figures. A report that was returned, or is still a draft, is not submitted;
- **on time / late**: a submitted report whose first submission came by / after the due date
  (``Submission.is_late``, fixed at the first submission); the days late are counted to the latest
  submission, as in the reviewer's inbox;
- **missing**: expected minus submitted (so returned and draft reports are missing; they are also counted
  apart, as "returned");
- **approved**: a submitted report in status *approved*.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F
from django.utils import timezone

from programme import tree
from programme.models import Period
from programme.selectors import exists_on
from reporting.models import Submission
from reporting.selectors.compliance import Census

ON_TIME, LATE, RETURNED, MISSING, NOT_EXPECTED = "on_time", "late", "returned", "missing", "not_expected"


@dataclass(frozen=True)
class ReportState:
    """What the submission (or its absence) means for the unit's duty to report the period."""

    status: str | None  # the submission's status; None without a submission
    is_late: bool = False
    submitted_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Timeliness:
    """One unit's report for one period as the completeness page shows it."""

    state: str  # ON_TIME, LATE, RETURNED, MISSING or NOT_EXPECTED
    approved: bool = False
    days: int | None = None  # late by (LATE), or overdue by (RETURNED, MISSING) once the due date has passed

    @property
    def label(self) -> str:
        if self.state == ON_TIME:
            return "Đúng hạn"
        if self.state == LATE:
            return f"Muộn {self.days} ngày"
        if self.state == NOT_EXPECTED:
            return "Không phải báo cáo"
        return "Bị trả lại" if self.state == RETURNED else "Chưa nộp"

    @property
    def overdue(self) -> str:
        """ "Quá hạn N ngày" for a report still missing after its due date."""
        return f"Quá hạn {self.days} ngày" if self.days and self.state in (RETURNED, MISSING) else ""

    @property
    def submitted(self) -> bool:
        return self.state in (ON_TIME, LATE)


def days_after_due(due: datetime.date, submitted_at: datetime.datetime) -> int:
    """Days from the due date to the local day of a submission: 1 from the midnight that ends the due day."""
    return (timezone.localdate(submitted_at) - due).days


def timeliness(period: Period, state: ReportState | None, *, expected: bool, today: datetime.date) -> Timeliness:
    if not expected:
        return Timeliness(NOT_EXPECTED)
    status = state.status if state else None
    if status in Submission.COUNTING:
        if not state.is_late:
            return Timeliness(ON_TIME, approved=status == Submission.Status.APPROVED)
        days = days_after_due(period.due, state.submitted_at) if state.submitted_at else None
        return Timeliness(LATE, approved=status == Submission.Status.APPROVED, days=days)
    overdue = (today - period.due).days
    return Timeliness(RETURNED if status == Submission.Status.RETURNED else MISSING, days=max(overdue, 0) or None)


@dataclass(frozen=True)
class Completeness:
    """The tally of one period over the expected units."""

    period: Period
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    returned: int = 0
    approved: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late


def report_states(periods: list[Period], unit_ids: list[int] | None = None) -> dict[tuple[int, int], ReportState]:
    """(period id, unit id) → the state of that unit's report for the period (of those units only, when
    given). One query."""
    rows = Submission.objects.filter(period__in=[period.id for period in periods])
    if unit_ids is not None:
        rows = rows.filter(unit__in=unit_ids)
    rows = rows.values_list("period_id", "unit_id", "status", "is_late", "submitted_at")
    return {(period_id, unit_id): ReportState(*state) for period_id, unit_id, *state in rows}


def district_completeness(period: Period, counted: Census) -> Completeness:
    """The period's completeness (the definitions above) over the expected units, counted by the database.
    One query."""
    return completeness_by_period([period], counted)[0]


def completeness_by_period(periods: list[Period], counted: Census, *, kind_id: int | None = None) -> list[Completeness]:
    """``district_completeness`` of each period, over the units of one kind when given. One query for all the
    periods."""
    rows = Submission.objects.filter(period__in=[period.id for period in periods], unit__kind__reports=True)
    if kind_id is not None:
        rows = rows.filter(unit__kind_id=kind_id)
    rows = (
        rows.filter(tree.under(counted.area_path, "unit__"), exists_on(F("period__end"), "unit__"))
        .values_list("period_id", "status", "is_late")
        .annotate(reports=Count("id"))
    )
    count: dict[tuple[int, str, bool], int] = defaultdict(int)
    for period_id, status, is_late, reports in rows.order_by():
        count[period_id, status, is_late] = reports

    def reports(period: Period, statuses: tuple[str, ...], lateness: tuple[bool, ...] = (False, True)) -> int:
        return sum(count[period.id, status, late] for status in statuses for late in lateness)

    counting, kinds = tuple(Submission.COUNTING), None if kind_id is None else {kind_id}
    tallies = []
    for period in periods:
        on_time, late = reports(period, counting, (False,)), reports(period, counting, (True,))
        expected = counted.units(period, kinds)
        tallies.append(
            Completeness(
                period=period,
                expected=expected,
                on_time=on_time,
                late=late,
                missing=expected - on_time - late,
                returned=reports(period, (Submission.Status.RETURNED,)),
                approved=reports(period, (Submission.Status.APPROVED,)),
            )
        )
    return tallies
