"""Hostile query parameters and path segments on every dashboard and every download: never a 500, never a
write, and an officer never gets further than the own unit.

A leader (the district's read-only role) asks every page and file with generated and hand-picked values in
every parameter the views read, alone or repeated; an officer asks the same and is refused. The world is built
once per test function: the shipped Phong Thổ fixtures, the town's full 2024 report with HTML in every text,
and imported figures for two other units, one of them approved.
"""

import csv
import io
import zipfile
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import resolve, reverse
from django.utils.html import escape
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from programme.models import Period, Target, Unit
from reporting import downloads
from reporting.models import Submission
from reporting.selectors.compliance import latest_period_with_data
from reporting.selectors.reports import report_sheet
from reporting.services import (
    Content,
    Figures,
    submission_approve,
    submission_import,
    submission_return,
    submission_save,
)
from tests.addresses import programme_reverse
from tests.factories import total_figures
from tests.surfaces import fetched

PARAMS = (
    *("ky", "loai", "cap_tren", "trang_thai", "sap_xep", "trang", "chi_duyet", "so"),
    *("kind", "field", "recognised", "page", "trang_don_vi"),  # the register's
)
SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
MALICIOUS = [
    "",
    "0",
    "-1",
    "1.5",
    "1,5",
    "1.500,25",
    "1e309",
    "0x10",
    "99999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "9" * 4_301,  # one digit more than int() reads by default
    "1" * 10_000,
    "٣",  # Arabic-Indic three
    "²",
    "１２",  # full-width digits
    "𝟏",  # a mathematical bold one
    "1\u0301",
    "e\u0301\u0301\u0301",
    "\u202e1",  # a right-to-left override
    "\ufeff1",
    SCRIPT,
    IMAGE,
    "javascript:alert(1)",
    "'; DROP TABLE reporting_value; --",
    "x" * 10_000,
    "\x00",
    "1\x00",
    "--MT1",
]
hostile_settings = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def digits_in(id_: int, zero: str) -> str:
    """The id written with another script's digits, ``zero`` being that script's 0."""
    return "".join(chr(ord(zero) + int(digit)) for digit in str(id_))


def near_misses(id_: int) -> list[str]:
    """Values that look like a real id to a person or to ``str.isdigit`` but are not one."""
    return [
        f"{id_}.0",
        f"{id_},0",
        f"-{id_}",
        f" {id_}\u0301",
        f"{id_}\x00",
        f"{id_}{SCRIPT}",
        digits_in(id_, "０"),
        digits_in(id_, "٠"),
        digits_in(id_, "۰"),
    ]


@pytest.fixture
def world(phong_tho, period_2024, officer, commune, reviewer):
    """The town files its whole 2024 report; two units' figures are imported; one of those is approved."""
    sheet = report_sheet(commune, period_2024)
    content = Content(
        figures={t: total_figures(t, 1, 2, IMAGE) for t in sheet.typed_targets},
        narratives={g: f"Nhóm {g.number}: {SCRIPT}" for g in sheet.task_groups},
        shortcomings=SCRIPT,
        next_steps=IMAGE,
        proposals=SCRIPT,
    )
    submission_save(
        user=officer,
        unit=commune,
        period=period_2024,
        version=None,
        content=content,
        submit=True,
    )
    mt1 = Target.objects.get(programme=phong_tho, code="MT1")
    for code in ("03391", "109-CA"):
        unit = Unit.objects.get(code=code)
        submission_import(unit=unit, period=period_2024, figures={mt1: Figures(3, 4)}, actor_label="t")
    submission_approve(user=reviewer, submission=Submission.objects.get(unit__code="109-CA"), version=None)
    return phong_tho


def page_urls(world) -> list[str]:
    target = Target.objects.get(programme=world, code="MT6")
    return [
        programme_reverse("overview"),
        programme_reverse("matrix"),
        programme_reverse("completeness"),
        programme_reverse("unit_dashboard", args=["03549"]),
        programme_reverse("target_dashboard", args=[target.id]),
        programme_reverse("inbox"),
        reverse("register"),
    ]


def file_urls(world) -> list[str]:
    period = Period.objects.get(programme=world, code="2024")
    tables = [
        programme_reverse(name, args=[fmt])
        for name in ("export_overview", "export_matrix", "export_values")
        for fmt in ("csv", "xlsx")
    ]
    return [
        *tables,
        *(programme_reverse("download_start", args=[kind, fmt]) for kind, fmt in downloads.BUILDERS),
        programme_reverse("export_texts"),
        programme_reverse("official_report", args=[period.id]),
        reverse("unit_report_docx", args=[period.id, "03549"]),
    ]


