"""The official report as a DOCX Party document (Hướng dẫn 36-HD/VPTW), read back with python-docx.

Reports are filed through the real services: two communes submit full reports with their narratives, other
units' figures come from ``import_values`` (reports without a narrative), and one commune keeps a draft.
"""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from accounts.roles import Role
from programme.documents import programme_letterhead
from programme.formatting import vn_number, vn_percent
from programme.models import Period, Programme, TaskGroup, Unit, UnitDocument, UnitKind
from reporting.models import Submission
from reporting.official_report import build_official_report, period_phrase, report_subject
from reporting.selectors.compliance import district_compliance
from reporting.selectors.reports import report_sheet
from reporting.selectors.series import period_short_name
from reporting.services import Content, submission_approve, submission_save
from reporting.totals import totals_refresh
from reporting.views.exports import CONTENT_TYPES
from tests.addresses import programme_reverse
from tests.factories import make_user, total_figures, work_in
from tests.test_error_pages import assert_error_page
from tests.test_exports import district_with_reports, load_values

HTML = "Tổ chức <b>đậm</b> & <script>alert('x')</script> cho 1.250 lượt người"
IMPORTED = [
    ("109-CA", "2024", "MT1", 5, 5),
    ("109-DBCQ", "2024", "MT1", 0, 0),
    ("03490", "2024", "MT6", 45, 50),
]
FIGURES = {
    # unit → target → (numerator, denominator); every other typed target 0/0 ("not applicable here")
    "03549": {"MT1": (10, 10), "MT3b": (9_999, 10_000), "MT4a": (2, 3), "MT6": (50, 50), "MT8": (20, 20)},
    "03391": {"MT1": (8, 10), "MT6": (31, 40), "MT8": (19, 20)},
}
DATE = datetime.date(2025, 2, 5)


def file_report(user, unit: Unit, period: Period, *, texts: dict, submit: bool = True):
    """The officer fills in the whole report (figures and narrative) and submits it."""
    sheet = report_sheet(unit, period)
    wanted = FIGURES.get(unit.code, {})
    figures = {t: total_figures(t, *wanted.get(t.code, (0, 0))) for t in sheet.typed_targets}
    groups = sheet.task_groups
    content = Content(
        figures=figures,
        narratives={g: texts.get(g.number, f"Nhóm {g.number}: {unit.name} đã triển khai.") for g in groups},
        shortcomings=texts.get("shortcomings", f"Hạn chế của {unit.name}."),
        next_steps=texts.get("next_steps", f"Phương hướng của {unit.name}."),
        proposals=texts.get("proposals", f"Đề xuất của {unit.name}."),
    )
    return submission_save(user=user, unit=unit, period=period, version=None, content=content, submit=submit)


@pytest.fixture
def reported(phong_tho, period_2024, officer, commune, tmp_path):
    """03549 and 03391 file their 2024 reports; 109-CA, 109-DBCQ and 03490 are imported; 03550 keeps a draft."""
    load_values(tmp_path, IMPORTED)
    file_report(officer, commune, period_2024, texts={1: "Tổ chức 12 hội nghị.\nPhối hợp với Mặt trận.", 3: HTML})
    other = Unit.objects.get(code="03391")
    file_report(make_user("canbo2", Role.OFFICER, unit=other), other, period_2024, texts={})
    draft = Unit.objects.get(code="03550")
    file_report(
        make_user("canbo3", Role.OFFICER, unit=draft), draft, period_2024, texts={1: "NHÁP CHƯA NỘP"}, submit=False
    )
    return period_2024


def read(content: bytes):
    return Document(io.BytesIO(content))


def lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def run(paragraph, text: str):
    return next(r for r in paragraph.runs if r.text == text)


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def section_of(document, heading: str, following: str) -> list[str]:
    texts = paragraphs(document)
    return texts[texts.index(heading) + 1 : texts.index(following)]


# --- the page and the header ---------------------------------------------------------------------------------


def test_page_is_a4_with_the_party_margins_and_times_new_roman(reported):
    document = read(build_official_report(reported, number="12", report_date=DATE))

    section = document.sections[0]
    # stored in twentieths of a point, so compared to the tenth of a millimetre
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
    assert (round(section.top_margin.mm, 1), round(section.bottom_margin.mm, 1)) == (25, 25)
    assert (round(section.left_margin.mm, 1), round(section.right_margin.mm, 1)) == (35, 15)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{s}") for s in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }


