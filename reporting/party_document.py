"""A Party document laid out per Hướng dẫn 36-HD/VPTW, built with python-docx: page, header, title, body,
tables and the signature block; a state body's, the Mặt trận's and a mass organisation's documents take the
same page with their own header and Nơi nhận (Nghị định 30/2020/NĐ-CP). Knows nothing of reports;
``reporting.official_report`` fills it in. What each choice follows is in docs/document-layout.md.

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
HEADER_OUTDENT = Mm(12)
# What may follow w:tblBorders in w:tblPr (ECMA-376 CT_TblPr)
AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return NOT_XML.sub("", text)


def date_line(place: str, day: datetime.date) -> str:
    """``Phong Thổ, ngày 05 tháng 02 năm 2025``: day and month with a leading zero below 10."""
    when = f"ngày {day:%d} tháng {day:%m} năm {day.year}"
    return f"{place}, {when}" if place else when.capitalize()


def number_line(number: str, symbol: str, *, party: bool = True, colon: bool = False) -> str:
    """``Số 12-BC/BDVHU`` (Party form; ``Số: 12-BC/HĐTN`` with ``colon``, as the Đoàn writes it) or ``Số:
    12/BC-UBND`` (state form); without a number, room to write it by hand: ``Số     -BC/BDVHU``."""
    number = number.strip() or " " * 5
    if party:
        word = "Số:" if colon else "Số"
        return f"{word} {number}-{symbol}" if symbol else f"{word} {number}"
    return f"Số: {number}/{symbol}" if symbol else f"Số: {number}"


PARTY = ("ĐẢNG CỘNG SẢN VIỆT NAM",)


@dataclass(frozen=True)
class Header:
    """The two header columns: the issuing body under its superior on the left, the Party's name (or the
    national motto, or the organisation's name) and the place/date on the right."""

    authority: Sequence[str]  # ("HUYỆN ỦY PHONG THỔ",) upright; may be empty
    office: Sequence[str]  # ("BAN DÂN VẬN",) bold
    number_line: str
    date_line: str
    national: Sequence[str] = PARTY  # may be empty (the Hội Nông dân names itself on the left)
    party: bool = True  # the Party's form; False: the state's
    mark: str = "*"  # under the issuing body in the Party's form (the Đoàn's "***")


@dataclass(frozen=True)
class Signature:
    """The bottom block: "Nơi nhận:" and its list on the left, the signer's titles and name on the right."""

    recipients: Sequence[str]
    titles: Sequence[str]  # e.g. ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
    name: str  # empty: left blank to be written by hand
    party: bool = True  # "Nơi nhận:" as the Party writes it; False: as the state does


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *AFTER_TABLE_BORDERS)  # Word insists on the schema's order


def _outdent(table, width) -> None:
    """The table starts ``width`` into the left margin (``w:tblInd``): the header's two columns need more room
    than the text's width for a commune committee's name and the date line at 14 pt."""
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(-round(width.pt * 20)))
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.insert_element_before(indent, "w:tblBorders", *AFTER_TABLE_BORDERS)


def _widths(table, widths: Sequence[int]) -> None:
    """Column widths for Word (each cell) and LibreOffice (the table grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _row_flag(row, name: str) -> None:
    """``w:tblHeader`` (repeat the row on each page) or ``w:cantSplit`` (never break the row across pages).
    CT_TrPr holds them in any order."""
    flag = OxmlElement(f"w:{name}")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _short_rule(paragraph, width) -> None:
    """The short line under a state body's name (Nghị định 30/2020): a bottom border on an empty paragraph
    indented from both sides of its cell."""
    form = paragraph.paragraph_format
    form.left_indent = form.right_indent = width
    form.first_line_indent = form.space_after = Pt(0)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


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
        """Party form: left 14 pt, the office bold, a star under it; right the Party's name bold, underlined,
        15 pt. State form: left 13 pt with a short rule under the body; right the national name bold 12 pt and
        the motto bold 13 pt, underlined."""
        table = self.document.add_table(rows=2, cols=2)
        _no_borders(table)
        _outdent(table, HEADER_OUTDENT)
        left_width = Mm(84) if header.party else Mm(74)  # the state's motto is the longer right-hand line
        _widths(table, [left_width, TEXT_WIDTH + HEADER_OUTDENT - left_width])
        size = {} if header.party else {"size": 13}
        left = [(line, dict(size)) for line in header.authority if line]
        left += [(line, {"bold": True, **size}) for line in header.office if line]
        if header.party and header.mark:
            left.append((header.mark, {}))
        self._cell_lines(table.cell(0, 0), left)
        if not header.party:
            _short_rule(table.cell(0, 0).add_paragraph(), Mm(20))
        national = list(header.national)
        right = []
        for index, line in enumerate(national):
            last = index == len(national) - 1
            line_size = 15 if header.party else (12 if index == 0 and len(national) > 1 else 13)
            right.append((line, {"bold": True, "underline": last, "size": line_size}))
        self._cell_lines(table.cell(0, 1), right)
        self._cell_lines(table.cell(1, 0), [(header.number_line, dict(size))])
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
        for row in table.rows:
            _row_flag(row, "cantSplit")
        for row_index, cells in enumerate([headers, *rows]):
            for column, text in enumerate(cells):
                align = WD_ALIGN_PARAGRAPH.LEFT if column == 0 and row_index else WD_ALIGN_PARAGRAPH.CENTER
                options = {"size": size, "bold": row_index == 0}
                self._cell_lines(table.cell(row_index, column), [(text, options)], align=align, space_after=2)
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)
        return table

    def _keep_last_paragraphs_with_next(self, count: int) -> None:
        """The last ``count`` paragraphs of the body go to the next page with what follows them, so that the
        signature block never opens a page alone."""
        element = self._end.getprevious()
        while count and element is not None and element.tag == qn("w:p"):
            Paragraph(element, self.document._body).paragraph_format.keep_with_next = True
            element, count = element.getprevious(), count - 1

    def signature(self, signature: Signature) -> None:
        """Nơi nhận on the left and the signer on the right, in one row that never splits, kept with the last
        lines of the text above it. The Party writes "Nơi nhận:" underlined in 14 pt and the list in 12 pt;
        the state writes it bold italic in 12 pt and the list in 11 pt."""
        spacer = self.paragraph(indent=False)
        spacer.paragraph_format.space_after = Pt(0)
        self._keep_last_paragraphs_with_next(3)
        table = self.document.add_table(rows=1, cols=2)
        _no_borders(table)
        _row_flag(table.rows[0], "cantSplit")
        _widths(table, [Mm(80), TEXT_WIDTH - Mm(80)])
        if signature.party:
            received = [("Nơi nhận:", {"underline": True, "size": 14})]
            received += [(line, {"size": 12}) for line in signature.recipients]
        else:
            received = [("Nơi nhận:", {"bold": True, "italic": True, "size": 12})]
            received += [(line, {"size": 11}) for line in signature.recipients]
        self._cell_lines(table.cell(0, 0), received, align=WD_ALIGN_PARAGRAPH.LEFT)
        signer = [(title, {"bold": True}) for title in signature.titles]
        signer += [("", {})] * 4 + [(signature.name, {"bold": True})]
        self._cell_lines(table.cell(0, 1), signer)

    def as_bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
