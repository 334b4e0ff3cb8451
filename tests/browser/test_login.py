"""A person signs in, lands on the start page of the role, and signs out."""

from playwright.sync_api import expect

from reporting.services import Figures, submission_import
from tests.browser.conftest import log_in


def test_officer_signs_in_sees_the_units_periods_and_signs_out(page, officer, commune):
    page.goto("/")
    expect(page).to_have_url("/dang-nhap/?next=/")
    log_in(page, "wrong", "nope")
    expect(page.get_by_role("alert")).to_contain_text("không đúng")
    log_in(page, "canbo")
    expect(page.get_by_role("heading", name=f"Các kỳ báo cáo của {commune.name}")).to_be_visible()
    expect(page.get_by_role("link", name="Quý I năm 2024")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_reviewer_sees_the_district_figures_on_a_phone(phone, reviewer, period_2024, targets, commune):
    submission_import(unit=commune, period=period_2024, figures={targets["MT6"]: Figures(91, 100)}, actor_label="t")
    log_in(phone, "thamdinh")
    row = phone.get_by_role("row").filter(has_text="MT6")
    expect(row).to_contain_text("91,00%")
    expect(row).to_contain_text("Đạt")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px screen"
