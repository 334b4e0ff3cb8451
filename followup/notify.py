"""Telling people: a notification in the app for each recipient and, for those who chose that kind and have an
address, an e-mail sent by the worker once the transaction that caused it has committed.

The report workflow (``reporting.services``) calls the functions below inside its own transaction, so a
notification exists exactly when the change it announces does."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.permissions import officers_of, reviewers_of
from followup.models import DEFAULT_KINDS, Email, EmailChoice, Kind, Notification


def report_link(submission_or_unit, period, *, reviewer: bool) -> str:
    unit = submission_or_unit
    return reverse("review" if reviewer else "report", args=[period.id, unit.code])


def email_kinds(users) -> dict[int, tuple[str, ...]]:
    """User id → the kinds that user gets by e-mail. One query."""
    chosen = dict(EmailChoice.objects.filter(user__in=users).values_list("user_id", "kinds"))
    return {user.pk: tuple(chosen.get(user.pk, DEFAULT_KINDS)) for user in users}


def send(kind: str, recipients, *, text: str, unit=None, period=None, links=None) -> list[Notification]:
    """One notification per recipient (``links``: user id → the page it leads to), and an e-mail for each
    recipient who wants this kind by e-mail and has an address (``emailed`` on each notification); the e-mails
    are queued when the surrounding transaction commits, and a failure to queue them never undoes or fails it."""
    recipients = list(recipients)
    if not recipients:
        return []
    links = links or {}
    made = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, text=text, unit=unit, period=period, link=links.get(user.pk, ""))
            for user in recipients
        ]
    )
    wants = email_kinds(recipients) if settings.EMAIL_ENABLED else {}
    for notification, user in zip(made, recipients, strict=True):
        notification.emailed = bool(user.email) and kind in wants.get(user.pk, ())
    emails = Email.objects.bulk_create(
        [
            Email(notification=notification, to=notification.recipient.email)
            for notification in made
            if notification.emailed
        ]
    )
    if emails:
        ids = [email.pk for email in emails]
        transaction.on_commit(lambda: queue(ids), robust=True)
    return made


def queue(email_ids: list[int]) -> None:
    from followup.tasks import send_email

    for email_id in email_ids:
        send_email.enqueue(email_id)


def _officers(unit):
    return officers_of([unit]).get(unit.pk, [])


def report_submitted(submission) -> None:
    unit, period = submission.unit, submission.period
    late = " (nộp muộn)" if submission.is_late else ""
    reviewers = reviewers_of(unit)
    link = report_link(unit, period, reviewer=True)
    send(
        Kind.SUBMITTED,
        reviewers,
        text=f"{unit.name} đã nộp báo cáo {period.name}{late}: chờ thẩm định.",
        unit=unit,
        period=period,
        links={user.pk: link for user in reviewers},
    )


def report_reviewed(submission, kind: str, comment: str = "") -> None:
    """Returned, approved or reopened: the unit's officers are told, with the reviewer's comment."""
    unit, period = submission.unit, submission.period
    what = {
        Kind.RETURNED: f"Báo cáo {period.name} của {unit.name} bị trả lại để sửa.",
        Kind.APPROVED: f"Báo cáo {period.name} của {unit.name} đã được duyệt.",
        Kind.REOPENED: f"Báo cáo {period.name} của {unit.name} được mở lại để sửa.",
    }[kind]
    label = "Lý do" if kind == Kind.REOPENED else "Ý kiến thẩm định"
    text = f"{what} {label}: {comment}" if comment else what
    officers = _officers(unit)
    link = report_link(unit, period, reviewer=False)
    send(kind, officers, text=text, unit=unit, period=period, links={user.pk: link for user in officers})