def test_header_block(reported):
    document = read(build_official_report(reported, number="12", report_date=DATE))

    header = document.tables[0]
    assert lines(header.cell(0, 0)) == ["HUYỆN ỦY PHONG THỔ", "BAN DÂN VẬN", "*"]
    authority, office = header.cell(0, 0).paragraphs[:2]
    assert not run(authority, "HUYỆN ỦY PHONG THỔ").bold
    assert run(office, "BAN DÂN VẬN").bold
    assert header.cell(1, 0).text == "Số 12-BC/BDVHU"
    party = run(header.cell(0, 1).paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.bold and party.underline and party.font.size == Pt(15)
    place = run(header.cell(1, 1).paragraphs[0], "Phong Thổ, ngày 05 tháng 02 năm 2025")
    assert place.italic
    borders = header._tbl.tblPr.find(f"{{{header._tbl.nsmap['w']}}}tblBorders")
    assert borders is not None and all(edge.get(f"{{{header._tbl.nsmap['w']}}}val") == "nil" for edge in borders)


def test_without_a_number_the_line_leaves_room_to_write_it(reported):
    document = read(build_official_report(reported, report_date=datetime.date(2024, 12, 9)))
    assert document.tables[0].cell(1, 0).text == "Số      -BC/BDVHU"
    assert document.tables[0].cell(1, 1).text == "Phong Thổ, ngày 09 tháng 12 năm 2024"


def test_date_defaults_to_today(reported):
    today = timezone.localdate()
    document = read(build_official_report(reported))
    assert document.tables[0].cell(1, 1).text == f"Phong Thổ, ngày {today:%d} tháng {today:%m} năm {today.year}"


def test_header_and_signature_are_the_reviewing_units_own(reported):
    """The report is a document of the body that reviews the units, headed and signed as its own documents are:
    its kind's style with its UnitDocument; the programme holds only the place and the recipients."""
    ban = Unit.objects.get(code="109-BDV")
    UnitDocument.objects.filter(unit=ban).update(
        superior="TỈNH ỦY LAI CHÂU", issuing="BAN DÂN VẬN", symbol="BC/BDVTU", signer_name="Lò Văn Thử"
    )
    Programme.objects.filter(pk=reported.programme_id).update(
        report_place="Lai Châu", report_recipients="- Ban Thường vụ Tỉnh ủy (b/c);\n- Lưu VT."
    )
    period = Period.objects.select_related("programme__area").get(pk=reported.pk)
    document = read(build_official_report(period, number="7", report_date=DATE))

    assert lines(document.tables[0].cell(0, 0))[:2] == ["TỈNH ỦY LAI CHÂU", "BAN DÂN VẬN"]
    assert document.tables[0].cell(1, 0).text == "Số 7-BC/BDVTU"
    assert document.tables[0].cell(1, 1).text == "Lai Châu, ngày 05 tháng 02 năm 2025"
    assert lines(document.tables[-1].cell(0, 0)) == ["Nơi nhận:", "- Ban Thường vụ Tỉnh ủy (b/c);", "- Lưu VT."]
    assert lines(document.tables[-1].cell(0, 1))[-1] == "Lò Văn Thử"


def test_another_reviewing_unit_heads_the_report_with_its_own_lines(reported):
    Programme.objects.filter(pk=reported.programme_id).update(reviewing_unit=Unit.objects.get(code="109-UBKT"))
    period = Period.objects.select_related("programme__area").get(pk=reported.pk)

    document = read(build_official_report(period, report_date=DATE))

    assert lines(document.tables[0].cell(0, 0))[:2] == ["HUYỆN ỦY PHONG THỔ", "ỦY BAN KIỂM TRA"]
    assert document.tables[0].cell(1, 0).text == "Số      -BC/UBKTHU"
    assert lines(document.tables[-1].cell(0, 1))[:2] == ["T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM"]


def test_without_a_reviewing_unit_the_areas_own_body_heads_the_report(phong_tho):
    commune = Unit.objects.get(code="03583")  # a commune's own programme: its Đảng ủy reviews and reports

    head = programme_letterhead(Programme(code="khong-lao-2024", year=2024, area=commune))

    assert (head.superior, head.issuing, head.symbol) == (
        ("ĐẢNG BỘ HUYỆN PHONG THỔ",),
        ("ĐẢNG ỦY XÃ KHỔNG LÀO",),
        "BC/ĐU",
    )
    assert head.signature == ("T/M ĐẢNG ỦY", "BÍ THƯ")


def test_the_reviewing_unit_must_be_the_area_or_under_it(phong_tho):
    phong_tho.reviewing_unit = Unit.objects.exclude(path__startswith=phong_tho.area.path).first()
    assert phong_tho.reviewing_unit is not None
    with pytest.raises(ValidationError) as refused:
        phong_tho.full_clean()
    assert "reviewing_unit" in refused.value.message_dict
    phong_tho.reviewing_unit = Unit.objects.get(code="109-BDV")
    phong_tho.full_clean()


# --- title and subject ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("2024Q1", "quý I năm 2024"),
        ("2024S1", "6 tháng đầu năm 2024"),
        ("2024Q3", "9 tháng năm 2024"),
        ("2024", "năm 2024"),
    ],
)
def test_title_and_subject_name_the_period(phong_tho, code, phrase):
    period = Period.objects.select_related("programme__area").get(programme=phong_tho, code=code)
    document = read(build_official_report(period, report_date=DATE))

    texts = paragraphs(document)
    title = document.paragraphs[texts.index("BÁO CÁO")]
    assert run(title, "BÁO CÁO").bold and Pt(15) <= run(title, "BÁO CÁO").font.size <= Pt(16)
    subject = document.paragraphs[texts.index("BÁO CÁO") + 1]
    assert subject.text == f"Kết quả thực hiện Chương trình công tác dân vận {phrase}"
    assert subject.runs[0].bold


