"""E-mail through a real SMTP server started by the test (aiosmtpd): a reminder reaches every officer who has an
address, once; a server that cannot be reached fails no one's action, and the worker tries again later."""

import datetime
import email
import email.policy
import signal
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult

from accounts.roles import Role
from followup.mail import RETRY_DELAYS
from followup.models import Email, Kind, Notification
from followup.reminders import send_reminders
from programme.models import Programme
from tests.factories import make_user
from tests.test_review import period, submitted_by_officer

DUE = datetime.date(2024, 4, 5)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()


@pytest.fixture
def smtp():
    server = SMTPServer(free_port())
    settings = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_TIMEOUT=5,
    )
    settings.enable()
    yield server
    server.stop()
    settings.disable()


def test_a_reminder_reaches_each_officer_with_an_address_once(smtp, commune, django_capture_on_commit_callbacks):
    smtp.start()
    first = make_user("canbo1", Role.OFFICER, unit=commune)
    second = make_user("canbo2", Role.OFFICER, unit=commune)
    no_address = make_user("canbo3", Role.OFFICER, unit=commune)
    for user, address in ((first, "canbo1@example.vn"), (second, "canbo2@example.vn")):
        user.email = address
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(DUE - datetime.timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(DUE - datetime.timedelta(days=5))  # the same day again: nothing more
    received = sorted((to, message) for to, message in smtp.inbox.messages)
    assert [to for to, _ in received] == [["canbo1@example.vn"], ["canbo2@example.vn"]]
    message = received[0][1]
    assert message["Subject"].strip() == "[Công tác dân vận] Nhắc hạn nộp báo cáo"
    text = message.get_body(preferencelist=("plain",)).get_content()
    q1 = period(Programme.objects.get(), "2024Q1")
    assert "Còn 5 ngày đến hạn nộp báo cáo" in text
    assert f"http://127.0.0.1:8000{reverse('report', args=[q1.id, commune.code])}" in text
    assert message.get_body(preferencelist=("html",)) is not None
    for user in (first, second, no_address):
        assert Notification.objects.filter(recipient=user, kind=Kind.REMINDER).count() == 1
    assert set(Email.objects.values_list("state", flat=True)) == {Email.State.SENT}


def test_a_server_that_cannot_be_reached_fails_no_action(
    smtp, client, officer, reviewer, commune, phong_tho, django_capture_on_commit_callbacks
):
    """With the tests' immediate backend the sending runs as the request's transaction commits: it fails, is
    kept to be tried again, and the return stands."""
    officer.email = "canbo@example.vn"
    officer.save()
    q1 = period(phong_tho, "2024Q1")
    submission = submitted_by_officer(officer, commune, q1)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("review", args=[q1.id, commune.code]),
            {"action": "return", "version": submission.version, "comment": "Sửa MT1."},
        )
    assert response.status_code == 302 and len(callbacks) == 1
    submission.refresh_from_db()
    assert submission.status == "returned"
    assert Notification.objects.filter(recipient=officer, kind=Kind.RETURNED).exists()
    kept = Email.objects.get()
    assert (kept.state, kept.attempts) == (Email.State.WAITING, 1) and kept.last_error


def run_worker():
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:  # the worker takes Ctrl-C for itself: give it back to the suite
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_tried_again_later_by_the_worker(smtp, client, phong_tho, commune):
    programme = phong_tho
    officer = make_user("canbo", Role.OFFICER, unit=commune)
    officer.email = "canbo@example.vn"
    officer.save()
    reviewer = make_user("thamdinh", Role.REVIEWER, unit=programme.area)
    q1 = period(programme, "2024Q1")
    with override_settings(TASKS=DATABASE_TASKS):
        submission = submitted_by_officer(officer, commune, q1)
        client.force_login(reviewer)
        response = client.post(
            reverse("review", args=[q1.id, commune.code]),
            {"action": "return", "version": submission.version, "comment": "Sửa MT1."},
        )
        assert response.status_code == 302  # the action is done; the e-mail waits for the worker
        sent = Email.objects.get(to="canbo@example.vn")
        assert (sent.state, sent.attempts) == (Email.State.WAITING, 0)

        run_worker()  # no server listening: the attempt fails
        sent.refresh_from_db()
        assert (sent.state, sent.attempts) == (Email.State.WAITING, 1)
        assert "Connection" in sent.last_error or "refused" in sent.last_error.lower()
        retry = DBTaskResult.objects.get(status="READY")
        delay = retry.run_after - timezone.now()
        assert datetime.timedelta(seconds=RETRY_DELAYS[0] - 10) < delay <= datetime.timedelta(seconds=RETRY_DELAYS[0])

        smtp.start()
        run_worker()  # not yet due: nothing is tried
        assert smtp.inbox.messages == []
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
    sent.refresh_from_db()
    assert (sent.state, sent.attempts) == (Email.State.SENT, 2)
    assert [to for to, _ in smtp.inbox.messages] == [["canbo@example.vn"]]
