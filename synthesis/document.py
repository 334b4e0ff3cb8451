"""The body's period report as a DOCX Party document, made from what the body wrote: its texts with the figures
they quote written out from the data, and the generated parts (the targets table, the completeness of reporting,
the register of "Dân vận khéo" models, the milestones), under the letterhead of the body
that reviews the programme's units (``programme.documents.programme_letterhead``: that unit's own, as each unit's
document is), laid out as every document of the app is."""

import dataclasses

from reporting.official_report import (
    ban_recipients,
    district_figures,
    letterhead_block,
    milestones_section,
    signature_block,
)
from reporting.party_document import PartyDocument
from synthesis.models import PeriodReport
from synthesis.selectors import Workspace, report_date, workspace

# Sections III to V: (heading, [(sub-heading, the body's text)]).
CLOSING = (
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
    render, texts = space.figures.render, space.texts
    head = space.letterhead
    if report is not None and report.signer_name.strip():
        head = dataclasses.replace(head, signer_name=report.signer_name.strip())
    document = PartyDocument()
    number = report.number if report else ""
    letterhead_block(document, head, number=number, place=programme.report_place, day=report_date(report, period))
    document.title("BÁO CÁO", space.subject)
    document.text(render(texts["opening"]))
    document.heading("I. TÌNH HÌNH NHÂN DÂN")
    document.text(render(texts["people"]))
    document.heading("II. KẾT QUẢ THỰC HIỆN")
    for index, group in enumerate(space.groups, start=1):
        document.heading(f"{index}. {group.title}")
        document.text(render(space.sections.get(group.id, "")))
    after = len(space.groups) + 1
    district_figures(document, space.data, after)
    document.heading(f"{after + 1}. Mô hình, điển hình “Dân vận khéo”")
    document.paragraph(space.register.text)
    if space.data.milestones:
        milestones_section(document, space.data, after + 2)
    for heading, parts in CLOSING:
        if heading.startswith("IV.") and period.outlook:
            heading = f"{heading} {period.outlook.upper()}"
        document.heading(heading)
        for sub, name in parts:
            if sub:
                document.heading(sub)
            document.text(render(texts[name]))
    signature_block(document, head, ban_recipients(programme, head, report.recipients if report else ""))
    return document.as_bytes()
