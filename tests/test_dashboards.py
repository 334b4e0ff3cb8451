"""The dashboards: overview, matrix, completeness, unit and target pages; the demo data command.

Figures are loaded as a district office would (``import_values``) and every page is held to the figures of
``manage.py compliance``, to the digit, in the Vietnamese format. On the shipped fixtures "03549" (Thị trấn
Phong Thổ) and "03391" (Xã Lả Nhì Thàng) are communes, "109-CA" the district police (armed forces),
"109-UBND" a government body; periods 2024Q1, 2024S1, 2024Q3, 2024.
"""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from accounts.roles import Role
from programme.compliance import STATUS_LABELS, Status
from programme.formatting import vn_number, vn_percent
from programme.models import ExemplaryModel, Period, Target, Unit
from reporting.models import Submission, SubmissionEvent
from reporting.selectors.compliance import district_compliance, latest_period_with_data
from reporting.selectors.series import programme_compliance, programme_periods
from reporting.services import Figures, submission_approve, submission_import, submission_return
from reporting.totals import totals_refresh
from tests.addresses import programme_reverse
from tests.factories import IMPORT_HEADER, TargetFactory, category_rows, make_district, make_user, work_in

FILE_ROWS = [
    ("03549", "2024S1", "MT1", 3, 10),
    ("03391", "2024S1", "MT1", 4, 10),
    ("03549", "2024S1", "MT6", 2_450, 2_650),
    ("03391", "2024S1", "MT6", 1_800, 2_000),  # exactly 90%: not "> 90"
    ("03549", "2024", "MT1", 10, 10),
    ("03391", "2024", "MT1", 8, 10),
    ("109-CA", "2024", "MT1", 5, 5),
    ("109-UBND", "2024", "MT2", 0, 0),  # not applicable here
    ("03549", "2024", "MT3b", 1_499, 1_500),
    ("03391", "2024", "MT3b", 2_000, 2_000),
    ("03549", "2024", "MT4c", 7, 10),
    ("03549", "2024", "MT6", 9_999, 10_000),
    ("03391", "2024", "MT6", 31, 40),
    ("03549", "2024", "MT8", 20, 20),
]


