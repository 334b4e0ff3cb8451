"""The official report as a DOCX Party document: the district's, compiled from the units' reports, and one
unit's own. What the header and signature say comes from the programme's data, never from this code."""

import datetime
import re

from django.utils import timezone
from docx.shared import Mm

from programme.documents import Letterhead, lines, programme_letterhead, unit_letterhead
from programme.formatting import vn_number, vn_percent
from programme.models import Period, Programme, Target
from reporting.models import Submission
from reporting.party_document import Header, PartyDocument, Signature, date_line, number_line
from reporting.selectors.official_report import OfficialReport, Passage, official_report
from reporting.selectors.reports import ReportSheet

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
RESULTS = "I. KẾT QUẢ THỰC HIỆN"
NOTHING = "Chưa có đơn vị nào báo cáo nội dung này."


def period_phrase(period: Period) -> str:
    """How a report names its period in running text: the period's name, its first letter in lower case ("Quý
    I năm 2024" → "quý I năm 2024"). The name is data, never computed from the dates: a "6 tháng đầu năm 2024"
    report may run from 15/12/2023."""
    name = period.name.strip()
    return name[:1].lower() + name[1:]


def report_subject(period: Period) -> str:
    """ "Kết quả thực hiện Chương trình công tác dân vận quý I năm 2024": the programme's title without its year."""
    programme = period.programme
    name = re.sub(rf"\s+năm\s+{programme.year}\s*$", "", programme.title.strip(), flags=re.IGNORECASE)
    return f"Kết quả thực hiện {name} {period_phrase(period)}"


def threshold_text(target: Target) -> str:
    """ "≥ 100%", "> 92,5%": the target's requirement in Vietnamese number format."""
    threshold = target.threshold.normalize()
    decimals = max(0, -threshold.as_tuple().exponent)
    word = "≥" if target.operator == Target.Operator.AT_LEAST else ">"
    return f"{word} {vn_number(threshold, decimals)}%"


def result_text(result) -> str:
    """ "92,00% (23/25)"; "—" without data."""
    if result is None or result.percent is None:
        return "—"
    return f"{vn_percent(result.percent)} ({vn_number(result.numerator)}/{vn_number(result.denominator)})"


def _passages(document: PartyDocument, passages: list[Passage]) -> None:
    for passage in passages:
        document.text(passage.text, lead=passage.unit_name)
    if not passages:
        document.paragraph(NOTHING, italic=True)


def district_figures(document: PartyDocument, data: OfficialReport, number: int) -> None:
    done = data.completeness
    basis = "các báo cáo đã được duyệt" if data.approved_only else "các báo cáo đã nộp và đã được duyệt"
    document.heading(f"{number}. Kết quả thực hiện các chỉ tiêu")
    document.paragraph(
        f"Có {vn_number(done.expected)} đơn vị phải báo cáo; {vn_number(done.reported)} đơn vị đã nộp báo cáo "
        f"({vn_number(done.on_time)} đúng hạn, {vn_number(done.late)} muộn), {vn_number(done.missing)} đơn vị chưa "
        f"nộp; {vn_number(done.approved)} báo cáo đã được duyệt."
    )
    document.paragraph(f"Số liệu tổng hợp từ {basis}.")
    rows = [
        (
            f"{target.code}. {target.short_name}",
            threshold_text(target),
            result_text(result),
            data.verdicts[target.id].text,
            "/".join(vn_number(n) for n in (result.units_meeting, result.units_reporting, result.units_expected)),
        )
        for target, result in data.compliance.rows
    ]
    headers = ("Chỉ tiêu", "Yêu cầu", "Kết quả", "Đánh giá", "Đơn vị đạt/ báo cáo/ phải báo cáo")
    document.table(headers, rows, [Mm(36), Mm(18), Mm(34), Mm(50), Mm(22)])
    for target, _ in data.compliance.rows:
        if breakdown := data.breakdowns.get(target.id):
            _breakdown(document, target, breakdown)


def _breakdown(document: PartyDocument, target: Target, breakdown) -> None:
    """A target's figures per category: which organisation lags."""
    document.paragraph(f"Chỉ tiêu {target.code} theo từng tổ chức (yêu cầu {threshold_text(target)}):", italic=True)
    rows = [
        (
            row.category.name,
            result_text(row.result),
            (row.result.status_label if not row.lags else "Chưa đạt") if row.result else "Chưa có số liệu",
            vn_number(row.units),
        )
        for row in breakdown
    ]
    headers = ("Tổ chức", "Kết quả", "Đánh giá", "Số đơn vị báo cáo")
    document.table(headers, rows, [Mm(56), Mm(40), Mm(40), Mm(24)])


def milestones_section(document: PartyDocument, data: OfficialReport, number: int) -> None:
    """The programme's milestones as they stand on the report's date: done (recorded by the unit, confirmed or
    waiting for it) of those that must deliver, and the units overdue, the first few named."""
    document.heading(f"{number}. Các việc trọng tâm theo Chương trình")
    rows = [
        (
            row.milestone.name,
            f"{row.milestone.due:%d/%m/%Y}",
            f"{vn_number(row.done)}/{vn_number(row.responsible)} ({vn_number(row.confirmed)} đã xác nhận)",
            f"{vn_number(row.overdue)}: {row.late_names}" if row.overdue else "Không",
        )
        for row in data.milestones
    ]
    headers = ("Việc", "Hạn", "Đơn vị đã hoàn thành/ phải làm", "Đơn vị quá hạn")
    document.table(headers, rows, [Mm(49), Mm(26), Mm(35), Mm(50)])


