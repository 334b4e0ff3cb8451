"""Broken and hostile workbooks on the two upload pages: never a 500, a reason in Vietnamese, nothing saved.

The officer's template upload and the reviewer's bulk upload get random bytes, cut or foreign ZIP files, a CSV
named .xlsx, wrong headers, formulas, numbers too large or negative, text, HTML and dates where numbers go, and
ten thousand empty rows. On the shipped fixtures "03549" (the officer's town) has a saved draft of 2024Q1 with
MT1 1/2; its template has MT1 on row 6 and MT6 on row 14, "03490" is another commune.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from programme.models import Period, Unit
from reporting.counts import MAX_COUNT
from reporting.models import Submission, Value
from reporting.services import Content, submission_save
from reporting.workbook import UNCOMPUTED_MESSAGE
from tests.factories import make_user, total_figures
from tests.test_hostile_params import database_state as all_rows

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
ROW = {"MT1": 6, "MT2": 7, "MT3a": 8, "MT3b": 9, "MT4a": 10, "MT4b": 11}  # MT6, MT7: per organisation, below
COLUMN = {"num": "D", "den": "F"}
LABEL = {"num": "tử số", "den": "mẫu số"}
BULK_HEADER = ["unit", "period", "target", "numerator", "denominator"]
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)
upload_settings = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Values no number cell may take: each is refused by name of its cell.
NOT_A_COUNT = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=MAX_COUNT + 1, max_value=10**300),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer() or not 0 <= f <= MAX_COUNT),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=1, max_size=30).filter(
        lambda s: any(c.isalpha() for c in s) and not s.startswith("=")
    ),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
    st.times(),
    st.booleans(),
    st.sampled_from(
        [
            SCRIPT,
            IMAGE,
            "1,5",
            "1.500,25",
            "1e5",
            "-0,5",
            "²",
            "٣-",
            "x" * 10_000,
            "=1+2",  # a formula the file never computed
            "=SUM(D6:D7)",
            '=HYPERLINK("http://example.invalid","1")',
        ]
    ),
)


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


@pytest.fixture
def draft(officer, commune, q1):
    """The town's saved draft of 2024Q1: MT1 1/2 and a narrative."""
    targets = list(q1.programme.targets.filter(code__in=ROW))
    content = Content(figures={t: total_figures(t, 1, 2) for t in targets if t.code == "MT1"}, shortcomings="Còn chậm.")
    return submission_save(user=officer, unit=commune, period=q1, version=None, content=content, submit=False)


@pytest.fixture
def template(client, officer, commune, q1, draft) -> bytes:
    """The town's template as downloaded after the draft was saved; the client stays signed in as the officer."""
    client.force_login(officer)
    response = client.get(reverse("report_template", args=[q1.id, commune.code]))
    assert response.status_code == 200
    return response.content


def database_state() -> dict[str, list]:
    """The programme and every report, value, narrative and history event; not the accounts, which signing in
    changes."""
    return all_rows(("programme", "reporting"))


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edited(template: bytes, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    edit(workbook)
    return workbook_bytes(workbook)


def bulk_workbook(rows, header=BULK_HEADER) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    return workbook_bytes(workbook)


def upload_template(client, period, unit, content: bytes, name="bao-cao.xlsx"):
    url = reverse("report_upload", args=[period.id, unit.code])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def upload_bulk(client, content: bytes, name="so-lieu.xlsx"):
    return client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile(name, content)})


def refusal(response) -> str:
    """The reason shown: the whole-file problem, the list of bad cells or rows, or the file field's error."""
    html = response.text
    for pattern in (r'id="upload-problem">(.*?)</div>', r'id="upload-errors">(.*?)</div>', r'id="id_file-err">(.*?)</'):
        found = re.search(pattern, html, re.S)
        if found and found.group(1).strip():
            return found.group(1)
    return ""


def assert_refused(response, before: dict, case: object = "") -> str:
    """A 400 or 409 page that says why in Vietnamese, shows nothing typed as markup, and saved nothing."""
    assert response.status_code in (400, 409), (case, response.status_code)
    reason = refusal(response)
    assert VIETNAMESE.search(reason), (case, reason)
    assert not re.search(r"Traceback|Error\b|openpyxl|zipfile|xml", reason), (case, reason)
    main = response.text.split("<main", 1)[1]
    assert "<script" not in main and "<img" not in main, (case, reason)
    assert database_state() == before, case
    return reason