def database_state(labels=("programme", "reporting", "accounts")) -> dict[str, list]:
    """Every row of the apps' tables, to compare before and after."""
    return {
        model._meta.label: sorted(model.objects.values_list(), key=repr)
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }


def ids_in_play(world) -> list[int]:
    """The ids the filters accept: periods, and the kinds and parents of units that report."""
    units = Unit.objects.filter(code__in=["03549", "03391", "109-CA"])
    periods = Period.objects.filter(programme=world).values_list("id", flat=True)
    return sorted({*periods, *(unit.kind_id for unit in units), *(unit.parent_id for unit in units)})


def params_strategy(ids: list[int]):
    """Any subset of the parameters, each given one to three times (the views read the last one)."""
    hand_picked = st.sampled_from([*MALICIOUS, *(value for id_ in ids for value in near_misses(id_))])
    valid = st.sampled_from([*map(str, ids), "1", "MT1", "-MT1", "ten", "submitted", "missing"])
    value = st.one_of(hand_picked, valid, st.text(max_size=40), st.integers().map(str))
    return st.dictionaries(st.sampled_from(PARAMS), st.lists(value, min_size=1, max_size=3), max_size=len(PARAMS))


def last(params: dict, name: str) -> str:
    value = params.get(name, "")
    return value[-1] if isinstance(value, list) else value


def assert_page_answer(response, url: str, params: dict, default: Period) -> None:
    """The page, with any value it does not understand ignored, and nothing typed echoed as markup."""
    assert response.status_code == 200, (url, response.status_code)
    main = response.text.split("<main", 1)[1]
    assert "<script" not in main and "onerror=" not in main and "Traceback" not in main, url
    board = response.context.get("board")
    if board is None:
        return
    if hasattr(board, "approved_only"):
        assert board.approved_only == (last(params, "chi_duyet") == "1"), url
    chosen = last(params, "ky").strip()
    if hasattr(board, "period") and not (chosen.isascii() and chosen.isdigit()):
        assert board.period == default, url


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_file_answer(response, url: str, params: dict) -> None:
    """The file itself, or a clear refusal: 404 for a period that is not one, 400 for a bad report number."""
    status = response.status_code
    if status == 302:  # an XLSX made in the background: sent to the page that asks for it, with the parameters
        assert resolve(urlsplit(response["Location"]).path).url_name == "download_start", url
        return
    assert status in (200, 400, 404), (url, status)
    if status == 200 and resolve(url).url_name == "download_start":
        assert "Chuẩn bị tệp" in body(response).decode(), url
        return
    if status == 400:
        assert "Số văn bản không hợp lệ" in body(response).decode(), url
    if status != 200:
        return
    approved = last(params, "chi_duyet") == "1" and "/bao-cao/" not in url  # a unit's report has no switch
    assert ("-da-duyet." in response["Content-Disposition"]) == approved, url
    content = body(response)
    if url.endswith(".csv"):
        assert "Traceback" not in content.decode("utf-8-sig")
    elif url.endswith(".xlsx"):
        load_workbook(io.BytesIO(content), read_only=True).close()
    else:
        Document(io.BytesIO(content))
        assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None


# --- generated values ------------------------------------------------------------------------------------------


@hostile_settings
@given(data=st.data())
def test_dashboards_answer_any_parameters_with_a_page(client, leader, world, data):
    client.force_login(leader)
    before, default = database_state(), latest_period_with_data(world)
    url = data.draw(st.sampled_from(page_urls(world)), label="url")
    params = data.draw(params_strategy(ids_in_play(world)), label="params")
    assert_page_answer(client.get(url, params), url, params, default)
    assert database_state() == before


@settings(hostile_settings, max_examples=30)
@given(data=st.data())
def test_downloads_answer_any_parameters_with_the_file_or_a_refusal(client, leader, world, data):
    client.force_login(leader)
    before = database_state()
    url = data.draw(st.sampled_from(file_urls(world)), label="url")
    params = data.draw(params_strategy(ids_in_play(world)), label="params")
    assert_file_answer(client.get(url, params), url, params)
    assert database_state() == before


