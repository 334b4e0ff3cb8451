"""Sending a notification's e-mail, in the worker (``followup.tasks.send_email``), never in a request.

A failed attempt (the server refused, timed out or could not be reached) is kept with its error and tried again
after ``RETRY_DELAYS``; after the last one the e-mail is marked failed. The notification in the app is there
whatever happens to its e-mail."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from followup.models import Email, Kind

logger = logging.getLogger(__name__)

RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)  # seconds before the 2nd, 3rd, 4th and 5th attempt
SUBJECT_PREFIX = "[Công tác dân vận] "


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def message(email: Email) -> EmailMultiAlternatives:
    notification = email.notification
    user = notification.recipient
    context = {
        "name": user.get_full_name() or user.get_username(),
        "text": notification.text,
        "link": absolute(notification.link or reverse("notifications")),
        "choices": absolute(reverse("email_choices")),
        "kind": Kind(notification.kind).label,
    }
    mail = EmailMultiAlternatives(
        subject=SUBJECT_PREFIX + context["kind"],
        body=render_to_string("followup/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    mail.attach_alternative(render_to_string("followup/email/notification.html", context), "text/html")
    return mail


def deliver(email_id: int) -> None:
    """One attempt at sending; on failure, the next attempt is queued (or the e-mail marked failed)."""
    email = (
        Email.objects.select_related("notification__recipient").filter(pk=email_id, state=Email.State.WAITING).first()
    )
    if email is None:
        return  # sent or given up meanwhile
    email.attempts += 1
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message(email)])
    except Exception as error:  # any failure of the server or the network: kept, then tried again
        email.last_error = f"{type(error).__name__}: {error}"[:1000]
        retry = email.attempts <= len(RETRY_DELAYS)
        if not retry:
            email.state = Email.State.FAILED
        email.save(update_fields=["attempts", "last_error", "state"])
        logger.warning("E-mail %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, error)
        if retry:
            schedule_retry(email)
        return
    email.state, email.sent_at = Email.State.SENT, timezone.now()
    email.save(update_fields=["attempts", "state", "sent_at"])


def schedule_retry(email: Email) -> None:
    from followup.tasks import send_email

    if not send_email.get_backend().supports_defer:
        return  # a backend that runs tasks at once (the tests'): the e-mail stays waiting
    delay = datetime.timedelta(seconds=RETRY_DELAYS[email.attempts - 1])
    send_email.using(run_after=timezone.now() + delay).enqueue(email.pk)
