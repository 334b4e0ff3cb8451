"""A person signs in, lands on the start page of the role, changes the password, and signs out."""

from playwright.sync_api import expect

from reporting.services import submission_import
from tests.browser.conftest import log_in
from tests.factories import total_figures


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
    submission_import(
        unit=commune,
        period=period_2024,
        figures={targets["MT6"]: total_figures(targets["MT6"], 91, 100)},
        actor_label="t",
    )
    log_in(phone, "thamdinh")
    row = phone.get_by_role("row").filter(has_text="MT6")
    expect(row).to_contain_text("91,00%")
    expect(row).to_contain_text("Đạt")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px screen"


def test_officer_changes_the_password_on_a_phone(phone, officer, commune):
    log_in(phone, "canbo")
    phone.get_by_role("link", name="Đổi mật khẩu").click()
    expect(phone.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px screen"
    phone.get_by_label("Mật khẩu cũ").fill("sai-mat-khau")
    phone.get_by_label("Mật khẩu mới", exact=True).fill("Dan-van-kheo-2025")
    phone.get_by_label("Xác nhận mật khẩu mới").fill("Dan-van-kheo-2025")
    phone.get_by_role("button", name="Đổi mật khẩu").click()
    expect(phone.get_by_role("alert")).to_contain_text("Mật khẩu cũ không chính xác")
    phone.get_by_label("Mật khẩu cũ").fill("Mat-khau-thu-9")
    phone.get_by_label("Mật khẩu mới", exact=True).fill("Dan-van-kheo-2025")
    phone.get_by_label("Xác nhận mật khẩu mới").fill("Dan-van-kheo-2025")
    phone.get_by_role("button", name="Đổi mật khẩu").click()
    expect(phone.get_by_text("Đã đổi mật khẩu")).to_be_visible()
    phone.get_by_role("button", name="Đăng xuất").click()
    log_in(phone, "canbo", "Dan-van-kheo-2025")
    expect(phone.get_by_role("heading", name=f"Các kỳ báo cáo của {commune.name}")).to_be_visible()
