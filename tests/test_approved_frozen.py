"""An approved report is frozen: no change of the register, the admin or an import alters its figures.

On the shipped fixtures, "03549" (Thị trấn Phong Thổ) files its 6-month report, which is approved while the
unit has no "Dân vận khéo" model: MT5a and MT5b are fixed at 0 of 1. Every read of the register's figures
(the units' figures judged in Python, the database's sums, the report sheet, the unit, target and matrix
pages, the trends) must go on giving 0 of 1 for it, whatever the register says later, until it is reopened.
"""

import datetime
import importlib
import io
import json
from decimal import Decimal

import docx
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from programme.models import ExemplaryModel, Period, Programme, Target, Unit, UnitKind
from programme.rules import report_coverage
from programme.selectors import unit_info
from programme.services import exemplary_model_recognise, exemplary_model_register
from reporting.models import Submission, SubmissionEvent, Value
from reporting.selectors.compliance import district_compliance, unit_figures
from reporting.selectors.drilldown import target_dashboard, unit_dashboard
from reporting.selectors.matrix import unit_results
from reporting.selectors.reports import report_sheet
from reporting.selectors.series import programme_compliance, programme_periods
from reporting.services import (
    SubmissionError,
    submission_approve,
    submission_import,
    submission_reopen,
)
from reporting.totals import totals_refresh
from tests.addresses import programme_reverse
from tests.factories import make_user, total_figures

REGISTER_CODES = ("MT5a", "MT5b")


@pytest.fixture
def s1(phong_tho) -> Period:
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024S1")


def typed_figures(unit, period) -> dict:
    return {target: total_figures(target, 3, 4) for target in report_coverage(unit, period).typed}


@pytest.fixture
def approved(phong_tho, s1, commune, reviewer) -> Submission:
    """The commune's 6-month report, approved while it has no model; a neighbour's report, only submitted."""
    neighbour = Unit.objects.get(code="03391")
    submission_import(unit=neighbour, period=s1, figures=typed_figures(neighbour, s1))
    report = submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1), actor_label="Tệp")
    return submission_approve(user=reviewer, submission=report, version=report.version)


def register_model(reviewer, unit, *, on=datetime.date(2024, 3, 1), recognised=True) -> ExemplaryModel:
    model = exemplary_model_register(
        user=reviewer, unit=unit, year=2024, name="Dân vận khéo thử", field="forest", registered_on=on
    )
    if recognised:
        exemplary_model_recognise(user=reviewer, model=model, recognised_on=on, level="district")
    return model


def figures_everywhere(unit: Unit, period: Period, code: str, *, approved_only: bool) -> dict[str, tuple]:
    """The unit's figure of a register target as each read gives it: name of the read → (numerator, denominator)."""
    programme = period.programme
    target = Target.objects.prefetch_related("applies_to").get(programme=programme, code=code)
    seen = {}
    by_unit = district_compliance(period, approved_only=approved_only, by_unit=True)
    seen["district_compliance by unit"] = next(
        (r.result.numerator, r.result.denominator)
        for r in by_unit.unit_rows
        if r.unit.id == unit.id and r.target == target
    )
    seen["unit_figures"] = next(
        (figure.numerator, figure.denominator)
        for t, found in unit_figures(period, approved_only=approved_only)
        if t == target
        for info, figure in found
        if info.id == unit.id
    )
    row = next(row for row in report_sheet(unit, period).rows if row.target == target)
    seen["report sheet"] = (row.numerator, row.denominator)
    board = unit_dashboard(unit, programme, approved_only=approved_only)
    cell = next(c for s in board.rows if s.target == target for c in s.cells if c.period.id == period.id)
    seen["unit page"] = (cell.result.numerator, cell.result.denominator)
    periods = programme_periods(programme)
    standing = target_dashboard(target, periods=periods, period=period, approved_only=approved_only)
    seen["target page"] = next(
        (s.result.numerator, s.result.denominator) for s in standing.page if s.unit.id == unit.id
    )
    cells = unit_results(programme, period, [unit_info(unit)], [target], approved_only=approved_only)
    seen["matrix"] = (cells[unit.id, target.id].result.numerator, cells[unit.id, target.id].result.denominator)
    trends = programme_compliance(programme, periods, approved_only=approved_only, by_unit=True)[period.id]
    seen["trends by unit"] = next(
        (r.result.numerator, r.result.denominator)
        for r in trends.unit_rows
        if r.unit.id == unit.id and r.target == target
    )
    return seen


