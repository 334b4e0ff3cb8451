"""The unit officer's report: the form, saving a draft, submitting, and the report's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import Action, may, unit_or_404
from programme.selectors import reports_under
from reporting.access import report_period
from reporting.forms import ReportForm
from reporting.models import SubmissionEvent
from reporting.selectors.compiled import compiled_fill, compiled_sources
from reporting.selectors.reports import history_text_changes, report_history_events, report_history_page, report_sheet
from reporting.services import EDITABLE, StaleSubmission, SubmissionError, submission_save

COMPILED_PARAMETER = "tong-hop"  # ?tong-hop=<programme code>: the form filled from that programme's sums


def unit_and_period(user, period_id, unit_code):
    period = report_period(period_id)
    unit = unit_or_404(user, unit_code, on=period.end)  # the unit carrying the code when the period ends
    if not reports_under(unit, period.programme, on=period.end):
        raise Http404  # the unit does not report under this period's programme
    return unit, period


@login_required
def report(request, period_id, unit_code):
    unit, period = unit_and_period(request.user, period_id, unit_code)
    if not may(request.user, Action.READ_OWN_REPORT, unit):
        return redirect("review", period_id=period.id, unit_code=unit.code)
    writable = may(request.user, Action.EDIT_REPORT, unit)  # not once the unit is closed: its history, read-only
    if request.method == "POST" and not writable:
        raise PermissionDenied
    sheet = report_sheet(unit, period)
    editable = writable and (sheet.submission is None or sheet.submission.status in EDITABLE)
    sources = compiled_sources(unit, period) if editable else []
    fill_from = None
    if request.method == "GET" and (code := request.GET.get(COMPILED_PARAMETER)):
        source = next((source for source in sources if source.programme.code == code), None)
        if source is None:
            raise Http404  # no programme of that code compiles this unit's figures for these dates
        fill_from = compiled_fill(source, sheet)
    status, conflict = 200, False
    if request.method == "POST" and not editable:
        messages.error(request, "Báo cáo đã nộp hoặc đã duyệt nên không sửa được nữa.")
        return redirect("report", period_id=period.id, unit_code=unit.code)
    if request.method == "POST":
        form = ReportForm(request.POST, sheet=sheet)
        if form.is_valid():
            try:
                submission_save(
                    user=request.user,
                    unit=unit,
                    period=period,
                    version=form.cleaned_data["version"],
                    content=form.content(),
                    submit=form.submitting,
                )
            except StaleSubmission as stale:
                # Keep what the officer typed, show what is saved now, and let a deliberate re-save win.
                conflict, status = str(stale), 409
                sheet = report_sheet(unit, period)
                data = request.POST.copy()
                data["version"] = str(stale.submission.version)
                form = ReportForm(data, sheet=sheet)
                form.is_valid()
            except SubmissionError as refused:
                form.add_error(None, str(refused))
            else:
                done = "Đã nộp báo cáo." if form.submitting else "Đã lưu nháp."
                messages.success(request, done, extra_tags="saved")
                return redirect("report", period_id=period.id, unit_code=unit.code)
        if form.errors and not conflict:
            status = 400
    else:
        initial = ReportForm.initial_from(sheet)
        if editable and fill_from:
            initial |= fill_from.initial  # shown, not saved: the officer checks them and saves as usual
        form = ReportForm(initial=initial, sheet=sheet)
    return render(
        request,
        "reporting/report_form.html",
        {
            "sheet": sheet,
            "form": form,
            "editable": editable,
            "closed": not writable,
            "conflict": conflict,
            "events": report_history_events(sheet.submission),
            "sources": sources,
            "fill_from": fill_from,
            "compiled_parameter": COMPILED_PARAMETER,
            "saved_now": any("saved" in message.tags for message in messages.get_messages(request)),
        },
        status=status,
    )


@login_required
@require_GET
def report_history(request, period_id, unit_code):
    unit, period = unit_and_period(request.user, period_id, unit_code)
    sheet = report_sheet(unit, period)
    if sheet.submission is None:
        raise Http404
    return render(
        request,
        "reporting/report_history.html",
        {"sheet": sheet, "events": report_history_page(sheet.submission, request.GET.get("trang"))},
    )


@login_required
@require_GET
def history_change(request, event_id):
    """The texts one step of a report's history changed, in full: the history itself only sums them up."""
    event = get_object_or_404(
        SubmissionEvent.objects.select_related("submission__unit", "submission__period", "actor"), pk=event_id
    )
    unit, period = unit_and_period(request.user, event.submission.period_id, event.submission.unit.code)
    return render(
        request,
        "reporting/history_change.html",
        {"unit": unit, "period": period, "event": event, "texts": history_text_changes(event)},
    )
