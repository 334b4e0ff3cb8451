"""The Ban's report page in a real browser: the units' texts filtered beside each task group, a passage and a
figure inserted where the reviewer writes, the copy kept in the browser, and the confirmation before completing.
"""

import json

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from programme.models import Period, Unit
from synthesis.models import PeriodReport
from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.test_review import submitted_by_officer

KEPT = "Object.keys(localStorage).filter(k => k.startsWith('dv-report:') && k.includes(':#tong-hop:'))"


@pytest.fixture
def s1(phong_tho):
    period = Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024S1")
    for code, text in (("03549", "Thị trấn tổ chức 12 buổi tuyên truyền."), ("109-CA", "Công an huyện phối hợp.")):
        unit = Unit.objects.get(code=code)
        submitted_by_officer(make_user(f"cb-{code}", Role.OFFICER, unit=unit), unit, period, narrative=text)
    return period


def test_the_reviewer_filters_inserts_and_keeps_what_is_typed(page, s1):
    make_user("bdv", Role.REVIEWER, unit=s1.programme.area)
    log_in(page, "bdv")
    page.goto(f"/tong-hop/{s1.id}/")
    units = page.locator(".group-units").first
    passages = units.locator(".passages > li")
    expect(passages).to_have_count(2)

    units.get_by_label("Tìm trong nội dung").fill("tuyen truyen")  # without diacritics
    expect(passages.filter(has_text="Thị trấn")).to_be_visible()
    expect(passages.filter(has_text="Công an")).to_be_hidden()
    units.get_by_label("Tìm trong nội dung").fill("")
    units.get_by_label("Loại đơn vị").select_option("Lực lượng vũ trang")
    expect(passages.filter(has_text="Thị trấn")).to_be_hidden()
    units.get_by_label("Loại đơn vị").select_option("")

    own = page.locator("#id_group_1")
    own.fill("Ban nhận định: ")
    passages.filter(has_text="Thị trấn").get_by_role("button", name="Chèn vào nội dung của Ban").click()
    expect(own).to_have_value("Ban nhận định: \nThị trấn Phong Thổ: Thị trấn tổ chức 12 buổi tuyên truyền.")

    people = page.locator("#id_people")
    people.fill("Đã báo cáo: ")
    page.locator("summary", has_text="Chèn số liệu").click()
    page.get_by_role("button", name="Số đơn vị đã báo cáo").click()
    expect(people).to_have_value("Đã báo cáo: {{đã báo cáo}}")

    page.wait_for_timeout(400)  # the copy is written a moment after typing
    keys = page.evaluate(KEPT)
    assert len(keys) == 1
    copy = json.loads(page.evaluate(f"localStorage.getItem({keys[0]!r})"))
    assert copy["values"]["people"] == "Đã báo cáo: {{đã báo cáo}}"

    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu.")
    assert PeriodReport.objects.get(period=s1).people == "Đã báo cáo: {{đã báo cáo}}"
    assert page.evaluate(KEPT) == []  # the server has it now


def test_completing_asks_first(page, s1):
    make_user("bdv", Role.REVIEWER, unit=s1.programme.area)
    log_in(page, "bdv")
    page.goto(f"/tong-hop/{s1.id}/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Hoàn thành").click()
    assert asked and "Hoàn thành báo cáo 6 tháng đầu năm 2024?" in asked[0]
    assert not PeriodReport.objects.exists()  # dismissed: nothing sent