def district_figures(period: Period, *, approved_only: bool) -> dict[str, tuple]:
    """MT5a/MT5b of the district, summed by the database and judged unit by unit (they must agree)."""
    summed = district_compliance(period, approved_only=approved_only)
    judged = district_compliance(period, approved_only=approved_only, by_unit=True)
    figures = {t.code: (r.numerator, r.denominator) for t, r in summed.rows if t.code in REGISTER_CODES}
    assert figures == {t.code: (r.numerator, r.denominator) for t, r in judged.rows if t.code in REGISTER_CODES}
    return figures


def assert_everywhere(unit, period, expected: tuple) -> None:
    for approved_only in (False, True):
        for code in REGISTER_CODES:
            seen = figures_everywhere(unit, period, code, approved_only=approved_only)
            assert seen == dict.fromkeys(seen, expected), (code, approved_only)


def state(report: Submission) -> tuple:
    report.refresh_from_db()
    values = sorted(Value.objects.filter(submission=report).values_list("target__code", "numerator", "denominator"))
    return report.status, report.version, report.events.count(), values


def form_data(context) -> dict:
    """What the admin's change form posts back unchanged: its fields and those of its inlines."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = "" if value is None else str(value)

    add(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = str(formset.management_form[name].value())
        for form in formset.forms:
            add(form)
    return data


def admin_save(client, obj, **changes):
    """Post the admin's change form of ``obj`` with ``changes`` (field, or inline field with its prefix)."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response.context)
    for name, value in changes.items():
        assert name in data, name
        data[name] = value
    return client.post(url, data)


# --- approval fixes the register's figures -----------------------------------------------------------------


def test_approval_fixes_the_register_figures_as_values_recorded_in_the_history(approved):
    fixed = Value.objects.filter(submission=approved, target__code__in=REGISTER_CODES)
    assert sorted(fixed.values_list("target__code", "numerator", "denominator")) == [("MT5a", 0, 1), ("MT5b", 0, 1)]
    event = approved.events.get(action=SubmissionEvent.Action.APPROVED)
    assert {"target": "MT5a", "field": "numerator", "old": None, "new": 0} in event.changes
    assert {"target": "MT5b", "field": "denominator", "old": None, "new": 1} in event.changes


def test_approval_fixes_a_model_registered_before_it(phong_tho, s1, commune, reviewer):
    register_model(reviewer, commune, recognised=False)
    report = submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1))
    submission_approve(user=reviewer, submission=report, version=None)
    fixed = Value.objects.filter(submission=report, target__code__in=REGISTER_CODES)
    assert sorted(fixed.values_list("target__code", "numerator")) == [("MT5a", 1), ("MT5b", 0)]


def test_only_the_register_targets_of_the_unit_and_the_period_are_fixed(phong_tho, s1, commune, reviewer):
    Target.objects.get(programme=phong_tho, code="MT5b").applies_to.remove(commune.kind)
    report = submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1))
    submission_approve(user=reviewer, submission=report, version=None)
    assert list(
        Value.objects.filter(
            submission=report, target__source__in=["models_registered", "models_recognised"]
        ).values_list("target__code", flat=True)
    ) == ["MT5a"]


# --- the register changes; the approved report does not ----------------------------------------------------


def test_a_model_registered_after_approval_changes_no_approved_figure(approved, s1, commune, reviewer):
    district = {flag: district_figures(s1, approved_only=flag) for flag in (False, True)}
    before = state(approved)
    assert_everywhere(commune, s1, (0, 1))

    register_model(reviewer, commune)  # dated inside the approved period, and recognised there too

    assert_everywhere(commune, s1, (0, 1))
    assert {flag: district_figures(s1, approved_only=flag) for flag in (False, True)} == district
    assert state(approved) == before


def test_the_officer_registering_on_the_register_page_changes_no_approved_figure(client, approved, s1, officer):
    before = (state(approved), district_figures(s1, approved_only=False), district_figures(s1, approved_only=True))
    client.force_login(officer)
    form = {"name": "Dân vận khéo bản Thử", "field": "culture", "registered_on": "2024-04-15"}
    assert client.post(reverse("register"), form).status_code == 302
    assert ExemplaryModel.objects.filter(unit=officer.unit, registered_on=datetime.date(2024, 4, 15)).exists()
    assert_everywhere(officer.unit, s1, (0, 1))
    assert (
        state(approved),
        district_figures(s1, approved_only=False),
        district_figures(s1, approved_only=True),
    ) == before