@settings(hostile_settings, max_examples=25)
@given(data=st.data())
def test_an_officer_is_refused_whatever_the_parameters(client, officer, commune, world, data):
    client.force_login(officer)
    before = database_state()
    url = data.draw(st.sampled_from(officer_refusals(world)), label="url")
    params = data.draw(params_strategy(ids_in_play(world)), label="params")
    assert_officer_refused(client.get(url, params), url, commune)
    assert database_state() == before


# --- hand-picked values: each one in every parameter of every URL ----------------------------------------------


def hand_picked(world) -> list[str]:
    return [*MALICIOUS, *near_misses(Period.objects.get(programme=world, code="2024").id)]


def test_dashboards_answer_every_malicious_value_in_every_parameter(client, leader, world):
    client.force_login(leader)
    before, default = database_state(), latest_period_with_data(world)
    for value in hand_picked(world):
        params = dict.fromkeys(PARAMS, value)
        for url in page_urls(world):
            assert_page_answer(client.get(url, params), url, params, default)
    assert database_state() == before


def test_downloads_answer_every_malicious_value_in_every_parameter(client, leader, world):
    client.force_login(leader)
    before = database_state()
    *reading, unit_report = file_urls(world)
    for value in hand_picked(world):
        params = dict.fromkeys(PARAMS, value)
        for url in reading:
            assert_file_answer(client.get(url, params), url, params)
    params = dict.fromkeys(PARAMS, hand_picked(world))  # a unit's report reads no parameter: all at once
    assert_file_answer(client.get(unit_report, params), unit_report, params)
    assert database_state() == before


def test_a_repeated_parameter_counts_by_its_last_value(client, leader, world):
    """Django reads the last of repeated values: a valid one after garbage is used, garbage after it ignored."""
    client.force_login(leader)
    s1 = Period.objects.get(programme=world, code="2024S1")
    default = latest_period_with_data(world)
    for values, shown in (([SCRIPT, "9" * 5_000, str(s1.id)], s1), ([str(s1.id), "9" * 5_000, SCRIPT], default)):
        for url in page_urls(world)[:3]:
            params = {"ky": values, "chi_duyet": ["1", "1\x00"]}
            response = client.get(url, params)
            assert_page_answer(response, url, params, default)
            if url != programme_reverse("completeness"):
                assert response.context["board"].period == shown, url
        export = programme_reverse("export_values", args=["csv"])
        response = client.get(export, {"ky": values})
        assert response.status_code == (200 if shown == s1 else 404)


# --- hostile path segments -------------------------------------------------------------------------------------

PATH_CODES = ["\x00", "03549\x00", SCRIPT, "x" * 2_000, "٠٣٥٤٩", "０３５４９", "03549\u0301", "' OR '1'='1", "%2e%2e"]
PATH_IDS = ["0", "2147483648", "9223372036854775808", "9" * 30, "9" * 5_000]


def test_hostile_path_segments_are_a_404(client, leader, world):
    client.force_login(leader)
    before = database_state()
    period = Period.objects.get(programme=world, code="2024")
    programme = f"/ct/{world.code}/"
    for code in PATH_CODES:
        for url in (
            f"{programme}tong-quan/don-vi/{code}/",
            f"/bao-cao/{period.id}/{code}/bao-cao.docx",
            f"/ct/{code}/tong-quan/",
            f"/ct/{code}/xuat/tong-quan.csv",
        ):
            assert client.get(url).status_code == 404, url
    for id_ in PATH_IDS:
        for url in (
            f"{programme}tong-quan/chi-tieu/{id_}/",
            f"{programme}xuat/bao-cao-{id_}.docx",
            f"/bao-cao/{id_}/03549/bao-cao.docx",
        ):
            assert client.get(url).status_code == 404, url[:60]
    assert database_state() == before


# --- the officer -----------------------------------------------------------------------------------------------


def officer_refusals(world) -> list[str]:
    """Every district page and file, and another unit's page and report."""
    period = Period.objects.get(programme=world, code="2024")
    district = [url for url in page_urls(world) if "/don-vi/" not in url and url != reverse("register")]
    return [
        *district,
        programme_reverse("unit_dashboard", args=["03391"]),
        *(url for url in file_urls(world) if "/bao-cao/" not in url),
        reverse("unit_report_docx", args=[period.id, "03391"]),
    ]


