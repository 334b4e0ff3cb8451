"""The Excel round trip: the officer's template, its upload as a draft, and the district's bulk import.

On the shipped fixtures: "03549" is a commune whose 2024Q1 report has eight typed targets (rows 6–11, 14–15
of the template) and two from the register (MT5a, MT5b, rows 12–13).
"""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from programme.models import Period, Unit
from reporting.counts import COMMA, OTHER_DIGITS
from reporting.imports import MAX_FILE_BYTES
from reporting.models import Submission, SubmissionEvent, Value
from reporting.services import Content, Figures, submission_save
from reporting.totals import totals_refresh
from reporting.workbook import MAX_UPLOAD_BYTES
from tests.addresses import programme_reverse
from tests.factories import make_district, make_user

TYPED_Q1 = ["MT1", "MT2", "MT3a", "MT3b", "MT4a", "MT4b", "MT6", "MT7"]
ROW = {"MT1": 6, "MT2": 7, "MT3a": 8, "MT3b": 9, "MT4a": 10, "MT4b": 11, "MT5a": 12, "MT5b": 13, "MT6": 14, "MT7": 19}
# MT6 and MT7 are typed per organisation (tests/test_breakdowns.py): a row for each of the four under the target's,
# whose two figures are their sums.
PART_ROWS = {"MT6": range(15, 19), "MT7": range(20, 24)}
INPUT_COLUMNS = ("D", "F", "H")
# the narrative's rows on the sheet "Thuyết minh" of a commune's template
TEXT_ROW = {"group_1": 3, "group_2": 4, "group_3": 5, "group_4": 6, "shortcomings": 7, "next_steps": 8, "proposals": 9}


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


@pytest.fixture
def s1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024S1")


def template_url(period, unit):
    return reverse("report_template", args=[period.id, unit.code])


def upload_url(period, unit):
    return reverse("report_upload", args=[period.id, unit.code])