def test_a_unit_without_an_approved_report_follows_the_register_as_it_is(approved, s1, reviewer):
    neighbour = Unit.objects.get(code="03391")  # submitted, not approved
    district = district_figures(s1, approved_only=False)
    register_model(reviewer, neighbour)
    assert_everywhere(neighbour, s1, (1, 1))
    after = district_figures(s1, approved_only=False)
    assert after == {code: (num + 1, den) for code, (num, den) in district.items()}
    assert district_figures(s1, approved_only=True) == after  # MT5a/MT5b count every expected unit


def test_editing_or_deleting_a_model_in_the_admin_changes_no_approved_figure(
    client, administrator, phong_tho, s1, commune, reviewer
):
    model = register_model(reviewer, commune)
    report = submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1))
    submission_approve(user=reviewer, submission=report, version=None)
    before = state(report)
    assert_everywhere(commune, s1, (1, 1))
    client.force_login(administrator)

    response = admin_save(client, model, registered_on="2024-11-01", recognised_on="", recognition_level="")
    assert response.status_code == 302
    assert_everywhere(commune, s1, (1, 1))
    response = client.post(reverse("admin:programme_exemplarymodel_delete", args=[model.pk]), {"post": "yes"})
    assert response.status_code == 302 and not ExemplaryModel.objects.exists()

    assert_everywhere(commune, s1, (1, 1))
    assert state(report) == before


def test_the_migration_fixes_into_reports_approved_before_it_what_they_show(approved, s1, commune, reviewer):
    """Reports approved before figures were fixed at approval get them from the register as it is then."""
    register_model(reviewer, commune, recognised=False)
    Value.objects.filter(submission=approved, target__code__in=REGISTER_CODES).delete()  # as before the change
    shown = {r.target.code: (r.numerator, r.denominator) for r in report_sheet(commune, s1).rows}
    migration = importlib.import_module("reporting.migrations.0003_fix_register_figures")

    migration.fix_register_figures(django_apps, None)
    migration.fix_register_figures(django_apps, None)  # twice changes nothing
    totals_refresh()  # the migration writes past the paths that keep the district's sums, as the test did above

    fixed = Value.objects.filter(submission=approved, target__code__in=REGISTER_CODES)
    assert sorted(fixed.values_list("target__code", "numerator", "denominator")) == [("MT5a", 1, 1), ("MT5b", 0, 1)]
    assert (shown["MT5a"], shown["MT5b"]) == ((1, 1), (0, 1))
    assert not Value.objects.filter(submission__status="submitted", target__code__in=REGISTER_CODES).exists()


# --- reopening takes the register as it is then ----------------------------------------------------------


def test_reopen_takes_the_register_as_it_is_then_and_approving_again_fixes_it(approved, s1, commune, reviewer):
    register_model(reviewer, commune, recognised=False)
    reopened = submission_reopen(user=reviewer, submission=approved, version=None, reason="Bổ sung mô hình")

    assert not Value.objects.filter(submission=reopened, target__code__in=REGISTER_CODES).exists()
    event = reopened.events.get(action=SubmissionEvent.Action.REOPENED)
    assert {"target": "MT5a", "field": "numerator", "old": 0, "new": None} in event.changes
    row = {row.target.code: (row.numerator, row.denominator) for row in report_sheet(commune, s1).rows}
    assert (row["MT5a"], row["MT5b"]) == ((1, 1), (0, 1))

    resubmitted = submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1))
    submission_approve(user=reviewer, submission=resubmitted, version=None)
    fixed = Value.objects.filter(submission=resubmitted, target__code__in=REGISTER_CODES)
    assert sorted(fixed.values_list("target__code", "numerator")) == [("MT5a", 1), ("MT5b", 0)]


# --- the pages and the command read the fixed figures --------------------------------------------------------


def review_figures(client, period) -> str:
    """The review page's table of figures."""
    text = client.get(reverse("review", args=[period.id, "03549"])).text
    return text[text.index("<table") : text.index("</table>")]


