"""Honest verdicts: where units are still missing, the verdict says how many have reported, "Đạt (14/17 đơn vị
đã báo cáo)", provisional until the due date; after it the missing units are named beside it
(``programme.compliance.verdict``, ``reporting.selectors.verdicts``). ``status`` is left as it is, and
``complete`` says whether every expected unit reported."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from programme.compliance import Status, TargetResult, verdict, verdict_detail
from programme.formatting import NAMED
from programme.models import Period, Unit
from reporting.selectors.compliance import district_compliance
from reporting.selectors.verdicts import missing_names, verdicts
from reporting.services import Figures, submission_approve, submission_import
from tests.addresses import programme_reverse
from tests.factories import make_district, make_user
from tests.test_dashboards import card, get, import_rows, period
from tests.test_target_page import deep_district, old_target_page

DAY = datetime.timedelta(days=1)


@pytest.fixture
def loaded(phong_tho, tmp_path):
    """The dashboards' figures: in 2024S1, 03549 and 03391 report MT1 and MT6."""
    import_rows(tmp_path)
    return phong_tho


def result(reporting: int, expected: int, status=Status.MET) -> TargetResult:
    return TargetResult("MT7", ">", Decimal(95), 0, 0, None, status, reporting, expected, 0)


@pytest.mark.parametrize(
    "reporting, expected, final, missing, text",
    [
        (17, 17, True, [], "Đạt"),
        (0, 0, True, [], "Đạt"),  # every unit said the target does not apply to it: nobody is missing
        (14, 17, False, ["Xã A"], "Đạt (14/17 đơn vị đã báo cáo)"),  # before the due date: no name
        (14, 17, True, ["Xã A", "Xã B", "Xã C"], "Đạt (14/17 đơn vị đã báo cáo; chưa báo cáo: Xã A, Xã B, Xã C)"),
        (
            10,
            17,
            True,
            ["A", "B", "C", "D", "E", "F"],
            "Đạt (10/17 đơn vị đã báo cáo; chưa báo cáo: A, B, C, D, E và 2 đơn vị khác)",
        ),
        (
            3,
            2_000,
            True,
            ["A", "B", "C", "D", "E"],
            "Đạt (3/2.000 đơn vị đã báo cáo; chưa báo cáo: A, B, C, D, E và 1.992 đơn vị khác)",
        ),
        (16, 17, True, [], "Đạt (16/17 đơn vị đã báo cáo; chưa báo cáo: 1 đơn vị)"),
        # a name may hold "và": the names are separated by commas only
        (
            15,
            17,
            True,
            ["Phòng Giáo dục và Đào tạo", "Công an huyện"],
            "Đạt (15/17 đơn vị đã báo cáo; chưa báo cáo: Phòng Giáo dục và Đào tạo, Công an huyện)",
        ),
    ],
)
def test_a_verdict_says_how_many_reported_and_after_the_due_date_who_has_not(reporting, expected, final, missing, text):
    shown = result(reporting, expected)
    assert verdict(shown, final=final, missing=missing) == text
    assert shown.complete == (reporting == expected)
    assert verdict_detail(shown, final=final, missing=missing) == ("" if shown.complete else text[5:-1])


def set_due(target_period: Period, due: datetime.date) -> Period:
    Period.objects.filter(pk=target_period.pk).update(due=due)
    return Period.objects.select_related("programme__area").get(pk=target_period.pk)


@pytest.mark.parametrize("days_to_due", [1, 0])
def test_the_overview_says_a_verdict_is_provisional_until_the_due_day_ends(
    client,
    reviewer,
    loaded,
    targets,
    days_to_due,
):
    s1 = set_due(period(loaded, "2024S1"), timezone.localdate() + days_to_due * DAY)
    html = get(client, reviewer, programme_reverse("overview"), ky=s1.id).text
    mt6 = card(html, targets["MT6"])
    assert '<p class="verdict">Tạm tính: 2/17 đơn vị đã báo cáo</p>' in mt6
    assert "chưa báo cáo" not in mt6


