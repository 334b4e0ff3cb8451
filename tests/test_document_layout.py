"""The generated documents as they print: each DOCX converted to PDF with LibreOffice, its pages read back with
pdftotext. Skipped where LibreOffice is not installed (``.ci/run`` installs it). Converting is slow, so the
documents are made and converted once for the module: the compiled annex of the demo district's report for the
first half of 2024, the Ban's own report for that period composed on the demo data and completed (``ban``: its
texts written as the demo writes the units' texts, the document kept as issued), and the town's own report for
2024, filed with long narratives so that it runs over several pages.
"""

import datetime
import io
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from docx import Document

from accounts.roles import Role
from programme.models import Period, Unit
from reporting.demo_texts import closing_texts, group_text
from reporting.official_report import build_official_report, build_unit_report
from reporting.selectors.reports import report_sheet
from reporting.totals import totals_refresh
from synthesis.models import PeriodReportEvent
from synthesis.selectors import workspace
from synthesis.services import Draft, period_report_save
from tests.conftest import DEFAULT_FIXTURES
from tests.factories import as_in_2024, make_user
from tests.test_official_report import file_report

pytestmark = [
    pytest.mark.skipif(
        not (shutil.which("soffice") and shutil.which("pdftotext")),
        reason="LibreOffice (soffice) or pdftotext is not installed",
    ),
    pytest.mark.django_db,  # so that the test database is made; the module's data is in ``printed``
]

SIGNED = datetime.date(2024, 6, 20)
# The demo district's report for 6 tháng đầu năm 2024, as it prints: the expected count of pages.
DISTRICT_PAGES = 34  # every unit's texts compiled group by group, as the annex of the Ban's report
BAN_PAGES = 6  # the Ban's own report: its texts, the targets table, the register, Nơi nhận and the signature
TOWN_PAGES = 4
SCREENSHOTS = {
    name: Path(__file__).resolve().parent.parent / "docs" / "screenshots" / picture
    for name, picture in (("district", "official-report-district"), ("town", "official-report-unit"))
}
PARAGRAPH = (
    "Ban Thường vụ Đảng ủy thị trấn đã quán triệt, triển khai đến các chi bộ, thôn, tổ dân phố; vận động Nhân dân "
    "tham gia hiến đất làm đường, chỉnh trang khu dân cư, giữ gìn an ninh trật tự và vệ sinh môi trường."
)


def _town_texts() -> dict:
    """Narratives of a plausible length: several paragraphs under each task group."""
    return {number: "\n".join([PARAGRAPH] * 3) for number in range(1, 10)}


def _ban_report(period: Period) -> bytes:
    """The Ban's report for the period, composed on the demo data as a reviewer would (a few sentences per part,
    a figure quoted from the table) and completed: the document as issued."""
    rng = random.Random(2024)
    space = workspace(period, events=0)
    ban = "Ban Dân vận Huyện ủy"
    phrase = period.name[:1].lower() + period.name[1:]
    closing = closing_texts(rng, outlook=period.outlook, year=period.programme.year)
    texts = {
        "opening": space.texts["opening"],
        "people": group_text(rng, 1, unit=ban, period=phrase, year=period.programme.year),
        "strengths": "Tỷ lệ đảng ủy tổ chức đối thoại đạt {{MT1}}; "
        + group_text(rng, 3, unit=ban, period=phrase, year=period.programme.year),
        "shortcomings": closing["shortcomings"],
        "causes": group_text(rng, 2, unit=ban, period=phrase, year=period.programme.year),
        "next_steps": closing["next_steps"],
        "proposals": closing["proposals"],
    }
    sections = {
        group: group_text(rng, group.number, unit=ban, period=phrase, year=period.programme.year)
        for group in space.groups
    }
    area = period.programme.area
    reviewer = make_user("bandanvan-in", Role.REVIEWER, unit=area)
    draft = Draft(texts=texts, sections=sections, number="12", issued_on=SIGNED, recipients="")
    report = period_report_save(
        user=reviewer, period=period, version=None, draft=draft, groups=space.groups, complete=True
    )
    return bytes(PeriodReportEvent.objects.get(report=report, action=PeriodReportEvent.Action.COMPLETED).document)