def download(client, period, unit):
    response = client.get(template_url(period, unit))
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def xlsx(workbook, name="bao-cao.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fill(workbook, figures: dict[str, tuple]):
    """Type figures into the template as an officer would: {code: (numerator, denominator[, note])}."""
    ws = workbook["Báo cáo"]
    for code, (num, den, *note) in figures.items():
        ws[f"D{ROW[code]}"] = num
        ws[f"F{ROW[code]}"] = den
        if note:
            ws[f"H{ROW[code]}"] = note[0]
    return workbook


def upload(client, period, unit, file):
    return client.post(upload_url(period, unit), {"file": file})


def save_online(user, unit, period, *, version=None, figures=None, shortcomings=""):
    sheet_targets = list(period.programme.targets.filter(code__in=TYPED_Q1))
    content = Content(
        figures={t: Figures(*figures[t.code]) for t in sheet_targets if t.code in (figures or {})},
        shortcomings=shortcomings,
    )
    return submission_save(user=user, unit=unit, period=period, version=version, content=content, submit=False)


def listed(response) -> list[str]:
    block = re.search(r'id="upload-errors">(.*?)</div>', response.text, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


# --- the template ----------------------------------------------------------------------------------------------


def test_template_is_a_locked_sheet_with_open_inputs(client, officer, commune, q1, s1):
    save_online(officer, commune, q1, figures={"MT2": (8, 10)})
    Submission.objects.filter(unit=commune, period=q1).update(status="submitted")  # counted as "previous"
    totals_refresh()  # written past the paths that keep the district's sums
    save_online(officer, commune, s1, figures={"MT1": (3, 4, "ghi chú cũ")}, shortcomings="Còn chậm.")
    client.force_login(officer)
    response = client.get(template_url(s1, commune))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-03549-2024S1.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Báo cáo", "Thuyết minh", "Cách tính", "_meta"]
    ws, meta = workbook["Báo cáo"], workbook["_meta"]
    assert ws.protection.sheet and meta.protection.sheet
    assert meta.sheet_state == "hidden" and workbook.security.lockStructure

    title = "\n".join(str(ws[f"A{n}"].value) for n in range(1, 5))
    assert "Thị trấn Phong Thổ" in title and "6 tháng đầu năm 2024" in title and "05/07/2024" in title
    assert "Phiên bản: 2" in title  # created at 1, saved once
    assert "nhập ở trang tính “Thuyết minh”" in title  # the narrative has a sheet of its own
    assert [c.value for c in ws[5]][:4] == ["Mã", "Chỉ tiêu", "Nội dung tử số", "Tử số"]
    assert ws.freeze_panes == "A6"

    assert (ws["A6"].value, ws["D6"].value, ws["F6"].value, ws["H6"].value) == ("MT1", 3, 4, "ghi chú cũ")
    assert ws["C9"].value == "Số hộ gia đình được tuyên truyền"  # the programme's own labels
    assert ws["G7"].value == "8/10 (80,00% · Đang thực hiện)" and ws["G5"].value == "Quý I năm 2024 (kỳ trước)"
    assert ws["G6"].value == "chưa có"
    assert ws["A12"].value == "MT5a" and "sổ mô hình" in ws["H12"].value  # from the register, read-only

    figures = {f"{column}{ROW[code]}" for code in TYPED_Q1 if code not in PART_ROWS for column in ("D", "F")}
    figures |= {f"{column}{row}" for rows in PART_ROWS.values() for row in rows for column in ("D", "F")}
    inputs = figures | {f"H{ROW[code]}" for code in TYPED_Q1}
    assert ws["D14"].value is None and ws["D14"].protection.locked  # the saved sum (none yet), never read back
    assert ws["B15"].value == "Đoàn TNCS Hồ Chí Minh" and ws["A15"].value == "MT6"
    for row in ws.iter_rows(min_row=1, max_row=23, max_col=8):
        for cell in row:
            assert cell.protection.locked == (cell.coordinate not in inputs), cell.coordinate
    for coordinate in ("D12", "F12", "H13", "A6", "C6", "G6"):
        assert ws[coordinate].protection.locked

    validations = {v.type: v for v in ws.data_validations.dataValidation}
    whole = validations["whole"]
    assert (whole.operator, whole.formula1, whole.error) == ("greaterThanOrEqual", "0", "Chỉ nhập số nguyên không âm.")
    assert whole.showErrorMessage and whole.allow_blank
    assert all(coordinate in whole.sqref for coordinate in figures)
    assert not any(coordinate in whole.sqref for coordinate in ("D12", "F13", "H6", "G6", "D5", "D14", "F19"))
    assert "H6" in validations["textLength"].sqref  # notes: at most 500 characters

    values = {row[0]: row[1:] for row in meta.iter_rows(values_only=True)}
    assert values["unit"][0] == "03549" and values["period_id"][0] == s1.id
    assert values["programme"][0] == "phong-tho-2024" and values["version"][0] == 2
    assert {row[1]: row[2] for row in meta.iter_rows(values_only=True) if row[0] == "target"} == {
        code: ROW[code] for code in TYPED_Q1
    }
    parts = {(row[1], row[3]): row[2] for row in meta.iter_rows(values_only=True) if row[0] == "part"}
    assert parts[("MT6", "doan-thanh-nien")] == 15 and parts[("MT7", "cuu-chien-binh")] == 23 and len(parts) == 8

    texts = workbook["Thuyết minh"]
    assert texts.protection.sheet
    assert [texts[f"A{n}"].value[:2] for n in range(3, 7)] == ["1.", "2.", "3.", "4."]  # a commune writes all four
    assert (texts["A7"].value, texts["B7"].value) == ("Hạn chế, nguyên nhân", "Còn chậm.")
    assert [texts[f"B{n}"].protection.locked for n in range(3, 10)] == [False] * 7
    assert texts["A3"].protection.locked and texts["B2"].protection.locked
    assert "B9" in texts.data_validations.dataValidation[0].sqref  # at most 20 000 characters each
    assert {row[1]: row[2] for row in meta.iter_rows(values_only=True) if row[0] == "text"} == TEXT_ROW


def test_a_new_report_has_no_version_yet(client, officer, commune, q1):
    client.force_login(officer)
    workbook = download(client, q1, commune)
    assert "Phiên bản: chưa có" in workbook["Báo cáo"]["A3"].value
    assert {row[0]: row[1] for row in workbook["_meta"].iter_rows(values_only=True)}["version"] is None
    assert not Submission.objects.exists()  # downloading creates nothing


def test_the_form_offers_the_offline_box_only_while_editable(client, officer, commune, q1):
    client.force_login(officer)
    page = client.get(reverse("report", args=[q1.id, commune.code])).text
    assert "Làm việc ngoại tuyến" in page
    assert template_url(q1, commune) in page and upload_url(q1, commune) in page
    save_online(officer, commune, q1)
    Submission.objects.update(status="submitted")
    totals_refresh()  # written past the paths that keep the district's sums
    assert "Làm việc ngoại tuyến" not in client.get(reverse("report", args=[q1.id, commune.code])).text


# --- the upload ------------------------------------------------------------------------------------------------


def test_a_filled_template_becomes_the_draft(client, officer, commune, q1):
    save_online(officer, commune, q1, figures={"MT1": (1, 9)}, shortcomings="Còn chậm.")
    client.force_login(officer)
    assert client.get(upload_url(q1, commune)).status_code == 200
    workbook = fill(download(client, q1, commune), {"MT1": (3, 4, "theo sổ"), "MT2": (900, 1000), "MT3a": (None, 5)})
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 302 and response["Location"] == reverse("report", args=[q1.id, commune.code])
    submission = Submission.objects.get()
    assert (submission.status, submission.version, submission.shortcomings) == ("draft", 3, "Còn chậm.")
    values = {v.target.code: (v.numerator, v.denominator, v.note) for v in submission.values.select_related("target")}
    assert values["MT1"] == (3, 4, "theo sổ") and values["MT2"] == (900, 1000, "") and values["MT3a"] == (None, 5, "")
    assert values["MT3b"] == (None, None, "")  # a draft may be partial
    event = submission.events.latest("pk")
    assert (event.action, event.actor, event.to_status) == ("saved", officer, "draft")
    assert {"target": "MT1", "field": "numerator", "old": 1, "new": 3} in event.changes
    assert not any(change["field"] == "Hạn chế, nguyên nhân" for change in event.changes)  # narrative kept
    page = client.get(response["Location"])
    assert "Đã nhận tệp Excel và lưu thành bản nháp." in page.text and 'value="900"' in page.text


def test_the_narrative_typed_in_the_template_becomes_the_drafts(client, officer, commune, q1):
    save_online(officer, commune, q1, shortcomings="Còn chậm.")
    client.force_login(officer)
    workbook = download(client, q1, commune)
    texts = workbook["Thuyết minh"]
    texts["B3"] = "Đã quán triệt Chương trình đến 100% chi bộ.\nTổ chức 3 hội nghị."
    texts["B7"] = None  # cleared: the saved text is replaced by nothing, and kept in the history
    texts["B9"] = 2024  # a number typed alone is read as typed
    assert upload(client, q1, commune, xlsx(workbook)).status_code == 302
    submission = Submission.objects.get()
    narrative = submission.narratives.get(task_group__number=1)
    assert narrative.text == "Đã quán triệt Chương trình đến 100% chi bộ.\nTổ chức 3 hội nghị."
    assert (submission.shortcomings, submission.proposals) == ("", "2024")
    changes = submission.events.latest("pk").changes
    assert {"text": "shortcomings", "old": "Còn chậm.", "removed": 9} in [
        {key: change[key] for key in ("text", "old", "removed")} for change in changes if change["text"]
    ]


def test_a_text_too_long_in_the_template_is_named_by_cell_and_nothing_is_saved(client, officer, commune, q1):
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT1": (3, 4)})
    workbook["Thuyết minh"]["B8"] = "x" * 20_001
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400
    assert any(item.startswith("Ô Thuyết minh!B8 (Phương hướng, nhiệm vụ thời gian tới)") for item in listed(response))
    assert not Submission.objects.exists()


def test_a_template_made_before_it_carried_the_narrative_keeps_the_saved_texts(client, officer, commune, q1):
    save_online(officer, commune, q1, shortcomings="Còn chậm.")
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT1": (3, 4)})
    meta = workbook["_meta"]
    for number in sorted((row[0].row for row in meta.iter_rows() if row[0].value == "text"), reverse=True):
        meta.delete_rows(number)
    del workbook["Thuyết minh"]
    assert upload(client, q1, commune, xlsx(workbook)).status_code == 302
    submission = Submission.objects.get()
    assert submission.shortcomings == "Còn chậm." and submission.values.get(target__code="MT1").numerator == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda workbook: workbook["Thuyết minh"].delete_rows(4), "Bố cục trang tính “Thuyết minh” đã bị thay đổi"),
        (lambda workbook: workbook.remove(workbook["Thuyết minh"]), "Tệp không còn trang tính “Thuyết minh”"),
    ],
)
def test_a_narrative_sheet_moved_or_removed_is_refused(client, officer, commune, q1, change, message):
    client.force_login(officer)
    workbook = download(client, q1, commune)
    workbook["Thuyết minh"]["B6"] = "Kết quả nhóm 4."
    change(workbook)
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400 and message in response.text
    assert not Submission.objects.exists()