def test_period_names_are_data_not_computed_from_dates():
    programme = Programme(year=2031, title="Chương trình công tác dân vận năm 2031")
    cases = [
        ("Quý I năm 2031", "quý I năm 2031"),
        ("6 tháng đầu năm 2031", "6 tháng đầu năm 2031"),
        ("9 tháng năm 2031", "9 tháng năm 2031"),
        ("Năm 2031", "năm 2031"),
    ]
    for name, phrase in cases:
        # the dates say nothing of the name: a cut-off period starts on 15 December of the year before
        period = Period(
            programme=programme, name=name, start=datetime.date(2030, 12, 15), end=datetime.date(2031, 6, 14)
        )
        assert period_phrase(period) == phrase
        assert report_subject(period) == f"Kết quả thực hiện Chương trình công tác dân vận {phrase}"


def test_a_cut_off_period_is_titled_by_its_name(phong_tho):
    """A 6-month period from 15/12/2023 to 14/06/2024 is the "6 tháng đầu năm 2024" report, in the DOCX and
    on the charts, though its months, counted from its dates, are seven."""
    s1 = Period.objects.get(programme=phong_tho, code="2024S1")
    s1.start, s1.end, s1.due = datetime.date(2023, 12, 15), datetime.date(2024, 6, 14), datetime.date(2024, 6, 20)
    s1.save()
    totals_refresh(periods=Period.objects.filter(pk=s1.pk).select_related("programme"))
    assert (s1.name, s1.short_name) == ("6 tháng đầu năm 2024", "6T")
    texts = paragraphs(read(build_official_report(s1)))
    subject = texts[texts.index("BÁO CÁO") + 1]
    assert subject == "Kết quả thực hiện Chương trình công tác dân vận 6 tháng đầu năm 2024"
    assert period_short_name(s1) == "6T"


# --- section I: narratives, the targets table, completeness --------------------------------------------------


