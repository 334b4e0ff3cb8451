"""When a report is late: once its due day has ended, at midnight in Asia/Ho_Chi_Minh; judged at the period's
first submission and kept when a returned or reopened report comes back. Time is frozen on either side of
midnight, and the report goes through the real services.

On the shipped fixtures 2024Q1 is due on 10/04/2024; "03549" is a commune, the ``officer``'s unit.
"""

import datetime
import zoneinfo
from unittest import mock

import pytest

from programme.models import Period
from reporting.selectors.dashboards import completeness
from reporting.selectors.reports import unit_periods
from reporting.selectors.review import days_late
from reporting.services import (
    Figures,
    submission_approve,
    submission_import,
    submission_reopen,
    submission_return,
    submission_save,
)
from tests.test_dashboards import period
from tests.test_review import complete_content, submitted_by_officer

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=HANOI)


def frozen(moment: datetime.datetime):
    """The clock of Django (and of every service) stopped at ``moment``, given in UTC as Django keeps it."""
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(datetime.UTC))


@pytest.fixture
def q1(phong_tho):
    return period(phong_tho, "2024Q1")


def resubmit(officer, commune, q1, submission):
    content = complete_content(commune, q1, narrative="Đã sửa.")
    return submission_save(
        user=officer, unit=commune, period=q1, version=submission.version, content=content, submit=True
    )


def timeliness_of(commune, q1) -> tuple[str, tuple[int, int]]:
    """The unit's mark on the completeness page and the period's (on time, late) tally."""
    table = completeness(q1.programme, periods=[q1])
    (mark,) = next(row.marks for row in table.page.object_list if row.unit.id == commune.id)
    return mark.label, (table.totals[0].on_time, table.totals[0].late)


@pytest.mark.parametrize(
    "moment, late, label, timing",
    [
        (lambda due: at(due, 23, 59, 59), False, "Đúng hạn", "Nộp đúng hạn"),
        (lambda due: at(due + DAY, 0, 0, 0), True, "Muộn 1 ngày", "Nộp muộn"),
    ],
    ids=["last-second-of-the-due-day", "midnight-after"],
)
@pytest.mark.parametrize("by", ["officer", "file"])
def test_a_report_is_late_from_the_midnight_that_ends_its_due_day(
    officer, commune, q1, targets, moment, late, label, timing, by
):
    with frozen(moment(q1.due)):
        if by == "officer":
            submission = submitted_by_officer(officer, commune, q1)
        else:  # import_values and the reviewers' bulk upload
            submission = submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
        status = next(s for s in unit_periods(commune, q1.programme) if s.period == q1)
    assert submission.is_late is late
    assert timeliness_of(commune, q1) == (label, (0, 1) if late else (1, 0))
    assert status.timing == timing
    assert days_late(submission) == (1 if late else None)  # the reviewer's inbox: "Nộp muộn 1 ngày"


def test_a_report_first_submitted_on_time_stays_on_time_when_resubmitted_late(officer, reviewer, commune, q1):
    with frozen(at(q1.due, 23, 59, 59)):
        submission = submitted_by_officer(officer, commune, q1)
    with frozen(at(q1.due + DAY, 8)):
        submission = submission_return(user=reviewer, submission=submission, version=None, comment="Sửa MT1.")
    with frozen(at(q1.due + 5 * DAY, 9)):
        submission = resubmit(officer, commune, q1, submission)
    assert submission.is_late is False
    with frozen(at(q1.due + 6 * DAY, 9)):
        submission = submission_approve(user=reviewer, submission=submission, version=None)
        submission = submission_reopen(user=reviewer, submission=submission, version=None, reason="Sai MT6.")
        submission = resubmit(officer, commune, q1, submission)
    assert submission.is_late is False
    assert timeliness_of(commune, q1) == ("Đúng hạn", (1, 0))


def test_a_report_first_submitted_late_stays_late_even_if_the_due_date_moves(officer, reviewer, commune, q1):
    with frozen(at(q1.due + DAY, 0)):
        submission = submitted_by_officer(officer, commune, q1)
        submission = submission_return(user=reviewer, submission=submission, version=None, comment="Sửa MT1.")
    Period.objects.filter(pk=q1.pk).update(due=q1.due + 10 * DAY)  # extended after the fact
    q1.refresh_from_db()
    with frozen(at(q1.due - 8 * DAY, 9)):  # before the new due date: on time if it were judged again
        submission = resubmit(officer, commune, q1, submission)
    assert submission.is_late is True
    assert timeliness_of(commune, q1)[1] == (0, 1)