def _pdf(docx: dict[str, bytes], directory: Path) -> dict[str, list[str]]:
    """Each document converted by one LibreOffice run, then read page by page (``-raw``: in the order LibreOffice
    wrote the text, so a table's cell stays together)."""
    for name, content in docx.items():
        (directory / f"{name}.docx").write_bytes(content)
    profile = directory / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(directory),
            *(str(directory / f"{name}.docx") for name in docx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pages = {}
    for name in docx:
        text = subprocess.run(
            ["pdftotext", "-raw", str(directory / f"{name}.pdf"), "-"], check=True, capture_output=True, text=True
        ).stdout
        pages[name] = [re.sub(r"\s+", " ", page).strip() for page in text.split("\f")][: -1 or None]
    return pages


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two documents as DOCX (read back with python-docx) and as printed pages."""
    docx = {}
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("loaddata", *DEFAULT_FIXTURES, verbosity=0)
            totals_refresh()
            with override_settings(DEBUG=True):  # the demo is for a try-out only
                call_command("demo_reports", stdout=io.StringIO())
            period = Period.objects.select_related("programme__area").get(code="2024S1")
            docx["district"] = build_official_report(period, number="12", report_date=SIGNED)
            docx["ban"] = _ban_report(period)
            transaction.set_rollback(True)
        with transaction.atomic():
            call_command("loaddata", *DEFAULT_FIXTURES, verbosity=0)
            as_in_2024()  # the town's officer files its 2024 report
            totals_refresh()
            period = Period.objects.select_related("programme__area").get(code="2024")
            town = Unit.objects.select_related("kind__document_style", "document__style", "parent").get(code="03549")
            file_report(make_user("canbo-in", Role.OFFICER, unit=town), town, period, texts=_town_texts())
            docx["town"] = build_unit_report(report_sheet(town, period), report_date=datetime.date(2024, 12, 12))
            transaction.set_rollback(True)
    directory = tmp_path_factory.mktemp("in")
    pages = _pdf(docx, directory)
    if os.environ.get("UPDATE_SCREENSHOTS"):  # `make screenshots`: page 1 of each, as docs/document-layout.md shows
        for name, picture in SCREENSHOTS.items():
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-png",
                    "-singlefile",
                    directory / f"{name}.pdf",
                    picture,
                ],
                check=True,
            )
    return {name: (Document(io.BytesIO(content)), pages[name]) for name, content in docx.items()}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "name, header",
    [
        ("district", ["HUYỆN ỦY PHONG THỔ", "BAN DÂN VẬN", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-BC/BDVHU", "BÁO CÁO"]),
        ("ban", ["HUYỆN ỦY PHONG THỔ", "BAN DÂN VẬN", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-BC/BDVHU", "BÁO CÁO"]),
        ("town", ["ĐẢNG BỘ HUYỆN PHONG THỔ", "ĐẢNG ỦY THỊ TRẤN PHONG THỔ", "ĐẢNG CỘNG SẢN VIỆT NAM", "-BC/ĐU"]),
    ],
)
def test_the_header_is_on_page_one_only(printed, name, header):
    _, pages = printed[name]
    assert all(line in pages[0] for line in header)
    assert not any("ĐẢNG CỘNG SẢN VIỆT NAM" in page for page in pages[1:])


@pytest.mark.parametrize("name, count", [("district", DISTRICT_PAGES), ("ban", BAN_PAGES), ("town", TOWN_PAGES)])
def test_the_expected_number_of_pages(printed, name, count):
    assert len(printed[name][1]) == count


@pytest.mark.parametrize("name", ["district", "ban", "town"])
def test_the_signature_and_nơi_nhận_never_stand_alone_on_a_page(printed, name):
    document, pages = printed[name]
    signature = document.tables[-1]
    signer = [line for line in (p.text for p in signature.cell(0, 1).paragraphs) if line]
    last = [page for page in pages if "Nơi nhận:" in page]
    assert len(last) == 1 and last[0] is pages[-1]
    before = pages[-1].split("Nơi nhận:", 1)[0]
    body = re.sub(r"^\d+ ", "", before).strip()  # the page number heads every page after the first
    assert len(body) > 40, f"Nơi nhận opens page {len(pages)} alone: {before!r}"
    assert all(line in pages[-1] for line in signer)


@pytest.mark.parametrize("name", ["district", "ban", "town"])
def test_no_table_row_is_split_across_pages(printed, name):
    document, pages = printed[name]
    tables = [table for table in document.tables[1:-1]]  # between the header and the signature blocks
    assert tables
    everything = " ".join(pages)
    checked = 0
    for table in tables:
        for row in table.rows[1:]:
            first, last = _flat(row.cells[0].text), _flat(row.cells[-1].text)
            if everything.count(first) != 1:
                continue  # a row named like another (an organisation in two targets' tables) cannot be placed
            holding = [index for index, page in enumerate(pages) if first in page]
            assert len(holding) == 1, f"{first!r} is on pages {holding}"
            assert last in pages[holding[0]], f"{first!r}: its last cell {last!r} is not on its page"
            checked += 1
    assert checked >= 5
