"""``manage.py import_values FILE``: CSV or XLSX rows become submitted reports, all or nothing.

Every test runs on the shipped fixtures (``phong_tho``): "03549", "03391" are communes, "109-CA" is the
district police (armed forces), "109-BDV" a party board; periods 2024Q1, 2024S1, 2024Q3 and 2024.
"""

import csv
import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, connections
from openpyxl import Workbook

from reporting.models import Submission, SubmissionEvent, Value
from reporting.totals import totals_refresh

HEADER = ("unit", "period", "target", "numerator", "denominator")
BLANK = ()  # a row of the helpers below that is written as an empty line

# Three good rows: two reports (03549 and 109-CA, both 2024Q1).
GOOD = [
    ("03549", "2024Q1", "MT1", 3, 4),
    ("03549", "2024Q1", "MT3b", 45, 50),
    ("109-CA", "2024Q1", "MT1", 2, 2),
]
GOOD_IN_DB = {
    ("03549", "2024Q1", "MT1"): (3, 4),
    ("03549", "2024Q1", "MT3b"): (45, 50),
    ("109-CA", "2024Q1", "MT1"): (2, 2),
}


# --- writing input files -------------------------------------------------------------------------------------


def csv_bytes(rows, *, header=HEADER, delimiter=",", encoding="utf-8", lineterminator="\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode(encoding)


def write_csv(path: Path, rows, **options) -> Path:
    path.write_bytes(csv_bytes(rows, **options))
    return path


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))  # an empty row leaves an empty line in the sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(path: Path, rows, **options) -> Path:
    path.write_bytes(xlsx_bytes(rows, **options))
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def write_file(tmp_path: Path, fmt: str, rows, name: str = "so-lieu", **options) -> Path:
    return WRITERS[fmt](tmp_path / f"{name}.{fmt}", rows, **options)


