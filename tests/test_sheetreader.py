"""No file can take a worker down: the crafted spreadsheets of ``tests.crafted`` are refused at every entry point
(the officer's template upload, the reviewers' bulk upload, ``import_values``) with a reason in Vietnamese,
the read never holds more than a few megabytes, and the next request is answered.

Each limit is also met on its own (the others loosened) and at its boundary.
"""

import dataclasses
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from reporting.imports import ImportFileError, import_limits, read_rows
from reporting.models import Submission
from reporting.sheetreader import RECORD_CHARS, UNREADABLE_XLSX, SheetRefused, open_xlsx
from reporting.workbook import TemplateError, read_template
from tests import crafted
from tests.test_hostile_uploads import VIETNAMESE, database_state

PEAK = 50 * 1024 * 1024
CRAFTED = {
    "one_wide_row.xlsx": crafted.one_wide_row,
    "many_rows.xlsx": crafted.many_rows,
    "far_row.xlsx": crafted.far_row,
    "many_strings.xlsx": crafted.many_strings,
    "zip_bomb.xlsx": crafted.zip_bomb,
    "many_csv_rows.csv": crafted.many_csv_rows,
    "enormous_csv_field.csv": crafted.enormous_csv_field,
}
WORKBOOKS = [name for name in CRAFTED if name.endswith(".xlsx")]
HEADER = "unit,period,target,numerator,denominator\n"


@pytest.fixture(scope="session")
def crafted_files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("crafted")
    return {name: make(folder / name) for name, make in CRAFTED.items()}


def refused_within_memory(read, error=SheetRefused) -> str:
    """The message ``read()`` refuses with; the peak of what Python allocated meanwhile stays under PEAK."""
    tracemalloc.start()
    try:
        with pytest.raises(error) as refused:
            read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK, peak
    message = str(refused.value)
    assert VIETNAMESE.search(message), message
    return message


def read_xlsx(data: bytes, limits) -> list:
    with open_xlsx(data, limits) as workbook:
        return list(workbook.rows(0))


def loosened(**changes):
    """The bulk limits without the compression checks, so that each crafted file meets the limit it was made for."""
    return dataclasses.replace(import_limits(), **({"ratio": 10**9, "unpacked_bytes": 10**12} | changes))


# --- the reader ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CRAFTED)
def test_each_crafted_file_is_refused_by_the_bulk_reader_within_memory(crafted_files, name, settings):
    data = crafted_files[name].read_bytes()
    refused_within_memory(lambda: read_rows(data, name), ImportFileError)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_each_crafted_workbook_is_refused_by_the_template_reader_within_memory(crafted_files, name):
    data = crafted_files[name].read_bytes()
    refused_within_memory(lambda: read_template(data, name), TemplateError)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("one_wide_row.xlsx", "quá nhiều cột (tối đa 50 cột)"),
        ("many_rows.xlsx", "quá nhiều dòng (tối đa 200.000 dòng)"),
        ("far_row.xlsx", "quá nhiều dòng (tối đa 200.000 dòng)"),
        ("many_strings.xlsx", "quá nhiều chuỗi chữ (tối đa 1.200.000)"),
        ("zip_bomb.xlsx", "giải nén ra quá lớn"),
    ],
)
def test_each_limit_stops_the_walk_on_its_own(crafted_files, name, words):
    data = crafted_files[name].read_bytes()
    limits = loosened(unpacked_bytes=100 * 1024 * 1024) if name == "zip_bomb.xlsx" else loosened()
    assert words in refused_within_memory(lambda: read_xlsx(data, limits))