def import_rows(tmp_path, rows=FILE_ROWS):
    path = tmp_path / "so-lieu.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADER)
        writer.writerows(category_rows(rows))
    call_command("import_values", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def compliance_json(period: str, *flags: str) -> list[dict]:
    out = io.StringIO()
    call_command("compliance", period, "--format", "json", *flags, stdout=out)
    return json.loads(out.getvalue())["rows"]


def period(programme, code) -> Period:
    return Period.objects.select_related("programme__area").get(programme=programme, code=code)


@pytest.fixture
def loaded(phong_tho, tmp_path):
    import_rows(tmp_path)
    town = Unit.objects.get(code="03549")
    ExemplaryModel.objects.create(
        unit=town,
        year=2024,
        name="Bảo vệ rừng",
        field_id="forest",
        registered_on=datetime.date(2024, 3, 1),
        recognised_on=datetime.date(2024, 9, 1),
        recognition_level_id="district",
    )
    totals_refresh()  # written past the paths that keep the district's sums
    return phong_tho


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def card(html: str, target: Target) -> str:
    start = html.index(f'aria-labelledby="chi-tieu-{target.id}"')
    return html[start : html.index("</article>", start)]


def shown(value) -> str:
    return vn_percent(None if value is None else Decimal(str(value)))


# --- the selectors agree with district_compliance ------------------------------------------------------------


@pytest.mark.parametrize("approved_only", [False, True])
def test_programme_compliance_equals_district_compliance_for_every_period(loaded, reviewer, approved_only):
    submission_approve(
        user=reviewer, submission=Submission.objects.get(unit__code="03391", period__code="2024"), version=None
    )
    periods = programme_periods(loaded)
    reports = programme_compliance(loaded, periods, approved_only=approved_only, by_unit=True)
    for each in periods:
        expected = district_compliance(each, approved_only=approved_only, by_unit=True)
        assert reports[each.id].rows == expected.rows
        assert reports[each.id].unit_rows == expected.unit_rows


# --- the overview --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["2024", "2024S1"])
def test_overview_shows_the_compliance_commands_figures_to_the_digit(client, reviewer, loaded, targets, code):
    chosen = period(loaded, code)
    html = get(client, reviewer, programme_reverse("overview"), ky=chosen.id).text
    rows = compliance_json(code)
    assert len(rows) == html.count('class="card target-card')
    for row in rows:
        target = targets[row["target"]]
        text = card(html, target)
        assert f'<span class="value">{shown(row["percent"])}</span>' in text
        assert f'<span class="status {row["status"]}">{STATUS_LABELS[Status(row["status"])]}</span>' in text
        assert f"Yêu cầu {escape(target.threshold_text)}" in text
        assert f"{vn_number(row['numerator'])} / {vn_number(row['denominator'])}" in text
        meeting = f"<strong>{row['units_meeting']}</strong> / {row['units_reporting']} / {row['units_expected']}"
        assert meeting in text
        assert programme_reverse("target_dashboard", args=[target.id]) in text


def test_overview_shows_vietnamese_numbers_and_strict_thresholds(client, reviewer, loaded, targets):
    html = get(client, reviewer, programme_reverse("overview"), ky=period(loaded, "2024").id).text
    mt6 = card(html, targets["MT6"])  # 9.999 + 31 of 10.000 + 40
    assert "10.030 / 10.040" in mt6 and "99,90%" in mt6 and "Đạt" in mt6
    mt3b = card(html, targets["MT3b"])  # 3.499/3.500 = 99,97…% is not 100%
    assert "99,97%" in mt3b and "Chưa đạt" in mt3b
    s1 = get(client, reviewer, programme_reverse("overview"), ky=period(loaded, "2024S1").id).text
    assert "Đang thực hiện" in card(s1, targets["MT1"])  # cumulative, before the annual report


def test_overview_defaults_to_the_latest_period_with_data(client, reviewer, loaded):
    response = get(client, reviewer, programme_reverse("overview"))
    assert response.context["board"].period.code == "2024"
    assert "Kết quả thực hiện chỉ tiêu — Năm 2024" in response.text


def test_the_default_period_is_the_latest_with_a_counting_report_else_the_first(phong_tho, reviewer, tmp_path):
    assert latest_period_with_data(phong_tho).code == "2024Q1"  # nothing reported yet
    import_rows(tmp_path, [("03549", "2024Q3", "MT1", 1, 2)])
    assert latest_period_with_data(phong_tho).code == "2024Q3"
    Submission.objects.create(unit=Unit.objects.get(code="03391"), period=period(phong_tho, "2024"))
    assert latest_period_with_data(phong_tho).code == "2024Q3"  # a draft does not count
    submission_return(
        user=reviewer, submission=Submission.objects.get(period__code="2024Q3"), version=None, comment="x"
    )
    assert latest_period_with_data(phong_tho).code == "2024Q1"  # nor does a returned report


def test_overview_trend_has_a_value_per_period_as_text_and_svg(client, reviewer, loaded, targets):
    html = get(client, reviewer, programme_reverse("overview"), ky=period(loaded, "2024").id).text
    mt6 = card(html, targets["MT6"])
    # Q1 nothing, 6T 4.250/4.650 = 91,40%, 9T nothing, Năm 99,90%
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="sparkline"' in mt6
    assert "Q1 — · 6T 91,40% · 9T — · Năm 99,90%" in mt6
    cells = re.findall(r"<td>(.*?)</td>", mt6.split('class="trend-table"')[1])
    assert [re.sub("<[^>]+>", "", cell) for cell in cells] == ["—", "91,40%", "—", "99,90%"]  # reported, no data: —


def test_approved_only_switch(client, reviewer, loaded, targets):
    annual = period(loaded, "2024")
    town = Submission.objects.get(unit__code="03549", period=annual)
    submission_approve(user=reviewer, submission=town, version=None)
    default = get(client, reviewer, programme_reverse("overview"), ky=annual.id).text
    approved = get(client, reviewer, programme_reverse("overview"), ky=annual.id, chi_duyet="1").text
    assert "10.030 / 10.040" in card(default, targets["MT6"])
    assert "9.999 / 10.000" in card(approved, targets["MT6"])  # only the town's approved report
    rows = {row["target"]: row for row in compliance_json("2024", "--approved-only")}
    assert f'<span class="value">{shown(rows["MT6"]["percent"])}</span>' in card(approved, targets["MT6"])
    assert 'value="1" checked' in approved and 'value="" checked' in default


def test_completeness_strip_counts_on_time_late_missing_and_approved(client, reviewer, phong_tho, targets):
    q1 = period(phong_tho, "2024Q1")
    today = timezone.localdate()
    Period.objects.filter(pk=q1.pk).update(due=today + datetime.timedelta(days=2))
    q1.refresh_from_db()
    figures = {targets["MT1"]: Figures(1, 2)}
    on_time = [submission_import(unit=Unit.objects.get(code=c), period=q1, figures=figures) for c in ("03549", "03391")]
    submission_approve(user=reviewer, submission=on_time[0], version=None)
    returned = submission_import(unit=Unit.objects.get(code="03490"), period=q1, figures=figures)
    submission_return(user=reviewer, submission=returned, version=None, comment="Sửa lại.")
    Period.objects.filter(pk=q1.pk).update(due=today - datetime.timedelta(days=4))
    q1.refresh_from_db()
    late = submission_import(unit=Unit.objects.get(code="109-CA"), period=q1, figures=figures)
    assert late.is_late
    board = get(client, reviewer, programme_reverse("overview"), ky=q1.id).context["board"]
    strip = board.completeness
    assert (strip.expected, strip.on_time, strip.late, strip.missing, strip.returned, strip.approved) == (
        50,
        2,
        1,
        47,
        1,
        1,
    )


# --- access --------------------------------------------------------------------------------------------------


def dashboard_urls(target, unit_code="03549"):
    return [
        programme_reverse("overview"),
        programme_reverse("matrix"),
        programme_reverse("completeness"),
        programme_reverse("unit_dashboard", args=[unit_code]),
        programme_reverse("target_dashboard", args=[target.id]),
    ]


def test_anonymous_is_sent_to_login(client, phong_tho, targets):
    for url in dashboard_urls(targets["MT1"]):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_officer_sees_the_own_unit_only(client, officer, commune, targets, loaded):
    client.force_login(officer)
    own = programme_reverse("unit_dashboard", args=[commune.code])
    for url in (programme_reverse("overview"), programme_reverse("matrix"), programme_reverse("completeness")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == own
    response = client.get(own)
    assert response.status_code == 200 and commune.name in response.text
    assert client.get(programme_reverse("unit_dashboard", args=["03391"])).status_code == 404
    assert client.get(programme_reverse("unit_dashboard", args=["khong-co"])).status_code == 404
    assert client.get(programme_reverse("target_dashboard", args=[targets["MT1"].id])).status_code == 404


@pytest.mark.parametrize("user_fixture", ["reviewer", "leader", "administrator"])
def test_district_roles_see_every_page(client, request, loaded, targets, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in dashboard_urls(targets["MT6"], "03391"):
        response = client.get(url)
        assert response.status_code == 200, url
        main = response.text.split("<main>")[1]
        # read-only pages, but for the "đôn đốc" of the completeness page, which changes no report
        urging = url == programme_reverse("completeness") and user_fixture != "leader"
        assert main.count('<form method="post"') == (1 if urging else 0), url
        assert (f'action="{programme_reverse("urge")}"' in main) is urging


def test_user_without_a_role_is_refused(client, phong_tho, targets):
    client.force_login(User.objects.create_user("khach", password="Mat-khau-thu-9"))
    # no programme is theirs to see: as if it did not exist
    assert client.get(programme_reverse("overview")).status_code == 404
    assert client.get(programme_reverse("matrix")).status_code == 404
    assert client.get(programme_reverse("unit_dashboard", args=["03549"])).status_code == 404
    assert client.get(programme_reverse("target_dashboard", args=[targets["MT1"].id])).status_code == 404


def test_dashboards_are_read_with_get_only(client, reviewer, phong_tho, targets):
    client.force_login(reviewer)
    for url in dashboard_urls(targets["MT1"]):
        assert client.post(url).status_code == 405, url


BAD_PARAMS = [
    {"ky": "abc"},
    {"ky": "999999"},
    {"ky": "-1", "chi_duyet": "có"},
    {"loai": "x", "cap_tren": "'; drop table", "trang_thai": "<script>", "sap_xep": "MT99"},
    {"sap_xep": "-", "trang": "0"},
    {"trang": "99999", "sap_xep": "--MT1"},
    {"trang": "abc", "loai": "99999999999999999999999"},
    {"ky": "1e5", "trang": "-3", "cap_tren": "٣"},
    {"ky": "²", "loai": "²", "cap_tren": "¹", "trang": "²"},  # digits to isdigit(), not to int()
]


@pytest.mark.parametrize("params", BAD_PARAMS)
def test_bad_query_parameters_are_ignored_never_a_500(client, reviewer, loaded, targets, params):
    for url in dashboard_urls(targets["MT6"], "03391"):
        response = get(client, reviewer, url, **params)
        assert response.status_code == 200, (url, params)
        assert "<script>" not in response.text.split("<main>")[1]


def test_a_target_page_of_an_unknown_target_is_404(client, reviewer, phong_tho):
    assert get(client, reviewer, programme_reverse("target_dashboard", args=[999_999])).status_code == 404


# --- the matrix ----------------------------------------------------------------------------------------------


def matrix_rows(response) -> list[str]:
    return [row.unit.code for row in response.context["board"].page]


def test_matrix_cells_are_the_units_figures(client, reviewer, loaded, targets):
    annual = period(loaded, "2024")
    response = get(client, reviewer, programme_reverse("matrix"), ky=annual.id)
    board = response.context["board"]
    assert [column.target.code for column in board.columns] == list(targets)
    report = district_compliance(annual, by_unit=True)
    expected = {(r.unit.code, r.target.code): r for r in report.unit_rows}
    for row in board.page:
        for cell in row.cells:
            found = expected.get((row.unit.code, cell.target.code))
            if found is None:
                assert cell.css == "na"
            elif not found.has_figure:
                assert cell.result is None and cell.css == "no_data"
            else:
                assert cell.result == found.result
    html = response.text
    # MT6, typed per organisation: the cell names the unit's lowest one too
    assert 'title="9.999/10.000 · Đạt · thấp nhất: Hội Cựu chiến binh 99,96%"' in html and "99,99%" in html
    assert 'title="1.499/1.500 · Chưa đạt"' in html
    assert "Không áp dụng" in html  # 109-UBND's MT2 0/0 and communes-only targets elsewhere
    assert "Toàn địa bàn" in html and "99,90%" in html


def test_matrix_filters_by_kind_parent_and_report_status(client, reviewer, loaded):
    annual = period(loaded, "2024")
    commune_kind = Unit.objects.get(code="03549").kind_id
    communes = get(client, reviewer, programme_reverse("matrix"), ky=annual.id, loai=commune_kind)
    assert communes.context["board"].page.paginator.count == 17
    assert "Xã, thị trấn" in communes.text and "Công an huyện" not in communes.text
    submitted = get(client, reviewer, programme_reverse("matrix"), ky=annual.id, trang_thai="submitted")
    assert set(matrix_rows(submitted)) == {"03549", "03391", "109-CA", "109-UBND"}
    missing = get(client, reviewer, programme_reverse("matrix"), ky=annual.id, trang_thai="missing")
    assert missing.context["board"].page.paginator.count == 46
    district = Unit.objects.get(code="109")
    by_parent = get(client, reviewer, programme_reverse("matrix"), ky=annual.id, cap_tren=district.id)
    assert by_parent.context["board"].page.paginator.count == 50


def test_matrix_sorts_by_a_targets_value_within_each_kind(client, reviewer, loaded):
    annual = period(loaded, "2024")
    kind = Unit.objects.get(code="03549").kind_id
    ascending = matrix_rows(get(client, reviewer, programme_reverse("matrix"), ky=annual.id, loai=kind, sap_xep="MT6"))
    assert ascending[:2] == ["03391", "03549"]  # 77,50% then 99,99%; units without a value after them
    descending = matrix_rows(
        get(client, reviewer, programme_reverse("matrix"), ky=annual.id, loai=kind, sap_xep="-MT6")
    )
    assert descending[:2] == ["03549", "03391"]
    by_name = matrix_rows(get(client, reviewer, programme_reverse("matrix"), ky=annual.id, loai=kind, sap_xep="-ten"))
    names = [Unit.objects.get(code=code).name for code in by_name]
    assert names == sorted(names, key=str.casefold, reverse=True)
    html = get(client, reviewer, programme_reverse("matrix"), ky=annual.id, sap_xep="MT6").text
    assert 'aria-sort="ascending"' in html and "sap_xep=-MT6" in html


def test_matrix_is_paginated_fifty_units_a_page(client, reviewer, db):
    work_in(reviewer, make_district(60, targets=1)[0].area)
    first = get(client, reviewer, programme_reverse("matrix"))
    assert len(first.context["board"].page.object_list) == 50
    assert "Trang 1 / 2" in first.text
    second = get(client, reviewer, programme_reverse("matrix"), trang=2)
    assert len(second.context["board"].page.object_list) == 10


# --- completeness --------------------------------------------------------------------------------------------


def test_completeness_marks_each_unit_and_period(client, reviewer, phong_tho, targets):
    q1, s1 = period(phong_tho, "2024Q1"), period(phong_tho, "2024S1")
    today = timezone.localdate()
    Period.objects.filter(pk=q1.pk).update(due=today - datetime.timedelta(days=3))
    Period.objects.filter(pk=s1.pk).update(due=today + datetime.timedelta(days=3))
    Period.objects.filter(programme=phong_tho, code__in=["2024Q3", "2024"]).update(
        due=today + datetime.timedelta(days=9)
    )
    q1.refresh_from_db()
    s1.refresh_from_db()
    figures = {targets["MT1"]: Figures(1, 2)}
    town = Unit.objects.get(code="03549")
    submission_import(unit=town, period=q1, figures=figures)  # 3 days late
    approved = submission_import(unit=town, period=s1, figures=figures)
    submission_approve(user=reviewer, submission=approved, version=None)
    kind = town.kind_id
    response = get(client, reviewer, programme_reverse("completeness"), loai=kind)
    board = response.context["board"]
    rows = {row.unit.code: row for row in board.page}
    assert len(rows) == 17
    town_marks = [mark.label for mark in rows["03549"].marks]
    assert town_marks == ["Muộn 3 ngày", "Đúng hạn", "Chưa nộp", "Chưa nộp"]
    assert rows["03549"].marks[1].approved
    other = rows["03391"].marks
    assert other[0].label == "Chưa nộp" and other[0].overdue == "Quá hạn 3 ngày"
    assert other[1].overdue == ""
    q1_total, s1_total = board.totals[:2]
    assert (q1_total.expected, q1_total.on_time, q1_total.late, q1_total.missing, q1_total.approved) == (
        17,
        0,
        1,
        16,
        0,
    )
    assert (s1_total.on_time, s1_total.late, s1_total.missing, s1_total.approved) == (1, 0, 16, 1)
    assert "Muộn 3 ngày" in response.text and "Quá hạn 3 ngày" in response.text and "Đã duyệt" in response.text


def test_completeness_is_paginated(client, reviewer, db):
    work_in(reviewer, make_district(55, targets=1)[0].area)
    response = get(client, reviewer, programme_reverse("completeness"), trang=2)
    assert len(response.context["board"].page.object_list) == 5
    assert response.context["board"].totals[0].expected == 55  # totals over every page


# --- the unit page -------------------------------------------------------------------------------------------


def test_unit_page_shows_values_across_periods_models_and_history(client, reviewer, officer, loaded, targets):
    town = Unit.objects.get(code="03549")
    response = get(client, reviewer, programme_reverse("unit_dashboard", args=[town.code]))
    board = response.context["board"]
    mt6 = next(row for row in board.rows if row.target.code == "MT6")
    assert [cell.result.percent if cell.result else None for cell in mt6.cells] == [
        None,
        Decimal("92.45"),
        None,
        Decimal("99.99"),
    ]
    html = response.text
    assert "92,45%" in html and "2.450/2.650" in html and "9.999/10.000" in html
    assert 'class="sparkline"' in html and "Xu hướng MT6" in html
    assert "Bảo vệ rừng" in html and "Cấp huyện" in html and "01/03/2024" in html
    s1, annual = period(loaded, "2024S1"), period(loaded, "2024")
    assert reverse("review", args=[s1.id, town.code]) in html
    assert reverse("review", args=[annual.id, town.code]) in html
    q1 = period(loaded, "2024Q1")
    assert reverse("review", args=[q1.id, town.code]) not in html  # no report for Q1: no link
    officer_html = get(client, officer, programme_reverse("unit_dashboard", args=[town.code])).text
    assert reverse("report", args=[s1.id, town.code]) in officer_html
    assert reverse("review", args=[s1.id, town.code]) not in officer_html


def test_unit_page_marks_targets_not_reported_or_not_applicable(client, reviewer, loaded):
    police = get(client, reviewer, programme_reverse("unit_dashboard", args=["109-CA"])).context["board"]
    codes = [row.target.code for row in police.rows]
    assert "MT6" not in codes and "MT4b" in codes  # MT6 is for communes only
    mt4c = next(row for row in police.rows if row.target.code == "MT4c")
    assert [cell.css for cell in mt4c.cells][:3] == ["na", "na", "na"]  # an annual rating


# --- the target page -----------------------------------------------------------------------------------------


def test_target_page_ranks_units_and_lists_who_needs_help_first(client, reviewer, phong_tho, targets, tmp_path):
    rows = [
        (code, "2024Q3", "MT6", num, 100)
        for code, num in [("03549", 95), ("03391", 70), ("03490", 90), ("03550", 85), ("03553", 91)]
    ]
    import_rows(tmp_path, rows)
    q3 = period(phong_tho, "2024Q3")
    response = get(client, reviewer, programme_reverse("target_dashboard", args=[targets["MT6"].id]), ky=q3.id)
    board = response.context["board"]
    assert [row.unit.code for row in board.page] == ["03391", "03550", "03490", "03553", "03549"]
    assert [row.unit.code for row in board.needs_help] == ["03391", "03550", "03490"]  # 90% is not "> 90"
    assert [row.gap for row in board.needs_help] == [Decimal(-20), Decimal(-5), Decimal(0)]
    assert len(board.missing) == 12
    html = response.text
    assert "Đơn vị cần hỗ trợ trước" in html and "-20,00 điểm" in html and "+5,00 điểm" in html
    assert "12 đơn vị chưa có số liệu" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart"' in html
    result = {row["target"]: row for row in compliance_json("2024Q3")}["MT6"]
    assert f'<span class="value">{shown(result["percent"])}</span>' in html  # 431/500 = 86,20%
    assert "431" in html and "500" in html


def test_target_page_for_an_annual_rating_in_an_interim_period_says_so(client, reviewer, loaded, targets):
    q1 = period(loaded, "2024Q1")
    html = get(client, reviewer, programme_reverse("target_dashboard", args=[targets["MT8"].id]), ky=q1.id).text
    assert "chỉ báo cáo trong kỳ báo cáo năm" in html


def test_target_page_of_a_large_district_charts_both_ends_and_pages_the_table(client, reviewer, db):
    programme, periods, made = make_district(130, targets=1)
    work_in(reviewer, programme.area)
    for i, unit in enumerate(Unit.objects.filter(parent=programme.area)):
        submission_import(unit=unit, period=periods[0], figures={made[0]: Figures(i % 100, 100)})
    response = get(client, reviewer, programme_reverse("target_dashboard", args=[made[0].id]), ky=periods[0].id)
    board = response.context["board"]
    assert [chart.title for chart in board.charts] == ["30 đơn vị thấp nhất", "30 đơn vị cao nhất"]
    assert response.text.count('<g class="bar">') == 60
    assert board.page.paginator.count == 130 and len(board.page.object_list) == 50


# --- the number of queries does not grow with the district ---------------------------------------------------


def district(n_units: int, year: int, reviewer):
    programme, periods, targets = make_district(n_units, year=year)
    work_in(reviewer, programme.area)  # the reviewer of this district's programme
    register = TargetFactory(programme=programme, source=Target.Source.MODELS_REGISTERED)
    register.applies_to.set(targets[0].applies_to.all())
    units = list(Unit.objects.filter(parent=programme.area).order_by("order"))
    for i, unit in enumerate(units):
        submission = submission_import(
            unit=unit, period=periods[0], figures={t: Figures(i % 5, 4 + i % 5) for t in targets}
        )
        if i % 3 == 0:
            submission_approve(user=reviewer, submission=submission, version=None)
    ExemplaryModel.objects.bulk_create(
        [
            ExemplaryModel(
                unit=u, year=2024, name="Mô hình", field_id="forest", registered_on=datetime.date(2024, 2, 1)
            )
            for u in units[::4]
        ]
    )
    totals_refresh()  # written past the paths that keep the district's sums
    return periods, [*targets, register], units


def page_queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def all_page_queries(client, reviewer, periods, targets, units) -> dict[str, int]:
    officer = make_user(f"canbo-{units[0].code}", Role.OFFICER, unit=units[0])
    kind = units[0].kind_id
    pages = {
        "overview": programme_reverse("overview"),
        "overview, a period, approved only": f"{programme_reverse('overview')}?ky={periods[0].id}&chi_duyet=1",
        "matrix": programme_reverse("matrix"),
        "matrix, filtered and sorted": f"{programme_reverse('matrix')}?loai={kind}&trang_thai=approved&sap_xep=-{targets[0].code}",
        "completeness": f"{programme_reverse('completeness')}?trang=2",
        "unit": programme_reverse("unit_dashboard", args=[units[1].code]),
        "target": f"{programme_reverse('target_dashboard', args=[targets[0].id])}?ky={periods[0].id}",
        "target from the register": f"{programme_reverse('target_dashboard', args=[targets[-1].id])}?ky={periods[0].id}",
        "matrix sorted by the register": f"{programme_reverse('matrix')}?ky={periods[0].id}&sap_xep={targets[-1].code}",
    }
    counts = {name: page_queries(client, reviewer, url) for name, url in pages.items()}
    counts["unit, officer"] = page_queries(client, officer, programme_reverse("unit_dashboard", args=[units[0].code]))
    return counts


def test_every_dashboard_runs_a_fixed_number_of_queries(client, db):
    reviewer = make_user("thamdinh", Role.REVIEWER)
    small = all_page_queries(client, reviewer, *district(10, 2023, reviewer))
    large = all_page_queries(client, reviewer, *district(60, 2024, reviewer))
    assert small == large
    assert max(large.values()) <= 26
    overview = get(client, reviewer, programme_reverse("overview")).context["board"]
    assert overview.cards[0].result.units_expected == 60  # the large district is the one shown


# --- the demo data -------------------------------------------------------------------------------------------


def test_demo_reports_fill_the_programme_once(phong_tho, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_reports", stdout=out)
    assert "báo cáo đã nộp" in out.getvalue()
    submissions = Submission.objects.filter(period__programme=phong_tho)
    statuses = set(submissions.values_list("status", flat=True))
    assert {"submitted", "approved", "returned"} <= statuses
    assert submissions.filter(is_late=True).exists() and submissions.filter(is_late=False).exists()
    town = Unit.objects.get(code="03549")
    assert set(submissions.filter(unit=town).values_list("period__code", flat=True)) == {"2024Q1", "2024S1"}
    assert submissions.filter(period__code="2024").count() < 25  # most annual reports are left to file
    assert ExemplaryModel.objects.filter(year=2024, recognised_on__isnull=False).exists()
    assert all(s.submitted_at.year in (2024, 2025) for s in submissions)
    # one commune exactly at "> 90" in the latest interim report: equal is not above
    q3 = district_compliance(period(phong_tho, "2024Q3"), by_unit=True)
    mt6 = [row.result for row in q3.unit_rows if row.target.code == "MT6" and row.has_figure]
    assert any(r.percent == Decimal(90) and r.status == Status.NOT_MET for r in mt6)
    counts = (submissions.count(), SubmissionEvent.objects.count(), ExemplaryModel.objects.count())

    again = io.StringIO()
    call_command("demo_reports", stdout=again)
    assert "đã có báo cáo" in again.getvalue()
    assert (submissions.count(), SubmissionEvent.objects.count(), ExemplaryModel.objects.count()) == counts


def test_demo_reports_refuse_production_mode(phong_tho, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("demo_reports")
    assert not Submission.objects.exists()