def rewrite_xlsx_part(path: Path, part: str, edit) -> None:
    """Replace one part of an .xlsx package with ``edit(old bytes)``, keeping every other part as it was."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, edit(data) if info.filename == part else data)


def damage_compressed_sheet(path: Path) -> None:
    """Invert the second half of the sheet's compressed bytes in place, as a bad copy or download would."""
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for i in range(start + info.compress_size // 2, start + info.compress_size - 4):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


# --- running the command and reading the database ------------------------------------------------------------


def run_import(path: Path, *args: str) -> str:
    """Run the command expecting success; return what it printed."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_values", str(path), *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def refused_import(path: Path, *args: str) -> tuple[str, list[str]]:
    """Run the command expecting refusal; return the CommandError's message and the lines on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_values", str(path), *args, stdout=out, stderr=err)
    assert out.getvalue() == ""
    return str(refused.value), err.getvalue().splitlines()


def values_in_db() -> dict[tuple[str, str, str], tuple[int, int]]:
    rows = Value.objects.values_list(
        "submission__unit__code", "submission__period__code", "target__code", "numerator", "denominator"
    )
    return {(unit, period, target): (num, den) for unit, period, target, num, den in rows}


def submission(unit: str, period: str) -> Submission:
    return Submission.objects.get(unit__code=unit, period__code=period)


def assert_nothing_loaded():
    assert Submission.objects.count() == 0
    assert Value.objects.count() == 0
    assert SubmissionEvent.objects.count() == 0


def assert_contains_all(text: str, fragments) -> None:
    missing = [fragment for fragment in fragments if fragment not in text]
    assert not missing, f"{text!r} lacks {missing}"


# --- files that load -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_file_loads_as_submitted_reports(phong_tho, tmp_path, fmt):
    path = write_file(tmp_path, fmt, GOOD)

    printed = run_import(path)

    assert "Đã nhập 3 dòng vào 2 báo cáo" in printed
    assert values_in_db() == GOOD_IN_DB
    assert Submission.objects.count() == 2
    assert set(Submission.objects.values_list("status", flat=True)) == {"submitted"}
    commune = submission("03549", "2024Q1")
    assert commune.submitted_at is not None
    [event] = commune.events.all()
    assert (event.action, event.from_status, event.to_status) == ("imported", "", "submitted")
    assert event.actor_label == f"import_values {path.name}"
    assert event.changes == [
        {"target": "MT1", "field": "numerator", "old": None, "new": 3},
        {"target": "MT1", "field": "denominator", "old": None, "new": 4},
        {"target": "MT3b", "field": "numerator", "old": None, "new": 45},
        {"target": "MT3b", "field": "denominator", "old": None, "new": 50},
    ]
    [police_event] = submission("109-CA", "2024Q1").events.all()
    assert {change["target"] for change in police_event.changes} == {"MT1"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimport_changes_values_in_place_and_records_old_and_new(phong_tho, tmp_path, fmt):
    path = write_file(tmp_path, fmt, GOOD)
    run_import(path)
    value_ids = dict(Value.objects.values_list("target__code", "id").filter(submission__unit__code="03549"))

    corrected = [("03549", "2024Q1", "MT1", 4, 4), *GOOD[1:], ("03549", "2024Q1", "MT2", 1, 2)]
    write_file(tmp_path, fmt, corrected)  # the same file, edited
    printed = run_import(path)

    assert "Đã nhập 4 dòng vào 2 báo cáo" in printed
    assert Submission.objects.count() == 2  # still one per unit and period
    assert values_in_db() == {**GOOD_IN_DB, ("03549", "2024Q1", "MT1"): (4, 4), ("03549", "2024Q1", "MT2"): (1, 2)}
    assert Value.objects.get(submission__unit__code="03549", target__code="MT1").id == value_ids["MT1"]
    commune = submission("03549", "2024Q1")
    assert commune.status == "submitted"
    _first, second = commune.events.order_by("at", "pk")
    assert (second.action, second.from_status, second.to_status) == ("imported", "submitted", "submitted")
    assert second.changes == [
        {"target": "MT1", "field": "numerator", "old": 3, "new": 4},
        {"target": "MT2", "field": "numerator", "old": None, "new": 1},
        {"target": "MT2", "field": "denominator", "old": None, "new": 2},
    ]
    police_events = list(submission("109-CA", "2024Q1").events.order_by("at", "pk"))
    assert len(police_events) == 2
    assert police_events[1].changes == []  # same figures: an entry in the history, no change


def test_reimport_of_identical_file_changes_nothing(phong_tho, tmp_path):
    path = write_csv(tmp_path / "so-lieu.csv", GOOD)
    run_import(path)
    run_import(path)

    assert values_in_db() == GOOD_IN_DB
    assert Submission.objects.count() == 2
    assert Value.objects.count() == 3
    assert [event.changes for event in submission("03549", "2024Q1").events.order_by("at", "pk")][1] == []


def test_import_resubmits_a_returned_report(phong_tho, tmp_path):
    path = write_csv(tmp_path / "so-lieu.csv", GOOD)
    run_import(path)
    Submission.objects.filter(unit__code="03549", period__code="2024Q1").update(status="returned")
    totals_refresh()  # written past the paths that keep the district's sums

    run_import(write_csv(tmp_path / "sua.csv", [("03549", "2024Q1", "MT1", 4, 4)]))

    commune = submission("03549", "2024Q1")
    assert commune.status == "submitted"
    assert commune.events.last().from_status == "returned"
    assert values_in_db()[("03549", "2024Q1", "MT1")] == (4, 4)


def test_xlsx_whole_floats_are_accepted_as_integers(phong_tho, tmp_path):
    """Spreadsheets may store 12 as the number literal "12.0"; openpyxl then reads a float."""
    path = write_xlsx(tmp_path / "so-lieu.xlsx", [("03549", "2024Q1", "MT3b", 12, 13)])
    rewrite_xlsx_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<v>12</v>", b"<v>12.0</v>").replace(b"<v>13</v>", b"<v>13.0</v>"),
    )
    assert b"<v>12.0</v>" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    run_import(path)

    value = Value.objects.get()
    assert (value.numerator, value.denominator) == (12, 13)
    assert type(value.numerator) is int


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_counts_are_read_the_vietnamese_way(phong_tho, tmp_path, fmt):
    path = write_file(tmp_path, fmt, [("03549", "2024Q1", "MT3b", " 1.500 ", "2.000.000")])

    run_import(path)

    value = Value.objects.get()
    assert (value.numerator, value.denominator) == (1500, 2_000_000)


def test_xlsx_float_with_fraction_is_refused(phong_tho, tmp_path):
    path = write_xlsx(tmp_path / "so-lieu.xlsx", [GOOD[0], ("03549", "2024Q1", "MT3b", 12.5, 13)])

    _, lines = refused_import(path)

    assert len(lines) == 1
    assert_contains_all(lines[0], ["Dòng 3:", "tử số “12.5”: Phải là số nguyên, không có phần thập phân."])
    assert_nothing_loaded()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("so-lieu.csv", csv_bytes(GOOD), id="comma"),
        pytest.param("so-lieu.csv", csv_bytes(GOOD, delimiter=";"), id="semicolon"),
        pytest.param("so-lieu.csv", csv_bytes(GOOD, delimiter="\t"), id="tab"),
        pytest.param("so-lieu.csv", csv_bytes(GOOD, encoding="utf-8-sig"), id="utf8-bom"),
        pytest.param("so-lieu.csv", csv_bytes(GOOD, delimiter=";", encoding="utf-8-sig"), id="bom-semicolon"),
        pytest.param("so-lieu.csv", csv_bytes(GOOD, lineterminator="\r\n"), id="crlf"),
        pytest.param("SO-LIEU.CSV", csv_bytes(GOOD), id="upper-case-extension"),
        pytest.param(
            "so-lieu.csv",
            csv_bytes(
                [(target, " Ghi chú ", den, num, unit, period) for unit, period, target, num, den in GOOD],
                header=(" Target", "ghi chú", "DENOMINATOR", "Numerator ", "unit", "period"),
            ),
            id="columns-in-any-order-with-extra-column",
        ),
        pytest.param(
            "so-lieu.csv",
            csv_bytes([(f" {unit} ", period, f"{target} ", f" {num}", den) for unit, period, target, num, den in GOOD]),
            id="spaces-around-cells",
        ),
    ],
)
def test_csv_variants_load(phong_tho, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)

    run_import(path)

    assert values_in_db() == GOOD_IN_DB