def test_a_unit_gets_only_the_task_groups_of_its_kind_in_the_template(client, phong_tho, q1):
    front = Unit.objects.get(code="109-MTTQ")
    client.force_login(make_user("mttq", Role.OFFICER, unit=front))
    texts = download(client, q1, front)["Thuyết minh"]
    assert [texts[f"A{n}"].value[:2] for n in (3, 4)] == ["3.", "4."]
    assert texts["A5"].value == "Hạn chế, nguyên nhân"


def test_a_template_downloaded_before_the_report_existed_creates_it(client, officer, commune, q1):
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT3b": ("1.500", 2000)})  # typed as text, Vietnamese way
    assert upload(client, q1, commune, xlsx(workbook)).status_code == 302
    value = Value.objects.get(target__code="MT3b")
    assert (value.numerator, value.denominator, value.submission.status) == (1500, 2000, "draft")


def test_text_cells_with_a_decimal_comma_are_refused_by_cell(client, officer, commune, q1):
    client.force_login(officer)
    workbook = fill(
        download(client, q1, commune), {"MT4a": ("1,000", 2000), "MT2": ("7,000", 7567), "MT3a": ("١٢", 20)}
    )
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400
    assert listed(response) == [
        f"Ô D7 (MT2, tử số): {COMMA}",
        f"Ô D8 (MT3a, tử số): {OTHER_DIGITS}",
        f"Ô D10 (MT4a, tử số): {COMMA}",
    ]
    assert not Submission.objects.exists()


