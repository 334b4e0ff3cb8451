"""The district reviewer's inbox and review page: what they show, who may act, and what each action records.

State is built through the real services. On the shipped fixtures "03549" (Thị trấn Phong Thổ) and "03391"
(Xã Lả Nhì Thàng) are communes in that order, "109-UBND" a government body; periods 2024Q1, 2024S1, 2024Q3, 2024.
"""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import Role
from programme.models import Period, Programme, Unit
from reporting.models import Submission, SubmissionEvent
from reporting.plausibility import implausible_change
from reporting.selectors.reports import report_sheet
from reporting.services import (
    Content,
    Figures,
    submission_approve,
    submission_import,
    submission_return,
    submission_save,
)
from reporting.totals import totals_refresh
from tests.addresses import programme_reverse
from tests.factories import make_district, make_user, total_figures, work_in


def period(programme, code) -> Period:
    return Period.objects.select_related("programme__area").get(programme=programme, code=code)


def imported(unit, period, figures) -> Submission:
    return submission_import(unit=unit, period=period, figures=figures, actor_label="Tệp thử")


def review_url(submission) -> str:
    return reverse("review", args=[submission.period_id, submission.unit.code])


def complete_content(unit, period, *, narrative="Đã triển khai.", figures=(9, 10)) -> Content:
    sheet = report_sheet(unit, period)
    content = Content(
        figures={t: total_figures(t, *figures) for t in sheet.typed_targets},
        narratives={g: narrative for g in sheet.task_groups},
        shortcomings="Còn chậm.",
        next_steps="Tiếp tục.",
        proposals="Không có.",
    )
    return content


def submitted_by_officer(officer, unit, period, **kwargs) -> Submission:
    content = complete_content(unit, period, **kwargs)
    return submission_save(user=officer, unit=unit, period=period, version=None, content=content, submit=True)


@pytest.fixture
def q1(phong_tho):
    return period(phong_tho, "2024Q1")


@pytest.fixture
def submitted(commune, period_2024, targets):
    return imported(commune, period_2024, {targets["MT6"]: total_figures(targets["MT6"], 9_999, 10_000)})


# --- the plausibility rule (pure) -------------------------------------------------------------------------


def change(cumulative, now, before):
    return implausible_change(
        cumulative=cumulative,
        numerator=now[0],
        denominator=now[1],
        previous_numerator=before[0],
        previous_denominator=before[1],
    )


@pytest.mark.parametrize(
    ("cumulative", "now", "before", "reasons"),
    [
        (True, (75, 100), (90, 100), ["Giảm 15,0 điểm % so với kỳ trước"]),
        (True, (80, 100), (90, 100), []),  # exactly 10 points: "more than" is strict
        (False, (75, 100), (90, 100), []),  # a state target may fall a little
        (False, (60, 100), (91, 100), ["Giảm 31,0 điểm % so với kỳ trước"]),
        (False, (91, 100), (60, 100), ["Tăng 31,0 điểm % so với kỳ trước"]),
        (True, (90, 100), (60, 100), []),  # exactly 30 points up
        (False, (1, 3), (0, 3), ["Tăng 33,3 điểm % so với kỳ trước"]),
        (False, (96, 160), (60, 100), ["Mẫu số tăng 60,0% (100 → 160) so với kỳ trước"]),
        (False, (75, 150), (50, 100), []),  # exactly +50%
        (False, (0, 0), (90, 100), ["Mẫu số giảm 100,0% (100 → 0) so với kỳ trước"]),
        (False, (5, 5), (0, 0), []),  # the target did not apply before: nothing to compare
        (False, (2_000, 2_000), (1_000, 1_000), ["Mẫu số tăng 100,0% (1.000 → 2.000) so với kỳ trước"]),
        (
            True,
            (10, 40),
            (90, 100),
            ["Giảm 65,0 điểm % so với kỳ trước", "Mẫu số giảm 60,0% (100 → 40) so với kỳ trước"],
        ),
    ],
)
def test_implausible_changes(cumulative, now, before, reasons):
    assert change(cumulative, now, before) == reasons


figures = st.integers(0, 10_000).flatmap(lambda den: st.tuples(st.integers(0, den), st.just(den)))


@given(figures, figures, st.booleans())
def test_plausibility_never_fails_and_an_unchanged_figure_is_never_flagged(now, before, cumulative):
    assert isinstance(change(cumulative, now, before), list)
    assert change(cumulative, now, now) == []