def assert_officer_refused(response, url: str, own_unit: Unit) -> None:
    """Sent to the own unit's page (the district's dashboards), or refused with 403, or told it is not there."""
    assert response.status_code in (302, 403, 404), (url, response.status_code)
    if response.status_code == 302:
        assert response["Location"] == programme_reverse("unit_dashboard", args=[own_unit.code]), url
    else:
        assert "Xã Lả Nhì Thàng" not in response.content.decode(errors="replace"), url


def test_an_officer_is_refused_every_malicious_value(client, officer, commune, world):
    client.force_login(officer)
    before, urls = database_state(), officer_refusals(world)
    for value in hand_picked(world):
        for url in urls:
            assert_officer_refused(client.get(url, dict.fromkeys(PARAMS, value)), url, commune)
    assert database_state() == before


# --- the reviewer's forms: ids and versions are compared as text ---------------------------------------------


def test_inbox_filters_and_a_review_version_of_any_length_never_crash(client, reviewer, world):
    client.force_login(reviewer)
    url = reverse("review", args=[Period.objects.get(programme=world, code="2024").id, "03391"])
    before = database_state()
    for value in ["9" * 4_301, "9" * 10_000, "²", "１", "1\x00"]:
        response = client.get(programme_reverse("inbox"), {"ky": value, "loai": value, "trang": value})
        assert response.status_code == 200 and response.context["chosen"]["period"] is None
        response = client.post(url, {"action": "approve", "comment": "", "version": value})
        assert response.status_code == 409 and "vừa được lưu" in response.text, value[:10]
    assert database_state() == before


# --- what units typed is shown as text -------------------------------------------------------------------------
# The report form's and review page's first narrative box is covered in test_hostile_input, a narrative in the
# district's DOCX in test_official_report, a note that looks like a formula in the values XLSX in test_exports.


def test_every_typed_text_is_escaped_on_every_page_that_shows_it(client, officer, reviewer, world, period_2024):
    town = Submission.objects.get(unit__code="03549", period=period_2024)
    submission_return(user=reviewer, submission=town, version=None, comment=f"{SCRIPT}\n{IMAGE}")
    pages = [
        (officer, reverse("report", args=[period_2024.id, "03549"])),
        (officer, reverse("report_history", args=[period_2024.id, "03549"])),
        (officer, reverse("home")),
        (reviewer, reverse("review", args=[period_2024.id, "03549"])),
    ]
    for user, url in pages:
        client.force_login(user)
        main = client.get(url).text.split("<main", 1)[1]
        assert "<script>alert" not in main and "<img src=x" not in main, url
        assert escape(SCRIPT) in main and escape(IMAGE) in main, url


def docx_text(content: bytes) -> tuple[str, str]:
    """The document's text as Word shows it, and its XML as stored."""
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    return "\n".join([*(p.text for p in document.paragraphs), *cells]), xml


def test_typed_html_is_literal_text_in_the_reports_and_the_downloads(client, leader, world, period_2024):
    client.force_login(leader)
    official = client.get(programme_reverse("official_report", args=[period_2024.id]))
    unit = client.get(reverse("unit_report_docx", args=[period_2024.id, "03549"]))
    for response, expected in (
        (official, [f"Thị trấn Phong Thổ: {SCRIPT}", f"Thị trấn Phong Thổ: {IMAGE}"]),
        (unit, [SCRIPT, IMAGE]),
    ):
        text, xml = docx_text(body(response))
        for line in expected:
            assert line in text.splitlines()
        assert "<script" not in xml and "<img" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert IMAGE in docx_text(body(unit))[0].splitlines()  # the notes column of the unit's figures

    response = fetched(client, client.get(programme_reverse("export_values", args=["xlsx"]), {"ky": period_2024.id}))
    content = body(response)
    sheet = load_workbook(io.BytesIO(content))["Số liệu"]
    notes = [row[7] for row in sheet.iter_rows(min_row=2) if row[0].value == "03549" and not row[4].value]
    assert notes and all(cell.value == IMAGE and cell.data_type == "s" for cell in notes)
    archive = zipfile.ZipFile(io.BytesIO(content))
    xml = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    assert "<img" not in xml and "&lt;img src=x onerror=alert(1)&gt;" in xml

    annex = body(client.get(programme_reverse("export_texts"), {"ky": period_2024.id})).decode("utf-8-sig")
    texts = [row["text"] for row in csv.DictReader(io.StringIO(annex)) if row["unit"] == "03549"]
    assert SCRIPT in texts and IMAGE in texts
