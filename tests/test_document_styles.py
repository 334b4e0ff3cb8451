"""Each unit's own report is a document of that body: its kind's document style (Party, state, Mặt trận, a
mass organisation) with the unit's own lines, as the shipped fixtures set them; read back with python-docx."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from accounts.roles import Role
from programme.documents import unit_letterhead
from programme.models import DocumentStyle, Period, Unit, UnitDocument, UnitKind
from reporting.official_report import build_official_report, build_unit_report
from reporting.selectors.reports import report_sheet
from tests.factories import make_user
from tests.test_official_report import file_report

DAY = datetime.date(2024, 12, 12)
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@pytest.fixture
def year(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024")


def unit_document(code: str, period: Period) -> Document:
    """The unit files its report for the year; its own DOCX, read back."""
    unit = Unit.objects.get(code=code)
    file_report(make_user(f"canbo-{code}", Role.OFFICER, unit=unit), unit, period, texts={})
    return Document(io.BytesIO(build_unit_report(report_sheet(unit, period), report_date=DAY)))


def texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def signed(document) -> list[str]:
    """The signer's lines, without the blank room for the signature."""
    return [line for line in texts(document.tables[-1].cell(0, 1)) if line]


@pytest.mark.parametrize(
    "code, left, right, number, signature, received",
    [
        (  # a commune's Party committee, under the district's Party organisation
            "03583",
            ["ĐẢNG BỘ HUYỆN PHONG THỔ", "ĐẢNG ỦY XÃ KHỔNG LÀO", "*"],
            ["ĐẢNG CỘNG SẢN VIỆT NAM"],
            "Số      -BC/ĐU",
            ["T/M ĐẢNG ỦY", "BÍ THƯ"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c),", "- Lưu Văn phòng Đảng ủy."],
        ),
        (  # a board of the district's Party committee, signed by its head as the Ban's period report is
            "109-BDV",
            ["HUYỆN ỦY PHONG THỔ", "BAN DÂN VẬN", "*"],
            ["ĐẢNG CỘNG SẢN VIỆT NAM"],
            "Số      -BC/BDVHU",
            ["TRƯỞNG BAN"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c),", "- Lưu VT."],
        ),
        (  # an office of the district's People's Committee
            "109-PNV",
            ["UBND HUYỆN PHONG THỔ", "PHÒNG NỘI VỤ", ""],
            MOTTO,
            "Số:      /BC-PNV",
            ["TRƯỞNG PHÒNG"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c);", "- Lưu: VT."],
        ),
        (  # the People's Committee itself: no superior line, its name on two lines
            "109-UBND",
            ["ỦY BAN NHÂN DÂN", "HUYỆN PHONG THỔ", ""],
            MOTTO,
            "Số:      /BC-UBND",
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c);", "- Lưu: VT."],
        ),
        (  # the Fatherland Front's standing board
            "109-MTTQ",
            ["ỦY BAN MTTQ VIỆT NAM", "HUYỆN PHONG THỔ", "BAN THƯỜNG TRỰC", ""],
            MOTTO,
            "Số:      /BC-MTTQ-BTT",
            ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c);", "- Lưu: VT."],
        ),
        (  # the Youth Union, under its own name, with its three stars and "Số:" (Quyết định 367-QĐ/TWĐTN-VP)
            "109-HDOAN",
            ["TỈNH ĐOÀN LAI CHÂU", "BCH ĐOÀN HUYỆN PHONG THỔ", "***"],
            ["ĐOÀN TNCS HỒ CHÍ MINH"],
            "Số:      -BC/HĐTN",
            ["TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN", "BÍ THƯ"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c),", "- Lưu VP."],
        ),
        (  # the Farmers' Association: the Hội's name on the left, no motto on the right
            "109-HND",
            ["HỘI NÔNG DÂN VIỆT NAM", "BCH HỘI NÔNG DÂN HUYỆN PHONG THỔ", "*"],
            [""],
            "Số      -BC/HNDH",
            ["T/M BAN THƯỜNG VỤ", "CHỦ TỊCH"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c),", "- Lưu VP."],
        ),
        (  # the Labour Federation: the motto and the state's number, as the Công đoàn's rules write them
            "109-LDLD",
            ["LĐLĐ TỈNH LAI CHÂU", "LIÊN ĐOÀN LAO ĐỘNG HUYỆN PHONG THỔ", ""],
            MOTTO,
            "Số:      /BC-LĐLĐ",
            ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c);", "- Lưu: VT."],
        ),
        (  # the Women's Union: the motto and the state's number, as its published reports have them
            "109-HLHPN",
            ["HỘI LHPN TỈNH LAI CHÂU", "HỘI LHPN HUYỆN PHONG THỔ", ""],
            MOTTO,
            "Số:      /BC-HPN",
            ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"],
            ["Nơi nhận:", "- Ban Dân vận Huyện ủy (b/c);", "- Lưu: VT."],
        ),
    ],
)
def test_each_kind_of_body_gets_its_own_document(year, code, left, right, number, signature, received):
    document = unit_document(code, year)

    header = document.tables[0]
    assert texts(header.cell(0, 0)) == left
    assert texts(header.cell(0, 1)) == right
    assert header.cell(1, 0).text == number
    assert signed(document) == signature
    assert texts(document.tables[-1].cell(0, 0)) == received
    block = document.tables[-1].cell(0, 1).text
    assert "THỦ TRƯỞNG ĐƠN VỊ" not in block and "ghi rõ họ tên" not in block