def test_after_the_due_date_the_overview_names_the_missing_units(client, reviewer, loaded, targets):
    s1 = set_due(period(loaded, "2024S1"), timezone.localdate() - DAY)
    html = get(client, reviewer, programme_reverse("overview"), ky=s1.id).text
    # MT6 applies to the 17 communes; 03549 and 03391 reported; the others in the tree's order
    assert (
        '<p class="verdict">2/17 đơn vị đã báo cáo; chưa báo cáo: Xã Huổi Luông, Xã Sì Lở Lầu, Xã Mồ Sì San, '
        "Xã Pa Vây Sử, Xã Vàng Ma Chải và 10 đơn vị khác</p>"
    ) in card(html, targets["MT6"])
    # the register's targets count every unit: complete, nothing added
    assert 'class="verdict"' not in card(html, targets["MT5a"])


def test_the_target_page_and_the_start_page_carry_the_verdict(client, loaded, targets):
    s1 = set_due(period(loaded, "2024S1"), timezone.localdate() - DAY)
    leader = make_user("lanhdao", Role.LEADER, unit=loaded.area)
    page = get(client, leader, programme_reverse("target_dashboard", args=[targets["MT6"].id]), ky=s1.id).text
    assert "2/17 đơn vị đã báo cáo; chưa báo cáo: Xã Huổi Luông, Xã Sì Lở Lầu," in page
    home = get(client, leader, reverse("home")).text  # the latest period with data is the annual one
    assert "đơn vị đã báo cáo; chưa báo cáo:" in home


def test_approved_only_counts_a_submitted_report_as_missing(loaded, reviewer):
    s1 = period(loaded, "2024S1")
    town = Unit.objects.get(code="03549")
    report = district_compliance(s1, approved_only=True)
    names = missing_names(s1, [target for target, _ in report.rows], approved_only=True)
    mt6 = next(target for target, _ in report.rows if target.code == "MT6")
    assert names[mt6.id][:2] == ["Thị trấn Phong Thổ", "Xã Lả Nhì Thàng"]
    submission = town.submissions.get(period=s1)
    submission_approve(user=reviewer, submission=submission, version=None)
    names = missing_names(s1, [mt6], approved_only=True)
    assert names[mt6.id][0] == "Xã Lả Nhì Thàng"


@pytest.mark.parametrize("size", [4, 40])
def test_the_missing_units_are_read_in_two_queries_whatever_their_number(db, size):
    programme, (q1,), made = make_district(size, periods=(("2024Q1", "quarter", 3),))
    units = list(Unit.objects.filter(parent=programme.area).order_by("order"))
    for unit in units[: size // 2]:
        submission_import(unit=unit, period=q1, figures={target: Figures(1, 2) for target in made})
    report = district_compliance(Period.objects.select_related("programme__area").get(pk=q1.pk))
    with CaptureQueriesContext(connection) as queries:
        told = verdicts(report, today=q1.due + DAY)
    assert len(queries) == 2  # the areas with units missing, the units under them
    expected = ", ".join(unit.name for unit in units[size // 2 : size // 2 + 5])
    assert told[made[0].id].text.startswith(f"Chưa đạt ({size // 2}/{size} đơn vị đã báo cáo; chưa báo cáo: {expected}")
    with CaptureQueriesContext(connection) as queries:
        told = verdicts(report, today=q1.due)
    assert len(queries) == 0 and told[made[0].id].provisional
    for unit in units[size // 2 :]:
        submission_import(unit=unit, period=q1, figures={target: Figures(1, 2) for target in made})
    report = district_compliance(Period.objects.select_related("programme__area").get(pk=q1.pk))
    with CaptureQueriesContext(connection) as queries:
        told = verdicts(report, today=q1.due + DAY)
    assert len(queries) == 0 and told[made[0].id].text == "Chưa đạt"  # every unit reported: none to name


def test_the_missing_units_named_are_the_first_in_tree_order_at_any_depth(db):
    """Units are looked for only under the areas whose kept sums count one missing: in a tree of clusters,
    communes and villages, where an area may miss a single unit, the names are still those of reading every
    unit (the target page's oracle)."""
    target, _, period = deep_district(0)
    for approved_only in (False, True):
        every = old_target_page(target, period, approved_only=approved_only)["missing"]
        names = missing_names(period, [target], approved_only=approved_only)
        assert names.get(target.id, []) == [unit.name for unit in every[:NAMED]], approved_only