def test_number_cells_and_blank_text_cells_are_read_as_the_form_reads_them(client, officer, commune, q1):
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT4a": (1500.0, "2.000"), "MT2": ("   ", " 7567 ")})
    assert upload(client, q1, commune, xlsx(workbook)).status_code == 302
    figures = {v.target.code: (v.numerator, v.denominator) for v in Value.objects.select_related("target")}
    assert figures["MT4a"] == (1500, 2000) and figures["MT2"] == (None, 7567)


def test_bad_cells_are_listed_by_cell_and_nothing_is_saved(client, officer, commune, q1):
    save_online(officer, commune, q1, figures={"MT1": (1, 2)})
    client.force_login(officer)
    workbook = fill(
        download(client, q1, commune),
        {"MT1": ("ba", 4), "MT2": (2, -3), "MT3a": (2.5, 4), "MT3b": (11, 10), "MT6": (5, 10, "x" * 501)},
    )
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400
    assert listed(response) == [
        "Ô D6 (MT1, tử số): Phải là số nguyên, ví dụ 1500 hoặc 1.500.",
        "Ô F7 (MT2, mẫu số): Không được là số âm.",
        "Ô D8 (MT3a, tử số): Phải là số nguyên, không có phần thập phân.",
        "Ô D9 (MT3b, tử số): Tử số (11) không được lớn hơn mẫu số (10).",
        "Ô H14 (MT6, ghi chú): Dài tối đa 500 ký tự (đang có 501). Nội dung không bị cắt bớt: đồng chí hãy rút gọn rồi lưu lại.",
    ]
    assert "Chưa lưu gì: tệp có 5 ô chưa đúng." in response.text
    submission = Submission.objects.get()
    assert submission.version == 2 and submission.events.count() == 1
    assert Value.objects.get(target__code="MT1").numerator == 1 and not Value.objects.filter(numerator=5).exists()


