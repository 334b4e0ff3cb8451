"""The whole journey: an officer files, a reviewer returns, the officer corrects, the reviewer approves."""

import pytest
from playwright.sync_api import expect

from programme.models import Period
from reporting.models import Submission
from tests.browser.conftest import log_in


@pytest.fixture
def s1(phong_tho):
    return Period.objects.get(programme=phong_tho, code="2024S1")


def fill_everything(page, value="8", total="10"):
    for row in page.locator("fieldset.target .pair, fieldset.target tr.part").all():  # a target's, or an organisation's
        row.locator('[data-role="num"]').fill(value)
        row.locator('[data-role="den"]').fill(total)
    for area in page.locator("textarea:visible").all():  # a warning's explanation only once it is raised
        if not area.input_value():
            area.fill("Đã triển khai theo kế hoạch.")


def test_file_return_correct_approve(chromium, live_server, officer, reviewer, commune, s1):
    officer_page = chromium.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    reviewer_page = chromium.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    officer_page.on("dialog", lambda dialog: dialog.accept())

    # The officer saves a draft, then submits.
    log_in(officer_page, "canbo")
    officer_page.get_by_role("link", name="6 tháng đầu năm 2024").click()
    officer_page.locator("#id_num_MT1").fill("3")
    officer_page.get_by_role("button", name="Lưu nháp").click()
    expect(officer_page.get_by_text("Đã lưu nháp.")).to_be_visible()
    fill_everything(officer_page)
    officer_page.locator("#id_num_MT3b").fill("150")
    officer_page.locator("#id_den_MT3b").fill("1500")
    officer_page.get_by_role("button", name="Nộp báo cáo").click()
    expect(officer_page.get_by_text("Đã nộp báo cáo.")).to_be_visible()
    assert Submission.objects.get().status == "submitted"

    # The reviewer finds it in the inbox and returns it with a comment.
    log_in(reviewer_page, "thamdinh")
    reviewer_page.get_by_role("link", name="Thẩm định báo cáo").click()
    reviewer_page.get_by_role("link", name="Thị trấn Phong Thổ").first.click()
    expect(reviewer_page.get_by_role("heading", name="Báo cáo 6 tháng đầu năm 2024")).to_be_visible()
    reviewer_page.get_by_label("Ý kiến trả lại (bắt buộc): đơn vị cần sửa gì?").fill("MT3b: số hộ chưa đúng.")
    reviewer_page.get_by_role("button", name="Trả lại").click()
    expect(reviewer_page.get_by_text("Đã trả lại báo cáo")).to_be_visible()
    assert Submission.objects.get().status == "returned"

    # The officer sees the comment on the start page and on the form, corrects and resubmits.
    officer_page.goto("/")
    expect(officer_page.get_by_text("MT3b: số hộ chưa đúng.")).to_be_visible()
    officer_page.get_by_role("link", name="6 tháng đầu năm 2024").click()
    expect(officer_page.get_by_role("alert")).to_contain_text("MT3b: số hộ chưa đúng.")
    officer_page.locator("#id_num_MT3b").fill("1400")
    officer_page.get_by_role("button", name="Nộp báo cáo").click()
    expect(officer_page.get_by_text("Đã nộp báo cáo.")).to_be_visible()

    # The reviewer approves; the report is then read-only for the officer.
    reviewer_page.reload()
    reviewer_page.get_by_role("button", name="Duyệt").click()
    expect(reviewer_page.get_by_text("Đã duyệt báo cáo")).to_be_visible()
    submission = Submission.objects.get()
    assert submission.status == "approved"
    assert list(submission.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "saved",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    officer_page.reload()
    expect(officer_page.locator("#id_num_MT1")).to_have_count(0)
    expect(officer_page.get_by_role("button", name="Nộp báo cáo")).to_have_count(0)
    expect(officer_page.get_by_text("Đã duyệt").first).to_be_visible()
    expect(officer_page.get_by_role("cell", name="1.400/1.500")).to_be_visible()