def test_programme_option_chooses_the_programme(phong_tho, tmp_path):
    path = write_csv(tmp_path / "so-lieu.csv", GOOD)

    run_import(path, "--programme", "phong-tho-2024")

    assert values_in_db() == GOOD_IN_DB


def test_unknown_programme_option_is_refused(phong_tho, tmp_path):
    path = write_csv(tmp_path / "so-lieu.csv", GOOD)

    message, _ = refused_import(path, "--programme", "khong-co-2024")

    assert_contains_all(message, ["Không có chương trình", "khong-co-2024"])
    assert_nothing_loaded()


def test_largest_storable_count_loads(phong_tho, tmp_path):
    """2 147 483 647 is the largest value every supported database stores in the value columns."""
    path = write_csv(tmp_path / "so-lieu.csv", [("03549", "2024Q1", "MT3b", 2147483647, 2147483647)])

    run_import(path)

    assert values_in_db() == {("03549", "2024Q1", "MT3b"): (2147483647, 2147483647)}


# --- bad rows: nothing loads, every bad row is named ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mixed_good_and_bad_rows_load_nothing_and_name_every_bad_row(phong_tho, tmp_path, fmt):
    rows = [
        GOOD[0],  # line 2
        ("99999", "2024Q1", "MT1", 1, 1),  # line 3: unknown unit
        GOOD[1],  # line 4
        ("03391", "2024Q1", "MT1", 5, 4),  # line 5: numerator above denominator
        GOOD[2],  # line 6
        ("109-CA", "2024Q1", "MT3b", 1, 1),  # line 7: not for armed forces
    ]
    path = write_file(tmp_path, fmt, rows)

    message, lines = refused_import(path)

    assert_contains_all(message, ["Không nhập dòng nào", "3 dòng lỗi"])
    assert [line.split(":", 1)[0] for line in lines] == ["Dòng 3", "Dòng 5", "Dòng 7"]
    assert_contains_all(lines[0], ["không có đơn vị", "99999"])
    assert_contains_all(lines[1], ["lớn hơn mẫu số"])
    assert_contains_all(lines[2], ["MT3b", "không áp dụng"])
    assert_nothing_loaded()


