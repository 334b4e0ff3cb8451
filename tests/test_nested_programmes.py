"""Each unit is counted once, and each level compiles the level below (docs/decisions/0032).

The set-up: a province's programme over the province; under it commune A, the area of its own programme of the
same year, with two bodies; commune B, without a programme, with one body. The province counts A once (with its
own report), not A's bodies, which report to A's programme; B's body has no programme of its own commune and so
reports to the province beside B. A's report to the province may be filled from its own programme's sums.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from followup.reminders import units_missing
from programme.models import Programme, Unit
from programme.selectors import (
    counting_programmes,
    current_programme,
    programme_counts,
    reporting_units,
    reporting_units_query,
    reports_under,
)
from reporting.models import ReportCounts, Submission, TargetTotals
from reporting.selectors.compliance import district_reports
from reporting.selectors.dashboards import expected_kinds, kinds_among
from reporting.selectors.matrix import expected_parents
from reporting.selectors.timeliness import district_completeness
from reporting.services import Figures, submission_import
from tests.factories import (
    PeriodFactory,
    ProgrammeFactory,
    TargetFactory,
    UnitFactory,
    UnitKindFactory,
    make_user,
)

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def half_year(programme):
    return PeriodFactory(
        programme=programme,
        code="2026S1",
        kind__code="half",
        name="6 tháng đầu năm 2026",
        short_name="6 tháng",
        start=START,
        end=END,
        due=datetime.date(2026, 7, 5),
    )


@pytest.fixture
def nested(db):
    province_kind = UnitKindFactory(code="province", name="Tỉnh", reports=False)
    commune_kind = UnitKindFactory(code="commune-party", name="Đảng ủy xã", reports=True)
    body_kind = UnitKindFactory(code="commune-body", name="Cơ quan cấp xã", reports=True)
    province = UnitFactory(code="T12", name="Tỉnh Thử", kind=province_kind, parent=None)
    commune_a = UnitFactory(code="XA-A", name="Xã A", kind=commune_kind, parent=province)
    bodies = [UnitFactory(code=f"XA-A-{n}", name=f"Cơ quan {n} xã A", kind=body_kind, parent=commune_a) for n in (1, 2)]
    commune_b = UnitFactory(code="XA-B", name="Xã B", kind=commune_kind, parent=province)
    body_b = UnitFactory(code="XA-B-1", name="Cơ quan xã B", kind=body_kind, parent=commune_b)
    outer = ProgrammeFactory(code="tinh-2026", year=2026, title="Chương trình của tỉnh 2026", area=province)
    inner = ProgrammeFactory(code="xa-a-2026", year=2026, title="Chương trình của xã A 2026", area=commune_a)
    kinds = [commune_kind, body_kind]
    targets = {
        programme.code: {
            code: TargetFactory(programme=programme, code=code, applies_to=kinds) for code in ("MT1", "MT2")
        }
        for programme in (outer, inner)
    }
    TargetFactory(programme=inner, code="MT9", applies_to=kinds)  # the commune's own: not the province's
    return {
        "province": province,
        "a": commune_a,
        "bodies": bodies,
        "b": commune_b,
        "body_b": body_b,
        "outer": outer,
        "inner": inner,
        "outer_period": half_year(outer),
        "inner_period": half_year(inner),
        "targets": targets,
    }


def codes(units) -> list[str]:
    return [unit.code for unit in units]


def report(unit, period, figures: dict) -> Submission:
    return submission_import(unit=unit, period=period, figures={t: Figures(*pair) for t, pair in figures.items()})


def test_the_province_counts_the_commune_once_and_not_its_bodies(nested):
    outer, inner = nested["outer"], nested["inner"]
    assert codes(reporting_units(outer, on=END)) == ["XA-A", "XA-B", "XA-B-1"]
    assert codes(reporting_units(inner, on=END)) == ["XA-A-1", "XA-A-2"]
    assert sorted(reporting_units_query(outer, [END]).values_list("code", flat=True)) == ["XA-A", "XA-B", "XA-B-1"]
    assert sorted(reporting_units_query(inner, [END]).values_list("code", flat=True)) == ["XA-A-1", "XA-A-2"]


def test_python_and_sql_say_the_same_for_every_unit(nested):
    programmes = list(Programme.objects.select_related("area"))
    for unit in Unit.objects.select_related("kind"):
        in_python = {programme.code for programme in counting_programmes(unit)}
        in_sql = {
            programme.code
            for programme in programmes
            if Unit.objects.filter(programme_counts(programme), pk=unit.pk).exists()
        }
        assert in_python == in_sql, unit.code


def test_the_matrix_filters_offer_the_units_each_programme_counts(nested):
    """The kinds and parents read from the kept counts: the inner programme's bodies are not the province's."""
    for programme, period in ((nested["outer"], nested["outer_period"]), (nested["inner"], nested["inner_period"])):
        units = reporting_units_query(programme, [period.end])
        assert expected_kinds(programme, [period]) == kinds_among(units)
        parents = Unit.objects.filter(id__in=units.values("parent_id")).order_by("order", "name")
        assert [parent.id for parent in expected_parents(programme, period)] == [parent.id for parent in parents]
    outer = [parent.id for parent in expected_parents(nested["outer"], nested["outer_period"])]
    assert outer == [nested["province"].id, nested["b"].id]


def test_each_unit_is_asked_one_report_per_programme_period(nested):
    a, body, body_b = nested["a"], nested["bodies"][0], nested["body_b"]
    outer, inner = nested["outer"], nested["inner"]
    assert reports_under(a, outer, on=END) and not reports_under(a, inner, on=END)
    assert reports_under(body, inner, on=END) and not reports_under(body, outer, on=END)
    assert reports_under(body_b, outer, on=END)
    assert counting_programmes(body) == [inner]
    assert counting_programmes(a) == [outer]
    assert current_programme(body) == inner
    assert codes(units_missing(nested["outer_period"])) == ["XA-A", "XA-B", "XA-B-1"]
    assert codes(units_missing(nested["inner_period"])) == ["XA-A-1", "XA-A-2"]


def test_the_kept_sums_count_each_unit_once(nested):
    outer_t, inner_t = nested["targets"]["tinh-2026"], nested["targets"]["xa-a-2026"]
    for body, (num, den) in zip(nested["bodies"], [(3, 4), (5, 6)], strict=True):
        report(body, nested["inner_period"], {inner_t["MT1"]: (num, den), inner_t["MT2"]: (1, 1)})
    report(nested["a"], nested["outer_period"], {outer_t["MT1"]: (8, 10), outer_t["MT2"]: (2, 2)})
    report(nested["body_b"], nested["outer_period"], {outer_t["MT1"]: (1, 2), outer_t["MT2"]: (1, 1)})

    period = nested["outer_period"]
    rows = district_reports(nested["outer"], [period], [outer_t["MT1"]], approved_only=False)[period.id].rows
    result = rows[0][1]
    assert (result.numerator, result.denominator, result.units_reporting, result.units_expected) == (9, 12, 2, 3)
    tally = district_completeness(period, nested["province"].id)
    assert (tally.expected, tally.submitted) == (3, 2)

    inner_period = nested["inner_period"]
    rows = district_reports(nested["inner"], [inner_period], [inner_t["MT1"]], approved_only=False)[inner_period.id]
    result = rows.rows[0][1]
    assert (result.numerator, result.denominator, result.units_reporting, result.units_expected) == (8, 10, 2, 2)
    assert district_completeness(inner_period, nested["a"].id).expected == 2


def test_a_programme_made_later_takes_its_units_out_of_the_province_sums(nested):
    """The commune's programme is made after a body reported to the province: the province's kept sums drop it
    in the same transaction (the autouse check compares them with the values after the test too)."""
    b, body_b, outer_t = nested["b"], nested["body_b"], nested["targets"]["tinh-2026"]
    report(body_b, nested["outer_period"], {outer_t["MT1"]: (1, 2), outer_t["MT2"]: (1, 1)})
    kept = TargetTotals.objects.get(
        period=nested["outer_period"], target=outer_t["MT1"], area=nested["province"], approved_only=False
    )
    assert (kept.numerator, kept.units_expected) == (1, 3)
    ProgrammeFactory(code="xa-b-2026", year=2026, area=b)
    kept = TargetTotals.objects.filter(
        period=nested["outer_period"], target=outer_t["MT1"], area=nested["province"], approved_only=False
    ).get()
    assert (kept.numerator, kept.units_expected) == (0, 2)
    counts = ReportCounts.objects.filter(period=nested["outer_period"], area=nested["province"])
    assert sum(counts.values_list("expected", flat=True)) == 2
    assert not reports_under(body_b, nested["outer"], on=END)


def test_another_years_programme_leaves_the_count_alone(nested):
    """The rule is per year: a commune programme of 2025 does not take its bodies out of the 2026 province's."""
    nested["inner"].year = 2025
    nested["inner"].save()
    assert codes(reporting_units(nested["outer"], on=END)) == ["XA-A", "XA-A-1", "XA-A-2", "XA-B", "XA-B-1"]


