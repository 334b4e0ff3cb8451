"""The body's period report, composed in the browser: its texts beside the units', figures quoted from the data,
kept drafts and history, completion that locks it and keeps the document as issued, reopening with a reason.

On the shipped fixtures "03549" (Thị trấn Phong Thổ) and "03490" are communes of the 2024 programme, whose
2024S1 period is due on 05/07/2024 and looks ahead to "6 tháng cuối năm 2024".
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from accounts.roles import Role
from programme.models import TaskGroup, Unit, UnitDocument
from reporting.services import Figures, submission_import
from synthesis.models import PeriodReport, PeriodReportEvent, SignedPeriodReport
from tests.factories import make_district, make_user
from tests.test_review import period, submitted_by_officer

WRITTEN = {
    "opening": "Thực hiện Chương trình, Ban Dân vận báo cáo như sau:",
    "people": "Tư tưởng, dư luận của Nhân dân ổn định.",
    "strengths": "Các đơn vị triển khai kịp thời.",
    "shortcomings": "Một số đơn vị báo cáo chậm.",
    "causes": "Cán bộ kiêm nhiệm nhiều việc.",
    "next_steps": "Tiếp tục đôn đốc các đơn vị.",
    "proposals": "Đề nghị tăng cường tập huấn.",
}


@pytest.fixture
def s1(phong_tho):
    return period(phong_tho, "2024S1")


def page(period_) -> str:
    return reverse("period_report", args=[period_.id])


def everything(version="", **overrides) -> dict:
    data = {"version": version, "action": "save", "number": "125", "issued_on": "2024-06-20", "signer_name": "Lò Văn A"}
    data |= {"recipients": "- Thường trực Huyện ủy,\n- Lưu BDVHU."} | WRITTEN
    data |= {f"group_{n}": f"Nhóm {n}: các đơn vị đã làm tốt." for n in range(1, 5)}
    return data | overrides


def version_of(period_) -> int:
    return PeriodReport.objects.get(period=period_).version


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_page_opens_with_the_programmes_opening_and_the_units_texts(client, reviewer, phong_tho, s1, commune):
    officer = make_user("canbo", Role.OFFICER, unit=commune)
    submitted_by_officer(officer, commune, s1, narrative="Thị trấn đã tổ chức 12 buổi tuyên truyền.")
    client.force_login(reviewer)
    response = client.get(page(s1))
    assert response.status_code == 200
    text = response.text
    assert "phương hướng, nhiệm vụ 6 tháng cuối năm 2024" in text  # the subject names the next period
    assert "Thực hiện Chương trình" in text and "báo cáo kết quả thực hiện 6 tháng đầu năm 2024 như sau:" in text
    assert "Thị trấn đã tổ chức 12 buổi tuyên truyền." in text  # beside each task group
    assert 'data-insert-passage="Thị trấn Phong Thổ: Thị trấn đã tổ chức 12 buổi tuyên truyền."' in text
    assert 'value="2024-07-05"' in text  # the period's due date, never today
    assert "{{MT1}}" in text  # the figures that can be inserted


def test_a_save_keeps_every_text_and_records_each_change(client, reviewer, phong_tho, s1):
    client.force_login(reviewer)
    response = client.post(page(s1), everything())
    assert response.status_code == 302 and response["Location"] == page(s1)
    report = PeriodReport.objects.get(period=s1)
    assert (report.number, report.signer_name, report.issued_on.isoformat()) == ("125", "Lò Văn A", "2024-06-20")
    assert report.people == WRITTEN["people"] and report.status == "draft"
    assert dict(report.sections.values_list("task_group__number", "text"))[3] == "Nhóm 3: các đơn vị đã làm tốt."
    client.post(page(s1), everything(version_of(s1), people="Tình hình ổn định, không có điểm nóng."))
    change = next(c for c in PeriodReportEvent.objects.latest("pk").changes if c["text"] == "people")
    assert change["old"] == WRITTEN["people"]  # the earlier wording is never lost


def test_a_stale_page_never_overwrites_a_newer_save_and_keeps_what_was_typed(client, reviewer, phong_tho, s1):
    client.force_login(reviewer)
    client.post(page(s1), everything())
    opened = version_of(s1)
    client.post(page(s1), everything(opened, causes="Nguyên nhân do thời tiết."))
    response = client.post(page(s1), everything(opened, causes="Nguyên nhân khác."))
    assert response.status_code == 409 and "Nguyên nhân khác." in response.text
    assert PeriodReport.objects.get(period=s1).causes == "Nguyên nhân do thời tiết."


def test_a_figure_is_kept_as_a_reference_and_written_out_as_the_table_writes_it(
    client, reviewer, phong_tho, s1, targets
):
    for code, figures in (("03549", (10, 10)), ("03490", (5, 10))):
        submission_import(unit=Unit.objects.get(code=code), period=s1, figures={targets["MT2"]: Figures(*figures)})
    client.force_login(reviewer)
    typed = "Chỉ tiêu MT2 đạt {{MT2}}; {{MT2 đạt}}; Thị trấn đạt {{MT2 03549}}; đã báo cáo {{đã báo cáo}}."
    assert client.post(page(s1), everything(strengths=typed)).status_code == 302
    assert PeriodReport.objects.get(period=s1).strengths == typed  # the reference, not the figure
    text = docx_text(client.get(reverse("period_report_docx", args=[s1.id])).content)
    assert "Chỉ tiêu MT2 đạt 75,00% (15/20); 1/2 đơn vị; Thị trấn đạt 100,00% (10/10); đã báo cáo 2/50 đơn vị." in text
    table_row = next(line for line in text.splitlines() if line == "75,00% (15/20)")
    assert table_row  # the table says the same


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("{{MT99}}", "không có chỉ tiêu MT99 trong chương trình"),
        ("{{MT1 99999}}", "không có đơn vị mã 99999 báo cáo trong kỳ này"),
        ("{{MT5a 03549}}", "lấy từ sổ mô hình"),
        ("{{tổng số}}", "không có chỉ tiêu tổng"),
        ("{{MT1 03549 thêm}}", "không phải số liệu chèn được"),
    ],
)
def test_a_reference_that_names_nothing_is_refused_and_nothing_is_saved(
    client, reviewer, phong_tho, s1, typed, message
):
    client.force_login(reviewer)
    response = client.post(page(s1), everything(people=f"Số liệu: {typed}"))
    assert response.status_code == 400 and message in response.text
    assert f"Số liệu: {typed}" in response.text  # kept on the page
    assert not PeriodReport.objects.exists()


def test_completing_needs_every_part_then_locks_and_keeps_the_document_as_issued(
    client, reviewer, phong_tho, s1, targets
):
    client.force_login(reviewer)
    response = client.post(page(s1), everything(action="complete", causes="", number=""))
    assert response.status_code == 400 and "Chưa hoàn thành được, còn thiếu: nguyên nhân, số văn bản." in response.text
    assert not PeriodReport.objects.filter(status="complete").exists()

    client.post(page(s1), everything(action="complete"))  # nothing was saved by the refusal
    report = PeriodReport.objects.get(period=s1)
    assert (report.status, report.completed_by) == ("complete", reviewer)
    issued = PeriodReportEvent.objects.get(action="completed")
    assert "Số 125-BC/BDVHU" in docx_text(bytes(issued.document))
    shown = client.get(page(s1)).text
    assert 'name="people"' not in shown and "Mở lại báo cáo" in shown  # read-only, reopenable

    locked = client.post(page(s1), everything(report.version, people="Sửa sau khi hoàn thành."))
    assert locked.status_code == 400 and "Báo cáo đã hoàn thành nên không sửa được" in locked.text
    submission_import(unit=Unit.objects.get(code="03549"), period=s1, figures={targets["MT2"]: Figures(1, 10)})
    download = client.get(reverse("period_report_docx", args=[s1.id]))
    assert download.content == bytes(issued.document)  # later figures never change the issued document


def test_reopening_needs_a_reason_and_keeps_the_issued_document(client, reviewer, phong_tho, s1):
    client.force_login(reviewer)
    client.post(page(s1), everything(action="complete"))
    report = PeriodReport.objects.get(period=s1)
    reopen = reverse("period_report_reopen", args=[s1.id])
    client.post(reopen, {"version": report.version, "reason": "  "})
    assert PeriodReport.objects.get(period=s1).status == "complete"
    client.post(reopen, {"version": report.version, "reason": "Sửa số liệu nhóm 2."})
    report.refresh_from_db()
    assert report.status == "draft"
    assert PeriodReportEvent.objects.filter(action="reopened", comment="Sửa số liệu nhóm 2.").exists()
    issued = PeriodReportEvent.objects.get(action="completed")
    again = client.get(reverse("period_report_issued", args=[issued.id]))
    assert again.status_code == 200 and again.content == bytes(issued.document)
    assert client.post(page(s1), everything(report.version, people="Đã sửa.")).status_code == 302


def test_a_leader_reads_it_an_officer_and_a_stranger_do_not(client, leader, officer, phong_tho, s1):
    reviewer = make_user("bdv", Role.REVIEWER, unit=phong_tho.area)
    client.force_login(reviewer)
    client.post(page(s1), everything(people="Nhân dân phấn khởi {{đã báo cáo}}."))
    client.force_login(leader)
    shown = client.get(page(s1))
    assert shown.status_code == 200 and 'name="people"' not in shown.text
    assert "Nhân dân phấn khởi 0/50 đơn vị." in shown.text  # written out for reading
    assert client.post(page(s1), everything(version_of(s1))).status_code == 403
    client.force_login(officer)
    for url in (page(s1), reverse("period_report_docx", args=[s1.id])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("period_report_reopen", args=[s1.id]), {"reason": "x"}).status_code == 403
    client.logout()
    assert client.get(page(s1)).status_code == 302


def test_a_unit_group_text_and_the_register_summary_reach_the_document(client, reviewer, phong_tho, s1):
    client.force_login(reviewer)
    client.post(page(s1), everything())
    text = docx_text(client.get(reverse("period_report_docx", args=[s1.id])).content)
    group = TaskGroup.objects.get(programme=phong_tho, number=3)
    assert group.title in text and "Nhóm 3: các đơn vị đã làm tốt." in text
    assert "Mô hình, điển hình “Dân vận khéo”" in text and "chưa có mô hình “Dân vận khéo” nào" in text
    assert re.search(r"phương hướng, nhiệm vụ 6 tháng cuối năm 2024", text)
    assert "Lò Văn A" in text and "- Lưu BDVHU." in text


def test_the_document_is_headed_and_signed_as_the_reviewing_units_own(client, reviewer, phong_tho, s1):
    """The Ban's report takes its lines from the Ban's own document data (its UnitDocument), as its own report
    does; the name typed on the page wins over the one kept there, and a blank one falls back to it."""
    UnitDocument.objects.filter(unit__code="109-BDV").update(
        issuing="BAN DÂN VẬN HUYỆN ỦY",
        symbol="BC/DVHU",
        signature="K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        signer_name="Vàng A Sử",
    )
    client.force_login(reviewer)
    assert 'value="Vàng A Sử"' in client.get(page(s1)).text  # the page starts from the body's signer

    client.post(page(s1), everything())
    document = Document(io.BytesIO(client.get(reverse("period_report_docx", args=[s1.id])).content))
    header, signature = document.tables[0], document.tables[-1]
    assert [p.text for p in header.cell(0, 0).paragraphs][:2] == ["HUYỆN ỦY PHONG THỔ", "BAN DÂN VẬN HUYỆN ỦY"]
    assert header.cell(1, 0).text == "Số 125-BC/DVHU"
    signed = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
    assert signed == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Lò Văn A"]  # the page's signer wins

    client.post(page(s1), everything(version_of(s1), signer_name=""))
    document = Document(io.BytesIO(client.get(reverse("period_report_docx", args=[s1.id])).content))
    assert [p.text for p in document.tables[-1].cell(0, 1).paragraphs if p.text][-1] == "Vàng A Sử"


def test_the_pages_query_count_does_not_grow_with_the_units(client, db):
    counts = []
    for size in (3, 30):
        programme, periods, targets = make_district(size)
        units = list(Unit.objects.filter(parent=programme.area))
        for unit in units:
            submission_import(unit=unit, period=periods[0], figures={t: Figures(1, 2) for t in targets})
        user = make_user(f"bdv{size}", Role.REVIEWER, unit=programme.area)
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(periods[0])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_signed_copy_of_the_completed_report_is_kept_with_it(client, reviewer, leader, officer, phong_tho, s1):
    signed = reverse("period_report_signed", args=[s1.id])
    pdf = {"number": "125-BC/BDVHU", "signed_on": "2024-06-20", "signer": "Phó Trưởng ban Lò Văn A"}
    client.force_login(reviewer)
    client.post(page(s1), everything())
    early = client.post(signed, pdf | {"file": SimpleUploadedFile("ky.pdf", b"%PDF-1.7\n")})
    assert early.status_code == 400 and "Chỉ đính kèm văn bản đã ký khi báo cáo đã hoàn thành." in early.text
    client.post(page(s1), everything(version_of(s1), action="complete"))
    bad = client.post(signed, pdf | {"file": SimpleUploadedFile("ky.pdf", b"<html>")})
    assert bad.status_code == 400 and "Nội dung tệp không phải tệp PDF" in bad.text
    assert client.post(signed, pdf | {"file": SimpleUploadedFile("ky.pdf", b"%PDF-1.7\n")}).status_code == 302
    kept = SignedPeriodReport.objects.get()
    assert (kept.number, kept.report.period, kept.file.name.startswith(f"van-ban-ky/{s1.id}/ban/")) == (
        "125-BC/BDVHU",
        s1,
        True,
    )
    client.force_login(leader)
    assert "125-BC/BDVHU" in client.get(signed).text
    download = client.get(reverse("period_report_signed_file", args=[kept.id]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7\n"
    assert client.post(signed, pdf | {"file": SimpleUploadedFile("ky.pdf", b"%PDF-1.7\n")}).status_code == 403
    client.force_login(officer)
    assert client.get(signed).status_code == 403
    assert client.get(reverse("period_report_signed_file", args=[kept.id])).status_code == 403
    assert SignedPeriodReport.objects.count() == 1
