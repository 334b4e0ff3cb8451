"""The target page reads only the units it shows, and shows what reading every unit showed.

The oracle is the page's former computation, kept here: every expected unit read in tree order, each judged in
Python, the ranking made by ``programme.compliance.sorted_exactly`` (ties in tree order). The tree is deeper than
the shipped district's (area → clusters that do not report → communes → villages), its ids run against its
order, and its figures tie across the table's pages and the chart's ends."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from programme import compliance
from programme.models import Unit
from programme.selectors import reporting_units
from reporting import charts
from reporting.selectors import drilldown, standing
from reporting.selectors.compliance import compliance_report, figures_by_period
from reporting.selectors.dashboards import PAGE_SIZE
from reporting.services import Figures, submission_approve, submission_import
from tests.addresses import programme_reverse
from tests.factories import UnitKindFactory, make_district, make_user, work_in

FIGURES = [(1, 2), (2, 4), (3, 3), (5, 5), (0, 5), (7, 10), (9, 10), (10, 10), (0, 0), None]


def old_target_page(target, period, *, approved_only: bool) -> dict:
    """What the page showed when it read every unit."""
    programme = target.programme
    units = reporting_units(programme, on=period.end)
    figures = figures_by_period([period], approved_only=approved_only, targets=[target]).get(period.id, {})
    report = compliance_report(
        period,
        units=units,
        targets=[target],
        figures=figures,
        register={},
        approved_only=approved_only,
        by_unit=True,
    )
    with_value = [row for row in report.unit_rows if row.has_figure and row.result.denominator]
    with_value = compliance.sorted_exactly(with_value, lambda row: (row.result.numerator, row.result.denominator))
    ranked = [drilldown.UnitStanding(row.unit, row.result, rank) for rank, row in enumerate(with_value, start=1)]
    below = [row for row in ranked if row.result.status != compliance.Status.MET]

    def chart(title, rows):
        bars = [(row.unit.name, row.result.percent) for row in rows]
        return title, charts.bar_chart(bars, target.threshold, label=f"{target.code}, {title.lower()}")

    ends = drilldown.CHART_ENDS
    if len(ranked) <= 2 * ends:
        made = [chart("Các đơn vị, từ thấp đến cao", ranked)] if ranked else []
    else:
        made = [
            chart(f"{ends} đơn vị thấp nhất", ranked[:ends]),
            chart(f"{ends} đơn vị cao nhất", list(reversed(ranked[-ends:]))),
        ]
    return {
        "result": report.rows[0][1],
        "ranked": ranked,
        "not_applicable": [row.unit for row in report.unit_rows if row.has_figure and not row.result.denominator],
        "missing": [row.unit for row in report.unit_rows if not row.has_figure],
        "needs_help": below[: drilldown.HELP_FIRST],
        "needing_help": len(below),
        "charts": made,
    }


def deep_district(seed: int, *, clusters: int = 5, communes: int = 6, villages: int = 5):
    """Area → clusters (not reporting) → communes → villages, the ids against the order; a police unit the
    target does not apply to, a commune closed before the period's end and one opened after it, and a unit
    outside the area, all with figures."""
    rng = random.Random(seed)
    programme, periods, [target] = make_district(0, targets=1)
    commune = target.applies_to.get()
    village = UnitKindFactory(code="village", name="Thôn")
    target.applies_to.add(village)
    cluster = UnitKindFactory(code="cluster", name="Cụm", reports=False)
    police = UnitKindFactory(code="police", name="Công an")
    period = periods[-1]
    made = []

    def unit(code, kind, parent, order, **dates):
        made.append(
            Unit.objects.create(code=code, name=f"Đơn vị {code}", kind=kind, parent=parent, order=order, **dates)
        )
        return made[-1]

    for c in range(clusters):
        top = unit(f"C{c}", cluster, programme.area, clusters - c)
        for m in range(communes):
            middle = unit(f"C{c}-{m}", commune, top, (m * 7) % communes)
            for v in range(villages):
                unit(f"C{c}-{m}-{v}", village, middle, villages - v)
    unit("CA", police, programme.area, 0)
    unit("CLOSED", commune, programme.area, 1, closed_on=period.end - datetime.timedelta(days=1))
    unit("LATER", commune, programme.area, 2, opened_on=period.end + datetime.timedelta(days=1))
    unit("OUTSIDE", commune, None, 0)
    reviewer = make_user(f"thamdinh-{seed}", Role.REVIEWER, unit=programme.area)
    reviewer.is_superuser = True  # approves the units outside the area too, which the page must leave out
    reviewer.save(update_fields=["is_superuser"])
    for each in made:
        figure = rng.choice(FIGURES)
        if figure is None or each.kind_id not in (commune.id, village.id):
            continue
        submission = submission_import(unit=each, period=period, figures={target: Figures(*figure)})
        if rng.random() < 0.7:
            submission_approve(user=reviewer, submission=submission, version=None)
    target = type(target).objects.select_related("programme__area").prefetch_related("applies_to").get(pk=target.pk)
    return target, periods, period


def codes(units) -> list[str]:
    return [unit.code for unit in units]


def standings(rows) -> list[tuple]:
    return [(row.unit.code, row.result.numerator, row.result.denominator, row.rank, row.result.status) for row in rows]


@pytest.mark.parametrize("seed", [0, 1])
def test_the_page_shows_what_reading_every_unit_showed(db, seed):
    target, periods, period = deep_district(seed)
    for approved_only in (False, True):
        old = old_target_page(target, period, approved_only=approved_only)
        assert len(old["ranked"]) > 2 * drilldown.CHART_ENDS  # both ends charted

        def board(page, approved_only=approved_only):
            return drilldown.target_dashboard(
                target, periods=periods, period=period, approved_only=approved_only, page=page
            )

        first = board(1)
        assert first.result == old["result"], approved_only
        assert codes(first.missing) == codes(old["missing"])
        assert codes(first.not_applicable) == codes(old["not_applicable"])
        assert standings(first.needs_help) == standings(old["needs_help"])
        assert first.needing_help == old["needing_help"]
        assert [(chart.title, chart.svg) for chart in first.charts] == old["charts"]
        shown = [row for number in first.page.paginator.page_range for row in board(number).page]
        assert standings(shown) == standings(old["ranked"])
        assert [row.gap for row in shown] == [row.gap for row in old["ranked"]]


def test_ties_across_a_page_break_follow_the_tree(db):
    target, periods, period = deep_district(3, clusters=2, communes=4, villages=14)
    old = old_target_page(target, period, approved_only=False)
    values = [(row.result.numerator * 1_000_000) // row.result.denominator for row in old["ranked"]]
    assert values[PAGE_SIZE - 1] == values[PAGE_SIZE], "the first page ends inside a run of equal values"
    for number in (1, 2):
        page = drilldown.target_dashboard(target, periods=periods, period=period, approved_only=False, page=number)
        assert standings(page.page) == standings(old["ranked"][(number - 1) * PAGE_SIZE : number * PAGE_SIZE])


def flat_district(n_units: int):
    """``n_units`` communes with different values, every one shown nowhere but in its page of the table."""
    programme, periods, [target] = make_district(n_units, targets=1)
    for i, unit in enumerate(Unit.objects.filter(parent=programme.area).order_by("order")):
        submission_import(unit=unit, period=periods[0], figures={target: Figures(i, n_units + i)})
    return target, periods


def test_the_page_reads_the_same_rows_for_60_and_160_units(client, db, monkeypatch):
    reviewer = make_user("thamdinh", Role.REVIEWER)
    client.force_login(reviewer)
    made = []
    real = standing.UnitInfo

    def counted(*args):
        made.append(args[0])
        return real(*args)

    monkeypatch.setattr(standing, "UnitInfo", counted)
    monkeypatch.setattr(drilldown, "reporting_units", None)  # never every unit

    def read(n_units):
        target, periods = flat_district(n_units)
        work_in(reviewer, target.programme.area)
        made.clear()
        with CaptureQueriesContext(connection) as queries:
            url = programme_reverse("target_dashboard", args=[target.id], programme=target.programme)
            response = client.get(url, {"ky": periods[0].id, "trang": 2})
        assert response.status_code == 200
        return len(queries), len(made), response.context["board"]

    small_queries, small_rows, _ = read(60)
    large_queries, large_rows, large = read(160)
    assert small_queries == large_queries
    assert small_rows == 30 + 30 + 10  # the chart's lowest and highest (all 60), page 2's ten
    assert large_rows == 30 + 30 + 50  # the chart's lowest and highest, page 2
    assert large.page.paginator.count == 160 and [row.rank for row in large.page] == list(range(51, 101))


@pytest.mark.parametrize(
    ("trang", "shown"),
    [("2", 2), ("abc", 1), ("0", 3), ("-1", 3), ("99999", 3), ("²", 1), ("", 1), ("1" * 5000, 1)],
)
def test_a_bad_page_number_shows_the_first_or_the_last_page(client, db, trang, shown):
    target, periods = flat_district(130)
    client.force_login(make_user("thamdinh", Role.REVIEWER, unit=target.programme.area))
    response = client.get(
        programme_reverse("target_dashboard", args=[target.id]), {"ky": periods[0].id, "trang": trang}
    )
    assert response.status_code == 200
    assert response.context["board"].page.number == shown


@pytest.mark.parametrize("ky", ["abc", "99999", "", "²"])
def test_a_bad_period_shows_the_latest_with_data(client, db, ky):
    target, periods = flat_district(5)
    client.force_login(make_user("thamdinh", Role.REVIEWER, unit=target.programme.area))
    response = client.get(programme_reverse("target_dashboard", args=[target.id]), {"ky": ky})
    assert response.status_code == 200
    assert response.context["board"].period == periods[0]


def test_an_officer_gets_404(client, db):
    target, periods = flat_district(5)
    officer_unit = Unit.objects.filter(parent=target.programme.area).first()
    client.force_login(make_user("canbo", Role.OFFICER, unit=officer_unit))
    assert client.get(programme_reverse("target_dashboard", args=[target.id]), {"ky": periods[0].id}).status_code == 404
