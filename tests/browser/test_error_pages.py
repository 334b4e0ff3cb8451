"""An officer who follows a wrong address on a phone reads why in Vietnamese, and takes the link back."""

from playwright.sync_api import expect

from programme.models import Unit
from tests.browser.conftest import log_in


def test_an_officer_at_another_units_report_finds_the_way_back(phone, officer, commune, period_2024):
    log_in(phone, "canbo")
    other = Unit.objects.get(code="03490")
    response = phone.goto(f"/bao-cao/{period_2024.id}/{other.code}/")
    assert response.status == 404
    expect(phone.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    background = phone.locator(".card").evaluate("card => getComputedStyle(card).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)", "the page has the app's stylesheet"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("link", name="Về trang chính").click()
    expect(phone.get_by_role("heading", name=f"Các kỳ báo cáo của {commune.name}")).to_be_visible()