def test_a_number_too_large_is_named_by_cell(client, officer, commune, q1):
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT3a": (1, 99_999_999_999)})
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400 and listed(response) == ["Ô F8 (MT3a, mẫu số): Số quá lớn."]
    assert not Submission.objects.exists()


def test_a_template_of_another_unit_or_period_is_refused(client, officer, commune, q1, s1, phong_tho):
    client.force_login(officer)
    other_period = fill(download(client, s1, commune), {"MT1": (1, 1)})
    response = upload(client, q1, commune, xlsx(other_period))
    assert response.status_code == 400 and "Tệp mẫu này của đơn vị/kỳ khác" in response.text
    assert "6 tháng đầu năm 2024" in response.text

    other = Unit.objects.get(code="03490")
    client.force_login(make_user("canbo2", Role.OFFICER, unit=other))
    other_unit = fill(download(client, q1, other), {"MT1": (1, 1)})
    client.force_login(officer)
    response = upload(client, q1, commune, xlsx(other_unit))
    assert response.status_code == 400 and "Tệp mẫu này của đơn vị/kỳ khác" in response.text
    assert not Submission.objects.exists()


def test_a_stale_template_is_refused_and_nothing_changes(client, officer, commune, q1):
    submission = save_online(officer, commune, q1, figures={"MT1": (1, 2)})
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT1": (7, 8)})
    save_online(officer, commune, q1, version=submission.version, figures={"MT1": (2, 2)})  # saved online meanwhile
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 409
    assert "Tệp mẫu đã cũ" in response.text and "tải mẫu mới" in response.text
    assert Value.objects.get(target__code="MT1").numerator == 2
    assert Submission.objects.get().version == submission.version + 1


def test_a_template_from_before_the_first_save_is_stale_once_saved(client, officer, commune, q1):
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT1": (7, 8)})
    save_online(officer, commune, q1, figures={"MT1": (2, 2)})
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 409 and "Tệp mẫu đã cũ" in response.text
    assert Value.objects.get(target__code="MT1").numerator == 2


def test_a_submitted_report_is_never_changed_by_an_upload(client, officer, commune, q1):
    submission = save_online(officer, commune, q1, figures={"MT1": (1, 2)})
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT1": (7, 8)})
    Submission.objects.filter(pk=submission.pk).update(status="submitted")
    totals_refresh()  # written past the paths that keep the district's sums
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 409 and "Đã nộp" in response.text
    assert Value.objects.get(target__code="MT1").numerator == 1
    for url in (template_url(q1, commune), upload_url(q1, commune)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("report", args=[q1.id, commune.code])
    assert "không tải mẫu hay tải tệp lên được nữa" in client.get(reverse("report", args=[q1.id, commune.code])).text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel (.xlsx); tệp có thể bị hỏng."),
        ("bao-cao.csv", b"unit,period\n", "Tệp phải là tệp Excel (.xlsx)"),
        ("bao-cao.xls", b"\xd0\xcf\x11\xe0", "lưu lại dạng .xlsx"),
        ("bao-cao.xlsx", b"", "Tệp trống."),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_clearly(client, officer, commune, q1, name, content, message):
    client.force_login(officer)
    response = upload(client, q1, commune, SimpleUploadedFile(name, content))
    assert response.status_code == 400 and message in response.text
    assert not Submission.objects.exists()


def test_a_workbook_that_is_not_our_template_is_refused(client, officer, commune, q1):
    workbook = Workbook()
    workbook.active.append(["unit", "period", "target", "numerator", "denominator"])
    client.force_login(officer)
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400 and "không phải mẫu báo cáo tải từ hệ thống" in response.text


def test_a_workbook_that_unpacks_to_gigabytes_is_refused(client, officer, commune, q1):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<" + b"a" * (40 * 1024 * 1024))
    client.force_login(officer)
    response = upload(client, q1, commune, SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue()))
    assert response.status_code == 400 and "giải nén ra quá lớn" in response.text