def test_refused_file_leaves_earlier_figures_untouched(phong_tho, tmp_path):
    run_import(write_csv(tmp_path / "lan-1.csv", GOOD))
    before = values_in_db()
    events = SubmissionEvent.objects.count()

    refused_import(
        write_csv(
            tmp_path / "lan-2.csv",
            [("03549", "2024Q1", "MT1", 4, 4), ("03391", "2024Q1", "MT1", 1, 1), ("03549", "2024Q1", "MT3b", 9, 1)],
        )
    )

    assert values_in_db() == before
    assert SubmissionEvent.objects.count() == events
    assert not Submission.objects.filter(unit__code="03391").exists()


BAD_ROWS = [
    # (id, the bad row, the words its message must contain)
    ("unknown-unit", ("99999", "2024Q1", "MT1", 1, 1), ["không có đơn vị", "99999"]),
    ("province-is-not-a-reporting-unit", ("12", "2024Q1", "MT1", 1, 1), ["đơn vị 12", "không thuộc địa bàn"]),
    ("district-itself-does-not-report", ("109", "2024Q1", "MT1", 1, 1), ["đơn vị 109", "không thuộc địa bàn"]),
    ("unknown-period", ("03549", "2024Q2", "MT1", 1, 1), ["không có kỳ báo cáo", "2024Q2"]),
    ("unknown-target", ("03549", "2024Q1", "MT9", 1, 1), ["không có chỉ tiêu", "MT9"]),
    (
        "numerator-with-decimals",
        ("03549", "2024Q1", "MT2", "1.5", 4),
        ["tử số “1.5”: Dấu chấm chỉ dùng để tách hàng nghìn"],
    ),
    ("denominator-not-a-number", ("03549", "2024Q1", "MT2", 1, "abc"), ["mẫu số “abc”: Phải là số nguyên"]),
    ("decimal-comma", ("03549", "2024Q1", "MT2", "1,000", 2000), ["tử số “1,000”: Dấu phẩy là dấu thập phân"]),
    ("decimal-comma-fraction", ("03549", "2024Q1", "MT2", 1, "12,5"), ["mẫu số “12,5”: Dấu phẩy là dấu thập phân"]),
    ("fullwidth-digits", ("03549", "2024Q1", "MT2", "１２３", 200), ["tử số “１２３”: Chỉ dùng chữ số 0–9."]),
    ("negative-numerator", ("03549", "2024Q1", "MT2", -1, 4), ["tử số “-1”: Không được là số âm."]),
    ("negative-denominator", ("03549", "2024Q1", "MT2", 0, -4), ["mẫu số “-4”: Không được là số âm."]),
    ("too-large-to-store", ("03549", "2024Q1", "MT2", 1, 2147483648), ["mẫu số", "quá lớn"]),
    ("numerator-above-denominator", ("03549", "2024Q1", "MT2", 5, 4), ["tử số (5) lớn hơn mẫu số (4)"]),
    ("target-not-for-armed-forces", ("109-CA", "2024Q1", "MT3b", 1, 1), ["MT3b", "không áp dụng", "Công an huyện"]),
    ("target-not-for-party-board", ("109-BDV", "2024Q1", "MT3b", 1, 1), ["MT3b", "không áp dụng", "Ban Dân vận"]),
    ("annual-target-in-quarter", ("03549", "2024Q1", "MT8", 1, 1), ["MT8", "chỉ báo cáo trong kỳ báo cáo năm"]),
    ("annual-target-in-six-months", ("03549", "2024S1", "MT4c", 1, 1), ["MT4c", "chỉ báo cáo trong kỳ báo cáo năm"]),
    ("derived-MT5a", ("03549", "2024", "MT5a", 1, 1), ["MT5a", "sổ mô hình", "không nhập số liệu"]),
    ("derived-MT5b", ("03549", "2024", "MT5b", 0, 1), ["MT5b", "sổ mô hình", "không nhập số liệu"]),
    ("duplicate-of-line-2", ("03549", "2024Q1", "MT1", 2, 4), ["trùng với dòng 2"]),
    ("missing-unit", ("", "2024Q1", "MT2", 1, 1), ["thiếu mã đơn vị"]),
    ("missing-period", ("03549", "", "MT2", 1, 1), ["thiếu mã kỳ"]),
    ("missing-target", ("03549", "2024Q1", "", 1, 1), ["thiếu mã chỉ tiêu"]),
    ("missing-numerator", ("03549", "2024Q1", "MT2", "", 4), ["thiếu tử số"]),
    ("missing-denominator", ("03549", "2024Q1", "MT2", 1, ""), ["thiếu mẫu số"]),
    ("short-row", ("03549", "2024Q1", "MT2"), ["thiếu tử số"]),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("bad_row", "words"), [pytest.param(row, words, id=id_) for id_, row, words in BAD_ROWS])
