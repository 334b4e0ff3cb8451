"""The dashboards in a browser: live figures after an approval, and the matrix's filter."""

import pytest
from playwright.sync_api import expect

from programme.models import Period, Unit
from reporting.services import Figures, submission_import
from tests.browser.conftest import log_in
from tests.factories import total_figures


@pytest.fixture
def s1(phong_tho):
    return Period.objects.get(programme=phong_tho, code="2024S1")


def test_overview_shows_an_approval_at_the_next_page_load(page, reviewer, commune, targets, s1):
    submission_import(
        unit=commune, period=s1, figures={targets["MT6"]: total_figures(targets["MT6"], 2_450, 2_650)}, actor_label="t"
    )
    log_in(page, "thamdinh")
    page.get_by_role("link", name="Tổng quan").first.click()
    card = page.locator("article.target-card", has=page.get_by_role("link", name="MT6"))
    expect(card.locator(".value")).to_have_text("92,45%")  # submitted counts by default

    page.get_by_label("chỉ đã duyệt").check()
    page.get_by_role("button", name="Xem").click()
    expect(card.locator(".value")).to_have_text("—")
    expect(card).to_contain_text("Chưa có số liệu")
    overview = page.url

    page.goto(f"/tham-dinh/{s1.id}/{commune.code}/")
    page.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text("Đã duyệt báo cáo")).to_be_visible()

    page.goto(overview)
    expect(card.locator(".value")).to_have_text("92,45%")
    expect(card).to_contain_text("2.450 / 2.650")
    expect(card.locator(".status")).to_have_text("Đạt")
    expect(page.locator(".strip .approved dd")).to_have_text("1")


def test_matrix_filter_by_kind_narrows_the_rows(page, reviewer, commune, targets, s1):
    police = Unit.objects.get(code="109-CA")
    submission_import(unit=police, period=s1, figures={targets["MT1"]: Figures(3, 4)}, actor_label="t")
    log_in(page, "thamdinh")
    page.goto("/tong-quan/ma-tran/")
    rows = page.locator("table.matrix tbody tr:not(.group):not(.district)")
    expect(rows).to_have_count(50)

    page.get_by_label("Loại đơn vị").select_option(label="Lực lượng vũ trang")
    page.get_by_role("button", name="Lọc").click()
    expect(rows).to_have_count(5)
    expect(page.get_by_role("heading", name="5 đơn vị")).to_be_visible()
    expect(page.get_by_role("link", name="Công an huyện")).to_be_visible()
    expect(page.get_by_role("link", name="Thị trấn Phong Thổ")).to_have_count(0)
    police_mt1 = rows.filter(has_text="Công an huyện").locator('td[title="3/4 · Đang thực hiện"]')
    expect(police_mt1).to_contain_text("75,00%")  # cumulative before the annual report: in progress
    expect(police_mt1).to_have_class("cell in_progress")

    page.get_by_role("link", name="Công an huyện").click()
    expect(page.get_by_role("heading", name="Công an huyện")).to_be_visible()
