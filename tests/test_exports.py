"""CSV and XLSX downloads of the overview, the matrix and the raw values.

The figures are loaded as a district office would (``manage.py import_values``) and every download is
checked against ``manage.py compliance`` for the same data: the CSV byte for byte (after the BOM), the XLSX
read back with openpyxl.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from programme.models import Period, Unit
from reporting.models import ReportCounts, Submission, TargetTotals
from reporting.services import Figures, submission_approve, submission_import
from reporting.totals import totals_refresh
from tests.addresses import programme_reverse
from tests.factories import IMPORT_HEADER, category_rows, make_district, make_user, work_in
from tests.surfaces import fetched

FILE_ROWS = [
    ("03549", "2024S1", "MT1", 3, 10),
    ("03391", "2024S1", "MT1", 4, 10),
    ("03549", "2024S1", "MT6", 9_999, 10_000),  # 99.99%: thousands in the XLSX, not rounded up to 100
    ("03549", "2024S1", "MT7", 90, 100),
    ("03549", "2024", "MT1", 10, 10),
    ("03391", "2024", "MT1", 8, 10),
    ("109-CA", "2024", "MT1", 5, 5),
    ("109-DBCQ", "2024", "MT1", 0, 0),
    ("03549", "2024", "MT4a", 2, 3),
    ("03549", "2024", "MT6", 50, 50),
    ("03391", "2024", "MT6", 31, 40),
    ("03549", "2024", "MT8", 20, 20),
    ("03391", "2024", "MT8", 19, 20),
]
HEADERS = [
    "Chỉ tiêu",
    "Phép so sánh",
    "Ngưỡng (%)",
    "Tử số",
    "Mẫu số",
    "Tỷ lệ (%)",
    "Đánh giá",
    "Đơn vị báo cáo",
    "Đơn vị phải báo cáo",
    "Đơn vị đạt",
    "Đủ đơn vị báo cáo",
]
COLUMNS = [
    "target",
    "operator",
    "threshold",
    "numerator",
    "denominator",
    "percent",
    "status",
    "units_reporting",
    "units_expected",
    "units_meeting",
    "complete",
]
STATUS_CODES = {"Đạt": "met", "Chưa đạt": "not_met", "Đang thực hiện": "in_progress", "Chưa có số liệu": "no_data"}
OPERATOR_CODES = {"≥": ">=", ">": ">"}


def load_values(tmp_path, rows=FILE_ROWS) -> None:
    path = tmp_path / "so-lieu.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADER)
        writer.writerows(category_rows(rows))
    call_command("import_values", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def loaded(phong_tho, tmp_path):
    load_values(tmp_path)
    return phong_tho


def compliance(*args: str) -> str:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def compliance_json(*args: str) -> dict:
    return json.loads(compliance(*args, "--format", "json"))


def period_id(code: str) -> int:
    return Period.objects.get(code=code, programme__code="phong-tho-2024").id


def download(client, name: str, fmt: str, **params):
    return fetched(client, client.get(programme_reverse(name, args=[fmt]), params))


def workbook(response):
    return load_workbook(io.BytesIO(response.getvalue()))


def parsed_row(cells: dict) -> dict:
    """A sheet row back in the compliance command's terms: codes for the words, numbers as they are."""
    return {
        **cells,
        "operator": OPERATOR_CODES[cells["operator"]],
        "status": STATUS_CODES[cells["status"]],
        "complete": {"Đủ": True, "Chưa đủ": False}[cells["complete"]],
    }


# --- CSV: the same as the command ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["2024S1", "2024"])
@pytest.mark.parametrize(("name", "flags"), [("export_overview", ()), ("export_matrix", ("--by-unit",))])
def test_csv_equals_the_compliance_command(client, reviewer, loaded, code, name, flags):
    client.force_login(reviewer)

    response = download(client, name, "csv", ky=period_id(code))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert body.decode("utf-8-sig") == compliance(code, "--format", "csv", *flags)
    stem = "tong-quan" if name == "export_overview" else "ma-tran"
    assert response["Content-Disposition"] == f'attachment; filename="{stem}-{code}.csv"'


