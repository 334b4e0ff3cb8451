"""Texts of the reports carried by an import file (``import_values`` and the bulk upload): a row with a section
(a task group's number, or shortcomings, next_steps, proposals) and its text, beside the rows of figures.

On the shipped fixtures "03549" is a commune (it writes the four task groups), "109-MTTQ" the district's Front
(groups 3 and 4 only).
"""

import pytest

from reporting.models import Narrative, Submission
from tests.test_import_values import assert_nothing_loaded, refused_import, run_import, write_file

HEADER = ("unit", "period", "target", "numerator", "denominator", "category", "section", "text")
LONG = "Nội dung. " * 2_001  # 20 009 characters once its last space is stripped: over the limit of 20 000


def row(unit, section, text, *, target="", numerator="", denominator="", period="2024Q1"):
    return (unit, period, target, numerator, denominator, "", section, text)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_texts_come_in_beside_the_figures(phong_tho, tmp_path, fmt):
    rows = [
        ("03549", "2024Q1", "MT1", 3, 4, "", "", ""),
        row("03549", "1", "Đã quán triệt Chương trình đến 12 chi bộ.\nTổ chức 3 hội nghị."),
        row("03549", "shortcomings", "Một số thôn báo cáo chậm."),
        row("109-MTTQ", "3", "Kết nạp 120 hội viên mới."),  # a report with texts only
    ]
    out = run_import(write_file(tmp_path, fmt, rows, header=HEADER))
    assert "2 báo cáo" in out
    town = Submission.objects.get(unit__code="03549", period__code="2024Q1")
    assert (
        town.narratives.get(task_group__number=1).text
        == "Đã quán triệt Chương trình đến 12 chi bộ.\nTổ chức 3 hội nghị."
    )
    assert (town.shortcomings, town.next_steps) == ("Một số thôn báo cáo chậm.", "")
    assert town.values.get(target__code="MT1").numerator == 3
    changes = town.events.latest("pk").changes
    assert any(change.get("text") == "group_1" for change in changes)  # in the report's history
    front = Submission.objects.get(unit__code="109-MTTQ")
    assert front.status == "submitted" and front.narratives.get().text == "Kết nạp 120 hội viên mới."


def test_a_text_left_out_of_the_file_stays_as_it_was(phong_tho, tmp_path):
    run_import(
        write_file(
            tmp_path,
            "csv",
            [row("03549", "2", "Tiếp 40 lượt công dân."), row("03549", "proposals", "Không.")],
            header=HEADER,
        )
    )
    run_import(
        write_file(tmp_path, "csv", [row("03549", "proposals", "Đề nghị tập huấn.")], name="lan-2", header=HEADER)
    )
    town = Submission.objects.get(unit__code="03549")
    assert town.narratives.get(task_group__number=2).text == "Tiếp 40 lượt công dân."
    assert town.proposals == "Đề nghị tập huấn."


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row("109-MTTQ", "1", "Quán triệt."), "Dòng 3: nhóm nhiệm vụ 1 không áp dụng cho mặt trận tổ quốc và đoàn thể"),
        (row("03549", "9", "Nhóm lạ."), "Dòng 3: không có mục “9” (cột section nhận: 1, 2, 3, 4, shortcomings"),
        (row("03549", "han-che", "Hạn chế."), "Dòng 3: không có mục “han-che”"),
        (row("03549", "1", "  "), "Dòng 3: thiếu nội dung ở cột text"),
        (row("03549", "1", LONG), "Dòng 3: nội dung dài tối đa 20.000 ký tự (đang có 20.009)"),  # stripped
        (row("03549", "1", "Có cả số.", target="MT1", numerator=1, denominator=2), "để trống cột target, numerator"),
        (row("03549", "2", "Lặp lại."), "Dòng 3: trùng với dòng 2 (cùng đơn vị, kỳ và mục)"),
    ],
)
def test_a_bad_text_row_refuses_the_whole_file_naming_the_row(phong_tho, tmp_path, bad, message):
    rows = [row("03549", "2", "Tiếp 40 lượt công dân."), bad]
    _, lines = refused_import(write_file(tmp_path, "csv", rows, header=HEADER))
    assert any(message in line for line in lines), lines
    assert_nothing_loaded()
    assert not Narrative.objects.exists()


def test_the_documented_columns_alone_still_load(phong_tho, tmp_path):
    rows = [("03549", "2024Q1", "MT1", 3, 4)]
    run_import(write_file(tmp_path, "csv", rows))
    assert Submission.objects.get().values.get().numerator == 3
