"""Two people acting on one report at once, failures in the middle of a save, double clicks."""

import threading
from functools import partial
from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections
from django.urls import reverse

from accounts.roles import Role
from programme.models import Period
from reporting.models import Submission, SubmissionEvent, Value
from reporting.services import (
    Content,
    StaleSubmission,
    SubmissionError,
    submission_approve,
    submission_import,
    submission_reopen,
    submission_return,
    submission_save,
)
from tests.factories import make_user, total_figures
from tests.faults import pause_after
from tests.test_report_form import complete_post

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between connections are a PostgreSQL matter"
)


def run_together(*actions):
    """Run each action in its own thread and database connection, released at the same moment."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            outcomes[index] = ("ok", action())
        except Exception as error:  # the outcome is what the test inspects
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


def content(targets, value):
    return Content(figures={targets[code]: total_figures(targets[code], value, 10) for code in ("MT1", "MT2", "MT6")})


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_at_once_one_wins_the_other_is_told(phong_tho, q1, targets, officer, commune):

    second = make_user("canbo2", Role.OFFICER, unit=commune)
    submission_save(
        user=officer,
        unit=commune,
        period=q1,
        version=None,
        content=content(targets, 1),
        submit=False,
    )
    version = Submission.objects.get().version
    outcomes = run_together(
        lambda: submission_save(
            user=officer,
            unit=commune,
            period=q1,
            version=version,
            content=content(targets, 7),
            submit=False,
        ),
        lambda: submission_save(
            user=second,
            unit=commune,
            period=q1,
            version=version,
            content=content(targets, 3),
            submit=False,
        ),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(result for kind, result in outcomes if kind == "error")
    assert isinstance(error, StaleSubmission)
    winner = next(result for kind, result in outcomes if kind == "ok")
    values = set(Value.objects.values_list("numerator", flat=True))
    assert values == {winner.values.first().numerator}  # all of one save, none of the other
    assert Submission.objects.get().version == version + 1
    assert SubmissionEvent.objects.count() == 2


def review_action(action, user, submission, version):
    """One reviewer's action on the report, pausing once it has read the report's row (as a slow request
    would): without the row lock the other reviewer reads the same row in that pause, and both act on it."""
    if action == "approve":
        act = partial(submission_approve, user=user, submission=submission, version=version)
    elif action == "return":
        act = partial(submission_return, user=user, submission=submission, version=version, comment="Sửa MT1.")
    else:
        act = partial(submission_reopen, user=user, submission=submission, version=version, reason="Sửa MT1.")

    def paused():
        with pause_after('FROM "reporting_submission" ', 0.5):
            return act()

    return paused


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second", "approved", "same_version"),
    [
        ("approve", "approve", False, True),
        ("approve", "return", False, True),
        ("reopen", "return", True, True),
        ("reopen", "reopen", True, True),
        # No version to compare (the services accept none): only the lock and the status check keep it to one.
        ("approve", "approve", False, False),
        ("reopen", "reopen", True, False),
    ],
)
def test_two_reviewers_at_once_make_one_transition(
    phong_tho, q1, targets, officer, reviewer, commune, first, second, approved, same_version
):
    other = make_user("thamdinh2", Role.REVIEWER, unit=phong_tho.area)
    submission = submission_import(
        unit=commune, period=q1, figures={targets["MT1"]: total_figures(targets["MT1"], 5, 10)}
    )
    if approved:
        submission = submission_approve(user=reviewer, submission=submission, version=submission.version)
    version = submission.version if same_version else None
    events = SubmissionEvent.objects.count()
    outcomes = run_together(
        review_action(first, reviewer, submission, version), review_action(second, other, submission, version)
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    refused = next(result for kind, result in outcomes if kind == "error")
    assert isinstance(refused, SubmissionError) and str(refused)
    assert SubmissionEvent.objects.count() == events + 1
    after = Submission.objects.get()
    assert after.version == submission.version + 1
    assert after.status == SubmissionEvent.objects.latest("pk").to_status


def test_a_failure_in_the_middle_of_a_save_leaves_the_report_as_it_was(q1, targets, officer, commune):
    submission_save(user=officer, unit=commune, period=q1, version=None, content=content(targets, 2), submit=False)
    before = Submission.objects.get()
    values_before = sorted(Value.objects.values_list("target__code", "numerator", "denominator"))
    with (
        mock.patch("reporting.services.SubmissionEvent.objects.create", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        submission_save(
            user=officer,
            unit=commune,
            period=q1,
            version=before.version,
            content=content(targets, 9),
            submit=False,
        )
    after = Submission.objects.get()
    assert (after.version, after.status, after.updated_at) == (before.version, before.status, before.updated_at)
    assert sorted(Value.objects.values_list("target__code", "numerator", "denominator")) == values_before
    assert SubmissionEvent.objects.count() == 1


def test_a_double_clicked_submit_makes_one_submission_and_one_entry(client, officer, commune, q1):
    client.force_login(officer)
    url = reverse("report", args=[q1.id, commune.code])
    first = client.post(url, complete_post())
    second = client.post(url, complete_post())  # the same form, sent again before the page changed
    assert first.status_code == 302
    assert second.status_code in (302, 409)
    assert Submission.objects.count() == 1
    assert SubmissionEvent.objects.filter(action="submitted").count() == 1
