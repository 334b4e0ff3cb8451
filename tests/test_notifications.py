"""Notifications of the report workflow (followup.notify): who is told of a submission, a return, an approval
and a reopening, in the same transaction as the change; the list page and the header's unread count.

On the shipped fixtures "03549" is the officer's commune (``commune``), "03391" another commune."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import permissions
from accounts.roles import Role
from followup.models import Email, EmailChoice, Kind, Notification
from programme.models import Unit
from reporting.services import (
    Content,
    SubmissionError,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
)
from tests.factories import make_user
from tests.test_review import complete_content, period, submitted_by_officer


@pytest.fixture
def q1(phong_tho):
    return period(phong_tho, "2024Q1")


def told(kind=None):
    rows = Notification.objects.order_by("recipient__username")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.recipient.username, n.kind) for n in rows]


def test_a_submission_tells_every_reviewer_of_the_unit_and_no_one_else(
    officer, reviewer, leader, administrator, commune, q1
):
    other_officer = make_user("canbokhac", Role.OFFICER, unit=Unit.objects.get(code="03391"))
    submission = submitted_by_officer(officer, commune, q1)
    assert told() == [("quantri", "submitted"), ("thamdinh", "submitted")]
    notice = Notification.objects.get(recipient=reviewer)
    assert notice.text == f"{commune.name} đã nộp báo cáo {q1.name} (nộp muộn): chờ thẩm định."
    assert notice.link == reverse("review", args=[q1.id, commune.code])
    assert (notice.unit, notice.period, notice.read_at) == (commune, q1, None)
    assert not Notification.objects.filter(recipient__in=[officer, leader, other_officer]).exists()
    assert submission.is_late  # 2024's periods are long past: the text says so


def test_the_recipients_follow_the_permission_rule(monkeypatch, officer, reviewer, commune, q1):
    """A reviewer whom ``may`` does not let review the unit is not told (reviewers kept to an area later)."""
    second = make_user("thamdinh2", Role.REVIEWER, unit=commune.parent)
    real = permissions.may

    def may(user, action, unit=None):
        if action is permissions.Action.REVIEW_UNIT and user.pk == second.pk:
            return False
        return real(user, action, unit)

    monkeypatch.setattr(permissions, "may", may)
    submitted_by_officer(officer, commune, q1)
    assert told() == [("thamdinh", "submitted")]


def test_saving_a_draft_or_a_refused_submission_tells_no_one(officer, reviewer, commune, q1):
    submission_save(user=officer, unit=commune, period=q1, version=None, content=Content(), submit=False)
    with pytest.raises(SubmissionError):
        submission_save(user=officer, unit=commune, period=q1, version=1, content=Content(), submit=True)
    assert told() == []


def test_return_approve_and_reopen_tell_the_units_officers_with_the_comment(officer, reviewer, commune, q1):
    second_officer = make_user("canbo2", Role.OFFICER, unit=commune)
    make_user("canbokhac", Role.OFFICER, unit=Unit.objects.get(code="03391"))
    submission = submitted_by_officer(officer, commune, q1)
    Notification.objects.all().delete()

    submission = submission_return(user=reviewer, submission=submission, version=None, comment="Thiếu số liệu MT1.")
    assert told() == [("canbo", "returned"), ("canbo2", "returned")]
    notice = Notification.objects.get(recipient=second_officer)
    assert notice.text == (
        f"Báo cáo {q1.name} của {commune.name} bị trả lại để sửa. Ý kiến thẩm định: Thiếu số liệu MT1."
    )
    assert notice.link == reverse("report", args=[q1.id, commune.code])

    content = complete_content(commune, q1)
    submission = submission_save(
        user=officer, unit=commune, period=q1, version=submission.version, content=content, submit=True
    )
    submission_approve(user=reviewer, submission=submission, version=None)
    assert told(Kind.APPROVED) == [("canbo", "approved"), ("canbo2", "approved")]
    submission.refresh_from_db()
    submission_reopen(user=reviewer, submission=submission, version=None, reason="Sửa MT2.")
    assert told(Kind.REOPENED) == [("canbo", "reopened"), ("canbo2", "reopened")]
    assert Notification.objects.filter(kind=Kind.REOPENED).first().text.endswith("Lý do: Sửa MT2.")


def test_an_inactive_officer_is_not_told(officer, reviewer, commune, q1):
    officer.is_active = False
    officer.save()
    active = make_user("canbo2", Role.OFFICER, unit=commune)
    submission = submitted_by_officer(active, commune, q1)
    submission_return(user=reviewer, submission=submission, version=None, comment="Sửa.")
    assert told(Kind.RETURNED) == [("canbo2", "returned")]


# --- e-mail with the notification --------------------------------------------------------------------------


def test_an_email_goes_once_the_change_commits_to_those_who_chose_it(
    officer, reviewer, administrator, commune, q1, django_capture_on_commit_callbacks
):
    reviewer.email = "thamdinh@example.vn"
    reviewer.save()
    administrator.email = "quantri@example.vn"
    administrator.save()
    EmailChoice.objects.create(user=administrator, kinds=[Kind.RETURNED])  # not submissions
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted_by_officer(officer, commune, q1)
    assert mail.outbox == [] and len(callbacks) == 1  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["thamdinh@example.vn"]]
    message = mail.outbox[0]
    assert message.subject == "[Công tác dân vận] Đơn vị nộp báo cáo"
    link = "http://127.0.0.1:8000" + reverse("review", args=[q1.id, commune.code])
    assert "Kính gửi đồng chí thamdinh," in message.body and link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html
    assert Email.objects.get().state == Email.State.SENT
    assert Notification.objects.count() == 2  # the administrator is told in the app all the same


def test_a_user_without_an_address_is_told_in_the_app_only(
    officer, reviewer, commune, q1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_by_officer(officer, commune, q1)
    assert mail.outbox == [] and not Email.objects.exists()
    assert told() == [("thamdinh", "submitted")]


# --- the pages ---------------------------------------------------------------------------------------------


def notices(user, n):
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=Kind.APPROVED, text=f"Thông báo {i}", link="/") for i in range(n)
    )


def test_the_list_shows_the_own_notifications_and_marks_them_read(client, officer, reviewer):
    notices(officer, 2)
    notices(reviewer, 1)
    client.force_login(officer)
    page = client.get(reverse("notifications")).text
    assert page.count("Thông báo 0") == 1 and 'aria-label="Thông báo: 2 chưa đọc"' in page
    theirs = Notification.objects.get(recipient=reviewer)
    assert client.get(reverse("open_notification", args=[theirs.pk])).status_code == 404
    mine = Notification.objects.filter(recipient=officer).first()
    response = client.get(reverse("open_notification", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/"
    assert Notification.objects.filter(recipient=officer, read_at__isnull=True).count() == 1
    assert client.post(reverse("mark_read")).status_code == 302
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=reviewer).read_at is None  # another user's are left alone
    assert "chưa đọc" not in client.get(reverse("notifications")).text


def test_a_link_elsewhere_is_never_followed(client, officer):
    Notification.objects.create(recipient=officer, kind=Kind.APPROVED, text="x", link="https://example.com/")
    client.force_login(officer)
    response = client.get(reverse("open_notification", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notifications")


def test_the_pages_need_a_signed_in_user(client, db):
    for url in (reverse("notifications"), reverse("email_choices"), reverse("open_notification", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("mark_read")).status_code == 302
    assert client.get(reverse("mark_read")).status_code in (302, 405)


def queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_unread_count_is_one_query_whatever_the_number(client, officer):
    client.force_login(officer)
    notices(officer, 1)
    few = queries(client, reverse("home"))
    notices(officer, 40)
    many = queries(client, reverse("home"))
    assert len(few) == len(many)
    assert sum('"followup_notification"' in sql for sql in many) == 1
    assert 'aria-label="Thông báo: 41 chưa đọc"' in client.get(reverse("home")).text


def test_the_list_page_costs_the_same_for_1_or_many_notifications(client, officer):
    client.force_login(officer)
    notices(officer, 1)
    few = len(queries(client, reverse("notifications")))
    notices(officer, 100)
    assert len(queries(client, reverse("notifications"))) == few
    assert len(queries(client, reverse("notifications") + "?trang=3")) == few


def test_the_email_choices_are_kept(client, officer):
    client.force_login(officer)
    page = client.get(reverse("email_choices")).text
    assert page.count("checked") == len(Kind.values)  # every kind until the user chooses
    response = client.post(reverse("email_choices"), {"email": "khong-phai-email", "kinds": [Kind.REMINDER]})
    assert response.status_code == 400 and "không đúng dạng" in response.text
    assert not EmailChoice.objects.exists()
    response = client.post(reverse("email_choices"), {"email": "canbo@example.vn", "kinds": [Kind.REMINDER]})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.email == "canbo@example.vn"
    assert EmailChoice.objects.get(user=officer).kinds == [Kind.REMINDER]


def test_typed_text_is_escaped_in_the_html_email(officer, reviewer, commune, q1, django_capture_on_commit_callbacks):
    officer.email = "canbo@example.vn"
    officer.save()
    submission = submitted_by_officer(officer, commune, q1)
    with django_capture_on_commit_callbacks(execute=True):
        submission_return(user=reviewer, submission=submission, version=None, comment="<b>Sửa</b> & gửi lại")
    (message,) = mail.outbox
    assert "Ý kiến thẩm định: <b>Sửa</b> & gửi lại" in message.body  # the plain text as typed
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Sửa&lt;/b&gt; &amp; gửi lại" in html and "<b>Sửa</b>" not in html