def test_targets_table_has_the_district_figures_in_vietnamese_format(reported):
    document = read(build_official_report(reported, report_date=DATE))

    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "Chỉ tiêu",
        "Yêu cầu",
        "Kết quả",
        "Đánh giá",
        "Đơn vị đạt/ báo cáo/ phải báo cáo",
    ]
    body = {row.cells[0].text.split(".")[0]: [c.text for c in row.cells] for row in table.rows[1:]}
    report = district_compliance(reported)
    assert list(body) == [target.code for target, _ in report.rows]
    for target, result in report.rows:
        figure = f"{vn_percent(result.percent)} ({vn_number(result.numerator)}/{vn_number(result.denominator)})"
        assert body[target.code][2] == ("—" if result.percent is None else figure)
        assert body[target.code][3].startswith(result.status_label)
        assert body[target.code][4] == f"{result.units_meeting}/{result.units_reporting}/{result.units_expected}"
    # by hand: MT1 03549 10/10 + 03391 8/10 + 109-CA 5/5 = 23/25 (109-DBCQ 0/0 drops out); 2 units meet
    # The report is dated after the due date (05/01/2025): the units still missing are named beside the verdict,
    # the first five in the tree's order, the others counted. MT1 applies to 17 communes + 2 party organisations
    # + 5 armed forces = 24 units; 109-DBCQ said 0/0, so 23 expected, 3 reported, 20 missing: 03490 (its file had
    # MT6 only), 03550 (a draft), then every commune after them, 109-DBCCQD and the armed forces but 109-CA.
    missing_mt1 = "Xã Huổi Luông, Xã Sì Lở Lầu, Xã Mồ Sì San, Xã Pa Vây Sử, Xã Vàng Ma Chải và 15 đơn vị khác"
    assert body["MT1"][1:] == [
        "≥ 100%",
        "92,00% (23/25)",
        f"Chưa đạt (3/23 đơn vị đã báo cáo; chưa báo cáo: {missing_mt1})",
        "2/3/23",
    ]
    # MT3b: 9 999/10 000 is 99,99%, not a rounded "100,00%" that would look met; 03391 said 0/0: 1 of 16
    assert body["MT3b"][1:3] == ["≥ 100%", "99,99% (9.999/10.000)"]
    assert body["MT3b"][3].startswith("Chưa đạt (1/16 đơn vị đã báo cáo; chưa báo cáo: Xã Huổi Luông, ")
    # MT6 > 90: 50/50 + 31/40 + 45/50 = 126/140 = 90,00% exactly → not "trên 90%"; 3 of the 17 communes reported
    missing_mt6 = "Xã Sì Lở Lầu, Xã Mồ Sì San, Xã Pa Vây Sử, Xã Vàng Ma Chải, Xã Tông Qua Lìn và 9 đơn vị khác"
    assert body["MT6"][1:] == [
        "> 90%",
        "90,00% (126/140)",
        f"Chưa đạt (3/17 đơn vị đã báo cáo; chưa báo cáo: {missing_mt6})",
        "1/3/17",
    ]
    assert body["MT8"][1:3] == ["> 95%", "97,50% (39/40)"]
    assert body["MT8"][3].startswith("Đạt (2/17 đơn vị đã báo cáo; chưa báo cáo: Xã Huổi Luông, Xã Sì Lở Lầu, ")
    assert body["MT2"][2] == "—"
    assert body["MT2"][3].startswith("Chưa có số liệu (0/48 đơn vị đã báo cáo; chưa báo cáo: ")


@pytest.mark.parametrize(
    "day, verdict",
    [
        (datetime.date(2025, 1, 5), "Chưa đạt (3/17 đơn vị đã báo cáo)"),  # the due day: still provisional
        (datetime.date(2025, 1, 6), "Chưa đạt (3/17 đơn vị đã báo cáo; chưa báo cáo: Xã Sì Lở Lầu, "),
    ],
)
def test_a_verdict_with_units_missing_is_provisional_until_the_due_date_and_names_them_after(reported, day, verdict):
    table = read(build_official_report(reported, report_date=day)).tables[1]
    mt6 = next(row for row in table.rows if row.cells[0].text.startswith("MT6."))
    assert mt6.cells[3].text.startswith(verdict)
    assert ("chưa báo cáo" in mt6.cells[3].text) == (day > reported.due)


def test_completeness_sentence(reported):
    document = read(build_official_report(reported, report_date=DATE))
    # 50 reporting units; submitted: 03549, 03391 (by officers, late: 2024's due date is past) and the three
    # imported ones (109-CA, 109-DBCQ, 03490); 03550's draft is missing
    assert (
        f"Có {vn_number(50)} đơn vị phải báo cáo; 5 đơn vị đã nộp báo cáo (0 đúng hạn, 5 muộn), 45 đơn vị chưa nộp; "
        "0 báo cáo đã được duyệt."
    ) in paragraphs(document)


def test_task_groups_compile_the_units_narratives_under_their_names(reported):
    document = read(build_official_report(reported, report_date=DATE))
    groups = list(reported.programme.task_groups.order_by("number"))
    headings = [f"{g.number}. {g.title}" for g in groups]

    first = section_of(document, headings[0], headings[1])
    assert first == [
        "Thị trấn Phong Thổ: Tổ chức 12 hội nghị.",
        "Phối hợp với Mặt trận.",
        "Xã Lả Nhì Thàng: Nhóm 1: Xã Lả Nhì Thàng đã triển khai.",
    ]
    lead = document.paragraphs[paragraphs(document).index(first[0])]
    assert run(lead, "Thị trấn Phong Thổ: ").bold and not run(lead, "Tổ chức 12 hội nghị.").bold
    assert "NHÁP CHƯA NỘP" not in "\n".join(paragraphs(document))  # a draft does not count
    assert "Công an huyện" not in "\n".join(first)  # imported reports carry no narrative: skipped
    assert document.paragraphs[paragraphs(document).index(headings[0])].runs[0].bold


