"""The Excel round trip in a real browser: download the template, fill it offline, upload it, fix an error."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from programme.models import Period
from reporting.counts import NOT_A_NUMBER
from reporting.models import Submission, Value
from tests.browser.conftest import log_in


@pytest.fixture
def q1(phong_tho):
    return Period.objects.get(programme=phong_tho, code="2024Q1")


def form_url(period, unit):
    return f"/bao-cao/{period.id}/{unit.code}/"


def upload(page, path):
    page.get_by_label("Tệp Excel đã điền").set_input_files(path)
    page.get_by_role("button", name="Tải lên và lưu nháp").click()


def test_template_upload_with_an_error_shows_it_by_cell(page, officer, commune, q1, tmp_path):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    with page.expect_download() as info:
        page.get_by_role("link", name="tải mẫu Excel").click()
    download = info.value
    assert download.suggested_filename == "bao-cao-03549-2024Q1.xlsx"
    filled = tmp_path / download.suggested_filename
    download.save_as(filled)

    workbook = load_workbook(filled)
    sheet = workbook["Báo cáo"]
    sheet["D6"], sheet["F6"] = "ba", 4  # MT1: a word where a number belongs
    sheet["H14"] = "theo sổ đoàn viên"  # MT6's note; its figures are its organisations' (rows 15–18)
    for row, (num, den) in zip(range(15, 19), [(900, 1000), (0, 0), (0, 0), (0, 0)], strict=True):
        sheet[f"D{row}"], sheet[f"F{row}"] = num, den
    workbook.save(filled)

    page.get_by_role("link", name="tải lên tệp đã điền").click()
    upload(page, filled)
    errors = page.locator("#upload-errors")
    expect(errors).to_contain_text(f"Ô D6 (MT1, tử số): {NOT_A_NUMBER}")
    expect(errors).to_contain_text("Chưa lưu gì")
    assert not Submission.objects.exists()

    sheet["D6"] = 3
    workbook.save(filled)
    upload(page, filled)
    expect(page.get_by_text("Đã nhận tệp Excel và lưu thành bản nháp.")).to_be_visible()
    expect(page.locator("#id_num_MT1")).to_have_value("3")
    expect(page.locator("#id_den_MT1")).to_have_value("4")
    expect(page.locator("#id_pnum_MT6__doan-thanh-nien")).to_have_value("900")
    expect(page.locator('fieldset[data-code="MT6"] [data-role="pct"]')).to_have_text("90,00%")
    assert Submission.objects.get().status == "draft"
    assert Value.objects.get(target__code="MT6").note == "theo sổ đoàn viên"


def test_the_upload_page_fits_a_phone(phone, officer, commune, q1, tmp_path):
    log_in(phone, "canbo")
    phone.goto(form_url(q1, commune))
    with phone.expect_download() as info:
        phone.get_by_role("link", name="tải mẫu Excel").click()
    filled = tmp_path / "mau.xlsx"
    info.value.save_as(filled)
    workbook = load_workbook(filled)
    workbook["Báo cáo"]["D9"], workbook["Báo cáo"]["F9"] = 11, 10
    workbook.save(filled)
    phone.get_by_role("link", name="tải lên tệp đã điền").click()
    upload(phone, filled)
    expect(phone.locator("#upload-errors")).to_contain_text("Ô D9 (MT3b, tử số): Tử số (11) không được lớn hơn")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_district_sees_every_bad_row_on_a_phone(phone, reviewer, phong_tho, tmp_path):
    data = tmp_path / "so-lieu.csv"
    data.write_text(
        "unit,period,target,numerator,denominator\n03549,2024Q1,MT1,3,4\n03549,2024Q1,MT3b,51,50\n99999,2024Q1,MT1,1,1\n"
    )
    log_in(phone, "thamdinh")
    phone.goto("/tham-dinh/")
    phone.get_by_role("link", name="Nhập số liệu nhiều đơn vị từ tệp").click()
    phone.get_by_label("Tệp số liệu").set_input_files(data)
    phone.get_by_role("button", name="Kiểm tra và nhập").click()
    errors = phone.locator("#upload-errors")
    expect(errors).to_contain_text("Dòng 3: tử số (51) lớn hơn mẫu số (50)")
    expect(errors).to_contain_text("Dòng 4: không có đơn vị mã “99999”")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not Submission.objects.exists()

    data.write_text("unit,period,target,numerator,denominator\n03549,2024Q1,MT1,3,4\n")
    phone.get_by_label("Tệp số liệu").set_input_files(data)
    phone.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(phone.get_by_text("Đã nhập 1 dòng vào 1 báo cáo.")).to_be_visible()
    assert Submission.objects.get().status == "submitted"
