"""A target's figure typed per category (MT6, MT7, MT8 per mass organisation): the figure is the sum of the parts,
on every entry path (the form, the Excel template, ``import_values``), and the breakdown is shown and exported.

On the shipped fixtures: "03549" is a commune; MT6 and MT7 have four categories (the Đoàn, the Hội Phụ nữ, the Hội
Nông dân, the Hội Cựu chiến binh), MT8 (annual) five (the Mặt trận first)."""

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from programme.models import Period, Target, TargetCategory
from reporting.breakdowns import Part, total_of
from reporting.models import Submission, Value, ValuePart
from reporting.services import Content, Figures, SubmissionError, submission_import, submission_save
from tests.addresses import programme_reverse

ORGS = ["doan-thanh-nien", "phu-nu", "nong-dan", "cuu-chien-binh"]
TYPED_Q1 = ["MT1", "MT2", "MT3a", "MT3b", "MT4a", "MT4b"]  # a commune's plain typed targets in 2024Q1
VECTORS = json.loads((Path(__file__).parent / "vectors" / "breakdowns.json").read_text(encoding="utf-8"))["vectors"]


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


def parts_of(target: Target, pairs) -> dict:
    categories = list(TargetCategory.objects.filter(target=target).order_by("order"))
    return {c: Part(*pair) for c, pair in zip(categories, pairs, strict=True)}


def form_url(period, unit):
    return reverse("report", args=[period.id, unit.code])


def complete_post(**overrides):
    data = {"version": "", "action": "submit"}
    for code in TYPED_Q1:
        data |= {f"num_{code}": "8", f"den_{code}": "10", f"note_{code}": ""}
    for code, figures in (("MT6", [(10, 12), (20, 25), (30, 30), (4, 5)]), ("MT7", [(1, 2), (3, 4), (5, 6), (7, 8)])):
        data[f"note_{code}"] = ""
        for org, (num, den) in zip(ORGS, figures, strict=True):
            data |= {f"pnum_{code}__{org}": str(num), f"pden_{code}__{org}": str(den)}
    data |= {f"group_{n}": f"Kết quả nhóm {n}." for n in range(1, 5)}
    data |= {"shortcomings": "Còn chậm.", "next_steps": "Đôn đốc.", "proposals": "Không."}
    return data | overrides


# --- the rule ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS, ids=[case["why"] for case in VECTORS])
def test_the_total_is_the_sum_of_the_parts(case):
    assert list(total_of([tuple(pair) for pair in case["parts"]])) == case["total"]