# --- access -----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, submitted):
    for url in (programme_reverse("inbox"), review_url(submitted)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(review_url(submitted), {"action": "approve", "version": submitted.version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_officer_gets_neither_the_inbox_nor_a_review_page(client, officer, submitted, phong_tho, targets):
    other = imported(
        Unit.objects.get(code="03391"), submitted.period, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)}
    )
    client.force_login(officer)
    assert client.get(programme_reverse("inbox")).status_code == 403
    for report in (submitted, other):  # not even the officer's own unit
        assert client.get(review_url(report)).status_code == 404
        response = client.post(review_url(report), {"action": "approve", "version": report.version})
        assert response.status_code in (403, 404)
        report.refresh_from_db()
        assert report.status == Submission.Status.SUBMITTED
    assert not SubmissionEvent.objects.filter(action=SubmissionEvent.Action.APPROVED).exists()


def test_leader_reads_but_cannot_act(client, leader, submitted):
    client.force_login(leader)
    assert client.get(programme_reverse("inbox")).status_code == 200
    response = client.get(review_url(submitted))
    assert response.status_code == 200
    assert "9.999" in response.text
    assert 'name="action"' not in response.text and "Trả lại</button>" not in response.text
    for action in ("approve", "return"):
        response = client.post(review_url(submitted), {"action": action, "version": submitted.version, "comment": "x"})
        assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED and submitted.events.count() == 1


def test_post_without_csrf_token_is_refused(reviewer, submitted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(review_url(submitted), {"action": "approve", "version": submitted.version})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_review_forms_carry_a_csrf_token(client, reviewer, submitted):
    client.force_login(reviewer)
    forms = client.get(review_url(submitted)).text.split(
        '<form method="post" action="#tham-dinh" class="review-form">'
    )[1:]
    assert len(forms) == 2  # Duyệt, Trả lại
    assert all(form.lstrip().startswith('<input type="hidden" name="csrfmiddlewaretoken"') for form in forms)


def test_review_page_is_404_without_a_report_or_with_unknown_unit_or_period(client, reviewer, commune, q1, submitted):
    client.force_login(reviewer)
    assert client.get(reverse("review", args=[q1.id, commune.code])).status_code == 404  # no report for Q1
    assert client.get(reverse("review", args=[submitted.period_id, "KHONG-CO"])).status_code == 404
    assert client.get(reverse("review", args=[999_999, commune.code])).status_code == 404


# --- inbox ------------------------------------------------------------------------------------------------


ROW = re.compile(r'<th scope="row">([^<]*)</th>\s*<td data-label="Kỳ báo cáo">([^<]*)</td>')


def inbox_rows(client, **params) -> list[tuple[str, str]]:
    """(unit name, period name) of each row of the inbox, in the order shown."""
    response = client.get(programme_reverse("inbox"), params)
    assert response.status_code == 200
    return ROW.findall(response.text)


def test_inbox_lists_submitted_reports_oldest_due_first(client, reviewer, phong_tho, targets, q1, period_2024):
    town, nhi_thang = Unit.objects.get(code="03549"), Unit.objects.get(code="03391")
    imported(
        nhi_thang, period_2024, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)}
    )  # before the town, which comes first by order
    imported(town, period_2024, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)})
    imported(
        nhi_thang, q1, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)}
    )  # due earlier: listed first though submitted last
    client.force_login(reviewer)
    assert inbox_rows(client) == [
        (nhi_thang.name, "Quý I năm 2024"),
        (nhi_thang.name, "Năm 2024"),
        (town.name, "Năm 2024"),
    ]
    assert (
        review_url(Submission.objects.get(unit=town, period=period_2024)) in client.get(programme_reverse("inbox")).text
    )


def test_inbox_marks_late_reports_with_days_late(client, reviewer, commune, targets, q1, phong_tho):
    today = timezone.localdate()
    Period.objects.filter(pk=q1.pk).update(due=today - datetime.timedelta(days=3))
    Period.objects.filter(programme=phong_tho, code="2024S1").update(due=today + datetime.timedelta(days=10))
    imported(commune, period(phong_tho, "2024Q1"), {targets["MT6"]: total_figures(targets["MT6"], 1, 2)})
    imported(commune, period(phong_tho, "2024S1"), {targets["MT6"]: total_figures(targets["MT6"], 1, 2)})
    client.force_login(reviewer)
    text = client.get(programme_reverse("inbox")).text
    assert text.count("Nộp muộn") == 1
    assert "Nộp muộn 3 ngày" in text


