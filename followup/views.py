"""The user's notifications and e-mail choices, the try-out's mailbox, and the reviewer's "đôn đốc"."""

import datetime
import email
import email.policy
import re
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Action, programme_or_404, require_or_404, required
from followup.forms import EmailChoiceForm, UrgeForm
from followup.models import DEFAULT_KINDS, EmailChoice, Notification
from followup.reminders import urge as urge_units
from programme.models import Period

PER_PAGE = 30
MAILBOX_SIZE = 50
UNIT_ID = re.compile(r"[0-9]{1,9}")


@login_required
@require_GET
def notifications(request):
    """The user's notifications, newest first, 30 a page. Two queries (the page and the count)."""
    rows = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("trang"))
    return render(request, "followup/notifications.html", {"page": page})


@login_required
@require_GET
def open_notification(request, notification_id):
    """Mark the notification read and go to its page (another user's notification is a 404)."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    link = notification.link
    if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        link = reverse("notifications")
    return redirect(link)


@login_required
@require_POST
def mark_read(request):
    """Mark every unread notification of the user read."""
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "Đã đánh dấu mọi thông báo là đã đọc.")
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def email_choices(request):
    """The user's address and the kinds of notification that also come by e-mail."""
    user = request.user
    choice = EmailChoice.objects.filter(user=user).first()
    kinds = list(choice.kinds) if choice else list(DEFAULT_KINDS)
    status = 200
    if request.method == "POST":
        form = EmailChoiceForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                user.email = form.cleaned_data["email"]
                user.save(update_fields=["email"])
                EmailChoice.objects.update_or_create(user=user, defaults={"kinds": form.cleaned_data["kinds"]})
            messages.success(request, "Đã lưu lựa chọn nhận thông báo.")
            return redirect("email_choices")
        status = 400
    else:
        form = EmailChoiceForm(initial={"email": user.email, "kinds": kinds})
    context = {"form": form, "email_enabled": settings.EMAIL_ENABLED}
    return render(request, "followup/email_choices.html", context, status=status)


def _local(moment: datetime.datetime) -> datetime.datetime:
    """A Date header's moment in local time (Django writes it in UTC, as "-0000")."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return timezone.localtime(moment)


def _mailbox_messages() -> list[dict]:
    """The latest e-mails written by the file backend, newest first."""
    folder = Path(settings.EMAIL_FILE_PATH)
    files = sorted(folder.glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True) if folder.is_dir() else []
    found = []
    for path in files:
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not raw.strip():
                continue
            parsed = email.message_from_bytes(raw.lstrip(b"\n"), policy=email.policy.default)
            body = parsed.get_body(preferencelist=("plain",))
            found.append(
                {
                    "subject": parsed["subject"],
                    "to": parsed["to"],
                    "date": _local(parsed["date"].datetime) if parsed["date"] else None,
                    "text": body.get_content() if body else "",
                    "has_html": parsed.get_body(preferencelist=("html",)) is not None,
                }
            )
        if len(found) >= MAILBOX_SIZE:
            break
    return found[:MAILBOX_SIZE]


@login_required
@required(Action.VIEW_TEST_MAILBOX)
@require_GET
def mailbox(request):
    """The try-out's mailbox: what the e-mails written to files say (where e-mail goes to files)."""
    to_files = settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    context = {
        "to_files": to_files,
        "mails": _mailbox_messages() if to_files else [],
        "folder": settings.EMAIL_FILE_PATH,
    }
    return render(request, "followup/mailbox.html", context)


@login_required
@required(Action.REMIND)
@require_POST
def urge(request, programme_code):
    """ "Đôn đốc" from the completeness page of the programme named in the address: every missing unit of the
    period, or the ticked ones."""
    programme = programme_or_404(request.user, programme_code)
    require_or_404(request.user, Action.REMIND, programme)
    completeness = reverse("completeness", kwargs={"programme_code": programme.code})
    back = request.POST.get("quay_lai", "")
    if not back.startswith(completeness) or not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = completeness
    form = UrgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    period = (
        Period.objects.select_related("programme__area").filter(pk=form.cleaned_data["ky"], programme=programme).first()
    )
    if period is None:
        messages.error(request, "Kỳ báo cáo không thuộc chương trình này.")
        return redirect(back)
    ticked = request.POST.getlist("don_vi")
    everyone = "tat_ca" in request.POST
    if not everyone and not ticked:
        messages.error(request, "Chưa chọn đơn vị nào: đánh dấu các đơn vị cần đôn đốc, hoặc bấm “Đôn đốc tất cả”.")
        return redirect(back)
    if any(not UNIT_ID.fullmatch(value) for value in ticked):
        messages.error(request, "Danh sách đơn vị không hợp lệ.")
        return redirect(back)
    reminded, skipped = urge_units(
        user=request.user,
        period=period,
        unit_ids=None if everyone else [int(value) for value in ticked],
        message=form.cleaned_data["loi_nhan"].strip(),
    )
    if reminded:
        messages.success(request, f"Đã đôn đốc {len(reminded)} đơn vị nộp báo cáo {period.name}.")
    else:
        messages.success(request, f"Không còn đơn vị nào chưa nộp báo cáo {period.name}.")
    if skipped:
        messages.warning(
            request, f"{len(skipped)} đơn vị đã chọn đã nộp báo cáo {period.name} hoặc không phải nộp: không đôn đốc."
        )
    return redirect(back)
