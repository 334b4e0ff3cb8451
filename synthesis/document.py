"""The body's period report as a DOCX Party document, made from what the body wrote: its texts with the figures
they quote written out from the data, and the generated parts (the targets table, the completeness of reporting,
the register of "Dân vận khéo" models, the milestones)."""

from reporting.official_report import _district_figures, _district_signature, _milestones
from reporting.party_document import Header, PartyDocument, date_line, number_line
from synthesis.models import PeriodReport
from synthesis.selectors import Workspace, workspace

CLOSING_HEADINGS = (
    (
        "III. ĐÁNH GIÁ CHUNG",
        (("1. Ưu điểm", "strengths"), ("2. Hạn chế, khuyết điểm", "shortcomings"), ("3. Nguyên nhân", "causes")),
    ),
    ("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ", (("", "next_steps"),)),
    ("V. ĐỀ XUẤT, KIẾN NGHỊ", (("", "proposals"),)),
)


def build_period_report(report: PeriodReport) -> bytes:
    """The report as it stands, as DOCX bytes."""
    return build_from(workspace(report.period, events=0))


def build_from(space: Workspace) -> bytes:
    period, report = space.period, space.report
    programme = period.programme
    figures = space.figures
    texts = space.texts
    document = PartyDocument()
    document.header(
        Header(
            authority=programme.report_authority,
            office=programme.report_office,
            number_line=number_line(report.number if report else "", programme.report_symbol),
            date_line=date_line(
                programme.report_place, report.issued_on if report and report.issued_on else period.due
            ),
        )
    )
    document.title("BÁO CÁO", space.subject)
    document.text(figures.render(texts["opening"]))
    document.heading("I. TÌNH HÌNH NHÂN DÂN")
    document.text(figures.render(texts["people"]))
    document.heading("II. KẾT QUẢ THỰC HIỆN")
    for index, group in enumerate(space.groups, start=1):
        document.heading(f"{index}. {group.title}")
        document.text(figures.render(space.sections.get(group.id, "")))
    number = len(space.groups) + 1
    _district_figures(document, space.data, number)
    document.heading(f"{number + 1}. Mô hình, điển hình “Dân vận khéo”")
    document.paragraph(space.register.text)
    if space.data.milestones:
        _milestones(document, space.data, number + 2)
    for heading, parts in CLOSING_HEADINGS:
        document.heading(heading if "IV." not in heading else f"{heading} {period.outlook.upper()}".strip())
        for sub, name in parts:
            if sub:
                document.heading(sub)
            document.text(figures.render(texts[name]))
    signature = _district_signature(programme)
    if report is not None:
        recipients = [line.strip() for line in report.recipients.splitlines() if line.strip()]
        signature = type(signature)(
            recipients=recipients or signature.recipients,
            titles=signature.titles,
            name=report.signer_name.strip() or signature.name,
        )
    document.signature(signature)
    return document.as_bytes()
