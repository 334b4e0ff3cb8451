"""A database failure in the middle of a change leaves every table exactly as it was, and the user is told.

Each test builds some state, takes every row of the data, makes the database fail a statement after the change
has already written something (``writes_before``), and compares every row afterwards. The tests run with real
commits (``transaction=True``), as in production, where the service's transaction is the outermost one.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.roles import Role
from dvproject.failures import MESSAGE
from programme.models import ExemplaryModel, Period, Unit
from programme.services import exemplary_model_register
from reporting.models import Submission
from reporting.services import Content, Figures, submission_approve, submission_import, submission_save
from tests.factories import make_user
from tests.faults import database_state, failing_statement
from tests.test_report_form import complete_post

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = 'INSERT INTO "reporting_submissionevent"'
# Two reports: 03549 has one already (its figures are updated), 109-CA gets a new one, loaded second.
ROWS = ["03549,2024Q1,MT1,3,4", "03549,2024Q1,MT3b,45,50", "109-CA,2024Q1,MT1,2,2"]


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


@pytest.fixture
def imported_before(commune, q1, targets):
    """A report of 03549 already loaded, so that the failed import has rows to update, not only to add."""
    return submission_import(
        unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 4), targets["MT2"]: Figures(2, 2)}
    )


def csv_bytes(lines) -> bytes:
    return ("\n".join(["unit,period,target,numerator,denominator", *lines]) + "\n").encode()


def assert_unchanged(before, failure):
    assert failure.fired, "the failure was never reached"
    assert failure.writes_before >= 1, "the failure came before anything was written"
    assert database_state() == before


# --- import_values and the bulk upload: every report of the file, or none ------------------------------------


def test_import_values_fails_in_the_second_report_and_loads_nothing(imported_before, tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_bytes(csv_bytes(ROWS))
    before = database_state()
    with (
        failing_statement(EVENT, nth=2) as failure,
        pytest.raises(CommandError) as refused,
    ):
        call_command("import_values", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.returncode != 0
    assert str(refused.value).startswith("Không nhập dòng nào: cơ sở dữ liệu báo lỗi")
    assert "không báo cáo nào thay đổi" in str(refused.value)
    assert_unchanged(before, failure)


def test_bulk_upload_fails_in_the_second_report_and_loads_nothing(client, reviewer, imported_before):
    client.force_login(reviewer)
    before = database_state()
    with failing_statement(EVENT, nth=2) as failure:
        response = client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile("so-lieu.csv", csv_bytes(ROWS))})
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert_unchanged(before, failure)


# --- the officer's report ------------------------------------------------------------------------------------


def test_a_submission_that_fails_at_its_history_entry_changes_nothing(client, officer, commune, q1, targets):
    draft = submission_save(
        user=officer,
        unit=commune,
        period=q1,
        version=None,
        content=Content(figures={targets["MT1"]: Figures(1, 10)}),
        submit=False,
    )
    client.force_login(officer)
    before = database_state()
    with failing_statement(EVENT) as failure:
        response = client.post(reverse("report", args=[q1.id, commune.code]), complete_post(version=draft.version))
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert_unchanged(before, failure)


# --- the review: approve, return, reopen ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "approved_first"),
    [("approve", False), ("return", False), ("reopen", True)],
)
def test_a_review_action_that_fails_changes_nothing(client, reviewer, imported_before, action, approved_first):
    submission = imported_before
    if approved_first:
        submission = submission_approve(user=reviewer, submission=submission, version=submission.version)
    client.force_login(reviewer)
    before = database_state()
    url = reverse("review", args=[submission.period_id, submission.unit.code])
    with failing_statement(EVENT) as failure:  # the report's row is already updated when its history entry fails
        response = client.post(url, {"action": action, "version": submission.version, "comment": "Sửa MT1."})
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert_unchanged(before, failure)
    assert Submission.objects.get().status == submission.status


# --- the register of "Dân vận khéo" models -------------------------------------------------------------------

MODEL = 'INSERT INTO "programme_exemplarymodel"'


def test_registering_a_model_that_fails_after_its_row_is_written_changes_nothing(client, officer, phong_tho):
    client.force_login(officer)
    before = database_state()
    data = {"name": "Dân vận khéo trong xóa bỏ hủ tục", "field": "customs", "description": "", "started_on": ""}
    with failing_statement(MODEL, after_running=True) as failure:
        response = client.post(reverse("register"), data)
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert_unchanged(before, failure)


@pytest.fixture
def model(reviewer, commune):
    return exemplary_model_register(
        user=reviewer,
        unit=commune,
        year=2024,
        name="Dân vận khéo trong bảo vệ rừng",
        field="forest",
        registered_on=datetime.date(2024, 3, 1),
    )


def test_recognising_a_model_that_fails_after_its_row_is_written_changes_nothing(client, reviewer, model):
    client.force_login(reviewer)
    before = database_state()
    data = {f"m{model.pk}-recognised_on": "10/05/2024", f"m{model.pk}-recognition_level": "district"}
    with failing_statement('UPDATE "programme_exemplarymodel"', after_running=True) as failure:
        response = client.post(reverse("model_recognise", args=[model.pk]), data)
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert_unchanged(before, failure)
    assert ExemplaryModel.objects.get().recognised_on is None


def test_an_admin_edit_of_a_model_that_fails_at_its_log_entry_changes_nothing(client, model):
    administrator = make_user("quantri", Role.ADMINISTRATOR)
    administrator.is_staff = administrator.is_superuser = True
    administrator.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(administrator)
    other = Unit.objects.get(code="03391")
    data = {
        "unit": other.pk,
        "year": 2024,
        "name": "Dân vận khéo trong bảo vệ rừng đầu nguồn",
        "field": "forest",
        "description": "",
        "started_on": "",
        "registered_on": "01/03/2024",
        "recognised_on": "",
        "recognition_level": "",
    }
    before = database_state()
    with failing_statement('INSERT INTO "django_admin_log"') as failure:
        response = client.post(reverse("admin:programme_exemplarymodel_change", args=[model.pk]), data)
    assert response.status_code == 503
    assert MESSAGE in response.text
    assert_unchanged(before, failure)
