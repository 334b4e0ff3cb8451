"""A Party document laid out per Hướng dẫn 36-HD/VPTW, built with python-docx: page, header, title, body,
tables and the signature block. Knows nothing of reports; ``reporting.official_report`` fills it in.

Every text is added as plain run text (python-docx escapes it), so whatever a unit typed — ``<b>``,
``<script>`` — prints as typed. Characters XML cannot hold are dropped rather than failing the download.
"""

import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_SIZE = 14
TEXT_WIDTH = Mm(210 - 35 - 15)
# What may follow w:tblBorders in w:tblPr (ECMA-376 CT_TblPr)
AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return NOT_XML.sub("", text)


def date_line(place: str, day: datetime.date) -> str:
    """``Phong Thổ, ngày 05 tháng 02 năm 2025``: day and month with a leading zero below 10."""
    when = f"ngày {day:%d} tháng {day:%m} năm {day.year}"
    return f"{place}, {when}" if place else when.capitalize()


def number_line(number: str, symbol: str) -> str:
    """``Số 12-BC/BDVHU``; without a number, room to write it by hand: ``Số     -BC/BDVHU``."""
    number = number.strip() or " " * 5
    return f"Số {number}-{symbol}" if symbol else f"Số {number}"


@dataclass(frozen=True)
class Header:
    """The two header columns: issuing body on the left, the Party's name and the place/date on the right."""

    authority: str  # "HUYỆN ỦY PHONG THỔ" (regular); may be empty
    office: str  # "BAN DÂN VẬN" (bold)
    number_line: str
    date_line: str


@dataclass(frozen=True)
class Signature:
    """The bottom block: "Nơi nhận:" and its list on the left, the signer's titles and name on the right."""

    recipients: Sequence[str]
    titles: Sequence[str]  # e.g. ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
    name: str  # empty: left blank to be written by hand
    note: str = ""  # e.g. "(Ký, ghi rõ họ tên, đóng dấu)"


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *AFTER_TABLE_BORDERS)  # Word insists on the schema's order


def _widths(table, widths: Sequence[int]) -> None:
    """Column widths for Word (each cell) and LibreOffice (the table grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _row_flag(row, name: str) -> None:
    """``w:tblHeader`` (repeat the row on each page) or ``w:cantSplit`` (never break the row across pages)."""
    flag = OxmlElement(f"w:{name}")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _page_numbers(section) -> None:
    """Page numbers centred at the top from the second page on, as Party documents number them."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


class PartyDocument:
    def __init__(self):
        self.document = Document()
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin, section.right_margin = Mm(35), Mm(15)
        _page_numbers(section)
        for name in ("Normal", "Table Grid"):
            style = self.document.styles[name]
            style.font.name = FONT
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(script), FONT)
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(BODY_SIZE)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1
        # Body text is justified with a first-line indent; headers, titles and cells say otherwise.
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal.paragraph_format.first_line_indent = Cm(1)
        self._end = self.document.element.body.sectPr

    # --- pieces of text ----------------------------------------------------------------------------------

    def _line(self, paragraph, text: str, *, bold=False, italic=False, underline=False, size=None):
        run = paragraph.add_run(xml_safe(text))
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if underline:
            run.underline = True
        if size:
            run.font.size = Pt(size)
        return run

    def _new_paragraph(self) -> Paragraph:
        """A paragraph at the end of the body. python-docx's own ``add_paragraph`` finds the end by scanning
        the whole body each time, which makes a report of many units quadratic; this keeps the end at hand."""
        element = OxmlElement("w:p")
        self._end.addprevious(element)
        return Paragraph(element, self.document._body)

    def _cell_lines(self, cell, lines, *, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0):
        """Fill a cell with one paragraph per (text, options) line."""
        for index, (text, options) in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = align
            paragraph.paragraph_format.space_after = Pt(space_after)
            paragraph.paragraph_format.first_line_indent = Pt(0)
            self._line(paragraph, text, **options)

    def paragraph(self, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=True):
        paragraph = self._new_paragraph()
        if align is not None:
            paragraph.alignment = align
        if not indent:
            paragraph.paragraph_format.first_line_indent = Pt(0)
        if text:
            self._line(paragraph, text, bold=bold, italic=italic, size=size)
        return paragraph

    def heading(self, text: str) -> None:
        """A section heading ("I. KẾT QUẢ THỰC HIỆN") or a sub-heading: bold, kept with what follows."""
        paragraph = self.paragraph(text, bold=True)
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.keep_with_next = True

    def text(self, text: str, *, lead: str = "") -> None:
        """Plain text typed by a unit, a paragraph per line; ``lead`` (the unit's name) in bold before it."""
        lines = [line.strip() for line in xml_safe(text).splitlines() if line.strip()] or [""]
        first = self.paragraph()
        if lead:
            self._line(first, f"{lead}: ", bold=True)
        self._line(first, lines[0])
        for line in lines[1:]:
            self.paragraph(line)

    # --- blocks ------------------------------------------------------------------------------------------

    def header(self, header: Header) -> None:
        table = self.document.add_table(rows=2, cols=2)
        _no_borders(table)
        _widths(table, [Mm(72), TEXT_WIDTH - Mm(72)])
        left = [(header.office, {"bold": True}), ("*", {})]
        if header.authority:
            left.insert(0, (header.authority, {}))
        self._cell_lines(table.cell(0, 0), left)
        self._cell_lines(table.cell(0, 1), [("ĐẢNG CỘNG SẢN VIỆT NAM", {"bold": True, "underline": True, "size": 15})])
        self._cell_lines(table.cell(1, 0), [(header.number_line, {})])
        self._cell_lines(table.cell(1, 1), [(header.date_line, {"italic": True})])

    def title(self, title: str, subject: str) -> None:
        centre = WD_ALIGN_PARAGRAPH.CENTER
        first = self.paragraph(title, bold=True, size=16, align=centre, indent=False)
        first.paragraph_format.space_before = Pt(18)
        first.paragraph_format.space_after = Pt(0)
        self.paragraph(subject, bold=True, align=centre, indent=False).paragraph_format.space_after = Pt(0)
        self.paragraph("-----", align=centre, indent=False).paragraph_format.space_after = Pt(12)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], *, size=12):
        """A ruled table: headers bold and repeated on each page, the first column left-aligned."""
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _widths(table, widths)
        _row_flag(table.rows[0], "tblHeader")
        for row_index, cells in enumerate([headers, *rows]):
            for column, text in enumerate(cells):
                align = WD_ALIGN_PARAGRAPH.LEFT if column == 0 and row_index else WD_ALIGN_PARAGRAPH.CENTER
                options = {"size": size, "bold": row_index == 0}
                self._cell_lines(table.cell(row_index, column), [(text, options)], align=align, space_after=2)
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)
        return table

    def signature(self, signature: Signature) -> None:
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)
        table = self.document.add_table(rows=1, cols=2)
        _no_borders(table)
        _row_flag(table.rows[0], "cantSplit")
        _widths(table, [Mm(80), TEXT_WIDTH - Mm(80)])
        received = [("Nơi nhận:", {"bold": True, "italic": True, "size": 12})]
        received += [(line, {"size": 11}) for line in signature.recipients]
        self._cell_lines(table.cell(0, 0), received, align=WD_ALIGN_PARAGRAPH.LEFT)
        signer = [(title, {"bold": True}) for title in signature.titles]
        if signature.note:
            signer.append((signature.note, {"italic": True, "size": 12}))
        signer += [("", {})] * 4 + [(signature.name, {"bold": True})]
        self._cell_lines(table.cell(0, 1), signer)

    def as_bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