def letterhead_block(document: PartyDocument, head: Letterhead, *, number: str, place: str, day: datetime.date) -> None:
    """The header of a document of the body ``head`` describes: the same for the Ban's report and a unit's."""
    document.header(
        Header(
            authority=head.superior,
            office=head.issuing,
            number_line=number_line(number, head.symbol, party=head.party, colon=head.number_colon),
            date_line=date_line(place, day),
            national=head.national,
            party=head.party,
            mark=head.mark,
        )
    )


def signature_block(document: PartyDocument, head: Letterhead, recipients: list[str]) -> None:
    document.signature(Signature(recipients=recipients, titles=head.signature, name=head.signer_name, party=head.party))


def build_official_report(
    period: Period, *, number: str = "", approved_only: bool = False, report_date: datetime.date | None = None
) -> bytes:
    """The district's report for the period, as DOCX bytes; the figures are ``district_compliance``'s."""
    programme = period.programme
    report_date = report_date or timezone.localdate()
    data = official_report(period, approved_only=approved_only, on=report_date)
    head = programme_letterhead(programme)
    document = PartyDocument()
    letterhead_block(document, head, number=number, place=programme.report_place, day=report_date)
    document.title("BÁO CÁO", report_subject(period))
    document.heading(RESULTS)
    if data.annexed:
        document.paragraph(
            f"Báo cáo tổng hợp nội dung của các đơn vị trực thuộc. Nội dung báo cáo của {vn_number(data.annexed)} "
            "đơn vị cấp dưới không tổng hợp vào văn bản này; xem phụ lục “Nội dung báo cáo của các đơn vị”.",
            italic=True,
        )
    for group, passages in data.groups:
        document.heading(f"{group.number}. {group.title}")
        _passages(document, passages)
    district_figures(document, data, len(data.groups) + 1)
    if data.milestones:
        milestones_section(document, data, len(data.groups) + 2)
    for heading, name in _closing_headings():
        document.heading(heading)
        _passages(document, getattr(data, name))
    signature_block(document, head, ban_recipients(programme, head))
    return document.as_bytes()


def _closing_headings() -> list[tuple[str, str]]:
    """(heading, field name) of the sections after the results, II to IV: each headed by the closing text's
    label as users read it on the form, in capitals as a section heading of a Party document is."""
    labels = Submission.closing_texts()
    return [(f"{ROMAN[number]}. {labels[name].upper()}", name) for number, name in enumerate(labels, start=2)]


def addressee(programme: Programme) -> str:
    """ "Ban Dân vận Huyện ủy", the body a unit reports to: the name of the programme's reviewing unit (else of its
    area), as the unit's data writes it."""
    return (programme.reviewing_unit or programme.area).name.strip()


def ban_recipients(programme: Programme, head: Letterhead, recipients: str = "") -> list[str]:
    """The Nơi nhận of the reviewing body's report: ``recipients`` (the period's own), else the programme's list,
    each ending with its own archive line; with neither, the body's archive line alone."""
    listed = lines(recipients) or lines(programme.report_recipients)
    return list(listed) or [f"- {head.archive}"]


def build_unit_report(sheet: ReportSheet, *, report_date: datetime.date | None = None) -> bytes:
    """One unit's own report for a period, in the same layout under the unit's own letterhead
    (``programme.documents.unit_letterhead``: its kind's document style and its own overrides)."""
    period, unit, submission = sheet.period, sheet.unit, sheet.submission
    programme = period.programme
    head = unit_letterhead(unit)
    document = PartyDocument()
    letterhead_block(document, head, number="", place=programme.report_place, day=report_date or timezone.localdate())
    document.title("BÁO CÁO", report_subject(period))
    document.heading(RESULTS)
    document.heading("1. Kết quả thực hiện các chỉ tiêu")
    rows = [
        (
            f"{row.target.code}. {row.target.short_name}",
            threshold_text(row.target),
            result_text(row.result),
            row.result.status_label if row.result else "Chưa có số liệu",
            row.note,
        )
        for row in sheet.rows
    ]
    document.table(
        ("Chỉ tiêu", "Yêu cầu", "Kết quả", "Đánh giá", "Ghi chú"), rows, [Mm(44), Mm(18), Mm(36), Mm(32), Mm(30)]
    )
    for row in sheet.rows:
        if row.parts:
            document.paragraph(f"Chỉ tiêu {row.target.code} theo từng tổ chức:", italic=True)
            parts = [
                (
                    part.category.name,
                    vn_number(part.numerator) if part.numerator is not None else "—",
                    vn_number(part.denominator) if part.denominator is not None else "—",
                )
                for part in row.parts
            ]
            document.table(("Tổ chức", "Tử số", "Mẫu số"), parts, [Mm(80), Mm(40), Mm(40)])
    for index, group in enumerate(sheet.task_groups, start=2):
        document.heading(f"{index}. {group.title}")
        document.text(sheet.narratives.get(group.id, ""))
    for heading, name in _closing_headings():
        document.heading(heading)
        document.text(getattr(submission, name))
    signature_block(document, head, unit_recipients(programme, head.archive, party=head.party))
    return document.as_bytes()


def unit_recipients(programme: Programme, archive: str, *, party: bool) -> list[str]:
    """A unit's Nơi nhận: the office it reports to ("- Ban Dân vận Huyện ủy (b/c),") and its archive line last.
    The Party ends each line with a comma, the state with a semicolon."""
    to = addressee(programme)
    end = "," if party else ";"
    return ([f"- {to} (b/c){end}"] if to else []) + [f"- {archive}"]