def test_csv_matrix_keeps_vietnamese_unit_names(client, reviewer, loaded):
    client.force_login(reviewer)
    text = download(client, "export_matrix", "csv", ky=period_id("2024")).getvalue().decode("utf-8-sig")
    rows = {(r["unit"], r["target"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[("03391", "MT6")]["unit_name"] == "Xã Lả Nhì Thàng"
    assert rows[("03391", "MT6")]["percent"] == "77.50"


def test_approved_only_csv_equals_the_command_with_the_flag(client, reviewer, loaded):
    submission = Submission.objects.get(unit__code="03549", period__code="2024")
    submission_approve(user=reviewer, submission=submission, version=submission.version)
    client.force_login(reviewer)

    response = download(client, "export_overview", "csv", ky=period_id("2024"), chi_duyet="1")

    assert response.getvalue().decode("utf-8-sig") == compliance("2024", "--format", "csv", "--approved-only")
    assert response["Content-Disposition"] == 'attachment; filename="tong-quan-2024-da-duyet.csv"'
    # anything but 1 is the default (submitted and approved)
    other = download(client, "export_overview", "csv", ky=period_id("2024"), chi_duyet="co")
    assert other.getvalue().decode("utf-8-sig") == compliance("2024", "--format", "csv")


def test_default_period_is_the_latest_with_data(client, leader, loaded):
    client.force_login(leader)
    response = download(client, "export_overview", "csv")
    assert response["Content-Disposition"] == 'attachment; filename="tong-quan-2024.csv"'
    assert response.getvalue().decode("utf-8-sig") == compliance("2024", "--format", "csv")


# --- XLSX: Vietnamese headers, number formats, the same figures ----------------------------------------------


@pytest.mark.parametrize("code", ["2024S1", "2024"])
def test_overview_xlsx_reads_back_as_the_command_json(client, reviewer, loaded, code):
    client.force_login(reviewer)

    response = download(client, "export_overview", "xlsx", ky=period_id(code))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="tong-quan-{code}.xlsx"'
    book = workbook(response)
    assert book.sheetnames == ["Tổng quan", "Thông tin"]
    sheet = book["Tổng quan"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == HEADERS
    rows = [parsed_row(dict(zip(COLUMNS, r, strict=True))) for r in table[1:]]
    assert rows == compliance_json(code)["rows"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 8 and sheet.column_dimensions["I"].width >= 15


def test_xlsx_number_formats(client, reviewer, loaded):
    client.force_login(reviewer)
    sheet = workbook(download(client, "export_overview", "xlsx", ky=period_id("2024S1")))["Tổng quan"]
    header = [cell.value for cell in sheet[1]]
    mt6 = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "MT6")
    cell = dict(zip(header, mt6, strict=True))

    assert (cell["Tử số"].value, cell["Mẫu số"].value) == (9_999, 10_000)
    assert cell["Tử số"].number_format == cell["Mẫu số"].number_format == "#,##0"
    assert cell["Đơn vị phải báo cáo"].number_format == "#,##0"
    assert cell["Tỷ lệ (%)"].value == 99.99  # a number, not the text "99,99%", and never rounded up to 100
    assert cell["Tỷ lệ (%)"].number_format == "0.00"
    assert cell["Đánh giá"].value == "Đạt"
    assert cell["Phép so sánh"].value == ">"
    assert sheet["A1"].font.bold


def test_matrix_xlsx_reads_back_as_the_command_json_by_unit(client, reviewer, loaded):
    client.force_login(reviewer)
    document = compliance_json("2024", "--by-unit")

    book = workbook(download(client, "export_matrix", "xlsx", ky=period_id("2024")))

    sheet = book["Ma trận"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == ["Mã đơn vị", "Tên đơn vị", *HEADERS]
    rows = [parsed_row(dict(zip(["unit", "unit_name", *COLUMNS], r, strict=True))) for r in table[1:]]
    district, units = rows[: len(document["rows"])], rows[len(document["rows"]) :]
    assert all(r["unit"] is None and r["unit_name"] == "Huyện Phong Thổ" for r in district)
    assert [{k: v for k, v in r.items() if k in COLUMNS} for r in district] == document["rows"]
    assert units == document["units"]
    assert sheet.freeze_panes == "A2"


def test_xlsx_information_sheet(client, reviewer, loaded):
    client.force_login(reviewer)
    response = download(client, "export_overview", "xlsx", ky=period_id("2024S1"), chi_duyet="1")
    info = dict(workbook(response)["Thông tin"].iter_rows(values_only=True))

    assert info["Chương trình"] == "Chương trình công tác dân vận năm 2024"
    assert info["Kỳ báo cáo"] == "6 tháng đầu năm 2024 (2024S1)"
    assert info["Chỉ tính báo cáo đã duyệt"] == "Có"
    generated = datetime.datetime.strptime(info["Lập lúc"], "%d/%m/%Y %H:%M")
    assert abs(generated - datetime.datetime.now()) < datetime.timedelta(days=1)
    assert info["Chỉ tiêu MT6"].startswith("Tập hợp quần chúng")
    assert response["Content-Disposition"] == 'attachment; filename="tong-quan-2024S1-da-duyet.xlsx"'


# --- raw values ----------------------------------------------------------------------------------------------


def test_values_csv_lists_every_value_of_the_counting_reports(client, reviewer, loaded):
    Submission.objects.create(unit=Unit.objects.get(code="03550"), period_id=period_id("2024"), status="draft")
    client.force_login(reviewer)

    response = download(client, "export_values", "csv", ky=period_id("2024"))

    body = response.getvalue()  # streamed: read once
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(table[0]) == [
        "unit",
        "unit_name",
        "period",
        "target",
        "category",
        "numerator",
        "denominator",
        "note",
        "status",
        "submitted_at",
    ]
    expected = {(u, t, str(n), str(d)) for u, p, t, n, d in FILE_ROWS if p == "2024"}
    totals = [r for r in table if not r["category"]]  # a target's own row; its categories' rows follow it
    assert {(r["unit"], r["target"], r["numerator"], r["denominator"]) for r in totals} == expected
    mt6 = [r for r in table if r["unit"] == "03391" and r["target"] == "MT6"]
    assert [r["category"] for r in mt6] == [
        "",
        "Đoàn TNCS Hồ Chí Minh",
        "Hội Liên hiệp Phụ nữ",
        "Hội Nông dân",
        "Hội Cựu chiến binh",
    ]
    assert sum(int(r["numerator"]) for r in mt6[1:]) == int(mt6[0]["numerator"]) == 31
    assert {r["period"] for r in table} == {"2024"}
    assert {r["status"] for r in table} == {"submitted"}
    assert datetime.datetime.fromisoformat(table[0]["submitted_at"]).utcoffset() == datetime.timedelta(hours=7)
    assert next(r for r in table if r["unit"] == "03391")["unit_name"] == "Xã Lả Nhì Thàng"
    assert response["Content-Disposition"] == 'attachment; filename="so-lieu-2024.csv"'


def test_values_xlsx(client, reviewer, loaded):
    submission = Submission.objects.get(unit__code="03549", period__code="2024S1")
    submission_approve(user=reviewer, submission=submission, version=submission.version)
    client.force_login(reviewer)

    book = workbook(download(client, "export_values", "xlsx", ky=period_id("2024S1")))

    sheet = book["Số liệu"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Kỳ báo cáo",
        "Chỉ tiêu",
        "Tổ chức (phần chia)",
        "Tử số",
        "Mẫu số",
        "Ghi chú",
        "Trạng thái báo cáo",
        "Nộp lúc",
    ]
    rows = {(r[0], r[3]): r for r in table[1:] if not r[4]}
    assert set(rows) == {(u, t) for u, p, t, _, _ in FILE_ROWS if p == "2024S1"}
    assert rows[("03549", "MT6")][5:7] == (9_999, 10_000)
    assert ("03549", "MT6", "Hội Nông dân") in {(r[0], r[3], r[4]) for r in table[1:]}
    assert rows[("03549", "MT6")][8] == "Đã duyệt"
    assert rows[("03391", "MT1")][8] == "Đã nộp"
    assert isinstance(rows[("03391", "MT1")][9], datetime.datetime)
    assert sheet.freeze_panes == "A2"
    assert sheet["F2"].number_format == "#,##0"
    assert sheet["J2"].number_format == "dd/mm/yyyy hh:mm"

    approved = workbook(download(client, "export_values", "xlsx", ky=period_id("2024S1"), chi_duyet="1"))
    assert {r[0] for r in list(approved["Số liệu"].iter_rows(values_only=True))[1:]} == {"03549"}


# --- who may download, and what bad input gets ---------------------------------------------------------------

EXPORTS = [(name, fmt) for name in ("export_overview", "export_matrix", "export_values") for fmt in ("csv", "xlsx")]


def test_anonymous_is_sent_to_login(client, loaded):
    for name, fmt in EXPORTS:
        response = download(client, name, fmt)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


def test_officer_is_refused(client, officer, loaded):
    client.force_login(officer)
    for name, fmt in EXPORTS:
        assert download(client, name, fmt).status_code == 403, (name, fmt)


def test_leader_may_download(client, leader, loaded):
    client.force_login(leader)
    for name, fmt in EXPORTS:
        assert download(client, name, fmt, ky=period_id("2024S1")).status_code == 200, (name, fmt)


def test_bad_period_is_a_404_never_a_500(client, reviewer, phong_tho):
    client.force_login(reviewer)
    for ky in ["abc", "-1", "0", "999999", "99999999999999999999", "1.5", "²", "1 OR 1=1", "  ", "\x00"]:
        for name, fmt in EXPORTS:
            assert download(client, name, fmt, ky=ky).status_code == 404, (name, fmt, ky)


def test_unknown_format_and_post_are_refused(client, reviewer, loaded):
    client.force_login(reviewer)
    assert client.get(programme_reverse("programme_home") + "xuat/tong-quan.xml").status_code == 404
    assert client.post(programme_reverse("export_overview", args=["csv"])).status_code == 405


def test_no_programme_yet_is_a_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("export_overview", args=["khong-co", "csv"])).status_code == 404
    assert client.get("/xuat/tong-quan.csv").status_code == 404  # the old address: no programme to lead to


# --- a fixed number of queries whatever the number of units --------------------------------------------------


def district_with_reports(n_units: int, year: int) -> Period:
    programme, periods, targets = make_district(n_units, year=year)
    for unit in Unit.objects.filter(parent=programme.area):
        submission_import(unit=unit, period=periods[0], figures={t: Figures(1, 2) for t in targets}, actor_label="t")
    return periods[0]


def queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = fetched(client, client.get(url))  # an XLSX made in the background: asked for, made, taken
        assert response.status_code == 200
        response.getvalue()  # a streamed download reads as it writes
    return len(captured)


def export_urls(period: Period | None) -> list[str]:
    """Each download, for the period chosen with ``ky`` and for the default one."""
    urls = []
    for name, fmt in EXPORTS:
        url = programme_reverse(name, args=[fmt])
        urls += [url, f"{url}?ky={period.id}&chi_duyet=1"]
    texts = programme_reverse("export_texts")
    return [*urls, texts, f"{texts}?ky={period.id}&chi_duyet=1"]


def test_query_count_does_not_grow_with_the_units(client, db):
    small_period = district_with_reports(10, 2023)
    reviewer = make_user("small", Role.REVIEWER, unit=small_period.programme.area)
    small = [queries(client, reviewer, url) for url in export_urls(small_period)]
    large_period = district_with_reports(60, 2024)
    work_in(reviewer, large_period.programme.area)
    large = [queries(client, reviewer, url) for url in export_urls(large_period)]

    assert small == large
    text = client.get(programme_reverse("export_values", args=["csv"])).getvalue().decode("utf-8-sig")
    assert len(text.splitlines()) == 1 + 60 * 3  # the default is the large (current) programme's period


# --- the overview's download links ---------------------------------------------------------------------------


def render_exports(user, period, approved_only: bool) -> str:
    from django.template.loader import render_to_string

    from accounts.permissions import UserMay

    context = {"period": period, "approved_only": approved_only, "may": UserMay(user)}
    return render_to_string("reporting/dashboards/_exports.html", context)


def overview_link(name: str, fmt: str) -> str:
    """The overview's link to a download: the page that asks for it when it is made in the background."""
    background = {("export_matrix", "xlsx"): "ma-tran", ("export_values", "xlsx"): "so-lieu"}
    if (name, fmt) in background:
        return programme_reverse("download_start", args=[background[name, fmt], fmt])
    return programme_reverse(name, args=[fmt])


def test_overview_links_carry_the_period_and_the_switch(reviewer, period_2024):
    TargetTotals.objects.filter(period=period_2024).delete()  # kept under the id about to change
    ReportCounts.objects.filter(period=period_2024).delete()
    Period.objects.filter(pk=period_2024.pk).update(id=1234)  # an id a thousands separator would break
    totals_refresh()  # written past the paths that keep the sums
    period = Period.objects.select_related("programme").get(pk=1234)

    html = render_exports(reviewer, period, approved_only=True)

    for name, fmt in EXPORTS:
        assert f'href="{overview_link(name, fmt)}?ky=1234&amp;chi_duyet=1"' in html
    assert f'action="{programme_reverse("official_report", args=[1234])}"' in html
    assert 'name="so"' in html and '<input type="hidden" name="chi_duyet" value="1">' in html
    default = render_exports(reviewer, period, approved_only=False)
    assert f'href="{overview_link("export_matrix", "xlsx")}?ky=1234"' in default
    assert "chi_duyet" not in default


def test_overview_links_are_not_shown_to_officers(officer, period_2024):
    assert "xuat/" not in render_exports(officer, period_2024, approved_only=False)


def test_a_note_that_looks_like_a_formula_stays_text(client, reviewer, phong_tho, period_2024, targets, commune):
    formula = '=HYPERLINK("http://example.invalid","x")'
    submission_import(
        unit=commune, period=period_2024, figures={targets["MT1"]: Figures(1, 2, formula)}, actor_label="t"
    )
    client.force_login(reviewer)

    sheet = workbook(download(client, "export_values", "xlsx", ky=period_2024.id))["Số liệu"]
    assert sheet["H2"].value == formula and sheet["H2"].data_type == "s"
    text = download(client, "export_values", "csv", ky=period_2024.id).getvalue().decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(text)))["note"] == f"'{formula}"