def test_the_command_the_downloads_and_the_review_page_keep_the_fixed_figures(client, approved, s1, commune, reviewer):
    def command(*flags) -> dict:
        out = io.StringIO()
        call_command("compliance", "2024S1", "--format", "json", "--by-unit", *flags, stdout=out)
        found = json.loads(out.getvalue())
        unit = {(r["unit"], r["target"]): (r["numerator"], r["denominator"]) for r in found["units"]}
        return {code: unit["03549", code] for code in REGISTER_CODES}

    def matrix_csv(**params) -> str:
        url = programme_reverse("export_matrix", args=["csv"])
        response = client.get(url, {"ky": s1.id, **params})
        line = next(line for line in response.getvalue().decode("utf-8-sig").splitlines() if line.startswith("03549,"))
        return line

    def overview_csv(**params) -> str:
        response = client.get(programme_reverse("export_overview", args=["csv"]), {"ky": s1.id, **params})
        return response.getvalue().decode("utf-8-sig")

    def tables(url, **params) -> list[list[str]]:
        response = client.get(url, params)
        assert response.status_code == 200, url
        document = docx.Document(io.BytesIO(response.content))
        return [[cell.text for row in table.rows for cell in row.cells] for table in document.tables]

    def everything() -> tuple:
        both = ({}, {"chi_duyet": "1"})
        return (
            command(),
            command("--approved-only"),
            [matrix_csv(**flag) for flag in both],
            [overview_csv(**flag) for flag in both],
            [tables(programme_reverse("official_report", args=[s1.id]), **flag) for flag in both],
            tables(reverse("unit_report_docx", args=[s1.id, "03549"])),
        )

    client.force_login(reviewer)
    before = everything()
    page = review_figures(client, s1)
    register_model(reviewer, commune, on=datetime.date(2024, 5, 2))  # after Q1: its live column stays
    assert everything() == before
    assert before[0] == dict.fromkeys(REGISTER_CODES, (0, 1))
    assert "MT5a" in before[3][0]
    assert any("MT5a" in cell for table in before[5] for cell in table)
    figures = before[4][0][1]
    assert figures[figures.index("MT5a. Đăng ký xây dựng mô hình “Dân vận khéo”") + 2] == "0,00% (0/50)"
    assert review_figures(client, s1) == page
    assert "MT5a" in page


# --- an import is refused ----------------------------------------------------------------------------------


def test_an_import_into_an_approved_report_is_refused_and_changes_nothing(approved, s1, commune):
    before = state(approved)
    with pytest.raises(SubmissionError, match="đã được duyệt; cần mở lại"):
        submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1))
    assert state(approved) == before


# --- the admin refuses a change that would alter approved figures -------------------------------------------


def refused(response, *reports: str) -> str:
    assert response.status_code == 200, "the admin saved the change"
    text = response.text
    assert "Không lưu được: thay đổi này làm thay đổi số liệu của" in text
    for report in reports:
        assert report in text
    return text


@pytest.fixture
def admin_client(client, administrator, approved):
    client.force_login(administrator)
    return client


NAMED = "Thị trấn Phong Thổ — 6 tháng đầu năm 2024"


@pytest.mark.parametrize(
    "code, changes",
    [
        ("MT6", {"threshold": "95"}),
        ("MT6", {"operator": ">="}),
        ("MT6", {"judged": "annual"}),
        ("MT5a", {"source": "reported"}),
        ("MT5a", {"applies_to": "all but the commune's kind"}),
    ],
)
def test_a_target_change_altering_an_approved_report_is_refused(admin_client, phong_tho, code, changes):
    target = Target.objects.get(programme=phong_tho, code=code)
    if "applies_to" in changes:
        changes = {"applies_to": [str(kind.pk) for kind in target.applies_to.exclude(code="commune")]}
    before = (target.threshold, target.operator, target.judged, target.source, set(target.applies_to.all()))
    refused(admin_save(admin_client, target, **changes), NAMED)
    target.refresh_from_db()
    assert (target.threshold, target.operator, target.judged, target.source, set(target.applies_to.all())) == before


def test_a_target_change_altering_no_approved_report_is_saved(admin_client, phong_tho):
    wording = Target.objects.get(programme=phong_tho, code="MT6")
    assert admin_save(admin_client, wording, short_name="Tên ngắn mới").status_code == 302
    annual = Target.objects.filter(programme=phong_tho, judged="annual").first()  # not in the 6-month report
    assert admin_save(admin_client, annual, threshold="55").status_code == 302
    annual.refresh_from_db()
    assert annual.threshold == Decimal("55")


@pytest.mark.parametrize("field, value", [("end", "2024-06-29"), ("start", "2024-01-02"), ("kind", "quarter")])
def test_a_period_change_altering_an_approved_report_is_refused(admin_client, s1, field, value):
    before = Period.objects.filter(pk=s1.pk).values().get()
    refused(admin_save(admin_client, s1, **{field: value}), NAMED)
    assert Period.objects.filter(pk=s1.pk).values().get() == before


