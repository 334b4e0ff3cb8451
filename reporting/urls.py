from urllib.parse import unquote

from django.urls import path, register_converter

from reporting.models import PreparedDownload
from reporting.views import dashboards, downloads, exports, home, officer, programmes, review, signed, workbook


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


PROGRAMME = f"{programmes.PROGRAMME_PREFIX}/<slug:programme_code>"  # a programme's code is a slug


class OldAddress:
    """A programme's page as addressed before the programme was in the address (``programmes.latest``)."""

    regex = "(?:tong-quan|xuat)/.*|tham-dinh/"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TableFormat, "table")
register_converter(OldAddress, "old_address")
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
    path("tham-dinh/nhap-tep/", workbook.bulk_upload, name="bulk_upload"),
    path("tham-dinh/<int:period_id>/<unit:unit_code>/", review.review, name="review"),
    # a programme's pages: the programme is in the address (docs/decisions/0029-programme-in-the-address.md)
    path(f"{PROGRAMME}/", programmes.programme_home, name="programme_home"),
    path(f"{PROGRAMME}/tham-dinh/", review.inbox, name="inbox"),
    path(f"{PROGRAMME}/tong-quan/", dashboards.overview, name="overview"),
    path(f"{PROGRAMME}/tong-quan/ma-tran/", dashboards.matrix, name="matrix"),
    path(f"{PROGRAMME}/tong-quan/tien-do-nop/", dashboards.completeness, name="completeness"),
    path(f"{PROGRAMME}/tong-quan/kiem-tra-so-lieu/", dashboards.violations, name="violations"),
    path(f"{PROGRAMME}/tong-quan/don-vi/<unit:unit_code>/", dashboards.unit_dashboard, name="unit_dashboard"),
    path(f"{PROGRAMME}/tong-quan/chi-tieu/<int:target_id>/", dashboards.target_dashboard, name="target_dashboard"),
    path(
        f"{PROGRAMME}/tong-quan/chi-tieu/<int:target_id>/so-sanh/",
        programmes.target_year_over_year,
        name="target_year_over_year",
    ),
    path(f"{PROGRAMME}/xuat/tong-quan.<table:fmt>", exports.export_overview, name="export_overview"),
    path(f"{PROGRAMME}/xuat/ma-tran.<table:fmt>", exports.export_matrix, name="export_matrix"),
    path(f"{PROGRAMME}/xuat/so-lieu.<table:fmt>", exports.export_values, name="export_values"),
    path(f"{PROGRAMME}/xuat/noi-dung.csv", exports.export_texts, name="export_texts"),
    path(f"{PROGRAMME}/xuat/bao-cao-<int:period_id>.docx", exports.official_report, name="official_report"),
    path(f"{PROGRAMME}/xuat/chuan-bi/<background:kind>.<table:fmt>", downloads.start, name="download_start"),
    # a download made in the background is its asker's, whatever the programme
    path("xuat/tep/<uuid:download_id>/", downloads.status, name="download_status"),
    path("xuat/tep/<uuid:download_id>/tien-do.json", downloads.progress, name="download_progress"),
    path("xuat/tep/<uuid:download_id>/tai-ve", downloads.file, name="download_file"),
]
