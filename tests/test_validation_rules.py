"""Validation rules across targets on every path a figure comes in: the officer's form and its submission, the
Excel template, the bulk upload and ``import_values``; shown on the review page with the officer's explanation
of a warning, and on the period's list of violations. The 2024 fixture's rules (fixtures/programme_2024.json):
MT4c's numerator ≤ MT4b's (error), MT4c's denominator = MT4b's (warning), MT2's denominator ≤ MT3a's (warning).
"""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.roles import Role
from programme.models import ValidationRule
from programme.selectors import validation_rules
from reporting.imports import ImportRejected, import_values
from reporting.models import Submission, SubmissionEvent, Value
from reporting.services import Content, Figures, SubmissionError, submission_import, submission_save
from tests.addresses import programme_reverse
from tests.factories import make_district, make_user, total_figures, work_in
from tests.test_review import complete_content, period
from tests.test_workbook import download, fill, upload
from tests.test_workbook import xlsx as workbook_file

MT4C_ERROR = "MT4c) là một phần của số triển khai hiệu quả"


@pytest.fixture
def annual(phong_tho):
    return period(phong_tho, "2024")


@pytest.fixture
def q1(phong_tho):
    return period(phong_tho, "2024Q1")


def content_with(unit, period, figures: dict, explanations=None) -> Content:
    """A complete report whose typed figures are 9 of 10 except those given by code."""
    base = complete_content(unit, period)
    return Content(
        figures={t: total_figures(t, *figures.get(t.code, (9, 10))) for t in base.figures},
        narratives=base.narratives,
        shortcomings=base.shortcomings,
        next_steps=base.next_steps,
        proposals=base.proposals,
        explanations=explanations,
    )


def submit(officer, unit, period, figures, explanations=None, *, submit=True, version=None):
    content = content_with(unit, period, figures, explanations)
    return submission_save(user=officer, unit=unit, period=period, version=version, content=content, submit=submit)


# --- the rules as data ---------------------------------------------------------------------------------------


def test_the_2024_fixture_carries_the_rules_the_programme_implies(phong_tho):
    rules = {rule.code: rule for rule in validation_rules(phong_tho)}
    mt4c = rules["mt4c-trong-mt4b"]
    assert (mt4c.condition, mt4c.is_error) == ("MT4c (tử số) ≤ MT4b (tử số)", True)
    assert not rules["mt4c-cung-mau-so-mt4b"].is_error and not rules["mt2-trong-mt3a"].is_error
    for row in ValidationRule.objects.filter(programme=phong_tho):
        row.full_clean()  # every shipped rule passes the admin's checks


@pytest.mark.parametrize(
    ("left", "right", "field", "words"),
    [
        ("MT9.numerator", "1", "left", "không có chỉ tiêu MT9"),
        ("MT1.numerator", "MT5a.numerator", "right", "MT5a lấy số liệu từ sổ mô hình"),
        ("MT1.numerator -1", "1", "left", "không phải số liệu"),
        ("MT1.tu_so", "1", "left", "numerator (tử số) hoặc denominator"),
        ("1", "2", "left", "ít nhất một số liệu"),
    ],
)
def test_the_admin_refuses_a_rule_it_cannot_judge(phong_tho, left, right, field, words):
    rule = ValidationRule(programme=phong_tho, code="moi", left=left, operator="<=", right=right, message="Sai.")
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert words in " ".join(refused.value.message_dict[field])


def test_the_admin_lists_and_adds_rules(client, administrator, phong_tho):
    client.force_login(administrator)
    assert "mt4c-trong-mt4b" in client.get(reverse("admin:programme_validationrule_changelist")).text
    data = {
        "programme": phong_tho.id,
        "code": "mt7-trong-mt6",
        "order": 4,
        "left": "MT7.numerator",
        "operator": "<=",
        "right": "MT7.denominator + MT6.numerator",
        "importance": "warning",
        "message": "Thử.",
    }
    response = client.post(reverse("admin:programme_validationrule_add"), data)
    assert response.status_code == 302
    assert ValidationRule.objects.get(code="mt7-trong-mt6").compiled().targets == {"MT6", "MT7"}
    data |= {"code": "sai", "left": "MT7.so"}
    assert client.post(reverse("admin:programme_validationrule_add"), data).status_code == 200
    assert not ValidationRule.objects.filter(code="sai").exists()