def test_a_non_reporting_inner_area_keeps_its_units_in_the_outer_count(nested):
    """An area that does not report itself (a district) would leave its units counted by nobody above: they
    stay counted by both programmes, which the admin sees."""
    a = nested["a"]
    a.kind = UnitKindFactory(code="district", name="Huyện", reports=False)
    a.save()
    assert codes(reporting_units(nested["outer"], on=END)) == ["XA-A-1", "XA-A-2", "XA-B", "XA-B-1"]
    assert counting_programmes(nested["bodies"][0]) == [nested["outer"], nested["inner"]]  # by code


def test_the_officer_sees_the_periods_of_the_programmes_that_count_the_unit(nested, client):
    body_officer = make_user("canbo_coquan", Role.OFFICER, unit=nested["bodies"][0])
    client.force_login(body_officer)
    page = client.get(reverse("home")).content.decode()
    assert reverse("report", args=[nested["inner_period"].id, "XA-A-1"]) in page
    assert reverse("report", args=[nested["outer_period"].id, "XA-A-1"]) not in page
    assert client.get(reverse("report", args=[nested["outer_period"].id, "XA-A-1"])).status_code == 404
    commune_officer = make_user("canbo_xa", Role.OFFICER, unit=nested["a"])
    client.force_login(commune_officer)
    page = client.get(reverse("home")).content.decode()
    assert reverse("report", args=[nested["outer_period"].id, "XA-A"]) in page
    assert reverse("report", args=[nested["inner_period"].id, "XA-A"]) not in page


