"""The officer's form in a real browser: live checks, no lost typing, no lost update, no other unit."""

import pytest
from playwright.sync_api import expect

from programme.models import Period, Unit
from reporting.models import Submission, Value
from tests.browser.conftest import log_in


@pytest.fixture
def q1(phong_tho):
    return Period.objects.get(programme=phong_tho, code="2024Q1")


def form_url(period, unit):
    return f"/bao-cao/{period.id}/{unit.code}/"


def test_percent_and_checks_follow_the_typing(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    mt6 = page.locator('fieldset[data-code="MT6"]')
    for org in ("Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh"):  # MT6 is typed per organisation
        mt6.get_by_label(f"{org}: tử số").fill("0")
        mt6.get_by_label(f"{org}: mẫu số").fill("0")
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: tử số").fill("900")
    expect(mt6.locator('[data-role="sum-num"]')).to_have_text("900")
    expect(mt6.locator('[data-role="sum-den"]')).to_have_text("—")  # a sum waits for every organisation's figure
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: mẫu số").fill("1000")
    expect(mt6.locator('[data-role="sum-num"]')).to_have_text("900")
    expect(mt6.locator('[data-role="sum-den"]')).to_have_text("1.000")
    expect(mt6.locator('[data-role="pct"]')).to_have_text("90,00%")
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: tử số").fill("1001")
    expect(mt6).to_contain_text("Tử số (1001) không được lớn hơn mẫu số (1000).")
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: mẫu số").fill("-5")
    expect(mt6).to_contain_text("Không được là số âm.")


def test_reload_offers_back_what_was_typed_and_a_save_clears_it(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.get_by_label("Hạn chế, nguyên nhân").fill("Một số xã vùng cao còn chậm.")
    page.locator("#id_num_MT1").fill("4")
    page.wait_for_timeout(500)  # the copy is written a moment after typing stops
    page.reload()
    expect(page.locator("#id_num_MT1")).to_have_value("")
    banner = page.locator("#draft-restore")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Khôi phục").click()
    expect(page.locator("#id_num_MT1")).to_have_value("4")
    expect(page.get_by_label("Hạn chế, nguyên nhân")).to_have_value("Một số xã vùng cao còn chậm.")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()
    assert Value.objects.get(target__code="MT1").numerator == 4
    page.reload()
    expect(page.locator("#draft-restore")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('dv-report:')).length") == 0


def test_a_stale_second_tab_is_refused_without_losing_its_input(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").fill("1")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()

    second = page.context.new_page()
    second.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").fill("2")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()

    second.locator("#id_num_MT1").fill("9")
    second.get_by_role("button", name="Lưu nháp").click()
    expect(second.locator("#conflict")).to_contain_text("vừa được lưu lúc")
    expect(second.locator("#id_num_MT1")).to_have_value("9")
    expect(second.locator('fieldset[data-code="MT1"]')).to_contain_text("Bản đang lưu: 2/—")
    assert Value.objects.get(target__code="MT1").numerator == 2


def test_an_officer_cannot_open_another_units_report(page, officer, q1):
    other = Unit.objects.get(code="03490")
    log_in(page, "canbo")
    response = page.goto(form_url(q1, other))
    assert response.status == 404
    assert not Submission.objects.exists()


def test_submitting_asks_for_confirmation(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    for row in page.locator("fieldset.target .pair, fieldset.target tr.part").all():  # a target's, or an organisation's
        row.locator('[data-role="num"]').fill("5")
        row.locator('[data-role="den"]').fill("5")
    for area in page.locator("textarea:visible").all():  # a warning's explanation only once it is raised
        area.fill("Nội dung.")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="Nộp báo cáo").click()
    page.wait_for_timeout(300)
    assert dialogs and "Nộp báo cáo" in dialogs[0]
    assert not Submission.objects.exists()  # cancelled: nothing sent
    page.remove_listener("dialog", dismiss)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Đã nộp báo cáo.")).to_be_visible()
    assert Submission.objects.get().status == "submitted"


def test_submit_with_gaps_is_stopped_in_the_browser(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.locator('fieldset[data-code="MT1"]')).to_contain_text("Bắt buộc khi nộp báo cáo.")
    assert page.evaluate("document.activeElement.id") == "id_num_MT1"
    assert not Submission.objects.exists()


def test_keyboard_only_officer_signs_in_and_saves(page, officer, commune, q1):
    page.goto("/dang-nhap/")
    page.locator("#id_username").focus()
    page.keyboard.type("canbo")
    page.keyboard.press("Tab")
    page.keyboard.type("Mat-khau-thu-9")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Các kỳ báo cáo của {commune.name}")).to_be_visible()
    page.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").focus()
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_den_MT1"
    page.keyboard.type("4")
    expect(page.locator('fieldset[data-code="MT1"] output')).to_have_text("75,00%")
    page.keyboard.press("Enter")  # Enter in a field saves a draft, never submits
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()
    submission = Submission.objects.get()
    assert submission.status == "draft"
    assert Value.objects.get(target__code="MT1").denominator == 4


def test_an_organisations_figures_are_kept_in_the_browser_and_offered_back(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_pnum_MT7__nong-dan").fill("37")
    page.wait_for_timeout(500)  # the copy is written a moment after typing stops
    page.reload()
    expect(page.locator("#id_pnum_MT7__nong-dan")).to_have_value("")
    page.locator("#draft-restore").get_by_role("button", name="Khôi phục").click()
    expect(page.locator("#id_pnum_MT7__nong-dan")).to_have_value("37")