def test_each_bad_row_is_refused_with_its_line_and_reason(phong_tho, tmp_path, fmt, bad_row, words):
    path = write_file(tmp_path, fmt, [GOOD[0], bad_row])  # the good row is line 2, the bad one line 3

    message, lines = refused_import(path)

    assert_contains_all(message, ["Không nhập dòng nào", "1 dòng lỗi"])
    assert len(lines) == 1, lines
    assert lines[0].startswith("Dòng 3: ")
    assert_contains_all(lines[0], words)
    assert_nothing_loaded()


def test_row_for_an_approved_report_is_refused(phong_tho, tmp_path):
    run_import(write_csv(tmp_path / "lan-1.csv", GOOD))
    Submission.objects.filter(unit__code="03549", period__code="2024Q1").update(status="approved")
    totals_refresh()  # written past the paths that keep the district's sums
    before = values_in_db()
    events = SubmissionEvent.objects.count()

    message, lines = refused_import(
        write_csv(tmp_path / "lan-2.csv", [("03549", "2024Q1", "MT1", 4, 4), ("03391", "2024Q1", "MT1", 1, 1)])
    )

    assert_contains_all(message, ["1 dòng lỗi"])
    assert len(lines) == 1
    assert_contains_all(lines[0], ["Dòng 2:", "Thị trấn Phong Thổ", "2024Q1", "đã được duyệt", "mở lại"])
    assert values_in_db() == before
    assert SubmissionEvent.objects.count() == events
    assert submission("03549", "2024Q1").status == "approved"
    assert not Submission.objects.filter(unit__code="03391").exists()


