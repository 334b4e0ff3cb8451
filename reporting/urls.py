from urllib.parse import unquote

from django.urls import path, register_converter

from reporting.models import PreparedDownload
from reporting.views import dashboards, downloads, exports, home, officer, review, signed, workbook


class TableFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class BackgroundKind:
    """The downloads made in the background (``PreparedDownload.Kind``)."""

    regex = "|".join(PreparedDownload.Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class UnitCode:
    """Any code a stored unit can have, even one from before codes were checked (``Unit.code``), so that no
    page fails to link a unit: "/" and "%" are escaped inside the path segment, and the dots of a code that is
    only dots, which a browser would take for a step up."""

    regex = "[^/]*"

    def to_python(self, value):
        return unquote(value)

    def to_url(self, value):
        escaped = value.replace("%", "%25").replace("/", "%2F")
        return escaped.replace(".", "%2E") if not escaped.strip(".") else escaped


register_converter(TableFormat, "table")
register_converter(UnitCode, "unit")
register_converter(BackgroundKind, "background")

urlpatterns = [
    path("", home.home, name="home"),
    # the officer's report
    path("bao-cao/<int:period_id>/<unit:unit_code>/", officer.report, name="report"),
    path("bao-cao/<int:period_id>/<unit:unit_code>/lich-su/", officer.report_history, name="report_history"),
    path("bao-cao/lich-su/<int:event_id>/", officer.history_change, name="history_change"),
    path("bao-cao/<int:period_id>/<unit:unit_code>/bao-cao.docx", exports.unit_report_docx, name="unit_report_docx"),
    path("bao-cao/<int:period_id>/<unit:unit_code>/mau.xlsx", workbook.report_template, name="report_template"),
    path("bao-cao/<int:period_id>/<unit:unit_code>/tai-len/", workbook.report_upload, name="report_upload"),
    path("bao-cao/<int:period_id>/<unit:unit_code>/van-ban-ky/", signed.signed_documents, name="signed_documents"),
    path("bao-cao/van-ban-ky/<int:document_id>/", signed.signed_document_file, name="signed_document_file"),
    # review
    path("tham-dinh/", review.inbox, name="inbox"),
    path("tham-dinh/nhap-tep/", workbook.bulk_upload, name="bulk_upload"),
    path("tham-dinh/<int:period_id>/<unit:unit_code>/", review.review, name="review"),
    # dashboards and exports
    path("tong-quan/", dashboards.overview, name="overview"),
    path("tong-quan/ma-tran/", dashboards.matrix, name="matrix"),
    path("tong-quan/tien-do-nop/", dashboards.completeness, name="completeness"),
    path("tong-quan/kiem-tra-so-lieu/", dashboards.violations, name="violations"),
    path("tong-quan/don-vi/<unit:unit_code>/", dashboards.unit_dashboard, name="unit_dashboard"),
    path("tong-quan/chi-tieu/<int:target_id>/", dashboards.target_dashboard, name="target_dashboard"),
    path("xuat/tong-quan.<table:fmt>", exports.export_overview, name="export_overview"),
    path("xuat/ma-tran.<table:fmt>", exports.export_matrix, name="export_matrix"),
    path("xuat/so-lieu.<table:fmt>", exports.export_values, name="export_values"),
    path("xuat/noi-dung.csv", exports.export_texts, name="export_texts"),
    path("xuat/bao-cao-<int:period_id>.docx", exports.official_report, name="official_report"),
    path("xuat/chuan-bi/<background:kind>.xlsx", downloads.start, name="download_start"),
    path("xuat/tep/<uuid:download_id>/", downloads.status, name="download_status"),
    path("xuat/tep/<uuid:download_id>/tien-do.json", downloads.progress, name="download_progress"),
    path("xuat/tep/<uuid:download_id>/tai-ve", downloads.file, name="download_file"),
]