def test_html_in_a_narrative_appears_literally(reported):
    content = build_official_report(reported, report_date=DATE)
    document = read(content)

    assert f"Thị trấn Phong Thổ: {HTML}" in paragraphs(document)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in xml
    assert "<script>" not in xml and "<b>" not in xml


def test_characters_xml_cannot_hold_do_not_break_the_report(phong_tho, officer, commune):
    period = Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024S1")
    # Control characters a database stores but XML cannot hold (NUL never gets this far: forms refuse it).
    file_report(officer, commune, period, texts={1: "Dòng\x0bcó ký tự lạ\x1f"})
    document = read(build_official_report(period, report_date=DATE))
    assert "Thị trấn Phong Thổ: Dòngcó ký tự lạ" in paragraphs(document)


def test_sections_two_to_four(reported):
    document = read(build_official_report(reported, report_date=DATE))
    headings = ["II. HẠN CHẾ, NGUYÊN NHÂN", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "IV. ĐỀ XUẤT, KIẾN NGHỊ"]
    texts = paragraphs(document)
    assert "I. KẾT QUẢ THỰC HIỆN" in texts
    assert texts.index("I. KẾT QUẢ THỰC HIỆN") < texts.index(headings[0]) < texts.index(headings[1])

    assert section_of(document, headings[0], headings[1]) == [
        "Thị trấn Phong Thổ: Hạn chế của Thị trấn Phong Thổ.",
        "Xã Lả Nhì Thàng: Hạn chế của Xã Lả Nhì Thàng.",
    ]
    assert section_of(document, headings[1], headings[2]) == [
        "Thị trấn Phong Thổ: Phương hướng của Thị trấn Phong Thổ.",
        "Xã Lả Nhì Thàng: Phương hướng của Xã Lả Nhì Thàng.",
    ]
    assert texts[texts.index(headings[2]) + 1] == "Thị trấn Phong Thổ: Đề xuất của Thị trấn Phong Thổ."


def test_approved_only_compiles_only_approved_reports(reported, reviewer):
    approved = reported.submissions.get(unit__code="03549")
    submission_approve(user=reviewer, submission=approved, version=approved.version)

    document = read(build_official_report(reported, approved_only=True, report_date=DATE))

    text = "\n".join(paragraphs(document))
    assert "Thị trấn Phong Thổ: Hạn chế" in text and "Xã Lả Nhì Thàng:" not in text
    mt1 = next(row for row in document.tables[1].rows if row.cells[0].text.startswith("MT1."))
    assert mt1.cells[2].text == "100,00% (10/10)"
    assert "Số liệu tổng hợp từ các báo cáo đã được duyệt" in text


# --- the signature block -------------------------------------------------------------------------------------


def test_head_signs_as_truong_ban_with_the_recipients_list(reported):
    document = read(build_official_report(reported, report_date=DATE))

    signature = document.tables[-1]
    received = signature.cell(0, 0)
    assert lines(received) == [
        "Nơi nhận:",
        "- Thường trực Huyện ủy (b/c),",
        "- Ban Dân vận Tỉnh ủy (b/c),",
        "- Các đồng chí Ủy viên BTV Huyện ủy,",
        "- Lưu BDVHU.",
    ]
    label = run(received.paragraphs[0], "Nơi nhận:")  # the Party's form (Hướng dẫn 36-HD/VPTW): underlined, 14 pt
    assert label.underline and not label.bold and not label.italic and label.font.size == Pt(14)
    assert run(received.paragraphs[1], "- Thường trực Huyện ủy (b/c),").font.size == Pt(12)
    signer = lines(signature.cell(0, 1))
    assert signer[0] == "TRƯỞNG BAN" and "PHÓ TRƯỞNG BAN" not in signer
    assert signer[-1] == ""  # no name in the data: left blank for a hand signature


def test_deputy_signs_for_the_head(reported):
    UnitDocument.objects.filter(unit__code="109-BDV").update(
        signature="K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", signer_name="Lò Văn Thử"
    )
    period = Period.objects.select_related("programme__area").get(pk=reported.pk)

    signer = read(build_official_report(period, report_date=DATE)).tables[-1].cell(0, 1)

    assert lines(signer)[:2] == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]
    assert lines(signer)[-1] == "Lò Văn Thử"
    assert run(signer.paragraphs[-1], "Lò Văn Thử").bold


# --- the command ---------------------------------------------------------------------------------------------