def test_a_compression_past_the_ratio_is_refused_before_anything_unpacks(crafted_files):
    data = crafted_files["one_wide_row.xlsx"].read_bytes()
    with zipfile.ZipFile(crafted_files["one_wide_row.xlsx"]) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    ratio = -(-sheet.file_size // sheet.compress_size)  # about a thousand
    at_the_ratio = dataclasses.replace(import_limits(), ratio=ratio, unpacked_bytes=10**9)
    assert "quá nhiều cột" in refused_within_memory(lambda: read_xlsx(data, at_the_ratio))
    past_it = dataclasses.replace(at_the_ratio, ratio=ratio - 1)
    assert "nén bất thường" in refused_within_memory(lambda: read_xlsx(data, past_it))


def test_the_csv_limits_on_their_own(crafted_files):
    rows = crafted_files["many_csv_rows.csv"].read_bytes()
    field = crafted_files["enormous_csv_field.csv"].read_bytes()
    assert "quá nhiều dòng (tối đa 200.000 dòng)" in refused_within_memory(
        lambda: read_rows(rows, "x.csv"), ImportFileError
    )
    assert "dòng dài quá 100.000 ký tự" in refused_within_memory(lambda: read_rows(field, "x.csv"), ImportFileError)


def wide_row(tmp_path, cells: int) -> bytes:
    return crafted.write_xlsx(
        tmp_path / "wide.xlsx", [crafted.header_row(), b"<row>" + b"<c/>" * cells + b"</row>"]
    ).read_bytes()


def rows_of_csv(count: int) -> bytes:
    return (HEADER + "03549,2024Q1,MT1,1,2\n" * count).encode()


def rows_of_xlsx(tmp_path, count: int) -> bytes:
    return crafted.write_xlsx(
        tmp_path / "rows.xlsx", [crafted.header_row(), b"<row><c><v>1</v></c></row>" * count]
    ).read_bytes()


@override_settings(IMPORT_MAX_ROWS=4)
def test_rows_up_to_the_setting_are_read_and_one_more_is_refused(tmp_path):
    assert len(read_rows(rows_of_csv(3), "x.csv")) == 3  # the header is one of the four
    assert len(read_rows(rows_of_xlsx(tmp_path, 3), "x.xlsx")) == 3
    for data, name in ((rows_of_csv(4), "x.csv"), (rows_of_xlsx(tmp_path, 4), "x.xlsx")):
        with pytest.raises(ImportFileError, match=r"quá nhiều dòng \(tối đa 4 dòng\)"):
            read_rows(data, name)


def test_columns_up_to_the_limit_are_read_and_one_more_is_refused(tmp_path):
    assert len(read_xlsx(wide_row(tmp_path, 50), import_limits())[1]) == 50
    with pytest.raises(SheetRefused, match="quá nhiều cột"):
        read_xlsx(wide_row(tmp_path, 51), import_limits())


def test_a_csv_line_up_to_the_limit_is_read_and_one_character_more_is_refused():
    line = "03549,2024Q1,MT1,1,"
    fits = (HEADER + line + "9" * (RECORD_CHARS - len(line) - 1) + "\n").encode()
    assert read_rows(fits, "x.csv")[0][1]["denominator"] == "9" * (RECORD_CHARS - len(line) - 1)
    too_long = (HEADER + line + "9" * (RECORD_CHARS - len(line)) + "\n").encode()
    with pytest.raises(ImportFileError, match="dòng dài quá"):
        read_rows(too_long, "x.csv")


def test_the_size_a_sheet_declares_is_never_read(tmp_path):
    """openpyxl fills a read-only sheet to its declared dimension; only the rows and columns found are read."""
    path = crafted.write_xlsx(
        tmp_path / "declared.xlsx",
        [crafted.header_row(), b'<row><c t="inlineStr"><is><t>03549</t></is></c></row>'],
        head='<dimension ref="A1:XFD1048576"/>',
    )
    rows = read_xlsx(path.read_bytes(), import_limits())
    assert rows == [["unit", "period", "target", "numerator", "denominator"], ["03549", None, None, None, None]]


def test_a_workbook_declaring_entities_is_refused(tmp_path):
    path = crafted.write_xlsx(tmp_path / "laughs.xlsx", [b"<row><c><v>1</v></c></row>"])
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/styles.xml", f"{laughs}<styleSheet>&b;</styleSheet>")
    with pytest.raises(SheetRefused, match=re.escape(UNREADABLE_XLSX)):
        read_xlsx(path.read_bytes(), import_limits())


def test_a_sheet_cell_of_text_longer_than_excel_allows_is_refused(tmp_path):
    long_text = "x" * 32_768
    path = crafted.write_xlsx(
        tmp_path / "long.xlsx", [f'<row><c t="inlineStr"><is><t>{long_text}</t></is></c></row>'.encode()]
    )
    with pytest.raises(SheetRefused, match=r"dài quá 32\.767 ký tự"):
        read_xlsx(path.read_bytes(), import_limits())
    fits = crafted.write_xlsx(
        tmp_path / "fits.xlsx", [f'<row><c t="inlineStr"><is><t>{long_text[1:]}</t></is></c></row>'.encode()]
    )
    assert read_xlsx(fits.read_bytes(), import_limits()) == [[long_text[1:]]]


def test_every_part_that_could_be_read_as_xml_is_walked(tmp_path):
    """A picture is skipped; a sheet behind blanks, or named like a picture, is walked all the same."""
    wide = b"<row>" + b"<c/>" * 51 + b"</row>"
    path = crafted.write_xlsx(tmp_path / "picture.xlsx", [crafted.header_row()])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100)
    assert len(read_xlsx(path.read_bytes(), import_limits())) == 1
    for name, prefix in (("xl/worksheets/sheet2.xml", b" " * (2 * 64 * 1024)), ("xl/media/image2.png", b"")):
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(
                name,
                prefix + f'<worksheet xmlns="{crafted.MAIN}"><sheetData>'.encode() + wide + b"</sheetData></worksheet>",
            )
        with pytest.raises(SheetRefused, match="quá nhiều cột"):
            read_xlsx(path.read_bytes(), import_limits())
        path = crafted.write_xlsx(tmp_path / "picture.xlsx", [crafted.header_row()])