def test_the_script_sums_as_the_server_does(tmp_path):
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = Path(__file__).resolve().parent.parent / "static" / "js" / "breakdowns.js"
    runner = """
const fs = require("fs"), vm = require("vm");
const [script, cases] = process.argv.slice(1);
const context = { window: {} };
vm.createContext(context);
vm.runInContext(fs.readFileSync(script, "utf8"), context);
console.log(JSON.stringify(JSON.parse(fs.readFileSync(cases, "utf8")).map(c => context.window.dvBreakdownTotal(c))));
"""
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([case["parts"] for case in VECTORS]), encoding="utf-8")
    done = subprocess.run([node, "-e", runner, str(script), str(path)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [case["total"] for case in VECTORS]


def test_the_fixture_gives_mt6_mt7_mt8_their_organisations(phong_tho):
    names = {
        code: list(TargetCategory.objects.filter(target__programme=phong_tho, target__code=code).order_by("order"))
        for code in ("MT6", "MT7", "MT8")
    }
    assert [c.code for c in names["MT6"]] == ORGS == [c.code for c in names["MT7"]]
    assert [c.code for c in names["MT8"]] == ["mat-tran", *ORGS]
    assert names["MT6"][0].name == "Đoàn TNCS Hồ Chí Minh"
    assert not TargetCategory.objects.filter(target__programme=phong_tho).exclude(target__code__in=names).exists()


# --- the service ---------------------------------------------------------------------------------------------


def test_the_service_keeps_the_parts_and_their_sum(phong_tho, officer, commune, q1, targets):
    mt6 = targets["MT6"]
    content = Content(figures={mt6: Figures(None, None, parts=parts_of(mt6, [(10, 12), (20, 25), (30, 30), (4, 5)]))})
    submission = submission_save(user=officer, unit=commune, period=q1, version=None, content=content, submit=False)
    value = Value.objects.get(submission=submission, target=mt6)
    assert (value.numerator, value.denominator) == (64, 72)
    assert sorted(ValuePart.objects.filter(value=value).values_list("numerator", "denominator")) == [
        (4, 5),
        (10, 12),
        (20, 25),
        (30, 30),
    ]
    change = next(c for c in submission.events.get().changes if c.get("category") == "Hội Nông dân")
    assert change == {"target": "MT6", "category": "Hội Nông dân", "field": "numerator", "old": None, "new": 30}


def test_a_posted_total_is_never_trusted(phong_tho, officer, commune, q1, targets):
    mt6 = targets["MT6"]
    parts = parts_of(mt6, [(1, 2), (1, 2), (1, 2), (1, 2)])
    content = Content(figures={mt6: Figures(99, 100, parts=parts)})
    submission = submission_save(user=officer, unit=commune, period=q1, version=None, content=content, submit=False)
    value = Value.objects.get(submission=submission, target=mt6)
    assert (value.numerator, value.denominator) == (4, 8)


@pytest.mark.parametrize(
    "figures, message",
    [
        ({"MT6": Figures(45, 50)}, "MT6 được báo cáo theo từng tổ chức"),
        ({"MT6": "parts", "MT1": "parts"}, "MT1 không báo cáo theo từng tổ chức"),
        ({"MT6": [(10, 12), (20, 25), (31, 30), (4, 5)]}, "MT6 — Hội Nông dân: tử số (31) không được lớn hơn"),
        ({"MT6": [(10, 12), (20, 25), (None, None), (4, 5)]}, "còn thiếu số liệu của Hội Nông dân"),
    ],
)
def test_bad_parts_are_refused_and_nothing_is_saved(phong_tho, commune, q1, targets, figures, message):
    built = {}
    for code, given in figures.items():
        target = targets[code]
        if given == "parts":
            mt6 = targets["MT6"]
            built[target] = Figures(None, None, parts=parts_of(mt6, [(1, 1)] * 4))
        elif isinstance(given, list):
            built[target] = Figures(None, None, parts=parts_of(target, given))
        else:
            built[target] = given
    with pytest.raises(SubmissionError, match=re.escape(message)):
        submission_import(unit=commune, period=q1, figures=built, actor_label="test")
    assert not Submission.objects.filter(unit=commune, period=q1).exists()
    assert not ValuePart.objects.exists()


def test_a_part_of_another_target_is_refused(phong_tho, commune, q1, targets):
    mt6, mt7 = targets["MT6"], targets["MT7"]
    with pytest.raises(SubmissionError, match="MT6 không có phần chia"):
        submission_import(
            unit=commune,
            period=q1,
            figures={mt6: Figures(None, None, parts=parts_of(mt7, [(1, 1)] * 4))},
            actor_label="test",
        )


# --- the form ------------------------------------------------------------------------------------------------


def test_the_form_round_trips_the_parts(client, officer, commune, q1):
    client.force_login(officer)
    page = client.get(form_url(q1, commune)).text
    assert 'name="pnum_MT6__nong-dan"' in page and 'name="num_MT6"' not in page
    assert "Hội Cựu chiến binh" in page and "breakdowns.js" in page
    response = client.post(form_url(q1, commune), complete_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    submission = Submission.objects.get(unit=commune, period=q1)
    assert submission.status == "submitted"
    mt6 = submission.values.get(target__code="MT6")
    assert (mt6.numerator, mt6.denominator) == (64, 72)
    assert (
        submission.values.get(target__code="MT7").numerator,
        submission.values.get(target__code="MT7").denominator,
    ) == (
        16,
        20,
    )
    page = client.get(form_url(q1, commune)).text
    assert "Hội Nông dân" in page and ">64<" in page.replace("\n", "")


def test_the_form_names_the_organisation_of_a_bad_part(client, officer, commune, q1):
    client.force_login(officer)
    response = client.post(form_url(q1, commune), complete_post(**{"pnum_MT6__nong-dan": "31"}))
    assert response.status_code == 400
    assert "Tử số (31) không được lớn hơn mẫu số (30)." in response.text
    assert not Submission.objects.filter(unit=commune, period=q1).exists()


def test_submitting_needs_every_part(client, officer, commune, q1):
    client.force_login(officer)
    response = client.post(form_url(q1, commune), complete_post(**{"pden_MT7__phu-nu": ""}))
    assert response.status_code == 400 and response.text.count("Bắt buộc khi nộp báo cáo.") == 1
    assert not Submission.objects.filter(unit=commune, period=q1, status="submitted").exists()


def test_a_draft_keeps_parts_typed_so_far(client, officer, commune, q1):
    client.force_login(officer)
    data = {"version": "", "action": "save", "pnum_MT6__doan-thanh-nien": "7", "pden_MT6__doan-thanh-nien": "9"}
    assert client.post(form_url(q1, commune), data).status_code == 302
    value = Value.objects.get(submission__unit=commune, submission__period=q1, target__code="MT6")
    assert (value.numerator, value.denominator) == (None, None)  # not a figure until every organisation has one
    assert value.parts.get(category__code="doan-thanh-nien").numerator == 7
    assert 'value="7"' in client.get(form_url(q1, commune)).text


def test_another_units_form_stays_forbidden(client, phong_tho, q1, officer):
    client.force_login(officer)
    other = phong_tho.area.children.exclude(code="03549").filter(kind__code="commune").first()
    response = client.post(form_url(q1, other), complete_post())
    assert response.status_code == 404
    assert not ValuePart.objects.exists()


# --- the Excel template --------------------------------------------------------------------------------------


def test_the_template_round_trips_the_parts(client, officer, commune, q1):
    client.force_login(officer)
    data = client.get(reverse("report_template", args=[q1.id, commune.code])).content
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Báo cáo"]
    rows = {
        (sheet[f"A{n}"].value, sheet[f"B{n}"].value): n for n in range(6, sheet.max_row + 1) if sheet[f"A{n}"].value
    }
    total_row = next(n for (code, name), n in rows.items() if code == "MT6" and not name.startswith("Đoàn"))
    assert sheet[f"D{total_row}"].value is None and sheet[f"D{total_row}"].protection.locked  # the saved sum
    for org, (num, den) in zip(
        ["Đoàn TNCS Hồ Chí Minh", "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh"],
        [(10, 12), (20, 25), (30, 30), (4, 5)],
        strict=True,
    ):
        sheet[f"D{rows[('MT6', org)]}"] = num
        sheet[f"F{rows[('MT6', org)]}"] = den
    out = io.BytesIO()
    workbook.save(out)
    upload = SimpleUploadedFile("bao-cao.xlsx", out.getvalue())
    response = client.post(reverse("report_upload", args=[q1.id, commune.code]), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    value = Value.objects.get(submission__unit=commune, submission__period=q1, target__code="MT6")
    assert (value.numerator, value.denominator) == (64, 72)
    assert value.parts.get(category__code="nong-dan").denominator == 30


def test_the_template_names_the_cell_and_organisation_of_a_bad_part(client, officer, commune, q1):
    client.force_login(officer)
    workbook = load_workbook(io.BytesIO(client.get(reverse("report_template", args=[q1.id, commune.code])).content))
    sheet = workbook["Báo cáo"]
    row = next(n for n in range(6, sheet.max_row + 1) if sheet[f"B{n}"].value == "Hội Nông dân")
    sheet[f"D{row}"], sheet[f"F{row}"] = 31, 30
    out = io.BytesIO()
    workbook.save(out)
    response = client.post(
        reverse("report_upload", args=[q1.id, commune.code]), {"file": SimpleUploadedFile("b.xlsx", out.getvalue())}
    )
    assert f"Ô D{row} (MT6, Hội Nông dân: tử số)" in response.content.decode()
    assert not ValuePart.objects.exists()


# --- import_values -------------------------------------------------------------------------------------------


def write(tmp_path, rows, header=("unit", "period", "target", "category", "numerator", "denominator")) -> str:
    path = tmp_path / "values.csv"
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


MT6_ROWS = [
    ("03549", "2024Q1", "MT6", "doan-thanh-nien", 10, 12),
    ("03549", "2024Q1", "MT6", "Hội Liên hiệp Phụ nữ", 20, 25),  # a name is read as well as a code
    ("03549", "2024Q1", "MT6", "nong-dan", 30, 30),
    ("03549", "2024Q1", "MT6", "cuu-chien-binh", 4, 5),
]


def test_import_values_reads_the_category_column(phong_tho, tmp_path):
    call_command("import_values", write(tmp_path, [("03549", "2024Q1", "MT1", "", 3, 4), *MT6_ROWS]))
    value = Value.objects.get(submission__unit__code="03549", submission__period__code="2024Q1", target__code="MT6")
    assert (value.numerator, value.denominator) == (64, 72)
    assert value.parts.count() == 4
    assert Value.objects.get(submission__unit__code="03549", target__code="MT1").numerator == 3


@pytest.mark.parametrize(
    "rows, expected",
    [
        (
            [*MT6_ROWS[:3], ("03549", "2024Q1", "MT6", "hoi-khac", 1, 1)],
            "Dòng 5: chỉ tiêu MT6 không có tổ chức “hoi-khac”",
        ),
        (
            [*MT6_ROWS, ("03549", "2024Q1", "MT1", "nong-dan", 1, 1)],
            "Dòng 6: chỉ tiêu MT1 không báo cáo theo từng tổ chức",
        ),
        (
            MT6_ROWS[:2],
            "Dòng 2: báo cáo của 03549 (Thị trấn Phong Thổ) kỳ 2024Q1: chỉ tiêu MT6 được báo cáo theo từng tổ chức, thiếu dòng của Hội Nông dân, Hội Cựu chiến binh",
        ),
        (
            [("03549", "2024Q1", "MT6", "", 45, 50)],
            "Dòng 2: chỉ tiêu MT6 được báo cáo theo từng tổ chức: cột category cần",
        ),
        ([*MT6_ROWS, MT6_ROWS[2]], "Dòng 6: trùng với dòng 4 (cùng đơn vị, kỳ, chỉ tiêu và tổ chức)"),
    ],
)
def test_import_values_refuses_bad_categories_naming_the_row(phong_tho, tmp_path, capsys, rows, expected):
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_values", write(tmp_path, rows))
    captured = capsys.readouterr()
    assert expected in captured.out + captured.err
    assert not Value.objects.exists() and not ValuePart.objects.exists()


def test_a_file_without_the_category_column_still_loads_targets_without_categories(phong_tho, tmp_path):
    header = ("unit", "period", "target", "numerator", "denominator")
    call_command("import_values", write(tmp_path, [("03549", "2024Q1", "MT1", 3, 4)], header=header))
    assert Value.objects.get(target__code="MT1").numerator == 3
    assert not ValuePart.objects.exists()


def test_a_file_without_the_category_column_refuses_a_target_with_categories(phong_tho, tmp_path, capsys):
    header = ("unit", "period", "target", "numerator", "denominator")
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_values", write(tmp_path, [("03549", "2024Q1", "MT6", 45, 50)], header=header))
    captured = capsys.readouterr()
    assert "Dòng 2: chỉ tiêu MT6 được báo cáo theo từng tổ chức" in captured.out + captured.err


# --- what the district sees ----------------------------------------------------------------------------------

S1_ROWS = [
    # Thị trấn Phong Thổ: the Hội Nông dân lags (60%)
    ("03549", "2024S1", "MT6", "doan-thanh-nien", 95, 100),
    ("03549", "2024S1", "MT6", "phu-nu", 190, 200),
    ("03549", "2024S1", "MT6", "nong-dan", 180, 300),
    ("03549", "2024S1", "MT6", "cuu-chien-binh", 40, 40),
    # Xã Lả Nhì Thàng
    ("03391", "2024S1", "MT6", "doan-thanh-nien", 50, 50),
    ("03391", "2024S1", "MT6", "phu-nu", 99, 100),
    ("03391", "2024S1", "MT6", "nong-dan", 100, 100),
    ("03391", "2024S1", "MT6", "cuu-chien-binh", 10, 10),
]


@pytest.fixture
def s1_loaded(phong_tho, tmp_path):
    call_command("import_values", write(tmp_path, S1_ROWS), stdout=io.StringIO())
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024S1")


def test_the_overview_and_the_target_page_show_which_organisation_lags(client, reviewer, s1_loaded, targets):
    client.force_login(reviewer)
    overview = client.get(programme_reverse("overview"), {"ky": s1_loaded.id}).text
    assert "MT6 theo từng tổ chức" in overview and "breakdowns.css" in overview
    # Σ over both communes: Hội Nông dân 280/400 = 70%, below "trên 90%"
    assert '<th scope="row" class="lags">Hội Nông dân</th>' in overview
    assert "280 / 400" in overview and "70,00%" in overview
    assert '<th scope="row">Đoàn TNCS Hồ Chí Minh</th>' in overview  # 145/150 = 96,67%: above 90%
    page = client.get(programme_reverse("target_dashboard", args=[targets["MT6"].id]), {"ky": s1_loaded.id}).text
    assert "MT6 theo từng tổ chức" in page and "280 / 400" in page and "289 / 300" in page
    mt1 = client.get(programme_reverse("target_dashboard", args=[targets["MT1"].id]), {"ky": s1_loaded.id}).text
    assert "theo từng tổ chức" not in mt1 and "breakdowns.css" not in mt1  # a target without categories


def test_an_officer_still_may_not_see_the_district_pages(client, officer, s1_loaded, targets):
    client.force_login(officer)
    assert client.get(programme_reverse("target_dashboard", args=[targets["MT6"].id])).status_code == 404
    assert client.get(programme_reverse("overview")).status_code in (302, 403, 404)


def _queries(client, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_breakdown_costs_the_same_queries_whatever_the_number_of_units(
    client, reviewer, phong_tho, tmp_path, targets
):
    client.force_login(reviewer)
    period = Period.objects.get(programme=phong_tho, code="2024S1")
    call_command("import_values", write(tmp_path, S1_ROWS[:4]), stdout=io.StringIO())
    pages = [
        (programme_reverse("overview"), {"ky": period.id}),
        (programme_reverse("target_dashboard", args=[targets["MT6"].id]), {"ky": period.id}),
    ]
    few = [_queries(client, url, params) for url, params in pages]
    more = [(code, "2024S1", "MT6", org, 5, 10) for code in ("03391", "03550", "03490", "03553") for org in ORGS]
    call_command("import_values", write(tmp_path, more), stdout=io.StringIO())
    assert [_queries(client, url, params) for url, params in pages] == few


def test_the_official_report_has_a_breakdown_table_per_target_with_categories(client, reviewer, s1_loaded):
    import docx

    client.force_login(reviewer)
    response = client.get(programme_reverse("official_report", args=[s1_loaded.id]))
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Chỉ tiêu MT6 theo từng tổ chức (yêu cầu > 90%):" in text
    table = next(t for t in document.tables if t.cell(0, 0).text == "Tổ chức")
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}
    assert rows["Hội Nông dân"] == ["70,00% (280/400)", "Chưa đạt", "2"]
    assert rows["Đoàn TNCS Hồ Chí Minh"][0] == "96,67% (145/150)"
    assert "Chỉ tiêu MT1 theo từng tổ chức" not in text


def test_the_units_own_docx_lists_its_organisations(client, s1_loaded, commune):
    import docx

    from accounts.roles import Role
    from tests.factories import make_user

    client.force_login(make_user("canbo-docx", Role.OFFICER, unit=commune))
    response = client.get(reverse("unit_report_docx", args=[s1_loaded.id, commune.code]))
    document = docx.Document(io.BytesIO(response.content))
    table = next(t for t in document.tables if t.cell(0, 0).text == "Tổ chức")
    assert [c.text for c in table.rows[3].cells] == ["Hội Nông dân", "180", "300"]


# --- what approval freezes, what history keeps, what a copy takes ---------------------------------------------


def test_an_approved_reports_parts_are_frozen(phong_tho, s1_loaded, reviewer, tmp_path, capsys):
    from reporting.services import submission_approve

    report = Submission.objects.get(unit__code="03549", period=s1_loaded)
    submission_approve(user=reviewer, submission=report, version=None)
    before = sorted(ValuePart.objects.filter(value__submission=report).values_list("numerator", "denominator"))
    changed = [(*row[:4], 1, row[5]) if row[3] == "nong-dan" else row for row in S1_ROWS[:4]]
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_values", write(tmp_path, changed))
    captured = capsys.readouterr()
    assert "đã được duyệt" in captured.out + captured.err
    assert sorted(ValuePart.objects.filter(value__submission=report).values_list("numerator", "denominator")) == before


def test_the_history_names_the_organisation_of_a_changed_figure(client, reviewer, s1_loaded, tmp_path):
    changed = [(*row[:4], 200, row[5]) if row[3] == "nong-dan" else row for row in S1_ROWS[:4]]
    call_command("import_values", write(tmp_path, changed), stdout=io.StringIO())
    report = Submission.objects.get(unit__code="03549", period=s1_loaded)
    event = report.events.latest("pk")
    assert {"target": "MT6", "category": "Hội Nông dân", "field": "numerator", "old": 180, "new": 200} in event.changes
    assert {"target": "MT6", "field": "numerator", "old": 505, "new": 525} in event.changes
    client.force_login(reviewer)
    page = client.get(reverse("report_history", args=[s1_loaded.id, "03549"])).text
    assert "<strong>MT6</strong> — Hội Nông dân tử số" in page


def test_copying_the_programme_copies_the_categories(phong_tho):
    from programme.copying import copy_plan, copy_programme

    copy = copy_programme(copy_plan(phong_tho, year=2025))
    copied = TargetCategory.objects.filter(target__programme=copy)
    assert copied.count() == TargetCategory.objects.filter(target__programme=phong_tho).count() == 13
    assert copied.get(target__code="MT8", code="mat-tran").name == "Ủy ban Mặt trận Tổ quốc"


def test_the_matrix_names_each_units_lowest_organisation(client, reviewer, s1_loaded):
    client.force_login(reviewer)
    page = client.get(programme_reverse("matrix"), {"ky": s1_loaded.id}).text
    assert '<small class="lowest">thấp nhất: Hội Nông dân 60,00%</small>' in page  # Thị trấn Phong Thổ
    assert '<small class="lowest">thấp nhất: Hội Liên hiệp Phụ nữ 99,00%</small>' in page  # Xã Lả Nhì Thàng
    assert page.count('class="lowest"') == 2  # MT6 of the two communes only


def test_the_matrix_costs_the_same_queries_whatever_the_number_of_units(client, reviewer, phong_tho, tmp_path):
    client.force_login(reviewer)
    period = Period.objects.get(programme=phong_tho, code="2024S1")
    call_command("import_values", write(tmp_path, S1_ROWS[:4]), stdout=io.StringIO())
    few = _queries(client, programme_reverse("matrix"), {"ky": period.id})
    more = [(code, "2024S1", "MT6", org, 5, 10) for code in ("03391", "03550", "03490", "03553") for org in ORGS]
    call_command("import_values", write(tmp_path, more), stdout=io.StringIO())
    assert _queries(client, programme_reverse("matrix"), {"ky": period.id}) == few


def test_the_review_page_and_the_submitted_report_show_the_organisations(client, reviewer, s1_loaded, commune):
    client.force_login(reviewer)
    page = client.get(reverse("review", args=[s1_loaded.id, commune.code])).text
    assert "Theo tổ chức: Đoàn TNCS Hồ Chí Minh 95/100; Hội Liên hiệp Phụ nữ 190/200; Hội Nông dân 180/300" in page
