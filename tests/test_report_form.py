"""The unit officer's report form: drafts, submission, validation, conflicts and access."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from programme.models import Period, TargetCategory, Unit
from reporting.counts import BAD_GROUPS, COMMA, MAX_COUNT, OTHER_DIGITS, TOO_LARGE
from reporting.models import Submission, SubmissionEvent, Value
from reporting.services import Content, Figures, submission_approve, submission_return, submission_save
from tests.factories import make_district, make_user

TYPED_Q1 = ["MT1", "MT2", "MT3a", "MT3b", "MT4a", "MT4b", "MT6", "MT7"]  # a commune's typed targets in 2024Q1


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


def url(period, unit):
    return reverse("report", args=[period.id, unit.code])


BY_ORGANISATION = ["MT6", "MT7"]  # typed per mass organisation (tests/test_breakdowns.py)
ORGANISATIONS = ["doan-thanh-nien", "phu-nu", "nong-dan", "cuu-chien-binh"]
# The bytes a target typed per organisation may add to the form for each organisation: a row of two boxes, and
# on a page with the history the lines recording their changes.
ORGANISATION_ROW_BYTES = 1_000
ORGANISATION_ROWS_Q1 = len(BY_ORGANISATION) * len(ORGANISATIONS)


def complete_post(version="", **overrides):
    data = {"version": version, "action": "submit"}
    for code in TYPED_Q1:
        if code in BY_ORGANISATION:
            data[f"note_{code}"] = ""
            for org in ORGANISATIONS:
                data |= {f"pnum_{code}__{org}": "2", f"pden_{code}__{org}": "3"}
        else:
            data |= {f"num_{code}": "8", f"den_{code}": "10", f"note_{code}": ""}
    data |= {f"group_{n}": f"Kết quả nhóm {n}." for n in range(1, 5)}
    data |= {"shortcomings": "Còn chậm.", "next_steps": "Đôn đốc.", "proposals": "Không."}
    return data | overrides


def test_form_lists_the_units_targets_for_the_period(client, officer, commune, q1):
    client.force_login(officer)
    response = client.get(url(q1, commune))
    assert response.status_code == 200
    for code in TYPED_Q1:
        if code in BY_ORGANISATION:
            assert f'name="pnum_{code}__nong-dan"' in response.text and f'name="num_{code}"' not in response.text
        else:
            assert f'name="num_{code}"' in response.text and f'name="den_{code}"' in response.text
    assert "MT5a" in response.text and 'name="num_MT5a"' not in response.text  # from the register, read-only
    assert "MT8" not in response.text and "MT4c" not in response.text  # annual ratings: annual report only
    assert "Số hộ gia đình được tuyên truyền" in response.text  # the programme's own labels
    assert 'for="id_num_MT1"' in response.text  # labels tied to inputs


def test_armed_forces_get_only_their_targets(client, phong_tho, q1):
    unit = Unit.objects.get(code="109-CA")
    client.force_login(make_user("ca", Role.OFFICER, unit=unit))
    text = client.get(url(q1, unit)).text
    assert 'name="num_MT4b"' in text and "MT6" not in text and 'name="num_MT4a"' not in text
    assert 'name="group_2"' in text and 'name="group_3"' not in text  # the Front's and mass organisations' group


def test_a_partial_draft_is_saved_and_recorded(client, officer, commune, q1):
    client.force_login(officer)
    response = client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": "3", "group_1": "Đã làm."})
    assert response.status_code == 302
    submission = Submission.objects.get(unit=commune, period=q1)
    assert submission.status == "draft"
    assert Value.objects.get(submission=submission, target__code="MT1").numerator == 3
    event = submission.events.get()
    assert (event.action, event.actor, event.to_status) == ("saved", officer, "draft")
    assert {"target": "MT1", "field": "numerator", "old": None, "new": 3} in event.changes
    page = client.get(url(q1, commune))
    assert "Đã lưu nháp." in page.text and 'data-saved="1"' in page.text
    assert 'value="3"' in page.text


def test_submit_needs_everything(client, officer, commune, q1):
    client.force_login(officer)
    data = complete_post()
    del data["pden_MT6__phu-nu"]
    data["next_steps"] = "  "
    response = client.post(url(q1, commune), data)
    assert response.status_code == 400
    assert response.text.count("Bắt buộc khi nộp báo cáo.") == 2
    assert not Submission.objects.exists()


def test_a_complete_report_is_submitted(client, officer, commune, q1):
    client.force_login(officer)
    assert client.post(url(q1, commune), complete_post()).status_code == 302
    submission = Submission.objects.get(unit=commune, period=q1)
    assert submission.status == "submitted" and submission.submitted_by == officer
    assert submission.is_late  # the 2024 due dates are long past
    assert submission.values.count() == len(TYPED_Q1)
    assert submission.narratives.count() == 4
    assert submission.events.get().action == "submitted"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Phải là số nguyên, ví dụ 1500 hoặc 1.500."),
        ("1,5", "Dấu phẩy là dấu thập phân"),
        ("2.5", "Dấu chấm chỉ dùng để tách hàng nghìn"),
        ("-1", "Không được là số âm."),
        ("99999999999", "Số quá lớn."),
        ("11", "Tử số (11) không được lớn hơn mẫu số (10)."),
    ],
)
def test_bad_numbers_are_refused_next_to_the_field_and_kept(client, officer, commune, q1, typed, message):
    client.force_login(officer)
    response = client.post(url(q1, commune), complete_post(num_MT3b=typed))
    assert response.status_code == 400
    assert message in response.text
    assert f'value="{typed}"' in response.text  # what the officer typed is shown back intact
    assert "Kết quả nhóm 1." in response.text
    assert not Submission.objects.exists()


def test_thousands_separators_are_read_the_vietnamese_way(client, officer, commune, q1):
    client.force_login(officer)
    client.post(url(q1, commune), complete_post(num_MT3b="1.500", den_MT3b="2.000"))
    value = Value.objects.get(target__code="MT3b")
    assert (value.numerator, value.denominator) == (1500, 2000)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,000", COMMA),
        ("15.00", BAD_GROUPS),
        ("１２３", OTHER_DIGITS),
        ("٣", OTHER_DIGITS),
        ("2147483648", TOO_LARGE),
    ],
)
def test_the_form_reads_counts_through_the_one_parser(client, officer, commune, q1, typed, message):
    client.force_login(officer)
    response = client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": typed, "den_MT1": "10"})
    assert response.status_code == 400 and message in response.text
    assert not Submission.objects.exists()


def test_a_box_of_spaces_is_empty_and_dots_group_thousands(client, officer, commune, q1):
    client.force_login(officer)
    draft = {"version": "", "action": "save", "num_MT1": "   ", "den_MT1": "\u00a02.147.483.647 "}
    assert client.post(url(q1, commune), draft).status_code == 302
    value = Value.objects.get(target__code="MT1")
    assert (value.numerator, value.denominator) == (None, MAX_COUNT)


def test_a_stale_form_never_overwrites_a_newer_save(client, officer, commune, q1):
    client.force_login(officer)
    client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": "1"})
    submission = Submission.objects.get()
    opened_with = submission.version
    client.post(url(q1, commune), {"version": str(opened_with), "action": "save", "num_MT1": "2"})  # another tab
    response = client.post(url(q1, commune), {"version": str(opened_with), "action": "save", "num_MT1": "7"})
    assert response.status_code == 409
    assert "vừa được lưu lúc" in response.text
    assert 'value="7"' in response.text  # the officer's input is kept to re-apply
    assert "Bản đang lưu: 2/—" in response.text
    assert Value.objects.get(target__code="MT1").numerator == 2
    assert f'value="{opened_with + 1}"' in response.text  # a deliberate second save may now win
    assert (
        client.post(url(q1, commune), {"version": str(opened_with + 1), "action": "save", "num_MT1": "7"}).status_code
        == 302
    )
    assert Value.objects.get(target__code="MT1").numerator == 7


def test_a_form_opened_before_the_report_existed_is_stale_once_it_does(client, officer, commune, q1):
    client.force_login(officer)
    client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": "1"})
    response = client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": "5"})
    assert response.status_code == 409
    assert Value.objects.get(target__code="MT1").numerator == 1


def test_submitted_report_is_read_only_for_the_officer(client, officer, commune, q1):
    client.force_login(officer)
    client.post(url(q1, commune), complete_post())
    page = client.get(url(q1, commune))
    assert 'name="num_MT1"' not in page.text and "8/10" in page.text
    response = client.post(url(q1, commune), complete_post(version="2", num_MT1="1"))
    assert response.status_code == 302
    assert Value.objects.get(target__code="MT1").numerator == 8


def test_returned_report_shows_the_comment_and_can_be_resubmitted(client, officer, reviewer, commune, q1):
    client.force_login(officer)
    client.post(url(q1, commune), complete_post())
    submission = Submission.objects.get()
    submission_return(user=reviewer, submission=submission, version=submission.version, comment="MT3b thiếu số hộ.")
    for page in (client.get(url(q1, commune)), client.get(reverse("home"))):
        assert "MT3b thiếu số hộ." in page.text
    submission.refresh_from_db()
    response = client.post(url(q1, commune), complete_post(version=str(submission.version), num_MT3b="10"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert list(submission.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
    ]


def test_officer_cannot_open_or_post_another_units_report(client, officer, q1):
    other = Unit.objects.get(code="03490")
    client.force_login(officer)
    assert client.get(url(q1, other)).status_code == 404
    assert client.post(url(q1, other), complete_post()).status_code == 404
    assert client.get(reverse("report_history", args=[q1.id, other.code])).status_code == 404
    assert not Submission.objects.exists()


def test_district_and_closed_units_have_no_report(client, officer, q1):
    client.force_login(make_user("x", Role.REVIEWER, unit=Unit.objects.get(code="109")))
    assert client.get(url(q1, Unit.objects.get(code="109"))).status_code == 404
    assert client.get(reverse("report", args=[q1.id, "no-such-unit"])).status_code == 404


def test_reviewer_and_leader_are_sent_to_the_review_page(client, reviewer, leader, commune, q1):
    for user in (reviewer, leader):
        client.force_login(user)
        response = client.get(url(q1, commune))
        assert response.status_code == 302 and response["Location"] == reverse("review", args=[q1.id, commune.code])
        assert client.post(url(q1, commune), complete_post()).status_code == 302
    assert not Submission.objects.exists()


def test_anonymous_is_sent_to_login(client, commune, q1):
    response = client.get(url(q1, commune))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_csrf_is_enforced(officer, commune, q1):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer)
    assert csrf_client.post(url(q1, commune), complete_post()).status_code == 403
    assert not Submission.objects.exists()


def test_history_records_who_changed_what(client, officer, reviewer, commune, q1):
    client.force_login(officer)
    client.post(url(q1, commune), complete_post())
    submission = Submission.objects.get()
    submission_approve(user=reviewer, submission=submission, version=submission.version)
    events = list(
        SubmissionEvent.objects.filter(submission=submission).order_by("at", "pk").values_list("action", "to_status")
    )
    assert events == [("submitted", "submitted"), ("approved", "approved")]
    page = client.get(reverse("report_history", args=[q1.id, commune.code]))
    assert page.status_code == 200


def test_the_form_is_light(client, officer, commune, q1):
    client.force_login(officer)
    html = client.get(url(q1, commune)).content
    assets = [finders.find(name) for name in ("css/app.css", "js/report-form.js", "js/kept-copies.js")]
    total = len(html) + sum(len(Path(path).read_bytes()) for path in assets)
    # A target typed per organisation (MT6, MT7) has a row of two boxes for each: a small allowance per row.
    rows = TargetCategory.objects.filter(target__programme=q1.programme, target__code__in=BY_ORGANISATION).count()
    assert rows == ORGANISATION_ROWS_Q1
    assert total < 60_000 + ORGANISATION_ROW_BYTES * rows, f"{total} bytes"
    assert b"http://" not in html and b"https://" not in html  # no external request
    assert settings.STATIC_URL.encode() in html


def form_queries(client, user, period, unit) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(period, unit)).status_code == 200
    return len(captured)


def district_with_a_saved_draft(n_units: int, name: str):
    programme, periods, targets = make_district(n_units, targets=4)
    unit = Unit.objects.filter(parent=programme.area).first()
    officer = make_user(name, Role.OFFICER, unit=unit)
    content = Content(figures={t: Figures(1, 2) for t in targets})
    for period in periods:
        submission_save(user=officer, unit=unit, period=period, version=None, content=content, submit=False)
    return officer, periods[-1], unit


def test_form_query_count_is_fixed(client, db):
    small = form_queries(client, *district_with_a_saved_draft(10, "a"))
    large = form_queries(client, *district_with_a_saved_draft(300, "b"))
    assert small == large


def test_the_page_after_a_confirmed_save_or_submit_says_to_drop_the_kept_copy(client, officer, commune, q1):
    client.force_login(officer)
    page = client.get(url(q1, commune)).text
    copy = f'data-owner="{officer.pk}" data-unit="{commune.code}" data-period="{q1.id}"'
    assert copy in page and "data-saved" not in page and "data-forget-kept-copy" not in page
    assert 'id="id_version"' in page  # the copy records the version it was typed against
    client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": "3"})
    assert 'data-saved="1"' in client.get(url(q1, commune)).text
    submission = Submission.objects.get()
    client.post(url(q1, commune), complete_post(version=str(submission.version)))
    submitted = client.get(url(q1, commune)).text
    assert 'name="num_MT1"' not in submitted  # the read-only page, which has no form script
    assert f"<span hidden data-forget-kept-copy {copy}></span>" in submitted
    assert "data-forget-kept-copy" not in client.get(url(q1, commune)).text  # only when the server confirmed
    assert "kept-copies.js" in submitted  # the site-wide script that reads it


def test_a_refused_or_conflicting_post_marks_the_form_as_unsaved(client, officer, commune, q1):
    client.force_login(officer)
    refused = client.post(url(q1, commune), {"version": "", "action": "save", "num_MT1": "x"})
    assert refused.status_code == 400 and 'data-unsaved="1"' in refused.text
    assert 'data-unsaved="1"' not in client.get(url(q1, commune)).text


def test_the_kept_copy_names_its_owner_and_period_in_plain_digits_past_a_thousand(client, commune, q1):
    """Numbers on the page are grouped (1.068), but an id in an attribute is a key: the form, the page after a
    save and the sign-out form must write it alike, as the address does."""
    officer = User.objects.create_user(id=1068, username="canbo-nghin", password="Mat-khau-thu-9", unit=commune)
    officer.groups.add(Group.objects.get(name=Role.OFFICER.label))
    client.force_login(officer)
    page = client.get(url(q1, commune)).text
    assert page.count('data-owner="1068"') == 2  # the form and the sign-out form
    assert "1.068" not in page