def test_command_writes_the_file(reported, tmp_path):
    output = tmp_path / "bao-cao.docx"
    out = io.StringIO()

    call_command(
        "official_report", "2024", "--output", str(output), "--number", "12", "--date", "2025-02-05", stdout=out
    )

    document = read(output.read_bytes())
    assert document.tables[0].cell(1, 0).text == "Số 12-BC/BDVHU"
    assert document.tables[0].cell(1, 1).text == "Phong Thổ, ngày 05 tháng 02 năm 2025"
    assert "Đã ghi báo cáo Năm 2024" in out.getvalue()


def test_command_approved_only_and_programme(reported, reviewer, tmp_path):
    approved = reported.submissions.get(unit__code="03549")
    submission_approve(user=reviewer, submission=approved, version=approved.version)
    output = tmp_path / "da-duyet.docx"

    call_command(
        "official_report", "2024", "--output", str(output), "--approved-only", "--programme", "phong-tho-2024",
        stdout=io.StringIO(),
    )  # fmt: skip

    assert "Xã Lả Nhì Thàng:" not in "\n".join(paragraphs(read(output.read_bytes())))


@pytest.mark.parametrize("period", ["2023", "2025Q1", "khong-co"])
def test_command_refuses_an_unknown_period(phong_tho, tmp_path, period):
    output = tmp_path / "x.docx"
    with pytest.raises(CommandError) as refused:
        call_command("official_report", period, "--output", str(output))
    assert str(refused.value) == f"Không có kỳ báo cáo mã “{period}”."
    assert not output.exists()


def test_command_refuses_a_bad_date(phong_tho, tmp_path):
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("official_report", "2024", "--output", str(tmp_path / "x.docx"), "--date", "05/02/2025")


# --- the web downloads ---------------------------------------------------------------------------------------


