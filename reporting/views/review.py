"""The district reviewer's pages: the inbox of reports and the review of one report."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Action, may, programme_or_404, require, require_or_404, required, unit_or_404
from reporting.access import report_period
from reporting.models import Submission
from reporting.selectors.dashboards import chosen_id
from reporting.selectors.review import days_late, inbox_filters, inbox_submissions, review_page, units_not_submitted
from reporting.services import (
    StaleSubmission,
    SubmissionError,
    submission_approve,
    submission_reopen,
    submission_return,
)
from reporting.views.programmes import switcher

PER_PAGE = 50
VERSION = re.compile(r"[0-9]{1,9}")  # a version is a positive 32-bit number
ALL = "all"
STATUS_CHOICES = [
    (status.value, status.label)
    for status in (
        Submission.Status.SUBMITTED,
        Submission.Status.RETURNED,
        Submission.Status.APPROVED,
        Submission.Status.DRAFT,
    )
] + [(ALL, "Tất cả")]
INLINE = {("return", Submission.Status.SUBMITTED), ("reopen", Submission.Status.APPROVED)}
DONE = {"approve": "Đã duyệt", "return": "Đã trả lại", "reopen": "Đã mở lại"}


@login_required
@required(Action.VIEW_DISTRICT)
@require_GET
def inbox(request, programme_code):
    """Reports of the programme named in the address, the reviewer's queue (submitted ones) first by default."""
    programme = programme_or_404(request.user, programme_code)
    require_or_404(request.user, Action.VIEW_DISTRICT, programme)
    context = {"programme": programme, "switcher": switcher(request, programme), "status_choices": STATUS_CHOICES}
    filters = inbox_filters(programme)
    period_id = chosen_id(request.GET.get("ky"), filters.periods)
    kind_id = chosen_id(request.GET.get("loai"), filters.kinds)
    status = request.GET.get("trang_thai")
    if status not in dict(STATUS_CHOICES):
        status = Submission.Status.SUBMITTED.value
    submissions = inbox_submissions(
        programme, period_id=period_id, kind_id=kind_id, status=None if status == ALL else status
    )
    period = next((p for p in filters.periods if p.id == period_id), None)
    page = Paginator(submissions, PER_PAGE).get_page(request.GET.get("trang"))
    context |= {
        "filters": filters,
        "chosen": {"period": period_id, "kind": kind_id, "status": status},
        "page": page,
        "rows": [(submission, days_late(submission)) for submission in page],
        "period": period,
        "missing": units_not_submitted(period) if period else None,
    }
    return render(request, "reporting/inbox.html", context)


def _act(action: str, *, user, submission: Submission, version: int, comment: str) -> Submission:
    if action == "approve":
        return submission_approve(user=user, submission=submission, version=version)
    if action == "return":
        return submission_return(user=user, submission=submission, version=version, comment=comment)
    if action == "reopen":
        return submission_reopen(user=user, submission=submission, version=version, reason=comment)
    raise SubmissionError("Thao tác không hợp lệ; đề nghị tải lại trang.")


@login_required
@require_http_methods(["GET", "POST"])
def review(request, period_id, unit_code):
    """One report with its figures against the previous period; a reviewer approves, returns or reopens it."""
    require_or_404(request.user, Action.VIEW_DISTRICT)  # officers never learn which reports exist outside their unit
    period = report_period(period_id)
    unit = unit_or_404(request.user, unit_code, on=period.end)  # 404 for a unit outside the user's own
    require_or_404(request.user, Action.VIEW_DISTRICT, period.programme)
    status, attempt = 200, None
    if request.method == "POST":
        require(request.user, Action.REVIEW_UNIT, unit)
        submission = get_object_or_404(Submission.objects.select_related("period"), unit=unit, period=period)
        action, comment = request.POST.get("action", ""), request.POST.get("comment", "")
        version = request.POST.get("version", "")
        try:
            # A missing or garbled version is treated as an old form (versions start at 1), never as "any".
            _act(
                action,
                user=request.user,
                submission=submission,
                version=int(version) if VERSION.fullmatch(version) else 0,
                comment=comment,
            )
        except StaleSubmission as error:
            status, attempt = 409, {"action": action, "comment": comment, "error": str(error)}
        except SubmissionError as error:
            status, attempt = 200, {"action": action, "comment": comment, "error": str(error)}
        else:
            messages.success(request, f"{DONE[action]} báo cáo {period.name} của {unit.name}.")
            return redirect("review", period_id=period.id, unit_code=unit.code)
    page = review_page(unit, period)
    if page is None:
        raise Http404
    if attempt:
        # The error goes next to the comment box when that box is still offered; else above, with the text kept.
        attempt["inline"] = (attempt["action"], page.submission.status) in INLINE
    context = {
        "page": page,
        "sheet": page.sheet,
        "programme": period.programme,
        "can_review": may(request.user, Action.REVIEW),
        "attempt": attempt,
    }
    return render(request, "reporting/review.html", context, status=status)