# --- the officer's submission --------------------------------------------------------------------------------


def test_an_error_refuses_the_submission_but_a_draft_keeps_every_figure(officer, commune, annual):
    with pytest.raises(SubmissionError) as refused:
        submit(officer, commune, annual, {"MT4b": (5, 10), "MT4c": (6, 10)})
    assert MT4C_ERROR in str(refused.value) and "đang là 6 và 5" in str(refused.value)
    assert not Submission.objects.exists()  # nothing half-saved
    draft = submit(officer, commune, annual, {"MT4b": (5, 10), "MT4c": (6, 10)}, submit=False)
    assert draft.status == "draft"
    assert Value.objects.get(submission=draft, target__code="MT4c").numerator == 6


def test_equal_is_within_the_rule(officer, commune, annual):
    submission = submit(officer, commune, annual, {"MT4b": (5, 10), "MT4c": (5, 10)})
    assert submission.status == "submitted"


def test_a_rule_with_a_blank_figure_is_not_judged(officer, commune, annual):
    draft = submit(officer, commune, annual, {"MT4b": (None, 10), "MT4c": (6, 10)}, submit=False)
    assert draft.status == "draft"  # and a submission is refused for the missing figure, not the rule
    with pytest.raises(SubmissionError) as refused:
        submit(officer, commune, annual, {"MT4b": (None, 10), "MT4c": (6, 10)}, version=draft.version)
    assert "còn thiếu" in str(refused.value) and MT4C_ERROR not in str(refused.value)


def test_a_warning_asks_for_an_explanation_which_is_kept_with_the_report(officer, commune, annual):
    figures = {"MT4b": (5, 10), "MT4c": (4, 12)}
    with pytest.raises(SubmissionError) as refused:
        submit(officer, commune, annual, figures, {"mt4c-cung-mau-so-mt4b": "  "})
    assert "cần giải trình" in str(refused.value) and "hai mẫu số thường bằng nhau" in str(refused.value)
    explained = {"mt4c-cung-mau-so-mt4b": "Hai cơ quan mới sáp nhập chưa triển khai MT4b."}
    submission = submit(officer, commune, annual, figures, explained)
    assert submission.status == "submitted" and submission.explanations == explained
    event = submission.events.get(action=SubmissionEvent.Action.SUBMITTED)
    assert any(c["field"] == "Giải trình cảnh báo mt4c-cung-mau-so-mt4b" for c in event.changes)


def test_a_draft_without_explanations_keeps_those_saved(officer, commune, annual):
    explained = {"mt4c-cung-mau-so-mt4b": "Có lý do."}
    draft = submit(officer, commune, annual, {"MT4c": (4, 12)}, explained, submit=False)
    draft = submit(officer, commune, annual, {"MT4c": (4, 12)}, None, submit=False, version=draft.version)
    submission = submit(officer, commune, annual, {"MT4c": (4, 12)}, None, version=draft.version)
    assert submission.explanations == explained


# --- the form ------------------------------------------------------------------------------------------------