def test_reviewer_downloads_the_district_report(client, reviewer, reported):
    client.force_login(reviewer)

    response = client.get(programme_reverse("official_report", args=[reported.id]), {"so": "12"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-2024.docx"'
    document = read(response.content)
    assert document.tables[0].cell(1, 0).text == "Số 12-BC/BDVHU"
    assert any(p.startswith("Thị trấn Phong Thổ: ") for p in paragraphs(document))


def test_leader_downloads_approved_only(client, leader, reported):
    client.force_login(leader)
    response = client.get(programme_reverse("official_report", args=[reported.id]), {"chi_duyet": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-2024-da-duyet.docx"'
    assert "Xã Lả Nhì Thàng:" not in "\n".join(paragraphs(read(response.content)))


def test_district_report_is_not_for_officers_or_anonymous(client, officer, reported):
    url = programme_reverse("official_report", args=[reported.id])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(officer)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("number", ["<script>", "x" * 21, "12\x00", "số 12"])
def test_bad_report_number_is_refused_in_vietnamese(client, reviewer, phong_tho, period_2024, number):
    client.force_login(reviewer)
    response = client.get(programme_reverse("official_report", args=[period_2024.id]), {"so": number})
    assert "Số văn bản không hợp lệ" in assert_error_page(response, 400)


def test_the_signing_day_box_says_its_format_in_vietnamese(client, reviewer, reported):
    client.force_login(reviewer)
    page = client.get(programme_reverse("overview"), {"ky": reported.id}).text
    box = re.search(r'<input id="ngay-ky" name="ngay"[^>]*>', page)
    assert box and 'placeholder="05/07/2024"' in box.group() and 'aria-describedby="ngay-ky-help"' in box.group()
    assert '<label for="ngay-ky">Ngày ký</label>' in page
    assert re.search(r'id="ngay-ky-help"[^>]*>Ngày ký ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024;', page)


@pytest.mark.parametrize(
    ("typed", "signed"),
    [
        ("05/07/2024", "ngày 05 tháng 07 năm 2024"),
        ("5/7/2024", "ngày 05 tháng 07 năm 2024"),
        (" 2025-02-05 ", "ngày 05 tháng 02 năm 2025"),  # as a browser's date picker sends it
        ("01/01/2024", "ngày 01 tháng 01 năm 2024"),  # the period's first day
    ],
)
def test_the_report_is_signed_on_the_day_typed(client, reviewer, reported, typed, signed):
    client.force_login(reviewer)
    response = client.get(programme_reverse("official_report", args=[reported.id]), {"ngay": typed})
    assert response.status_code == 200
    assert read(response.content).tables[0].cell(1, 1).text == f"Phong Thổ, {signed}"


def test_a_blank_signing_day_is_today(client, reviewer, reported):
    client.force_login(reviewer)
    response = client.get(programme_reverse("official_report", args=[reported.id]), {"ngay": ""})
    today = timezone.localdate()
    assert (
        read(response.content).tables[0].cell(1, 1).text.endswith(f"ngày {today:%d} tháng {today:%m} năm {today.year}")
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("32/01/2024", "Ngày ký không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024."),
        ("29/02/2025", "Ngày ký không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024."),
        ("05/07/24", "Ngày ký không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024."),
        ("07-05-2024", "Ngày ký không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024."),
        ("hôm nay", "Ngày ký không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/2024."),
        ("31/12/2023", "Ngày ký 31/12/2023 trước ngày bắt đầu của kỳ báo cáo (01/01/2024); hãy xem lại năm."),
    ],
)
def test_a_wrong_signing_day_is_refused_in_vietnamese(client, reviewer, reported, typed, message):
    client.force_login(reviewer)
    response = client.get(programme_reverse("official_report", args=[reported.id]), {"ngay": typed})
    assert f'<p role="alert" class="error">{message}</p>' in assert_error_page(response, 400)


def test_unknown_period_is_a_404(client, reviewer, phong_tho):
    client.force_login(reviewer)
    assert client.get(programme_reverse("official_report", args=[999999])).status_code == 404


def test_unit_report_for_its_officer(client, officer, reported):
    client.force_login(officer)

    response = client.get(reverse("unit_report_docx", args=[reported.id, "03549"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-03549-2024.docx"'
    document = read(response.content)
    header = document.tables[0]
    assert lines(header.cell(0, 0)) == ["ĐẢNG BỘ HUYỆN PHONG THỔ", "ĐẢNG ỦY THỊ TRẤN PHONG THỔ", "*"]
    assert header.cell(1, 0).text == "Số      -BC/ĐU"
    assert header.cell(1, 1).text.startswith("Phong Thổ, ngày ")
    assert lines(header.cell(0, 1)) == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    texts = paragraphs(document)
    assert "Kết quả thực hiện Chương trình công tác dân vận năm 2024" in texts
    assert HTML in texts and "Tổ chức 12 hội nghị." in texts
    rows = {row.cells[0].text.split(".")[0]: [c.text for c in row.cells] for row in document.tables[1].rows[1:]}
    assert rows["MT1"][2:4] == ["100,00% (10/10)", "Đạt"]
    assert rows["MT3b"][2:4] == ["99,99% (9.999/10.000)", "Chưa đạt"]
    assert rows["MT2"][2:4] == ["—", "Chưa có số liệu"]  # 0/0: not applicable
    assert lines(document.tables[-1].cell(0, 0)) == [
        "Nơi nhận:",
        "- Ban Dân vận Huyện ủy (b/c),",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    assert lines(document.tables[-1].cell(0, 1)) == ["T/M ĐẢNG ỦY", "BÍ THƯ", "", "", "", "", ""]


DOCX_LINK = re.compile(r'<a href="([^"]*\.docx)"[^>]*\bdownload\b')


def test_officer_reaches_the_own_report_as_docx_from_the_report_page_and_the_start_page(client, officer, reported):
    own = reverse("unit_report_docx", args=[reported.id, "03549"])
    client.force_login(officer)
    report_page = client.get(reverse("report", args=[reported.id, "03549"]))
    start_page = client.get(reverse("home"))
    assert DOCX_LINK.findall(report_page.text) == [own]
    assert DOCX_LINK.findall(start_page.text) == [own]  # the periods without a report offer none
    response = client.get(own)
    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPES["docx"]
    assert "Kết quả thực hiện Chương trình công tác dân vận năm 2024" in paragraphs(read(response.content))
    q1 = Period.objects.get(programme=reported.programme, code="2024Q1")
    assert not DOCX_LINK.findall(client.get(reverse("report", args=[q1.id, "03549"])).text)  # no report yet
    client.force_login(make_user("canbo-khac", Role.OFFICER, unit=Unit.objects.get(code="03490")))
    assert client.get(own).status_code == 404


def test_unit_report_of_another_unit_is_a_404_for_an_officer(client, reported):
    stranger = make_user("canbo-khac", Role.OFFICER, unit=Unit.objects.get(code="03490"))
    client.force_login(stranger)
    assert client.get(reverse("unit_report_docx", args=[reported.id, "03549"])).status_code == 404


def test_unit_report_for_the_district_and_404_without_a_report(client, reviewer, reported):
    client.force_login(reviewer)
    assert client.get(reverse("unit_report_docx", args=[reported.id, "03391"])).status_code == 200
    assert client.get(reverse("unit_report_docx", args=[reported.id, "03553"])).status_code == 404  # no report
    assert client.get(reverse("unit_report_docx", args=[reported.id, "khong-co"])).status_code == 404


def test_district_report_query_count_does_not_grow_with_the_units(client, db):
    user = make_user("thu", Role.REVIEWER)

    def count(period) -> int:
        work_in(user, period.programme.area)
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(programme_reverse("official_report", args=[period.id]))
        assert response.status_code == 200
        return len(captured)

    small = count(district_with_reports(10, 2023))
    large_period = district_with_reports(60, 2024)
    assert count(large_period) == small


def test_the_header_data_is_edited_in_the_admin(client, administrator, phong_tho):
    client.force_login(administrator)
    response = client.get(reverse("admin:programme_programme_change", args=[phong_tho.pk]))
    assert response.status_code == 200
    for field in ("reviewing_unit", "report_place", "report_recipients"):
        assert f'name="{field}"' in response.text
    for gone in ("report_authority", "report_office", "report_symbol", "report_signer_name", "report_signer_is_deputy"):
        assert f'name="{gone}"' not in response.text  # the reviewing unit's own lines, in its UnitDocument
    assert "Báo cáo tổng hợp của cơ quan thẩm định" in response.text


# --- a deeper tree: the report compiles its own units' texts, the annex has everyone's ------------------------


@pytest.fixture
def deeper(reported, commune):
    """A village under the town (a level below the district's own units) files a report with its texts; another
    village, closed before the year's end, filed one too."""
    village_kind = UnitKind.objects.create(code="village", name="Thôn, bản", reports=True, order=99)
    for group in TaskGroup.objects.filter(programme=reported.programme):  # a new kind writes every group
        group.applies_to.add(village_kind)
    village = Unit.objects.create(code="THON-1", name="Bản Thử Nghiệm", kind=village_kind, parent=commune, order=1)
    closed = Unit.objects.create(code="THON-2", name="Bản Đã Giải Thể", kind=village_kind, parent=commune, order=2)
    for unit, username in ((village, "canbo-thon"), (closed, "canbo-thon-2")):
        user = make_user(username, Role.OFFICER, unit=unit)
        file_report(user, unit, reported, texts={1: f'=HYPERLINK("x") {unit.name} họp dân.'})
    Unit.objects.filter(pk=closed.pk).update(closed_on=datetime.date(2024, 12, 1))  # after it reported
    totals_refresh()  # written past the paths that keep the district's sums
    return village


def test_the_report_compiles_its_own_units_and_counts_the_others_in_the_annex(deeper, reported):
    document = read(build_official_report(reported, report_date=DATE))
    text = "\n".join(paragraphs(document))
    assert "Bản Thử Nghiệm" not in text and "họp dân" not in text
    assert "Nội dung báo cáo của 1 đơn vị cấp dưới không tổng hợp vào văn bản này" in text
    assert "Tổ chức 12 hội nghị." in text  # the town's own text is compiled as before


def test_without_units_below_its_own_the_report_says_nothing_of_an_annex(reported):
    text = "\n".join(paragraphs(read(build_official_report(reported, report_date=DATE))))
    assert "phụ lục" not in text


def test_the_annex_lists_every_counting_text_unit_by_unit_with_formulas_inert(client, reviewer, deeper, reported):
    client.force_login(reviewer)
    response = client.get(programme_reverse("export_texts"), {"ky": reported.id})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    by_unit = {}
    for row in rows:
        by_unit.setdefault(row["unit"], []).append(row)
    assert list(by_unit) == ["03549", "03391", "THON-1"]  # by parent; no draft, no closed unit
    village = by_unit["THON-1"]
    assert village[0]["parent_name"] == "Thị trấn Phong Thổ"
    assert village[0]["section"].startswith("1. ") and village[0]["text"].startswith("'=HYPERLINK")
    assert [row["section"] for row in village][-3:] == [
        "Hạn chế, nguyên nhân",
        "Phương hướng, nhiệm vụ thời gian tới",
        "Đề xuất, kiến nghị",
    ]
    town = by_unit["03549"]
    assert town[0]["text"] == "Tổ chức 12 hội nghị.\nPhối hợp với Mặt trận."
    assert any(row["text"] == HTML for row in town)  # HTML stays text


def test_the_annex_of_approved_reports_only(client, reviewer, deeper, reported):
    submission_approve(user=reviewer, submission=Submission.objects.get(unit=deeper, period=reported), version=None)
    client.force_login(reviewer)
    response = client.get(programme_reverse("export_texts"), {"ky": reported.id, "chi_duyet": "1"})
    units = {row["unit"] for row in csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))}
    assert units == {"THON-1"}
    assert response["Content-Disposition"].endswith('-da-duyet.csv"')