def test_a_template_whose_rows_were_moved_is_refused(client, officer, commune, q1):
    client.force_login(officer)
    workbook = download(client, q1, commune)
    workbook["Báo cáo"].delete_rows(7)  # only possible after removing the protection
    response = upload(client, q1, commune, xlsx(workbook))
    assert response.status_code == 400 and "Bố cục tệp mẫu đã bị thay đổi" in response.text
    assert not Submission.objects.exists()


def test_a_file_too_large_is_refused(client, officer, commune, q1):
    client.force_login(officer)
    response = upload(client, q1, commune, SimpleUploadedFile("bao-cao.xlsx", b"0" * (MAX_UPLOAD_BYTES + 1)))
    assert response.status_code == 400 and "Tệp quá lớn" in response.text and "tối đa 2 MB" in response.text
    response = client.post(upload_url(q1, commune), {})
    assert response.status_code == 400 and "Chọn tệp để tải lên." in response.text


def test_only_the_units_officer_may_download_or_upload(client, officer, reviewer, leader, commune, q1):
    client.force_login(officer)
    template = download(client, q1, commune)
    other = make_user("canbo2", Role.OFFICER, unit=Unit.objects.get(code="03490"))
    client.force_login(other)
    assert client.get(template_url(q1, commune)).status_code == 404
    assert client.get(upload_url(q1, commune)).status_code == 404
    assert upload(client, q1, commune, xlsx(template)).status_code == 404
    for user in (reviewer, leader):
        client.force_login(user)
        assert client.get(template_url(q1, commune)).status_code == 403
        assert client.get(upload_url(q1, commune)).status_code == 403
        assert upload(client, q1, commune, xlsx(template)).status_code == 403
    client.logout()
    response = client.get(template_url(q1, commune))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Submission.objects.exists()


def test_csrf_is_enforced_on_the_upload(client, officer, commune, q1):
    client.force_login(officer)
    template = fill(download(client, q1, commune), {"MT1": (1, 1)})
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer)
    assert csrf_client.post(upload_url(q1, commune), {"file": xlsx(template)}).status_code == 403
    assert not Submission.objects.exists()


# --- the district's bulk upload -------------------------------------------------------------------------------

BULK = "/tham-dinh/nhap-tep/"