def test_the_admin_sees_which_programmes_expect_a_unit(nested, admin_client):
    page = admin_client.get(reverse("admin:programme_unit_change", args=[nested["a"].pk])).content.decode()
    assert "tinh-2026" in page and "xa-a-2026 — địa bàn của chương trình này" in page
    page = admin_client.get(reverse("admin:programme_unit_change", args=[nested["bodies"][0].pk])).content.decode()
    assert "xa-a-2026" in page and "tinh-2026" not in page


def test_the_commune_report_is_filled_from_its_own_programmes_sums(nested, client):
    inner_t = nested["targets"]["xa-a-2026"]
    for body, (num, den) in zip(nested["bodies"], [(3, 4), (5, 6)], strict=True):
        report(body, nested["inner_period"], {inner_t["MT1"]: (num, den), inner_t["MT2"]: (1, 1)})
    officer = make_user("canbo_xa", Role.OFFICER, unit=nested["a"])
    client.force_login(officer)
    address = reverse("report", args=[nested["outer_period"].id, "XA-A"])
    page = client.get(address).content.decode()
    assert "Lấy số liệu tổng hợp của chương trình" in page and "?tong-hop=xa-a-2026" in page

    response = client.get(address, {"tong-hop": "xa-a-2026"})
    form = response.context["form"]
    assert (form["num_MT1"].value(), form["den_MT1"].value()) == (8, 10)
    assert (form["num_MT2"].value(), form["den_MT2"].value()) == (2, 2)
    assert [filled.target.code for filled in response.context["fill_from"].filled] == ["MT1", "MT2"]
    assert not Submission.objects.filter(unit=nested["a"]).exists()  # shown, not saved

    assert client.get(address, {"tong-hop": "tinh-2026"}).status_code == 404  # not a programme of this unit's area
    assert client.get(address, {"tong-hop": "khong-co"}).status_code == 404


def test_the_fill_tells_what_it_replaces_and_keeps_the_saved_draft(nested, client):
    outer_t, inner_t = nested["targets"]["tinh-2026"], nested["targets"]["xa-a-2026"]
    report(nested["bodies"][0], nested["inner_period"], {inner_t["MT1"]: (3, 4), inner_t["MT2"]: (1, 1)})
    officer = make_user("canbo_xa", Role.OFFICER, unit=nested["a"])
    client.force_login(officer)
    address = reverse("report", args=[nested["outer_period"].id, "XA-A"])
    saved = client.post(address, {"version": "", "action": "save", "num_MT1": "1", "den_MT1": "9"})
    assert saved.status_code == 302
    response = client.get(address, {"tong-hop": "xa-a-2026"})
    assert "thay cho 1/9 đang lưu" in response.content.decode()
    value = Submission.objects.get(unit=nested["a"]).values.get(target=outer_t["MT1"])
    assert (value.numerator, value.denominator) == (1, 9)


def test_no_one_else_may_fill_the_communes_report(nested, client):
    address = reverse("report", args=[nested["outer_period"].id, "XA-A"])
    client.force_login(make_user("canbo_xa_b", Role.OFFICER, unit=nested["b"]))
    assert client.get(address, {"tong-hop": "xa-a-2026"}).status_code == 404
    client.force_login(make_user("canbo_coquan", Role.OFFICER, unit=nested["bodies"][0]))
    assert client.get(address, {"tong-hop": "xa-a-2026"}).status_code == 404
    client.force_login(make_user("thamdinh_tinh", Role.REVIEWER, unit=nested["province"]))
    response = client.get(address, {"tong-hop": "xa-a-2026"})
    assert response.status_code == 302 and "tong-hop" not in response["Location"]


def test_a_body_under_an_inner_area_has_no_page_in_the_outer_programme(nested, client):
    reviewer = make_user("tinh-trang", Role.REVIEWER, unit=nested["province"])
    client.force_login(reviewer)
    outer, inner = nested["outer"].code, nested["inner"].code
    body = nested["bodies"][0].code
    assert client.get(reverse("unit_dashboard", args=[inner, body])).status_code == 200
    assert client.get(reverse("unit_dashboard", args=[outer, body])).status_code == 404
    assert client.get(reverse("unit_dashboard", args=[outer, "XA-A"])).status_code == 200  # the commune itself
    assert client.get(reverse("unit_dashboard", args=[outer, "XA-B-1"])).status_code == 200  # no inner programme
    assert client.get(reverse("unit_milestones", args=[outer, body])).status_code == 404
    assert client.get(reverse("unit_milestones", args=[inner, body])).status_code == 200