# --- the entry points ---------------------------------------------------------------------------------------


def assert_answering(client):
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_template_upload_refuses_each_crafted_workbook(client, officer, commune, phong_tho, crafted_files, name):
    period = phong_tho.periods.get(code="2024Q1")
    before = database_state()
    client.force_login(officer)
    upload = SimpleUploadedFile("bao-cao.xlsx", crafted_files[name].read_bytes())
    response = client.post(reverse("report_upload", args=[period.id, commune.code]), {"file": upload})
    assert response.status_code == 400
    assert "không lưu gì" in response.text or "Tệp quá lớn" in response.text
    assert database_state() == before
    assert_answering(client)


@pytest.mark.parametrize("name", CRAFTED)
def test_the_bulk_upload_refuses_each_crafted_file(client, reviewer, phong_tho, crafted_files, name):
    before = database_state()
    client.force_login(reviewer)
    upload = SimpleUploadedFile(name, crafted_files[name].read_bytes())
    response = client.post(reverse("bulk_upload"), {"file": upload})
    assert response.status_code == 400 and "Không nhập dòng nào" in response.text
    assert 'id="upload-problem"' in response.text
    assert database_state() == before
    assert_answering(client)


@pytest.mark.parametrize("name", CRAFTED)
def test_import_values_refuses_each_crafted_file(phong_tho, crafted_files, name):
    with pytest.raises(CommandError, match="Không nhập dòng nào"):
        call_command("import_values", str(crafted_files[name]))
    assert not Submission.objects.exists()


def test_import_values_refuses_a_file_too_large_before_reading_it(phong_tho, tmp_path):
    path = tmp_path / "so-lieu.csv"
    with path.open("wb") as sparse:
        sparse.truncate(5 * 1024**3)  # five gigabytes that take no disk
    with pytest.raises(CommandError, match=r"Tệp quá lớn \(5\.120,0 MB\); tối đa 8 MB"):
        call_command("import_values", str(path))


# --- the request body ---------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, reviewer, phong_tho, settings):
    client.force_login(reviewer)
    url = reverse("bulk_upload")
    # the test client's body is one byte: reading more than that fails, so a 413 proves nothing was read
    response = client.generic("POST", url, b"x", CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "quá lớn (tối đa 11 MB); không có gì được lưu" in response.text
    assert reverse("home") in response.text
    assert_answering(client)


def test_a_body_over_the_limit_is_refused_before_signing_in_too(client, db, settings):
    length = str(settings.MAX_REQUEST_BYTES + 1)
    response = client.generic("POST", reverse("login"), b"x", CONTENT_LENGTH=length)
    assert response.status_code == 413 and "không có gì được lưu" in response.text


@override_settings(MAX_REQUEST_BYTES=2000)
def test_a_body_at_the_limit_is_read(client, reviewer, phong_tho):
    client.force_login(reviewer)
    url = reverse("bulk_upload")
    body = "csrfmiddlewaretoken=x&pad=" + "x" * (2000 - 26)
    response = client.generic("POST", url, body.encode(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400  # the form's own answer: no file chosen
    assert "Chọn tệp để tải lên." in response.text
    too_long = client.generic("POST", url, (body + "x").encode(), content_type="application/x-www-form-urlencoded")
    assert too_long.status_code == 413


# --- the list of bad rows -----------------------------------------------------------------------------------


def test_the_bulk_page_lists_the_first_200_bad_rows_and_counts_the_rest(client, reviewer, phong_tho):
    bad = HEADER + "".join(f"99999,2024Q1,MT1,{n},{n}\n" for n in range(12_545))
    client.force_login(reviewer)
    response = client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile("so-lieu.csv", bad.encode())})
    assert response.status_code == 400
    assert response.text.count("<li>Dòng ") == 200
    assert "<li>Dòng 201: " in response.text and "<li>Dòng 202: " not in response.text
    assert "tệp có 12.545 dòng lỗi" in response.text and "… và 12.345 lỗi khác" in response.text
    assert len(response.content) < 100_000


def test_the_bulk_page_lists_all_bad_rows_up_to_200(client, reviewer, phong_tho):
    bad = HEADER + "".join(f"99999,2024Q1,MT1,{n},{n}\n" for n in range(200))
    client.force_login(reviewer)
    response = client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile("so-lieu.csv", bad.encode())})
    assert response.text.count("<li>Dòng ") == 200 and "lỗi khác" not in response.text


def test_import_values_prints_every_bad_row(phong_tho, tmp_path, capsys):
    path = tmp_path / "so-lieu.csv"
    path.write_text(HEADER + "".join(f"99999,2024Q1,MT1,{n},{n}\n" for n in range(250)), encoding="utf-8")
    with pytest.raises(CommandError, match="250 dòng lỗi"):
        call_command("import_values", str(path))
    assert capsys.readouterr().err.count("Dòng ") == 250
