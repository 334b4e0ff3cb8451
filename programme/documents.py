"""How a body heads and signs its documents: a unit's kind's ``DocumentStyle`` with the unit's ``UnitDocument``
overrides, the placeholders filled in; the report of the body that reviews a programme's units is that body's
document the same way. The one place that resolves them; ``reporting.official_report`` lays the result out."""

from dataclasses import dataclass

from programme.models import PLACEHOLDERS, DocumentStyle, Programme, Unit

UNIT, PARENT = PLACEHOLDERS


@dataclass(frozen=True)
class Letterhead:
    """What a document of one body says in its header, number line and signature block."""

    party: bool  # Party form (Hướng dẫn 36-HD/VPTW) or the state's (Nghị định 30/2020/NĐ-CP)
    national: tuple[str, ...]  # top right: "ĐẢNG CỘNG SẢN VIỆT NAM", or the national motto's two lines
    superior: tuple[str, ...]  # top left, upright: "ĐẢNG BỘ HUYỆN PHONG THỔ"
    issuing: tuple[str, ...]  # top left, bold: "ĐẢNG ỦY XÃ KHỔNG LÀO"
    symbol: str  # after the number: "BC/ĐU"
    mark: str  # under the issuing body in the Party's form: "*" (the Đoàn's "***")
    number_colon: bool  # "Số: 12-BC/HĐTN" (the Đoàn) rather than the Party's "Số 12-BC/ĐU"
    signature: tuple[str, ...]  # "T/M ĐẢNG ỦY", "BÍ THƯ"
    signer_name: str  # empty: left blank to be written by hand
    archive: str  # the last line of Nơi nhận: "Lưu VT."


def lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def unit_letterhead(unit: Unit) -> Letterhead:
    """The unit's letterhead. Reads ``unit.kind.document_style``, ``unit.document`` and ``unit.parent``: select
    them with the unit (``select_related("kind__document_style", "document__style", "parent")``). A unit whose
    kind has no style yet is headed by its own name in the Party form, with no signature lines to guess."""
    own = getattr(unit, "document", None)  # a missing one-to-one raises an AttributeError
    style: DocumentStyle | None = (own.style if own else None) or unit.kind.document_style
    names = {UNIT: unit.name.upper(), PARENT: unit.parent.name.upper() if unit.parent_id else ""}

    def filled(text: str) -> tuple[str, ...]:
        for placeholder, value in names.items():
            text = text.replace(placeholder, value)
        return lines(text)

    def chosen(name: str, fallback: str = "") -> str:
        value = getattr(own, name, "") if own else ""
        return value if value.strip() else (getattr(style, name) if style else fallback)

    party = style is None or style.system == DocumentStyle.System.PARTY
    return Letterhead(
        party=party,
        national=lines(style.national) if style else ("ĐẢNG CỘNG SẢN VIỆT NAM",),
        superior=filled(chosen("superior", PARENT)),
        issuing=filled(chosen("issuing", UNIT)),
        symbol=chosen("symbol", "BC").strip(),
        mark=style.mark.strip() if style else "*",
        number_colon=bool(style and style.number_colon),
        signature=filled(chosen("signature")),
        signer_name=own.signer_name.strip() if own else "",
        archive=style.archive.strip() if style else "Lưu VT.",
    )


LETTERHEAD_RELATED = ("kind__document_style", "document__style", "parent")  # what ``unit_letterhead`` reads


def reviewing_body(programme: Programme) -> Unit:
    """The body that reviews the programme's units and issues its period report: the programme's reviewing unit
    (the district committee's Ban Dân vận), else the area's own body (a commune's Đảng ủy). One query, with what
    ``unit_letterhead`` reads."""
    pk = programme.reviewing_unit_id or programme.area_id
    return Unit.objects.select_related(*LETTERHEAD_RELATED).get(pk=pk)


def programme_letterhead(programme: Programme, body: Unit | None = None) -> Letterhead:
    """The letterhead of the programme's period report: its reviewing body's own (``body`` when already read),
    from that unit's kind's style and its ``UnitDocument``, as each unit's document is."""
    return unit_letterhead(body or reviewing_body(programme))