def test_a_period_change_through_the_programme_page_is_refused(admin_client, phong_tho, s1):
    response = admin_save(admin_client, phong_tho)  # unchanged: saved
    assert response.status_code == 302
    index = list(phong_tho.periods.order_by("end")).index(s1)
    prefix = next(
        k
        for k in form_data(admin_client.get(reverse("admin:programme_programme_change", args=[phong_tho.pk])).context)
        if k.endswith(f"-{index}-end")
    )
    refused(admin_save(admin_client, phong_tho, **{prefix: "2024-06-15"}), NAMED)
    s1.refresh_from_db()
    assert s1.end == datetime.date(2024, 6, 30)


def test_a_programme_year_change_is_refused(admin_client, phong_tho):
    refused(admin_save(admin_client, phong_tho, year="2025"), NAMED)
    assert Programme.objects.get(pk=phong_tho.pk).year == 2024


@pytest.mark.parametrize(
    "changes", [{"closed_on": "2024-05-01"}, {"opened_on": "2024-02-01"}, {"kind": "GOV"}, {"parent": ""}]
)
def test_a_unit_change_altering_an_approved_report_is_refused(admin_client, commune, changes):
    if changes.get("kind") == "GOV":
        changes = {"kind": str(Unit.objects.exclude(kind=commune.kind).filter(kind__reports=True).first().kind_id)}
    before = Unit.objects.filter(pk=commune.pk).values().get()
    refused(admin_save(admin_client, commune, **changes), NAMED)
    assert Unit.objects.filter(pk=commune.pk).values().get() == before


def test_moving_a_unit_names_the_approved_reports_of_the_units_under_it(admin_client, s1, reviewer):
    town = Unit.objects.get(code="03391")  # its own report is only submitted
    village = Unit.objects.create(
        code="THON-1",
        name="Bản Thử",
        kind=UnitKind.objects.create(code="village", name="Thôn, bản", reports=True),
        parent=town,
    )
    report = submission_import(unit=village, period=s1, figures={})
    submission_approve(user=reviewer, submission=report, version=None)
    elsewhere = Unit.objects.create(code="KHAC", name="Huyện khác", kind=town.parent.kind)
    text = refused(admin_save(admin_client, town, parent=str(elsewhere.pk)), "Bản Thử — 6 tháng đầu năm 2024")
    assert NAMED not in text
    assert Unit.objects.get(pk=town.pk).parent_id != elsewhere.pk


def test_a_unit_change_is_saved_once_its_report_is_reopened(admin_client, approved, commune, reviewer):
    assert admin_save(admin_client, commune, name="Thị trấn Phong Thổ (mới)").status_code == 302
    submission_reopen(user=reviewer, submission=approved, version=None, reason="Đơn vị giải thể")
    assert admin_save(admin_client, commune, closed_on="2024-12-01").status_code == 302
    assert Unit.objects.get(pk=commune.pk).closed_on == datetime.date(2024, 12, 1)


def test_the_refusal_names_at_most_ten_reports_and_counts_the_others(admin_client, phong_tho, s1, reviewer):
    for unit in Unit.objects.filter(parent=phong_tho.area, kind__code="commune").exclude(code="03549")[:11]:
        report = submission_import(unit=unit, period=s1, figures=typed_figures(unit, s1))
        submission_approve(user=reviewer, submission=report, version=None)
    text = refused(admin_save(admin_client, Target.objects.get(programme=phong_tho, code="MT6"), threshold="95"))
    assert "12 báo cáo đã duyệt" in text and "và 2 báo cáo khác" in text


def test_only_an_administrator_reaches_the_admin(client, approved, phong_tho):
    client.force_login(make_user("thamdinh2", Role.REVIEWER, unit=phong_tho.area))
    target = Target.objects.get(programme=phong_tho, code="MT6")
    response = client.get(reverse("admin:programme_target_change", args=[target.pk]))
    assert response.status_code == 302


def test_a_new_target_for_units_with_approved_reports_is_refused(admin_client, phong_tho, commune):
    url = reverse("admin:programme_target_add")
    data = {
        "programme": str(phong_tho.pk),
        "code": "MT9",
        "order": "20",
        "short_name": "Chỉ tiêu mới",
        "wording": "Nội dung",
        "numerator_label": "Số đạt",
        "denominator_label": "Tổng số",
        "operator": ">=",
        "threshold": "90",
        "judged": "state",
        "source": "models_registered",
        "applies_to": [str(commune.kind_id)],
        "categories-TOTAL_FORMS": "0",  # the target's categories, an inline of the page
        "categories-INITIAL_FORMS": "0",
    }
    refused(admin_client.post(url, data), NAMED)
    assert admin_client.post(url, {**data, "judged": "annual"}).status_code == 302  # no annual report approved
    assert Target.objects.filter(programme=phong_tho, code="MT9").exists()
