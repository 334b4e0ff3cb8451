"""No download holds a cell a spreadsheet would run, whatever people typed into names, notes and texts.

Units are renamed as an administrator may name them, periods, targets and the programme too, and reports carry
notes and narratives that begin like formulas. Every CSV and XLSX the app writes is then read back: no XLSX
cell is a formula, every XLSX text that begins like one is marked as text and reads as typed, and no CSV cell
begins like one unless it is a number.
"""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from programme.models import Period, Target, Unit
from programme.rules import report_coverage
from reporting.inert import inert, is_formula
from reporting.selectors.reports import report_sheet
from reporting.services import Content, Figures, submission_import, submission_save
from tests.addresses import programme_reverse
from tests.factories import total_figures
from tests.surfaces import fetched

HYPERLINK = '=HYPERLINK("http://example.invalid","y")'
NAMES = {  # unit → the name an administrator gave it
    "03549": HYPERLINK,
    "03391": "+1+1",
    "03490": "-2+3",
    "109-CA": "@SUM(A1)",
    "109-BDV": "\t=1+1",
    "03550": "＝1+1",  # full-width, as some input methods type it
}
NAMES_TYPED = set(NAMES.values())
NOTE = "=1+2"
NARRATIVE = '=HYPERLINK("http://example.invalid") họp dân'
SHORTCOMINGS = "-1+1 hội nghị chưa tổ chức"
STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")  # as the app writes its figures


@pytest.mark.parametrize(
    ("text", "live"),
    [
        ("=1+1", True),
        ("+1+1", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\r=1", True),
        ("＝1+1", True),
        ("＋1", True),
        ("－1", True),
        ("＠A1", True),
        ("-", True),
        ("-A1", True),
        ("-5e3", True),
        ("-5", False),  # a negative number reads as one and runs nothing
        ("+5", False),
        ("-1.500", False),
        ("-12,5", False),
        ("", False),
        ("a=b", False),
        (" =1+1", False),
        ("03549", False),
        ("109-BDV", False),
        ("Xã Mường So", False),
    ],
)
def test_what_a_spreadsheet_would_run(text, live):
    assert is_formula(text) is live
    assert inert(text) == (f"'{text}" if live else text)


@pytest.fixture
def hostile(phong_tho, period_2024, officer, commune):
    """Names, labels and texts that begin like formulas, in every place a download takes text from."""
    for code, name in NAMES.items():
        Unit.objects.filter(code=code).update(name=name)
    for period in Period.objects.filter(programme=phong_tho):
        Period.objects.filter(pk=period.pk).update(name=f"={period.name}")
    Target.objects.filter(programme=phong_tho, code="MT1").update(short_name="=SUM(1)", numerator_label="+1 người")
    phong_tho.title, phong_tho.issuing_body = "-Chương trình", "@Ban Thường vụ"
    phong_tho.save(update_fields=["title", "issuing_body"])
    period_2024.refresh_from_db()
    commune.refresh_from_db()
    sheet = report_sheet(commune, period_2024)
    figures = {t: total_figures(t, 1, 2, NOTE if t.code == "MT6" else "") for t in sheet.typed_targets}
    content = Content(
        figures=figures,
        narratives={group: NARRATIVE for group in sheet.task_groups},
        shortcomings=SHORTCOMINGS,
        next_steps="+ tiếp tục",
        proposals="@ đề xuất",
    )
    submission_save(
        user=officer,
        unit=commune,
        period=period_2024,
        version=None,
        content=content,
        submit=True,
    )
    for code in NAMES.keys() - {"03549"}:
        unit = Unit.objects.get(code=code)
        first = report_coverage(unit, period_2024).typed[0]
        submission_import(unit=unit, period=period_2024, figures={first: Figures(3, 4, NAMES[code])}, actor_label="t")
    return period_2024


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for cell in row]


def assert_inert_csv(text: str, planted: set[str]) -> None:
    cells = csv_cells(text)
    assert [cell for cell in cells if cell.startswith(STARTS) and not NUMBER.fullmatch(cell)] == []
    assert {f"'{typed}" for typed in planted} <= set(cells)  # written, behind the apostrophe


def assert_inert_xlsx(content: bytes, planted: set[str]) -> None:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell for cell in cells if isinstance(cell.value, str)]
    assert [cell.value for cell in texts if cell.value.startswith(STARTS) and not cell.quotePrefix] == []
    assert planted <= {cell.value for cell in texts}  # as typed: the mark is the cell's style, not its text


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("role", ["reviewer", "leader", "administrator"])
def test_no_district_download_holds_a_live_formula(client, request, hostile, role):
    client.force_login(request.getfixturevalue(role))
    period = {"ky": hostile.id}
    planted = {
        "overview": set(),
        "matrix": NAMES_TYPED,
        "values": NAMES_TYPED | {NOTE},
    }
    for table, typed in planted.items():
        csv_text = body(client.get(programme_reverse(f"export_{table}", args=["csv"]), period)).decode("utf-8")
        assert_inert_csv(csv_text, typed)
        xlsx = body(fetched(client, client.get(programme_reverse(f"export_{table}", args=["xlsx"]), period)))
        assert_inert_xlsx(xlsx, typed | {"-Chương trình", "@Ban Thường vụ", f"{hostile.name} ({hostile.code})"})
    annex = body(client.get(programme_reverse("export_texts"), period)).decode("utf-8")
    assert_inert_csv(annex, {HYPERLINK, NARRATIVE, SHORTCOMINGS, "+ tiếp tục", "@ đề xuất"})


def test_the_compliance_command_writes_no_live_formula(hostile):
    for options in ([], ["--by-unit"]):
        out = io.StringIO()
        call_command("compliance", hostile.code, "--format", "csv", *options, stdout=out)
        assert_inert_csv(out.getvalue(), NAMES_TYPED if options else set())


def test_the_officers_template_holds_no_live_formula_even_in_its_hidden_sheet(client, officer, commune, hostile):
    period = Period.objects.get(programme=hostile.programme, code="2024Q3")
    sheet = report_sheet(commune, period)
    figures = {t: total_figures(t, 1, 2, NOTE) for t in sheet.typed_targets}
    submission_save(
        user=officer,
        unit=commune,
        period=period,
        version=None,
        content=Content(figures=figures),
        submit=False,
    )
    client.force_login(officer)
    content = body(client.get(reverse("report_template", args=[period.id, commune.code])))
    previous = f"{sheet.previous_period.name} (kỳ trước)"
    assert previous.startswith("=")
    assert_inert_xlsx(content, {HYPERLINK, NOTE, "+1 người", period.name, previous})
    meta = load_workbook(io.BytesIO(content))["_meta"]
    assert meta.sheet_state == "hidden"
    assert {row[1].value for row in meta.iter_rows(max_col=2)} >= {HYPERLINK, period.name}