def test_inbox_filters(client, reviewer, phong_tho, targets, q1, period_2024):
    town, ubnd = Unit.objects.get(code="03549"), Unit.objects.get(code="109-UBND")
    imported(town, q1, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)})
    imported(ubnd, q1, {targets["MT2"]: total_figures(targets["MT2"], 1, 2)})
    annual = imported(town, period_2024, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)})
    client.force_login(reviewer)
    submission_approve(user=reviewer, submission=annual, version=annual.version)

    def listed(**params):
        return set(inbox_rows(client, **params))

    assert listed() == {(town.name, "Quý I năm 2024"), (ubnd.name, "Quý I năm 2024")}  # approved one not in the queue
    assert listed(trang_thai="approved") == {(town.name, "Năm 2024")}
    assert listed(trang_thai="all", ky=period_2024.id) == {(town.name, "Năm 2024")}
    assert listed(trang_thai="all", loai=ubnd.kind_id) == {(ubnd.name, "Quý I năm 2024")}
    assert listed(trang_thai="returned") == set()
    assert "Không có báo cáo nào khớp" in client.get(programme_reverse("inbox"), {"trang_thai": "draft"}).text


@pytest.mark.parametrize(
    "params",
    [
        {"ky": "abc", "loai": "-1", "trang_thai": "xoa", "trang": "zzz"},
        {"ky": "999999", "loai": "999999", "trang": "-5"},
        {"ky": "1e9", "loai": "٣", "trang_thai": "", "trang": "99999"},
        {"ky": ["1", "2"], "trang_thai": "<script>"},
    ],
)
def test_inbox_ignores_bad_filter_values(client, reviewer, submitted, params):
    client.force_login(reviewer)
    response = client.get(programme_reverse("inbox"), params)
    assert response.status_code == 200
    assert submitted.unit.name in response.text
    assert "<script>" not in response.text


def test_inbox_counts_units_that_have_not_submitted_the_period(client, reviewer, phong_tho, submitted):
    client.force_login(reviewer)
    text = client.get(programme_reverse("inbox"), {"ky": submitted.period_id}).text
    expected = Unit.objects.filter(kind__reports=True).count() - 1
    assert f"Còn <strong>{expected}</strong> đơn vị chưa nộp báo cáo Năm 2024" in text
    assert "Xã Lả Nhì Thàng" in text


def test_inbox_paginates_by_fifty(client, reviewer):
    programme, periods, targets = make_district(60)
    for unit in Unit.objects.filter(parent=programme.area):
        imported(unit, periods[0], {targets[0]: Figures(1, 2)})
    work_in(reviewer, programme.area)
    client.force_login(reviewer)
    first = client.get(programme_reverse("inbox")).text
    assert "Trang 1 / 2" in first and "(60)" in first and first.count("Xem và thẩm định") == 50
    second = client.get(programme_reverse("inbox"), {"trang": 2}).text
    assert second.count("Xem và thẩm định") == 10


# --- review page ------------------------------------------------------------------------------------------


def test_review_page_shows_figures_against_the_previous_period(
    client, reviewer, phong_tho, commune, targets, period_2024
):
    q3 = period(phong_tho, "2024Q3")
    imported(
        commune,
        q3,
        {targets["MT1"]: total_figures(targets["MT1"], 9, 10), targets["MT6"]: total_figures(targets["MT6"], 80, 100)},
    )
    report = imported(
        commune,
        period_2024,
        {
            targets["MT1"]: total_figures(targets["MT1"], 7, 10),
            targets["MT6"]: total_figures(targets["MT6"], 9_999, 10_000),
        },
    )
    client.force_login(reviewer)
    response = client.get(review_url(report))
    assert response.status_code == 200
    text = response.text
    assert commune.name in text and "Năm 2024" in text and "Đã nộp" in text
    assert "99,99%" in text and "9.999" in text and "10.000" in text
    assert targets["MT6"].numerator_label in text and targets["MT6"].denominator_label in text
    assert "So sánh với 9 tháng năm 2024" in text
    assert "9/10" in text and "90,00%" in text and "70,00%" in text
    assert "Giảm 20,0 điểm % so với kỳ trước" in text  # MT1 is cumulative: 90% → 70%
    assert "Đạt" in text and 'class="status met"' in text and 'class="status not_met"' in text
    assert "Nộp muộn" in text  # 2024 was due on 05/01/2025