def test_the_party_form_and_the_state_form_are_set_differently(year):
    party, state = unit_document("03583", year), unit_document("109-PNV", year)

    name = party.tables[0].cell(0, 1).paragraphs[0].runs[0]
    assert name.bold and name.underline and name.font.size == Pt(15)
    country, motto = (p.runs[0] for p in state.tables[0].cell(0, 1).paragraphs)
    assert country.bold and not country.underline and country.font.size == Pt(12)
    assert motto.bold and motto.underline and motto.font.size == Pt(13)
    superior, issuing = (p.runs[0] for p in party.tables[0].cell(0, 0).paragraphs[:2])
    assert not superior.bold and issuing.bold
    # the short rule under a state body's name
    rule = state.tables[0].cell(0, 0).paragraphs[-1]._p.pPr
    assert rule.find(qn("w:pBdr")) is not None
    # Nơi nhận: the Party's underlined in 14 pt with the list in 12 pt; the state's bold italic 12 pt, list 11 pt
    party_label, state_label = (d.tables[-1].cell(0, 0).paragraphs[0].runs[0] for d in (party, state))
    assert party_label.underline and not party_label.bold and party_label.font.size == Pt(14)
    assert state_label.bold and state_label.italic and state_label.font.size == Pt(12)
    assert party.tables[-1].cell(0, 0).paragraphs[1].runs[0].font.size == Pt(12)
    assert state.tables[-1].cell(0, 0).paragraphs[1].runs[0].font.size == Pt(11)


def test_the_signer_name_is_printed_when_the_data_has_it_and_left_blank_otherwise(year):
    assert texts(unit_document("03583", year).tables[-1].cell(0, 1))[-1] == ""  # room to sign by hand
    UnitDocument.objects.update_or_create(unit=Unit.objects.get(code="109-PNV"), defaults={"signer_name": "Lò Thị Mai"})

    document = unit_document("109-PNV", year)

    last = document.tables[-1].cell(0, 1).paragraphs[-1]
    assert last.text == "Lò Thị Mai" and last.runs[0].bold


def test_a_unit_overrides_its_kinds_lines_and_blank_keeps_them(phong_tho):
    town = Unit.objects.select_related("kind__document_style", "parent").get(code="03549")
    assert unit_letterhead(town).issuing == ("ĐẢNG ỦY THỊ TRẤN PHONG THỔ",)  # {đơn vị} in capitals

    UnitDocument.objects.create(unit=town, issuing="ĐẢNG ỦY THỊ TRẤN\nPHONG THỔ", signature="T/M ĐẢNG ỦY\nPHÓ BÍ THƯ")
    head = unit_letterhead(Unit.objects.get(code="03549"))

    assert head.issuing == ("ĐẢNG ỦY THỊ TRẤN", "PHONG THỔ")
    assert head.signature == ("T/M ĐẢNG ỦY", "PHÓ BÍ THƯ")
    assert head.superior == ("ĐẢNG BỘ HUYỆN PHONG THỔ",) and head.symbol == "BC/ĐU"  # the style's


def test_a_unit_may_take_another_style_than_its_kinds(phong_tho):
    front = Unit.objects.get(code="109-HDOAN")
    assert front.kind.document_style.code == "mat-tran-doan-the"

    head = unit_letterhead(front)

    assert head.party and head.national == ("ĐOÀN TNCS HỒ CHÍ MINH",)


def test_a_unit_of_a_kind_without_a_style_is_headed_by_its_own_name_with_no_guessed_title(phong_tho):
    kind = UnitKind.objects.create(code="village", name="Thôn, bản", order=99)
    village = Unit.objects.create(
        code="THON-1", name="Bản Thử Nghiệm", kind=kind, parent=Unit.objects.get(code="03583")
    )

    head = unit_letterhead(village)

    assert head.superior == ("XÃ KHỔNG LÀO",) and head.issuing == ("BẢN THỬ NGHIỆM",)
    assert head.signature == () and head.signer_name == ""