def csv_file(lines: list[str], name="so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(["unit,period,target,numerator,denominator", *lines]) + "\n").encode())


def test_bulk_upload_loads_every_row(client, reviewer, phong_tho):
    client.force_login(reviewer)
    assert reverse("bulk_upload") == BULK
    page = client.get(BULK)
    assert page.status_code == 200 and "unit,<wbr>period,<wbr>target,<wbr>numerator,<wbr>denominator" in page.text
    assert BULK in client.get(programme_reverse("inbox")).text
    response = client.post(
        BULK, {"file": csv_file(["03549,2024Q1,MT1,3,4", "03549,2024Q1,MT3b,45,50", "109-CA,2024Q1,MT1,2,2"])}
    )
    # to the inbox of the newest programme, by its address without a programme
    assert response.status_code == 302 and response["Location"] == reverse("programme_latest", args=["tham-dinh/"])
    assert client.get(response["Location"])["Location"] == programme_reverse("inbox")
    assert "Đã nhập 3 dòng vào 2 báo cáo." in client.get(programme_reverse("inbox")).text
    assert set(Submission.objects.values_list("status", flat=True)) == {"submitted"}
    assert Value.objects.get(submission__unit__code="03549", target__code="MT3b").numerator == 45
    event = SubmissionEvent.objects.filter(action="imported").first()
    assert event.actor == reviewer


def test_bulk_upload_of_an_xlsx(client, reviewer, phong_tho):
    workbook = Workbook()
    workbook.active.append(["unit", "period", "target", "numerator", "denominator"])
    workbook.active.append(["03549", "2024Q1", "MT1", 3, 4])
    client.force_login(reviewer)
    response = client.post(BULK, {"file": xlsx(workbook, "so-lieu.xlsx")})
    assert response.status_code == 302
    assert Value.objects.get().numerator == 3


def test_bulk_upload_lists_every_bad_row_and_loads_nothing(client, reviewer, phong_tho):
    client.force_login(reviewer)
    response = client.post(
        BULK,
        {
            "file": csv_file(
                ["03549,2024Q1,MT1,3,4", "03549,2024Q1,MT3b,51,50", "99999,2024Q1,MT1,1,1", "03549,2024Q1,MT5a,1,1"]
            )
        },
    )
    assert response.status_code == 400
    rows = listed(response)
    assert rows[0] == "Dòng 3: tử số (51) lớn hơn mẫu số (50)"
    assert rows[1].startswith("Dòng 4: không có đơn vị mã “99999”") and rows[2].startswith("Dòng 5: chỉ tiêu MT5a")
    assert "Không nhập dòng nào: tệp có 3 dòng lỗi." in response.text
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("so-lieu.txt", b"x", "Tệp phải có đuôi .csv hoặc .xlsx."),
        ("so-lieu.xlsx", b"not a zip", "Không đọc được tệp Excel (.xlsx); tệp có thể bị hỏng."),
        ("so-lieu.csv", b"a,b\n1,2\n", "Thiếu cột: unit, period, target, numerator, denominator."),
        ("so-lieu.csv", b"0" * (MAX_FILE_BYTES + 1), "Tệp quá lớn"),
    ],
)
def test_bulk_upload_refuses_an_unreadable_file_clearly(client, reviewer, phong_tho, name, content, message):
    client.force_login(reviewer)
    response = client.post(BULK, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and message in response.text
    assert not Submission.objects.exists()


def test_bulk_upload_is_for_reviewers_only(client, leader, officer, phong_tho):
    for user in (leader, officer):
        client.force_login(user)
        assert client.get(BULK).status_code == 403
        assert client.post(BULK, {"file": csv_file(["03549,2024Q1,MT1,3,4"])}).status_code == 403
    client.force_login(leader)
    assert BULK not in client.get(programme_reverse("inbox")).text
    assert not Submission.objects.exists()


def test_csrf_is_enforced_on_the_bulk_upload(reviewer, phong_tho):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reviewer)
    assert csrf_client.post(BULK, {"file": csv_file(["03549,2024Q1,MT1,3,4"])}).status_code == 403
    assert not Submission.objects.exists()


# --- query counts ----------------------------------------------------------------------------------------------


def district_with_a_saved_draft(n_units: int, name: str):
    programme, periods, targets = make_district(n_units, targets=4)
    unit = Unit.objects.filter(parent=programme.area).first()
    officer = make_user(name, Role.OFFICER, unit=unit)
    content = Content(figures={t: Figures(1, 2) for t in targets})
    for period in periods:
        submission_save(user=officer, unit=unit, period=period, version=None, content=content, submit=False)
    return officer, periods[-1], unit


def queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_are_fixed(client, db):
    small_user, small_period, small_unit = district_with_a_saved_draft(10, "a")
    large_user, large_period, large_unit = district_with_a_saved_draft(300, "b")
    for url in (template_url, upload_url):
        small = queries(client, small_user, url(small_period, small_unit))
        large = queries(client, large_user, url(large_period, large_unit))
        assert small == large, url.__name__