def test_review_page_shows_the_narrative_escaped_with_line_breaks(client, reviewer, officer, commune, period_2024):
    report = submitted_by_officer(officer, commune, period_2024, narrative="<script>alert(1)</script>\nDòng hai")
    client.force_login(reviewer)
    text = client.get(review_url(report)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Dòng hai" in text
    for heading in ("Hạn chế, nguyên nhân", "Phương hướng, nhiệm vụ", "Đề xuất, kiến nghị", "1. Tiếp tục tăng cường"):
        assert heading in text
    assert "Còn chậm." in text


# --- actions ----------------------------------------------------------------------------------------------


def post(client, submission, action, comment="", version=None):
    data = {"action": action, "version": submission.version if version is None else version, "comment": comment}
    return client.post(review_url(submission), data)


def test_approve(client, reviewer, submitted):
    client.force_login(reviewer)
    response = post(client, submitted, "approve")
    assert response.status_code == 302 and response["Location"] == review_url(submitted)
    page = client.get(response["Location"]).text
    assert "Đã duyệt báo cáo Năm 2024 của Thị trấn Phong Thổ." in page
    assert "Mở lại</button>" in page and "Duyệt</button>" not in page
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.APPROVED and submitted.reviewed_by == reviewer
    event = submitted.events.get(action=SubmissionEvent.Action.APPROVED)
    assert event.actor == reviewer and event.from_status == "submitted" and event.to_status == "approved"


def test_return_needs_a_comment(client, reviewer, submitted):
    client.force_login(reviewer)
    response = post(client, submitted, "return", comment="   ")
    assert response.status_code == 200
    assert "Cần ghi ý kiến" in response.text and 'aria-invalid="true"' in response.text
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED and submitted.events.count() == 1


def test_return_with_a_comment(client, reviewer, submitted):
    client.force_login(reviewer)
    comment = "MT6: mẫu số chưa khớp với số liệu dân số.\nĐề nghị kiểm tra lại."
    response = post(client, submitted, "return", comment=comment)
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "Đã trả lại báo cáo" in page and html.escape(comment) in page
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.RETURNED and submitted.review_comment == comment
    events = list(submitted.events.filter(action=SubmissionEvent.Action.RETURNED))
    assert len(events) == 1 and events[0].comment == comment and events[0].actor == reviewer


def test_reopen_needs_a_reason(client, reviewer, submitted):
    submitted = submission_approve(user=reviewer, submission=submitted, version=submitted.version)
    client.force_login(reviewer)
    response = post(client, submitted, "reopen", comment="")
    assert response.status_code == 200 and "Cần ghi lý do mở lại" in response.text
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.APPROVED
    response = post(client, submitted, "reopen", comment="Đơn vị xin sửa MT6.")
    assert response.status_code == 302
    assert "Đã mở lại báo cáo" in client.get(response["Location"]).text
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.RETURNED
    event = submitted.events.get(action=SubmissionEvent.Action.REOPENED)
    assert event.comment == "Đơn vị xin sửa MT6." and event.actor == reviewer


def test_stale_version_is_refused_and_the_typed_comment_kept(client, reviewer, submitted):
    opened_with = submitted.version
    submission_approve(
        user=make_user("khac", Role.REVIEWER, unit=submitted.unit.parent), submission=submitted, version=opened_with
    )
    client.force_login(reviewer)
    response = post(client, submitted, "return", comment="Ý kiến dài\ncủa tôi", version=opened_with)
    assert response.status_code == 409
    assert "vừa được lưu" in response.text
    assert "Ý kiến dài\ncủa tôi</textarea>" in response.text  # the return form is gone; the text is not
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.APPROVED
    assert not submitted.events.filter(action=SubmissionEvent.Action.RETURNED).exists()


def test_stale_return_keeps_comment_in_the_form_when_it_is_still_offered(client, reviewer, submitted, targets):
    opened_with = submitted.version
    imported(
        submitted.unit, submitted.period, {targets["MT6"]: total_figures(targets["MT6"], 1, 2)}
    )  # a new import, still submitted
    client.force_login(reviewer)
    response = post(client, submitted, "return", comment="Sửa MT6", version=opened_with)
    assert response.status_code == 409
    assert ">Sửa MT6</textarea>" in response.text and 'id="y-kien-tra-lai"' in response.text
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED
    assert f'name="version" value="{submitted.version}"' in response.text  # the re-rendered form is current


def test_missing_version_or_unknown_action_changes_nothing(client, reviewer, submitted):
    client.force_login(reviewer)
    response = client.post(review_url(submitted), {"action": "approve"})
    assert response.status_code == 409
    response = post(client, submitted, "delete")
    assert response.status_code == 200 and "Thao tác không hợp lệ" in response.text
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED and submitted.events.count() == 1


def test_a_returned_report_offers_no_action(client, reviewer, submitted):
    submission_return(user=reviewer, submission=submitted, version=submitted.version, comment="Sửa")
    client.force_login(reviewer)
    text = client.get(review_url(submitted)).text
    assert 'name="action"' not in text and "chờ đơn vị sửa và nộp lại" in text


# --- history ----------------------------------------------------------------------------------------------


def test_history_records_each_step_once_with_who_when_and_what(client, reviewer, officer, commune, period_2024):
    report = submitted_by_officer(officer, commune, period_2024, figures=(9, 10))
    client.force_login(reviewer)
    post(client, report, "return", comment="MT6 chưa đúng")
    report.refresh_from_db()
    content = complete_content(commune, period_2024, figures=(10, 10))
    submission_save(
        user=officer,
        unit=commune,
        period=period_2024,
        version=report.version,
        content=content,
        submit=True,
    )
    report.refresh_from_db()
    post(client, report, "approve")
    events = list(report.events.order_by("at", "pk"))
    assert [e.action for e in events] == ["submitted", "returned", "submitted", "approved"]
    assert [e.actor for e in events] == [officer, reviewer, officer, reviewer]
    text = client.get(review_url(report)).text
    history = text[text.index("Lịch sử báo cáo</h2>") :]
    assert history.count('<li>\n    <p class="event-head">') == 4
    assert "MT6 chưa đúng" in history
    assert timezone.localtime(events[1].at).strftime("%d/%m/%Y %H:%M") in history
    assert "(Đã nộp → Bị trả lại)" in history and "(Bị trả lại → Đã nộp)" in history
    assert "<strong>MT6</strong> tử số:" in history and "mẫu số:" in history
    assert '<span class="long-text old">9</span> →' in history  # the resubmission's 9 → 10
    assert "Nhóm nhiệm vụ 1:" in history and "(trống)" in history


# --- query counts -----------------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def district(n_units: int):
    programme, periods, targets = make_district(n_units)
    units = list(Unit.objects.filter(parent=programme.area))
    for i, unit in enumerate(units):
        for p in periods:
            imported(unit, p, {t: total_figures(t, i % 5, 5) for t in targets})
    return programme, periods, units


def test_inbox_query_count_is_fixed(client, db):
    small_programme, periods, _ = district(10)
    client.force_login(make_user("small", Role.REVIEWER, unit=small_programme.area))
    small = count_queries(client, programme_reverse("inbox"))
    small_filtered = count_queries(client, programme_reverse("inbox"), {"ky": periods[-1].id})
    Programme.objects.filter(pk=small_programme.pk).update(year=2023)  # the large one becomes the current programme
    totals_refresh()  # written past the paths that keep the district's sums
    large_programme, periods, _ = district(60)
    client.force_login(make_user("large", Role.REVIEWER, unit=large_programme.area))
    large_page = client.get(programme_reverse("inbox")).text
    assert "(120)" in large_page and large_page.count("Xem và thẩm định") == 50
    large = count_queries(client, programme_reverse("inbox"))
    large_filtered = count_queries(client, programme_reverse("inbox"), {"ky": periods[-1].id})
    assert small == large
    assert small_filtered == large_filtered


def test_review_page_query_count_is_fixed(client, db):
    programme, periods, units = district(10)
    client.force_login(make_user("small", Role.REVIEWER, unit=programme.area))
    small = count_queries(client, reverse("review", args=[periods[-1].id, units[3].code]))
    programme, periods, units = district(60)
    client.force_login(make_user("large", Role.REVIEWER, unit=programme.area))
    large = count_queries(client, reverse("review", args=[periods[-1].id, units[3].code]))
    assert small == large
