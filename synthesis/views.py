"""The body's report for a period: composed by its reviewers beside the units' reports, read by its leaders,
downloaded as the Party document it makes."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Action, may, require, require_or_404
from reporting.access import report_period
from reporting.inert import filename_part
from reporting.signed import ACCEPTED
from reporting.views.exports import file_response
from reporting.views.signed import signed_file, signed_post
from synthesis.document import build_from
from synthesis.forms import WorkspaceForm
from synthesis.models import PeriodReport, PeriodReportEvent, SignedPeriodReport
from synthesis.selectors import workspace
from synthesis.services import (
    NOT_COMPLETE,
    ReportRefused,
    StaleReport,
    period_report_reopen,
    period_report_save,
    signed_report_add,
)


def _period(user, period_id):
    """The period named in the address, if the user may see its programme (404 otherwise, as for one that does not
    exist) and its district-wide pages (403 for an officer of one of its units)."""
    period = report_period(period_id)
    require_or_404(user, Action.VIEW_PROGRAMME, period.programme)
    require(user, Action.VIEW_DISTRICT, period.programme)
    return period


@login_required
@require_http_methods(["GET", "POST"])
def compose(request, period_id):
    period = _period(request.user, period_id)
    area = period.programme.area
    may_compose = may(request.user, Action.COMPOSE_REPORT, area)
    space = workspace(period)
    status, conflict = 200, ""
    if request.method == "POST":
        require(request.user, Action.COMPOSE_REPORT, area)
        form = WorkspaceForm(request.POST, space=space)
        if form.is_valid():
            try:
                period_report_save(
                    user=request.user,
                    period=period,
                    version=form.cleaned_data["version"],
                    draft=form.draft(),
                    groups=space.groups,
                    complete=form.completing,
                )
            except StaleReport as stale:
                # Keep what was typed, show what is saved now, and let a deliberate re-save win.
                conflict, status = str(stale), 409
                space = workspace(period)
                data = request.POST.copy()
                data["version"] = str(stale.report.version)
                form = WorkspaceForm(data, space=space)
                form.is_valid()
            except ReportRefused as refused:
                form.add_error(None, str(refused))
            else:
                done = "Đã hoàn thành báo cáo." if form.completing else "Đã lưu."
                messages.success(request, done, extra_tags="saved")
                return redirect("period_report", period_id=period.id)
        if form.errors and not conflict:
            status = 400
    else:
        form = WorkspaceForm(initial=WorkspaceForm.initial_from(space), space=space)
    context = {
        "space": space,
        "form": form,
        "may_compose": may_compose,
        "editable": may_compose and not (space.report and space.report.is_complete),
        "conflict": conflict,
        "saved_now": any("saved" in message.tags for message in messages.get_messages(request)),
    }
    return render(request, "synthesis/workspace.html", context, status=status)


@login_required
@require_POST
def reopen(request, period_id):
    period = _period(request.user, period_id)
    require(request.user, Action.COMPOSE_REPORT, period.programme.area)
    report = get_object_or_404(PeriodReport, period=period)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        period_report_reopen(user=request.user, report=report, version=version, reason=request.POST.get("reason", ""))
    except ReportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Đã mở lại báo cáo để sửa.")
    return redirect("period_report", period_id=period.id)


@login_required
@require_GET
def document(request, period_id):
    """The report as a DOCX: as issued when it is complete, else as it stands (a draft)."""
    period = _period(request.user, period_id)
    name = f"bao-cao-tong-hop-{filename_part(period.code)}"
    issued = (
        PeriodReportEvent.objects.filter(
            report__period=period,
            report__status=PeriodReport.Status.COMPLETE,
            action=PeriodReportEvent.Action.COMPLETED,
        )
        .order_by("-at", "-pk")
        .first()
    )
    if issued is not None:
        return file_response(bytes(issued.document), "docx", f"{name}.docx")
    return file_response(build_from(workspace(period, events=0)), "docx", f"{name}-du-thao.docx")


@login_required
@require_GET
def issued(request, issued_id):
    """A document as issued at a completion, from the report's history."""
    event = get_object_or_404(
        PeriodReportEvent.objects.select_related("report__period"),
        pk=issued_id,
        action=PeriodReportEvent.Action.COMPLETED,
    )
    period = _period(request.user, event.report.period_id)
    name = f"bao-cao-tong-hop-{filename_part(period.code)}-{event.at:%Y%m%d-%H%M}.docx"
    return file_response(bytes(event.document), "docx", name)


@login_required
@require_http_methods(["GET", "POST"])
def signed_reports(request, period_id):
    """The body's report as signed, stamped and issued, kept with it once it is complete."""
    period = _period(request.user, period_id)
    area = period.programme.area
    report = PeriodReport.objects.filter(period=period).first()
    complete = report is not None and report.is_complete
    errors, posted = {}, {}
    if request.method == "POST":
        require(request.user, Action.COMPOSE_REPORT, area)
        if report is None:
            errors = {"file": [NOT_COMPLETE]}
        else:
            errors, posted = signed_post(request, partial(signed_report_add, user=request.user, report=report))
            if not errors:
                return redirect("period_report_signed", period_id=period.id)
    documents = report.signed_documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk") if report else []
    context = {
        "whose": "Báo cáo của Ban",
        "period": period,
        "back": reverse("period_report", args=[period.id]),
        "documents": list(documents),
        "download": "period_report_signed_file",
        "may_attach": may(request.user, Action.COMPOSE_REPORT, area) and complete,
        "not_yet": "" if complete else "Văn bản đã ký được lưu khi báo cáo đã hoàn thành.",  # said, not refused
        "errors": errors,
        "posted": posted,
        "accepted": ACCEPTED,
    }
    return render(request, "reporting/signed_documents.html", context, status=400 if errors else 200)


@login_required
@require_GET
def signed_report_file(request, signed_id):
    document = get_object_or_404(SignedPeriodReport.objects.select_related("report"), pk=signed_id)
    _period(request.user, document.report.period_id)
    return signed_file(document)
