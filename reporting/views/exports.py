"""Downloads: the compliance tables and the raw values as CSV or XLSX, and the reports as DOCX. The matrix's and
the raw values' XLSX take seconds for a large area, as the CSVs of every unit for a province: their addresses
lead to the page that has them made in the background (``reporting.views.downloads``).

Parameters as on the overview: ``ky`` (period id; default the latest period with data) and ``chi_duyet=1``
(approved reports only); for the district report, ``so`` (its number; blank leaves room to write it by hand) and
``ngay`` (the signing day, dd/mm/yyyy as typed in Vietnam; blank is today).
"""

import re
from itertools import chain

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.permissions import Action, programme_or_404, require_or_404, required, unit_or_404
from programme.models import Period
from programme.selectors import reports_under
from reporting.access import report_period
from reporting.downloads import csv_in_background, download_filename
from reporting.exports import BOM, csv_lines, matrix_csv_lines, texts_csv_lines, values_csv_lines
from reporting.inert import filename_part
from reporting.models import PreparedDownload
from reporting.official_report import build_official_report, build_unit_report
from reporting.selectors.compliance import district_compliance, latest_period_with_data, unit_figures
from reporting.selectors.exports import period_texts, period_values
from reporting.selectors.reports import report_sheet
from reporting.selectors.timeliness import district_completeness
from reporting.spreadsheets import compliance_workbook

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PERIOD_ID = re.compile(r"[0-9]{1,9}")
REPORT_NUMBER = re.compile(r"[0-9A-Za-z./-]{0,20}")
SIGNING_DAY = forms.DateField(  # the interface's date formats: dd/mm/yyyy, and ISO as a browser's date picker sends
    required=False,
    error_messages={"invalid": "Ngày ký không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024."},
)

district_only = required(Action.DOWNLOAD)


def file_response(content: bytes | str, fmt: str, filename: str) -> HttpResponse:
    if isinstance(content, str):
        content = (BOM + content).encode("utf-8")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _refused(request, reason: str) -> HttpResponse:
    """A download asked for with a value that cannot be used: the reason, on the 400 page, with the way back."""
    return render(request, "400.html", {"reason": reason}, status=400)


def chosen_period(request, programme_code: str) -> Period:
    """The period of the programme named in the address picked by ``ky``, or its latest period with data; 404
    for anything else, a period of another programme too."""
    programme = programme_or_404(request.user, programme_code)
    require_or_404(request.user, Action.DOWNLOAD, programme)
    chosen = request.GET.get("ky", "")
    if chosen:
        if not PERIOD_ID.fullmatch(chosen):
            raise Http404
        period = report_period(int(chosen))
        if period.programme_id != programme.pk:
            raise Http404
        return period
    period = latest_period_with_data(programme)
    if period is None:
        raise Http404
    return period


def approved_only_asked(request) -> bool:
    return request.GET.get("chi_duyet") == "1"


def _in_background(request, programme_code: str, kind: str, fmt: str) -> HttpResponseBase:
    """A download too long for a request (``reporting.downloads``): its page, which makes it in the background."""
    query = request.GET.urlencode()
    address = reverse("download_start", kwargs={"programme_code": programme_code, "kind": kind, "fmt": fmt})
    return redirect(address + (f"?{query}" if query else ""))


def _too_long_to_stream(period: Period) -> bool:
    """A CSV of every unit of the period, for more units than a request streams in time: from the kept counts."""
    return csv_in_background(district_completeness(period, period.programme.area_id).expected)


def _compliance_table(request, programme_code: str, fmt: str, *, by_unit: bool, stem: str) -> HttpResponseBase:
    """The district's table, or every unit's too; a CSV of every unit is streamed line by line, and its XLSX
    made in the background, as its CSV for a large area."""
    period, approved_only = chosen_period(request, programme_code), approved_only_asked(request)
    if by_unit and (fmt == "xlsx" or _too_long_to_stream(period)):
        return _in_background(request, programme_code, PreparedDownload.Kind.MATRIX, fmt)
    filename = download_filename(stem, period, fmt, approved_only=approved_only)
    if fmt == "csv":
        report = district_compliance(period, approved_only=approved_only)
        if not by_unit:
            return _streamed_csv(csv_lines(report), filename)
        return _streamed_csv(matrix_csv_lines(report, unit_figures(period, approved_only=approved_only)), filename)
    report = district_compliance(period, approved_only=approved_only, by_unit=by_unit)
    return file_response(compliance_workbook(report, by_unit=by_unit), fmt, filename)