def test_approval_locks_only_that_period(phong_tho, tmp_path):
    run_import(write_csv(tmp_path / "lan-1.csv", GOOD))
    Submission.objects.filter(unit__code="03549", period__code="2024Q1").update(status="approved")
    totals_refresh()  # written past the paths that keep the district's sums

    run_import(write_csv(tmp_path / "lan-2.csv", [("03549", "2024S1", "MT1", 4, 4)]))

    assert submission("03549", "2024S1").status == "submitted"
    assert values_in_db()[("03549", "2024S1", "MT1")] == (4, 4)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_lines_are_skipped_but_line_numbers_match_the_sheet(phong_tho, tmp_path, fmt):
    rows = [
        GOOD[0],  # line 2
        BLANK,  # line 3
        ("", "", "", "", "") if fmt == "xlsx" else (" ", "", " ", "", ""),  # line 4: only empty cells
        ("99999", "2024Q1", "MT1", 1, 1),  # line 5
        GOOD[1],  # line 6
        BLANK,  # line 7
        ("03549", "2024Q1", "MT2", 3, 2),  # line 8
    ]
    path = write_file(tmp_path, fmt, rows)

    message, lines = refused_import(path)

    assert "2 dòng lỗi" in message
    assert [line.split(":", 1)[0] for line in lines] == ["Dòng 5", "Dòng 8"]
    assert_nothing_loaded()

    fixed = [row for row in rows if row not in (("99999", "2024Q1", "MT1", 1, 1), ("03549", "2024Q1", "MT2", 3, 2))]
    write_file(tmp_path, fmt, fixed)
    assert "Đã nhập 2 dòng vào 1 báo cáo" in run_import(path)
    assert values_in_db() == {key: value for key, value in GOOD_IN_DB.items() if key[0] == "03549"}


# --- files refused as a whole --------------------------------------------------------------------------------


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WHOLE_FILE_REFUSALS = [
    # (id, file name, bytes, the words the message must contain)
    (
        "csv-missing-denominator-column",
        "so-lieu.csv",
        csv_bytes([row[:4] for row in GOOD], header=HEADER[:4]),
        ["Thiếu cột: denominator", "unit, period, target, numerator, denominator"],
    ),
    (
        "csv-vietnamese-column-names",
        "so-lieu.csv",
        csv_bytes(GOOD, header=("đơn vị", "kỳ", "chỉ tiêu", "tử số", "mẫu số")),
        ["Thiếu cột: unit, period, target, numerator, denominator"],
    ),
    (
        "csv-without-header",
        "so-lieu.csv",
        csv_bytes(GOOD, header=None),
        ["Thiếu cột"],
    ),
    (
        "xlsx-missing-numerator-column",
        "so-lieu.xlsx",
        xlsx_bytes([(u, p, t, d) for u, p, t, _, d in GOOD], header=("unit", "period", "target", "denominator")),
        ["Thiếu cột: numerator"],
    ),
    ("empty-csv", "so-lieu.csv", b"", ["Tệp trống"]),
    (
        "csv-in-cp1258",
        "so-lieu.csv",
        csv_bytes([(*GOOD[0], "Công an")], header=(*HEADER, "ghi chú"), encoding="cp1258"),
        ["UTF-8"],
    ),
    (
        "csv-in-latin-1",
        "so-lieu.csv",
        csv_bytes([(*GOOD[0], "Café")], header=(*HEADER, "note"), encoding="latin-1"),
        ["UTF-8"],
    ),
    ("csv-in-utf-16", "so-lieu.csv", csv_bytes(GOOD, encoding="utf-16"), ["UTF-8"]),
    ("xlsx-random-bytes", "so-lieu.xlsx", bytes(range(256)) * 8, ["Không đọc được tệp Excel", "bị hỏng"]),
    ("xlsx-empty", "so-lieu.xlsx", b"", ["Không đọc được tệp Excel"]),
    ("xlsx-that-is-a-csv", "so-lieu.xlsx", csv_bytes(GOOD), ["Không đọc được tệp Excel"]),
    ("xlsx-zip-without-workbook", "so-lieu.xlsx", _zip_bytes({"hello.txt": b"xin chao"}), ["Không đọc được"]),
    ("xlsx-truncated", "so-lieu.xlsx", xlsx_bytes(GOOD)[:2000], ["Không đọc được tệp Excel"]),
    ("wrong-extension-txt", "so-lieu.txt", csv_bytes(GOOD), ["đuôi .csv hoặc .xlsx"]),
    ("old-excel-xls", "so-lieu.xls", xlsx_bytes(GOOD), ["đuôi .csv hoặc .xlsx"]),
    ("no-extension", "so-lieu", csv_bytes(GOOD), ["đuôi .csv hoặc .xlsx"]),
]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [pytest.param(name, data, words, id=id_) for id_, name, data, words in WHOLE_FILE_REFUSALS],
)
def test_unreadable_file_is_refused_as_a_whole(phong_tho, tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)

    message, lines = refused_import(path)

    assert message.startswith(f"{name}: ")
    assert_contains_all(message, words)
    assert lines == []
    assert_nothing_loaded()