def test_every_reporting_unit_of_the_district_has_a_style(phong_tho):
    units = Unit.objects.filter(kind__reports=True).select_related("kind__document_style", "document", "parent")
    assert units and all(unit.kind.document_style for unit in units)
    for unit in units:
        head = unit_letterhead(unit)
        # the top right names the Party, the state or the organisation, unless the organisation heads the left
        assert head.issuing and head.signature and (head.national or head.superior), unit.code
        assert "{" not in "".join(head.superior + head.issuing + head.signature), unit.code


def test_the_district_report_keeps_the_programmes_header(year):
    """The district's report is the Ban's: its header and signature stay the programme's data."""
    document = Document(io.BytesIO(build_official_report(year, number="3", report_date=DAY)))

    assert texts(document.tables[0].cell(0, 0)) == ["HUYỆN ỦY PHONG THỔ", "BAN DÂN VẬN", "*"]
    assert signed(document) == ["TRƯỞNG BAN"]


def test_the_unit_download_reads_the_style_in_a_fixed_number_of_queries(client, year):
    officer = make_user("canbo-dem", Role.OFFICER, unit=Unit.objects.get(code="03583"))
    file_report(officer, officer.unit, year, texts={})
    client.force_login(officer)
    url = reverse("unit_report_docx", args=[year.id, "03583"])
    with CaptureQueriesContext(connection) as plain:
        assert client.get(url).status_code == 200
    UnitDocument.objects.create(unit=officer.unit, signer_name="Vàng A Sử")
    with CaptureQueriesContext(connection) as overridden:
        response = client.get(url)
    assert "Vàng A Sử" in signed(Document(io.BytesIO(response.content)))
    assert len(overridden) == len(plain)


def test_styles_and_a_units_lines_are_edited_in_the_admin(client, administrator, phong_tho):
    client.force_login(administrator)
    style = DocumentStyle.objects.get(code="dang-uy-co-so")
    page = client.get(reverse("admin:programme_documentstyle_change", args=[style.pk]))
    assert page.status_code == 200
    for field in ("system", "national", "superior", "issuing", "symbol", "signature", "archive"):
        assert f'name="{field}"' in page.text
    own = UnitDocument.objects.get(unit__code="109-MTTQ")
    page = client.get(reverse("admin:programme_unitdocument_change", args=[own.pk]))
    assert page.status_code == 200
    for field in ("unit", "style", "superior", "issuing", "symbol", "signature", "signer_name"):
        assert f'name="{field}"' in page.text
    kind = UnitKind.objects.get(code="commune")
    assert 'name="document_style"' in client.get(reverse("admin:programme_unitkind_change", args=[kind.pk])).text


def test_an_unknown_placeholder_is_refused_in_vietnamese_and_nothing_is_saved(client, administrator, phong_tho):
    client.force_login(administrator)
    style = DocumentStyle.objects.get(code="dang-uy-co-so")
    url = reverse("admin:programme_documentstyle_change", args=[style.pk])
    data = {
        "code": style.code,
        "name": style.name,
        "system": style.system,
        "national": style.national,
        "superior": style.superior,
        "issuing": "ĐẢNG ỦY {don vi}",
        "symbol": style.symbol,
        "signature": style.signature,
        "archive": style.archive,
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Không hiểu {don vi}: chỉ dùng được {đơn vị} (tên đơn vị) và {cấp trên}" in response.text
    style.refresh_from_db()
    assert style.issuing == "ĐẢNG ỦY {đơn vị}"
    response = client.post(url, {**data, "issuing": "ĐẢNG ỦY {đơn vị}", "symbol": "BC/ĐU-X"})
    assert response.status_code == 302
    style.refresh_from_db()
    assert style.symbol == "BC/ĐU-X"


def test_a_units_own_lines_are_checked_the_same_way(phong_tho):
    own = UnitDocument(unit=Unit.objects.get(code="109-MTTQ"), signature="TM. {ban}\nCHỦ TỊCH")
    with pytest.raises(ValidationError) as refused:
        own.full_clean()
    assert "Không hiểu {ban}" in refused.value.message_dict["signature"][0]


def test_table_rows_never_split_and_the_header_row_repeats(year):
    document = Document(io.BytesIO(build_official_report(year, report_date=DAY)))
    ruled = [table for table in document.tables if table.style is not None and table.style.name == "Table Grid"]
    assert ruled

    for table in ruled:
        flags = [{child.tag for child in row._tr.trPr} for row in table.rows]
        assert qn("w:tblHeader") in flags[0]
        assert all(qn("w:tblHeader") not in row for row in flags[1:])
        assert all(qn("w:cantSplit") in row for row in flags)
    keep = [p.paragraph_format.keep_with_next for p in document.paragraphs[-3:]]
    assert keep == [True, True, True]  # the last lines go with the signature block
