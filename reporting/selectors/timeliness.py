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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from programme.models import Period, Unit
from programme.selectors import exists_on, programme_areas
from reporting.models import ReportCounts, Submission

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


CountsKey = tuple[int, int, int]  # (period id, kind id, area (or parent) unit id)
COUNTS_FIELDS = ("expected", "on_time", "late", "returned", "approved")
Counts = tuple[int, ...]  # COUNTS_FIELDS, in that order


def direct_counts(periods: list[Period], parents: Iterable[int] | None = None) -> dict[CountsKey, Counts]:
    """(period id, kind id, parent id) → how many of the parent's own reporting units of the kind exist on the
    period's end (expected), and how many of those have a report on time, late, returned or approved (the
    definitions above), for those parents only when given: what ``ReportCounts`` keeps for the parent, before
    the rows of the areas below it are added. Each period counts the units under its programme's area
    (``counted_by``). Three queries."""
    if not periods:
        return {}
    areas = programme_areas(period.programme_id for period in periods)
    counted = {period.id: areas[period.programme_id].counts() for period in periods}
    by: dict[int, list[int]] = defaultdict(list)  # programme id → its periods' ids
    for period in periods:
        by[period.programme_id].append(period.id)
    units = Unit.objects.filter(reduce(or_, (areas[programme].counts() for programme in by)), kind__reports=True)
    reports = Submission.objects.filter(
        reduce(or_, (Q(period__in=ids) & areas[programme].counts("unit__") for programme, ids in by.items())),
        unit__kind__reports=True,
    ).filter(exists_on(F("period__end"), "unit__"))
    if parents is not None:
        units, reports = units.filter(parent__in=list(parents)), reports.filter(unit__parent__in=list(parents))
    expected = {
        f"units_{period.id}": Count("id", filter=exists_on(period.end) & counted[period.id]) for period in periods
    }
    counts: dict[CountsKey, list[int]] = defaultdict(lambda: [0] * len(COUNTS_FIELDS))
    for row in units.values("kind_id", "parent_id").annotate(**expected).order_by():
        for period in periods:
            if row[f"units_{period.id}"]:
                counts[period.id, row["kind_id"], row["parent_id"]][0] = row[f"units_{period.id}"]
    rows = reports.values_list("period_id", "unit__kind_id", "unit__parent_id", "status", "is_late").annotate(
        n=Count("id")
    )
    for period_id, kind_id, parent_id, status, is_late, n in rows.order_by():
        found = counts[period_id, kind_id, parent_id]
        if status in Submission.COUNTING:
            found[2 if is_late else 1] += n
        if status == Submission.Status.RETURNED:
            found[3] += n
        if status == Submission.Status.APPROVED:
            found[4] += n
    return {key: tuple(found) for key, found in counts.items() if any(found)}


def district_completeness(period: Period, area_id: int) -> Completeness:
    """The period's completeness (the definitions above) over the expected units under the area, from the kept
    counts. One query."""
    return completeness_by_period([period], area_id)[0]


def completeness_by_period(periods: list[Period], area_id: int, *, kind_id: int | None = None) -> list[Completeness]:
    """``district_completeness`` of each period, over the units of one kind when given, from the counts kept
    for the area (``ReportCounts``). One query for all the periods, whatever the number of units."""
    rows = ReportCounts.objects.filter(area=area_id, period__in=[period.id for period in periods])
    if kind_id is not None:
        rows = rows.filter(kind=kind_id)
    summed = rows.values_list("period_id").annotate(*(Sum(name) for name in COUNTS_FIELDS)).order_by()
    by_period = {period_id: counts for period_id, *counts in summed}
    tallies = []
    for period in periods:
        expected, on_time, late, returned, approved = by_period.get(period.id, (0,) * len(COUNTS_FIELDS))
        tallies.append(
            Completeness(
                period=period,
                expected=expected,
                on_time=on_time,
                late=late,
                missing=expected - on_time - late,
                returned=returned,
                approved=approved,
            )
        )
    return tallies