def form_data(client, url) -> dict:
    page = client.get(url).text
    data = {}
    for name, value in re.findall(r'<input type="text"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[name] = text
    data["version"] = re.search(r'name="version" value="([^"]*)"', page).group(1)
    return data


def test_the_form_shows_a_broken_rule_keeps_what_was_typed_and_refuses_to_submit(client, officer, commune, annual):
    submit(officer, commune, annual, {"MT4b": (5, 10), "MT4c": (5, 10)}, submit=False)
    client.force_login(officer)
    url = reverse("report", args=[annual.id, commune.code])
    page = client.get(url).text
    assert 'id="rules-data"' in page and "js/rules.js" in page
    assert re.search(r'data-rule="mt4c-trong-mt4b" tabindex="-1" role="group" [^>]*hidden', page)
    data = form_data(client, url) | {"num_MT4c": "7", "action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert MT4C_ERROR in response.text and 'value="7"' in response.text  # what was typed stays on screen
    assert not re.search(r'data-rule="mt4c-trong-mt4b" tabindex="-1" role="group" [^>]*hidden', response.text)
    assert Submission.objects.get().status == "draft"
    data["action"] = "save"
    assert client.post(url, data).status_code == 302
    assert Value.objects.get(target__code="MT4c").numerator == 7


def test_the_form_carries_the_explanation_of_a_warning(client, officer, commune, annual):
    submit(officer, commune, annual, {"MT4b": (5, 10), "MT4c": (4, 12)}, submit=False)
    client.force_login(officer)
    url = reverse("report", args=[annual.id, commune.code])
    data = form_data(client, url)
    assert "explain_mt4c-cung-mau-so-mt4b" in data
    data |= {"explain_mt4c-cung-mau-so-mt4b": "Đơn vị có 2 cơ quan mới.", "action": "submit"}
    assert client.post(url, data).status_code == 302
    assert Submission.objects.get().explanations == {"mt4c-cung-mau-so-mt4b": "Đơn vị có 2 cơ quan mới."}


# --- the review page ------------------------------------------------------------------------------------------


def test_the_review_page_shows_errors_and_warnings_with_the_explanation(
    client, reviewer, officer, commune, annual, targets
):
    explained = {"mt4c-cung-mau-so-mt4b": "Đơn vị có 2 cơ quan mới."}
    submit(officer, commune, annual, {"MT4b": (5, 10), "MT4c": (4, 12)}, explained)
    client.force_login(reviewer)
    url = reverse("review", args=[annual.id, commune.code])
    page = client.get(url).text
    assert "hai mẫu số thường bằng nhau" in page and "Đơn vị có 2 cơ quan mới." in page
    assert "MT2 (mẫu số)" not in page
    ValidationRule.objects.filter(code="mt4c-trong-mt4b").update(left="MT4c.denominator")  # changed since
    page = client.get(url).text
    assert "Lỗi</span> Số chính quyền" in page and "đang là 12 và 5" in page
    # A file's warning is not explained: the reviewer is told so.
    other = commune.parent.children.exclude(pk=commune.pk).filter(kind=commune.kind).first()
    figures = {
        targets["MT2"]: total_figures(targets["MT2"], 9, 30),
        targets["MT3a"]: total_figures(targets["MT3a"], 9, 10),
    }
    submission_import(unit=other, period=annual, figures=figures, actor_label="Tệp")
    page = client.get(reverse("review", args=[annual.id, other.code])).text
    assert "MT2 (mẫu số) ≤ MT3a (mẫu số)" in page and "(chưa giải trình)" in page


# --- files ---------------------------------------------------------------------------------------------------


def test_the_template_upload_refuses_an_error_naming_the_cell(client, officer, commune, q1):
    ValidationRule.objects.create(
        programme=q1.programme, code="mt3a", left="MT3a.numerator", operator="<=", right="MT2.numerator", message="Thử."
    )
    client.force_login(officer)
    workbook = fill(download(client, q1, commune), {"MT2": (50, 100), "MT3a": (51, 60)})
    response = upload(client, q1, commune, workbook_file(workbook))
    assert response.status_code == 400
    assert "Ô D8 (MT3a, tử số): Thử. (cần MT3a (tử số) ≤ MT2 (tử số); đang là 51 và 50)" in response.text
    assert not Submission.objects.exists()
    workbook = fill(download(client, q1, commune), {"MT2": (50, 100), "MT3a": (50, 60)})
    assert upload(client, q1, commune, workbook_file(workbook)).status_code == 302


def csv_file(rows) -> bytes:
    lines = ["unit,period,target,numerator,denominator", *(",".join(map(str, row)) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def test_an_import_breaking_an_error_rule_is_refused_naming_the_row_and_unit(phong_tho, annual):
    rows = [("03549", "2024", "MT1", 1, 2), ("03549", "2024", "MT4b", 5, 10), ("03549", "2024", "MT4c", 6, 10)]
    with pytest.raises(ImportRejected) as refused:
        import_values(csv_file(rows), "so-lieu.csv")
    [error] = refused.value.errors
    assert error.line == 3 and "báo cáo của 03549 (Thị trấn Phong Thổ) kỳ 2024" in error.message
    assert MT4C_ERROR in error.message and not Submission.objects.exists()
    rows[2] = ("03549", "2024", "MT4c", 5, 12)  # equal numerators; a warning does not refuse a file
    assert import_values(csv_file(rows), "so-lieu.csv").submissions == 1


def test_an_import_is_judged_with_the_figures_saved_before(phong_tho, annual, targets, commune):
    submission_import(
        unit=commune, period=annual, figures={targets["MT4b"]: total_figures(targets["MT4b"], 5, 10)}, actor_label="Tệp"
    )
    with pytest.raises(ImportRejected) as refused:
        import_values(csv_file([("03549", "2024", "MT4c", 6, 10)]), "so-lieu.csv")
    assert refused.value.errors[0].line == 2
    with pytest.raises(SubmissionError):  # the service refuses it too, whoever calls it
        submission_import(
            unit=commune,
            period=annual,
            figures={targets["MT4c"]: total_figures(targets["MT4c"], 6, 10)},
            actor_label="T",
        )
    assert not Value.objects.filter(target__code="MT4c").exists()


def test_import_values_prints_the_row_and_exits_non_zero(phong_tho, annual, tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_bytes(csv_file([("03549", "2024", "MT4b", 5, 10), ("03549", "2024", "MT4c", 6, 10)]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_values", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith("Dòng 2: báo cáo của 03549") and MT4C_ERROR in err.getvalue()


def test_the_bulk_upload_lists_the_refused_row(client, reviewer, phong_tho, annual):
    client.force_login(reviewer)
    data = csv_file([("03549", "2024", "MT4b", 5, 10), ("03549", "2024", "MT4c", 6, 10)])
    response = client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile("so-lieu.csv", data)})
    assert response.status_code == 400 and "Dòng 2: báo cáo của 03549" in response.text
    assert not Submission.objects.exists()


# --- the period's violations ---------------------------------------------------------------------------------


def district_with_violations(n_units: int):
    """``n_units`` communes whose reports break an error rule and raise a warning, the rules made afterwards."""
    programme, periods, targets = make_district(n_units)
    year = periods[1]
    first, second, _ = targets
    for unit in programme.area.children.all():
        submission_import(
            unit=unit, period=year, figures={first: Figures(3, 10), second: Figures(5, 12)}, actor_label="Tệp"
        )
    ValidationRule.objects.create(
        programme=programme,
        code="loi",
        left=f"{second.code}.numerator",
        operator="<=",
        right=f"{first.code}.numerator",
        message="Lỗi thử.",
    )
    ValidationRule.objects.create(
        programme=programme,
        code="canh-bao",
        left=f"{second.code}.denominator",
        operator="=",
        right=f"{first.code}.denominator",
        importance="warning",
        message="Cảnh báo thử.",
    )
    return year


def test_the_violations_page_lists_every_unit_breaking_a_rule(client, reviewer):
    year = district_with_violations(3)
    Submission.objects.filter(unit__code__endswith="00001").update(explanations={"canh-bao": "Lý do của xã 1."})
    work_in(reviewer, year.programme.area)
    client.force_login(reviewer)
    page = client.get(programme_reverse("violations"), {"ky": year.id}).text
    assert "3 báo cáo vi phạm quy tắc" in page and "3 lỗi, 3 cảnh báo (2 chưa giải trình)" in page
    assert page.count("Lỗi</span>") == 3 and "Lý do của xã 1." in page
    assert page.index("Xã 0<") < page.index("Xã 1<") < page.index("Xã 2<")  # in the tree's order


@pytest.mark.parametrize("n_units", [1, 12])
def test_the_violations_page_reads_a_fixed_number_of_queries(client, reviewer, django_assert_num_queries, n_units):
    year = district_with_violations(n_units)
    work_in(reviewer, year.programme.area)
    client.force_login(reviewer)
    url = programme_reverse("violations")  # outside the count: the test's own lookup of the address
    client.get(url, {"ky": year.id})  # the session and the user are read once
    with django_assert_num_queries(QUERIES):
        response = client.get(url, {"ky": year.id})
    assert response.text.count("Lỗi</span>") == n_units


# the session, the user, the unread notifications and the page's own: the programme, its periods, the rules, the
# figures, and the programmes of the switcher
QUERIES = 14


def test_who_may_see_the_violations_page(client, leader, officer, phong_tho):
    url = programme_reverse("violations")
    assert client.get(url).status_code == 302 and reverse("login") in client.get(url)["Location"]
    client.force_login(officer)
    response = client.get(url)
    assert (
        response.status_code == 302
        and programme_reverse("unit_dashboard", args=[officer.unit.code]) == response["Location"]
    )
    client.force_login(leader)
    assert client.get(url).status_code == 200
    client.force_login(make_user("khac", Role.OFFICER))
    assert client.get(url).status_code == 404  # an officer without a unit: no programme is theirs