def listed(response) -> list[str]:
    block = re.search(r'id="upload-errors">(.*?)</div>', response.text, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []


# --- files that are not workbooks ------------------------------------------------------------------------------


def foreign_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def broken_files(real: bytes) -> dict[str, bytes]:
    return {
        "a zip that is not a workbook": foreign_zip(),
        "a truncated workbook": real[: len(real) // 2],
        "a workbook without its end": real[:-30],
        "a CSV named .xlsx": b"unit,period,target,numerator,denominator\n03549,2024Q1,MT1,1,2\n",
        "an empty file": b"",
        "NUL bytes": b"\x00" * 4_096,
        "HTML named .xlsx": f"<html><body>{SCRIPT}</body></html>".encode(),
    }


def test_a_broken_file_is_refused_on_both_uploads(client, officer, reviewer, commune, q1, template):
    before = database_state()
    for case, content in broken_files(template).items():
        client.force_login(officer)
        assert_refused(upload_template(client, q1, commune, content), before, case)
    bulk = bulk_workbook([["03549", "2024Q1", "MT1", 3, 4]])
    for case, content in broken_files(bulk).items():
        client.force_login(reviewer)
        assert_refused(upload_bulk(client, content), before, case)


@upload_settings
@given(data=st.binary(max_size=3_000), prefix=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06"]))
def test_random_bytes_are_refused_on_both_uploads(client, officer, reviewer, commune, q1, draft, data, prefix):
    before = database_state()
    client.force_login(officer)
    assert_refused(upload_template(client, q1, commune, prefix + data), before)
    client.force_login(reviewer)
    assert_refused(upload_bulk(client, prefix + data), before)


@upload_settings
@given(cut=st.floats(min_value=0.01, max_value=0.999))
def test_a_workbook_cut_anywhere_is_refused(client, officer, commune, q1, template, cut):
    before = database_state()
    assert_refused(upload_template(client, q1, commune, template[: int(len(template) * cut)]), before)


# --- the officer's template with hostile cells -------------------------------------------------------------------


@upload_settings
@given(
    bad=st.dictionaries(st.tuples(st.sampled_from(list(ROW)), st.sampled_from(["num", "den"])), NOT_A_COUNT, min_size=1)
)
def test_a_template_with_a_cell_that_is_no_count_saves_nothing(client, commune, q1, template, bad):
    before = database_state()

    def fill(workbook):
        for (code, part), value in bad.items():
            workbook["Báo cáo"][f"{COLUMN[part]}{ROW[code]}"] = value

    response = upload_template(client, q1, commune, edited(template, fill))
    assert_refused(response, before)
    errors = listed(response)
    for code, part in bad:
        cell = f"{COLUMN[part]}{ROW[code]}"
        assert any(error.startswith(f"Ô {cell} ({code}, {LABEL[part]}):") for error in errors), (cell, errors)


NOT_WHOLE = "Phải là số nguyên, không có phần thập phân."
NOT_A_NUMBER = "Phải là số nguyên, ví dụ 1500 hoặc 1.500."
BAD_NUMBERS = [
    (-1, "Không được là số âm."),
    (MAX_COUNT + 1, "Số quá lớn."),
    (10**40, "Số quá lớn."),
    (1e308, "Số quá lớn."),
    (2.5, NOT_WHOLE),
    ("ba", NOT_A_NUMBER),
    (SCRIPT, NOT_A_NUMBER),
    (datetime.date(2024, 3, 31), NOT_A_NUMBER),
    (datetime.datetime(2024, 3, 31, 8, 30), NOT_A_NUMBER),
    (datetime.time(8, 30), NOT_A_NUMBER),
    (True, NOT_A_NUMBER),
    ("=1+2", UNCOMPUTED_MESSAGE),
]


def test_each_kind_of_bad_number_is_explained_by_its_cell(client, commune, q1, template):
    before = database_state()
    for value, message in BAD_NUMBERS:

        def fill(workbook, value=value):
            workbook["Báo cáo"]["D9"] = value
            workbook["Báo cáo"]["F9"] = 5

        response = upload_template(client, q1, commune, edited(template, fill))
        assert_refused(response, before, value)
        assert listed(response) == [f"Ô D9 (MT3b, tử số): {message}"], value


def with_computed_formula(workbook: bytes, cell: str, formula: str, result: int) -> bytes:
    """The workbook with a formula in that cell of its first sheet and the result a spreadsheet saves beside it
    (openpyxl writes formulas without one)."""
    archive, buffer = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            content = archive.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                found = re.search(rb'<c r="' + cell.encode() + rb'"[^>]*?(/>|>.*?</c>)', content).group(0)
                content = content.replace(found, f'<c r="{cell}"><f>{formula}</f><v>{result}</v></c>'.encode())
            out.writestr(item, content)
    return buffer.getvalue()


def test_a_formula_the_spreadsheet_computed_counts_as_its_result(client, commune, q1, template):
    """Excel stores a formula's result next to it; that result is what the officer sees and what is saved."""
    response = upload_template(client, q1, commune, with_computed_formula(template, "D15", "40+5", 45))
    assert response.status_code == 302  # D15: MT6's first organisation
    value = Value.objects.get(target__code="MT6")
    assert value.parts.get(category__code="doan-thanh-nien").numerator == 45


def setting(sheet: str, cell: str, value):
    def edit(workbook):
        workbook[sheet][cell] = value

    return edit


# "_meta" holds the format (B1), the unit's code and name (B2, B3), the period's id (B4), the version (B8) and
# from row 9 each target's code and row (B, C).
TAMPERED = [
    (lambda wb: wb.remove(wb["_meta"]), "không phải mẫu báo cáo tải từ hệ thống"),
    (lambda wb: setattr(wb["Báo cáo"], "title", "Sheet1"), "Tệp không còn trang tính"),
    (setting("_meta", "B1", "dv-mau-bao-cao/99"), "không phải mẫu báo cáo"),
    (setting("_meta", "B4", "1 OR 1=1"), "không phải mẫu báo cáo"),
    (setting("_meta", "B4", 2**40), "của đơn vị/kỳ khác"),
    (setting("_meta", "B8", SCRIPT), "không phải mẫu báo cáo"),
    (setting("_meta", "B8", 2**40), "Tệp mẫu đã cũ"),
    (setting("_meta", "C9", 10_000), "không phải mẫu báo cáo"),
    (setting("_meta", "B9", "MT99"), "Bố cục tệp mẫu đã bị thay đổi"),
    (lambda wb: wb["Báo cáo"].insert_rows(1, 10_000), "Bố cục tệp mẫu đã bị thay đổi"),
]


def test_a_template_whose_layout_or_hidden_data_was_changed_is_refused(client, commune, q1, template):
    before = database_state()
    for number, (edit, message) in enumerate(TAMPERED):
        assert message in assert_refused(upload_template(client, q1, commune, edited(template, edit)), before, number)


def test_a_header_typed_over_is_not_read(client, commune, q1, template):
    response = upload_template(client, q1, commune, edited(template, setting("Báo cáo", "D5", SCRIPT)))
    assert response.status_code == 302 and Value.objects.get(target__code="MT1").numerator == 1


# --- another unit's code -----------------------------------------------------------------------------------------


def naming(unit_code: str, unit_name: str):
    def edit(workbook):
        workbook["_meta"]["B2"] = unit_code
        workbook["_meta"]["B3"] = unit_name

    return edit


def test_a_template_rewritten_to_name_another_unit_is_refused(client, officer, commune, q1, template):
    other = Unit.objects.get(code="03490")
    make_user("canbo2", Role.OFFICER, unit=other)
    before = database_state()
    forged = edited(template, naming(other.code, f"{other.name} {SCRIPT}"))

    reason = assert_refused(upload_template(client, q1, commune, forged), before)
    assert "Tệp mẫu này của đơn vị/kỳ khác" in reason and "&lt;script&gt;" in reason

    response = upload_template(client, q1, other, forged)  # to the other unit's own page
    assert response.status_code == 404
    assert database_state() == before
    assert not Submission.objects.filter(unit=other).exists()


def test_a_template_naming_a_unit_that_does_not_exist_is_refused(client, commune, q1, template):
    before = database_state()
    for code in ("", "99999", SCRIPT, "x" * 10_000, "03549 "):
        reason = assert_refused(upload_template(client, q1, commune, edited(template, naming(code, code))), before)
        assert "Tệp mẫu này của đơn vị/kỳ khác" in reason or "không phải mẫu báo cáo" in reason


# --- the reviewer's bulk upload ----------------------------------------------------------------------------------


@upload_settings
@given(
    cells=st.lists(st.tuples(NOT_A_COUNT, st.sampled_from(["numerator", "denominator"])), min_size=1, max_size=4),
)
def test_a_bulk_file_with_a_cell_that_is_no_count_loads_nothing(client, reviewer, phong_tho, cells):
    client.force_login(reviewer)
    before = database_state()
    rows = [["03391", "2024Q1", "MT1", 3, 4]]
    for value, column in cells:
        rows.append(
            ["03549", "2024Q1", "MT6", value if column == "numerator" else 1, value if column == "denominator" else 5]
        )
    response = upload_bulk(client, bulk_workbook(rows))
    assert_refused(response, before)
    errors = listed(response)
    assert [error.split(":")[0] for error in errors] == [f"Dòng {line}" for line in range(3, 3 + len(cells))], errors


BULK_REFUSALS = [
    ([], BULK_HEADER, "Tệp không có dòng số liệu nào"),
    ([["03549", "2024Q1", "MT1", 3, 4]], ["đơn vị", "kỳ", "chỉ tiêu", "tử số", "mẫu số"], "Thiếu cột: unit"),
    ([["03549", "2024Q1", "MT1", 3, 4]], [SCRIPT, *BULK_HEADER[1:]], "Thiếu cột: unit"),
    ([[SCRIPT, "2024Q1", "MT1", 3, 4]], BULK_HEADER, "Dòng 2: không có đơn vị mã"),
    ([["03549", IMAGE, "MT1", 3, 4]], BULK_HEADER, "Dòng 2: không có kỳ báo cáo mã"),
    ([["03549", "2024Q1", "MT1", "=1+2", 4]], BULK_HEADER, "Dòng 2: ô cột numerator là công thức nhưng tệp không lưu"),
    ([["=A1", "2024Q1", "MT1", 3, 4]], BULK_HEADER, "Dòng 2: ô cột unit là công thức nhưng tệp không lưu"),
    ([["03549", "2024Q1", "MT1", datetime.date(2024, 3, 1), 4]], BULK_HEADER, "Dòng 2: tử số"),
    ([["03549", "2024Q1", "MT1", 3, 10**30]], BULK_HEADER, "Dòng 2: mẫu số “1e+30”: Số quá lớn."),
    ([["03549", "2024Q1", "MT1", "1,000", 2000]], BULK_HEADER, "Dòng 2: tử số “1,000”: Dấu phẩy là dấu thập phân"),
    ([["03549", "2024Q1", "MT1", -3, 4]], BULK_HEADER, "Dòng 2: tử số “-3”: Không được là số âm."),
]


def test_a_bulk_workbook_that_cannot_load_says_why(client, reviewer, phong_tho):
    client.force_login(reviewer)
    before = database_state()
    for rows, header, message in BULK_REFUSALS:
        assert message in assert_refused(upload_bulk(client, bulk_workbook(rows, header)), before, message)


def test_a_bulk_formula_the_spreadsheet_computed_counts_as_its_result(client, reviewer, phong_tho):
    content = with_computed_formula(bulk_workbook([["03549", "2024Q1", "MT1", 3, 4]]), "D2", "1+2", 3)
    client.force_login(reviewer)
    assert upload_bulk(client, content).status_code == 302
    assert Value.objects.get(target__code="MT1", submission__unit__code="03549").numerator == 3


def test_a_bulk_workbook_of_ten_thousand_empty_rows(client, reviewer, phong_tho):
    client.force_login(reviewer)
    before = database_state()
    empty = bulk_workbook([[None, "", "  "]] * 10_000)
    assert "Tệp không có dòng số liệu nào" in assert_refused(upload_bulk(client, empty), before)
    with_a_bad_row = bulk_workbook([*([[None, "", "  "]] * 10_000), ["03549", "2024Q1", "MT1", 5, 4]])
    reason = assert_refused(upload_bulk(client, with_a_bad_row), before)
    assert "Dòng 10002: tử số (5) lớn hơn mẫu số (4)" in reason


# --- typed text in the template ----------------------------------------------------------------------------------


def test_notes_go_into_the_template_as_text_and_come_back_unchanged(client, officer, commune, q1, draft):
    formula = '=HYPERLINK("http://example.invalid","x")'
    targets = list(q1.programme.targets.filter(code__in=ROW))
    notes = {"MT1": SCRIPT, "MT2": formula, "MT3a": IMAGE}
    content = Content(figures={t: total_figures(t, 1, 2, notes.get(t.code, "")) for t in targets})
    submission_save(user=officer, unit=commune, period=q1, version=draft.version, content=content, submit=False)
    client.force_login(officer)
    template = client.get(reverse("report_template", args=[q1.id, commune.code])).content

    sheet = load_workbook(io.BytesIO(template))["Báo cáo"]
    for code, note in notes.items():
        cell = sheet[f"H{ROW[code]}"]
        assert (cell.value, cell.data_type) == (note, "s"), code
    assert upload_template(client, q1, commune, template).status_code == 302
    saved = dict(Value.objects.filter(target__code__in=notes).values_list("target__code", "note"))
    assert saved == notes