def test_missing_file_is_refused(phong_tho, tmp_path):
    message, lines = refused_import(tmp_path / "khong-co.csv")

    assert_contains_all(message, ["Không mở được tệp", "khong-co.csv"])
    assert lines == []
    assert_nothing_loaded()


@pytest.mark.parametrize("damage", ["corrupt-compressed-sheet", "malformed-content-types"])
def test_damaged_xlsx_is_refused_clearly(phong_tho, tmp_path, damage):
    path = write_xlsx(tmp_path / "so-lieu.xlsx", [*GOOD] * 10)
    if damage == "corrupt-compressed-sheet":
        damage_compressed_sheet(path)
    else:
        rewrite_xlsx_part(path, "[Content_Types].xml", lambda xml: xml[: len(xml) // 2])

    message, _ = refused_import(path)

    assert_contains_all(message, ["Không đọc được tệp Excel"])
    assert_nothing_loaded()


# --- exit status from the shell ------------------------------------------------------------------------------


@pytest.fixture
def keep_test_connection(monkeypatch):
    """``run_from_argv`` closes every connection when a command ends; the test's transaction must survive."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_bad_file_exits_non_zero_from_the_command_line(phong_tho, tmp_path, capsys, keep_test_connection):
    path = write_csv(tmp_path / "so-lieu.csv", [GOOD[0], ("03549", "2024Q1", "MT2", 5, 4)])

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_values", str(path)])

    assert exited.value.code not in (0, None)
    err = capsys.readouterr().err
    assert_contains_all(err, ["Dòng 3:", "lớn hơn mẫu số", "CommandError", "Không nhập dòng nào"])
    assert_nothing_loaded()


def test_good_file_exits_zero_from_the_command_line(phong_tho, tmp_path, capsys, keep_test_connection):
    path = write_csv(tmp_path / "so-lieu.csv", GOOD)

    execute_from_command_line(["manage.py", "import_values", str(path)])  # no SystemExit: status 0

    assert "Đã nhập 3 dòng" in capsys.readouterr().out
    assert values_in_db() == GOOD_IN_DB


def _database_url_of_test_database() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="a separate process can see the test database only on PostgreSQL (SQLite's is in memory)",
)
@pytest.mark.django_db(transaction=True)
def test_shell_exit_status_in_a_separate_process(phong_tho, tmp_path):
    def manage(path: Path) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": _database_url_of_test_database()}
        return subprocess.run(
            [sys.executable, "manage.py", "import_values", str(path)],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = manage(write_csv(tmp_path / "tot.csv", GOOD))
    assert good.returncode == 0, good.stderr
    assert values_in_db() == GOOD_IN_DB  # the process wrote to this test database

    bad = manage(write_csv(tmp_path / "loi.csv", [("03391", "2024Q1", "MT1", 1, 1), ("03391", "2024Q1", "MT8", 1, 1)]))
    assert bad.returncode != 0
    assert_contains_all(bad.stderr, ["Dòng 3:", "MT8"])
    assert values_in_db() == GOOD_IN_DB
    assert not Submission.objects.filter(unit__code="03391").exists()