def _streamed_csv(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_encoded(chain([BOM], lines)), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _encoded(lines, size: int = 1 << 16):
    """UTF-8 chunks of about ``size`` bytes: one chunk per line would cost a write per line."""
    chunk, length = [], 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if length >= size:
            yield "".join(chunk).encode("utf-8")
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk).encode("utf-8")


@login_required
@district_only
@require_GET
def export_overview(request, programme_code, fmt):
    return _compliance_table(request, programme_code, fmt, by_unit=False, stem="tong-quan")


@login_required
@district_only
@require_GET
def export_matrix(request, programme_code, fmt):
    return _compliance_table(request, programme_code, fmt, by_unit=True, stem="ma-tran")


@login_required
@district_only
@require_GET
def export_values(request, programme_code, fmt):
    period, approved_only = chosen_period(request, programme_code), approved_only_asked(request)
    if fmt == "xlsx" or _too_long_to_stream(period):
        return _in_background(request, programme_code, PreparedDownload.Kind.VALUES, fmt)
    values = period_values(period, approved_only=approved_only)
    filename = download_filename("so-lieu", period, fmt, approved_only=approved_only)
    return _streamed_csv(values_csv_lines(values), filename)


@login_required
@district_only
@require_GET
def export_texts(request, programme_code):
    """The official report's annex: every text of the period's counting reports, unit by unit."""
    period, approved_only = chosen_period(request, programme_code), approved_only_asked(request)
    if _too_long_to_stream(period):
        return _in_background(request, programme_code, PreparedDownload.Kind.TEXTS, "csv")
    rows = period_texts(period, approved_only=approved_only)
    return _streamed_csv(
        texts_csv_lines(rows), download_filename("noi-dung", period, "csv", approved_only=approved_only)
    )


@login_required
@district_only
@require_GET
def official_report(request, programme_code, period_id):
    programme = programme_or_404(request.user, programme_code)
    require_or_404(request.user, Action.DOWNLOAD, programme)
    period = report_period(period_id)
    if period.programme_id != programme.pk:
        raise Http404
    number = request.GET.get("so", "").strip()
    if not REPORT_NUMBER.fullmatch(number):
        return _refused(
            request,
            "Số văn bản không hợp lệ: tối đa 20 ký tự, gồm chữ số, chữ cái không dấu, dấu chấm, gạch chéo, gạch ngang.",
        )
    try:
        day = SIGNING_DAY.clean(request.GET.get("ngay", "").strip())
    except ValidationError as error:
        return _refused(request, " ".join(error.messages))
    if day and day < period.start:  # a mistyped year, most likely
        return _refused(
            request,
            f"Ngày ký {day:%d/%m/%Y} trước ngày bắt đầu của kỳ báo cáo ({period.start:%d/%m/%Y}); hãy xem lại năm.",
        )
    approved_only = approved_only_asked(request)
    content = build_official_report(period, number=number, approved_only=approved_only, report_date=day)
    return file_response(content, "docx", download_filename("bao-cao", period, "docx", approved_only=approved_only))


@login_required
@require_GET
def unit_report_docx(request, period_id, unit_code):
    """A unit's own report as DOCX: for its officer (another unit's is a 404) and the district."""
    period = report_period(period_id)
    unit = unit_or_404(request.user, unit_code, on=period.end)
    if not reports_under(unit, period.programme, on=period.end):
        raise Http404
    sheet = report_sheet(unit, period)
    if sheet.submission is None:
        raise Http404
    return file_response(
        build_unit_report(sheet), "docx", download_filename(f"bao-cao-{filename_part(unit.code)}", period, "docx")
    )
