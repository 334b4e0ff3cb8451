"""Files instead of typing: the officer's Excel template and its upload, and the district's bulk import."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Action, require, required
from reporting.imports import ERRORS_SHOWN, ImportFileError, ImportRejected, import_limits, import_values
from reporting.models import Submission
from reporting.selectors.reports import report_sheet
from reporting.services import EDITABLE, SubmissionError
from reporting.sheetreader import Limits, SheetRefused, check_file_size
from reporting.views.officer import unit_and_period
from reporting.views.programmes import latest_address
from reporting.workbook import (
    CONTENT_TYPE,
    TEMPLATE_LIMITS,
    TemplateConflict,
    TemplateError,
    TemplateRejected,
    build_template,
    template_filename,
    template_upload,
)

NOT_EDITABLE = "Báo cáo đã nộp hoặc đã duyệt nên không tải mẫu hay tải tệp lên được nữa."


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp",
        error_messages={
            "required": "Chọn tệp để tải lên.",
            "empty": "Tệp trống.",
            "invalid": "Không nhận được tệp; hãy chọn lại tệp.",
            "missing": "Không nhận được tệp; hãy chọn lại tệp.",
        },
    )

    def __init__(self, *args, limits: Limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = limits

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_file_size(upload.size, self.limits)
        except SheetRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return upload


def _officers_report(user, period_id, unit_code):
    """The unit and period if the user is the unit's officer; reviewers and leaders read reports, not type them."""
    unit, period = unit_and_period(user, period_id, unit_code)  # 404 for another unit
    require(user, Action.EDIT_REPORT, unit)
    return unit, period


@login_required
@require_GET
def report_template(request, period_id, unit_code):
    unit, period = _officers_report(request.user, period_id, unit_code)
    sheet = report_sheet(unit, period)
    if sheet.submission is not None and sheet.submission.status not in EDITABLE:
        messages.error(request, NOT_EDITABLE)
        return redirect("report", period_id=period.id, unit_code=unit.code)
    response = HttpResponse(build_template(sheet), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(unit, period)}"'
    response["Cache-Control"] = "no-store"  # it carries the report's version of this moment
    return response


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request, period_id, unit_code):
    unit, period = _officers_report(request.user, period_id, unit_code)
    status, problem, errors = 200, "", []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, limits=TEMPLATE_LIMITS)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                template_upload(user=request.user, unit=unit, period=period, data=upload.read(), filename=upload.name)
            except TemplateRejected as rejected:
                status, errors = 400, rejected.errors
            except TemplateConflict as conflict:
                status, problem = 409, str(conflict)
            except TemplateError as refused:
                status, problem = 400, str(refused)
            else:
                messages.success(request, "Đã nhận tệp Excel và lưu thành bản nháp.")
                return redirect("report", period_id=period.id, unit_code=unit.code)
        else:
            status = 400
    else:
        submission = Submission.objects.filter(unit=unit, period=period).only("status").first()
        if submission is not None and submission.status not in EDITABLE:
            messages.error(request, NOT_EDITABLE)
            return redirect("report", period_id=period.id, unit_code=unit.code)
        form = UploadForm(limits=TEMPLATE_LIMITS)
    context = {
        "unit": unit,
        "period": period,
        "form": form,
        "problem": problem,
        "errors": errors,
        "limit_mb": TEMPLATE_LIMITS.file_bytes // 1024 // 1024,
    }
    return render(request, "reporting/upload.html", context, status=status)


@login_required
@required(Action.UPLOAD_BULK)
@require_http_methods(["GET", "POST"])
def bulk_upload(request):
    status, problem, errors, more = 200, "", [], 0
    limits = import_limits()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, limits=limits)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_values(upload.read(), upload.name, actor=request.user)
            except ImportRejected as rejected:
                status, errors = 400, rejected.errors[:ERRORS_SHOWN]
                more = len(rejected.errors) - len(errors)
            except ImportFileError as refused:
                status, problem = 400, str(refused)
            except SubmissionError as refused:  # a report approved while the file was being checked
                status, problem = 409, f"Không nhập dòng nào: {refused}"
            else:
                messages.success(request, f"Đã nhập {result.rows} dòng vào {result.submissions} báo cáo.")
                return redirect(latest_address("tham-dinh/"))
        else:
            status = 400
    else:
        form = UploadForm(limits=limits)
    context = {
        "form": form,
        "problem": problem,
        "errors": errors,
        "more": more,
        "limit_mb": limits.file_bytes // 1024 // 1024,
        "max_rows": limits.rows,
    }
    return render(request, "reporting/bulk_upload.html", context, status=status)
