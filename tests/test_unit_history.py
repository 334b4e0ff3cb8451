"""Units have a history: codes are reused after the 2025 merger, so a code names the unit that carries it at the
date in question; a merged unit has predecessors, whose figures its page shows and the year-over-year view sums;
a unit closed before a programme's year neither sees it nor is expected in it."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.permissions import visible_programmes
from accounts.roles import Role
from programme.copying import copy_plan, copy_programme
from programme.models import Period, Programme, Target, Unit
from reporting.services import Figures, submission_import
from tests.conftest import DEFAULT_FIXTURES
from tests.factories import UnitFactory, close_as_shipped, make_user

MERGER = datetime.date(2025, 7, 1)


@pytest.fixture
def phong_tho(phong_tho):
    """Phong Thổ after the reform, its units closed on 1 July 2025 as the shipped fixture has them."""
    close_as_shipped()
    return phong_tho


def lai_chau():
    call_command("loaddata", "units_lai_chau_2025", verbosity=0)


def unit(code: str, on: datetime.date) -> Unit:
    return Unit.objects.coded(code, on).get()


def snapshot():
    units = list(Unit.objects.order_by("pk").values())
    links = sorted(Unit.predecessors.through.objects.values_list("from_unit_id", "to_unit_id"))
    return units, links


# --- codes are reused -----------------------------------------------------------------------------------------


def test_the_lai_chau_fixture_reuses_codes_and_loads_twice_without_change(phong_tho):
    lai_chau()
    before = snapshot()
    call_command("loaddata", "units_lai_chau_2025", *DEFAULT_FIXTURES, verbosity=0)
    assert snapshot() == before
    new_units = Unit.objects.filter(parent__code="12", kind__code="commune")
    assert new_units.count() == 38
    assert set(new_units.values_list("opened_on", flat=True)) == {MERGER}
    town, commune = Unit.objects.filter(code="03549").order_by("opened_on")  # null first on both databases?
    pair = {town.name, commune.name}
    assert pair == {"Thị trấn Phong Thổ", "Xã Phong Thổ"}
    assert unit("03549", datetime.date(2025, 6, 30)).name == "Thị trấn Phong Thổ"
    assert unit("03549", MERGER).name == "Xã Phong Thổ"
    assert unit("03562", MERGER).name == "Xã Sì Lở Lầu"  # Vàng Ma Chải's code, not the namesake's


def test_a_natural_key_names_the_unit_by_its_code_and_opening_day(phong_tho):
    lai_chau()
    old, new = unit("03549", datetime.date(2024, 12, 31)), unit("03549", MERGER)
    assert old.natural_key() == ("03549",) and new.natural_key() == ("03549", "2025-07-01")
    assert Unit.objects.get_by_natural_key("03549") == old  # the key written before codes were reused
    assert Unit.objects.get_by_natural_key("03549", "2025-07-01") == new
    assert Unit.objects.get_by_natural_key("03549", "2026-03-31") == new  # any day it existed
    with pytest.raises(Unit.DoesNotExist):
        Unit.objects.get_by_natural_key("03589", "2026-03-31")  # Mường So ended with the merger


def test_a_backup_of_units_with_reused_codes_loads_back(phong_tho, tmp_path):
    lai_chau()
    path = tmp_path / "units.json"
    out = io.StringIO()
    call_command(
        "dumpdata", "programme.unit", "programme.unitdocument", natural_foreign=True, natural_primary=True, stdout=out
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    before = snapshot()
    call_command("loaddata", str(path), verbosity=0)
    assert snapshot() == before
    dumped = {
        tuple(row["fields"]["predecessors"][0])
        for row in json.loads(out.getvalue())
        if row["fields"].get("predecessors")
    }
    assert ("03391",) in dumped  # Lả Nhì Thàng, before Phường Đoàn Kết


@pytest.mark.parametrize(
    ("opened_on", "refused"),
    [
        (datetime.date(2025, 6, 30), True),  # the day before the old unit's end: both exist that day
        (MERGER, False),  # the day the old unit no longer exists
    ],
)
def test_a_code_is_reused_only_after_the_old_unit_ended(phong_tho, opened_on, refused):
    old = Unit.objects.get(code="03583")  # Xã Khổng Lào, closed on 1 July 2025
    new = Unit(code="03583", name="Xã Khổng Lào mới", kind=old.kind, parent=old.parent.parent, opened_on=opened_on)
    if refused:
        with pytest.raises(ValidationError) as error:
            new.full_clean()
        assert "Mã 03583 đang là của Xã Khổng Lào" in str(error.value)
    else:
        new.full_clean()


def test_an_open_unit_keeps_its_code_to_itself(phong_tho):
    taken = Unit.objects.get(code="12")  # the province, still open
    with pytest.raises(ValidationError, match="Mã 12 đang là của Tỉnh Lai Châu"):
        Unit(code="12", name="Khác", kind=taken.kind, opened_on=MERGER).full_clean()


def test_the_database_refuses_two_units_of_one_code_with_no_opening_day(phong_tho):
    taken = Unit.objects.get(code="109-BDV")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="109-BDV", name="Trùng", kind=taken.kind, parent=taken.parent)


def test_the_admin_refuses_a_code_in_use_in_vietnamese(phong_tho, admin_client):
    taken = Unit.objects.get(code="03571")
    response = admin_client.post(
        reverse("admin:programme_unit_add"),
        {
            "code": "03571",
            "name": "Xã trùng",
            "kind": taken.kind_id,
            "order": 0,
            "aliases": "[]",
            "opened_on": "30/06/2025",
        },
    )
    assert response.status_code == 200
    assert "Mã 03571 đang là của Xã Dào San" in response.content.decode()
    assert Unit.objects.filter(code="03571").count() == 1


# --- addresses and files find the unit of the date -------------------------------------------------------------


@pytest.fixture
def both_years(phong_tho, settings):
    """The 2024 programme with its demo reports, Lai Châu's units, and the 2024 programme copied to the province
    for 2026, with figures of Xã Khổng Lào."""
    settings.DEBUG = True
    call_command("demo_reports", stdout=io.StringIO())
    lai_chau()
    province = Unit.objects.get(code="12")
    plan = copy_plan(phong_tho, year=2026, code="lai-chau-2026", area=province)
    programme = copy_programme(plan)
    khong_lao = unit("03583", MERGER)
    annual = Period.objects.get(programme=programme, code="2026")
    target = Target.objects.get(programme=programme, code="MT1")
    submission_import(unit=khong_lao, period=annual, figures={target: Figures(9, 10)}, actor_label="test")
    return {"2024": phong_tho, "2026": programme, "province": province}


def test_an_address_names_the_unit_carrying_the_code_in_its_period(both_years, client):
    reviewer = make_user("tinh", Role.REVIEWER, unit=both_years["province"])
    client.force_login(reviewer)
    p24, p26 = both_years["2024"], both_years["2026"]
    old = client.get(reverse("unit_dashboard", args=[p24.code, "03583"]))
    new = client.get(reverse("unit_dashboard", args=[p26.code, "03583"]))
    assert old.status_code == new.status_code == 200
    assert old.context["board"].unit.opened_on is None
    assert new.context["board"].unit.opened_on == MERGER
    annual24 = Period.objects.get(programme=p24, code="2024")
    annual26 = Period.objects.get(programme=p26, code="2026")
    assert client.get(reverse("review", args=[annual26.id, "03583"])).context["page"].sheet.unit.opened_on == MERGER
    old_review = client.get(reverse("review", args=[annual24.id, "03583"]))
    assert old_review.status_code in (200, 404)  # 404 only where Khổng Lào had no 2024 annual report
    if old_review.status_code == 200:
        assert old_review.context["page"].sheet.unit.opened_on is None


def test_an_officer_opens_the_report_of_the_unit_carrying_the_code_in_the_period(both_years, client):
    town = unit("03549", datetime.date(2024, 12, 31))
    client.force_login(make_user("thitran", Role.OFFICER, unit=town))
    half = Period.objects.get(programme=both_years["2024"], code="2024S1")
    response = client.get(reverse("report", args=[half.id, "03549"]))
    assert response.status_code == 200 and response.context["sheet"].unit == town
    history = client.get(reverse("report_history", args=[half.id, "03549"]))
    assert history.status_code == 200 and history.context["sheet"].unit == town
    commune = unit("03549", MERGER)
    client.force_login(make_user("xaphongtho", Role.OFFICER, unit=commune))
    annual26 = Period.objects.get(programme=both_years["2026"], code="2026")
    assert client.get(reverse("report", args=[annual26.id, "03549"])).context["sheet"].unit == commune
    assert client.get(reverse("report", args=[half.id, "03549"])).status_code == 404  # the town's, not its own


def test_import_values_takes_the_unit_of_the_period(both_years, tmp_path):
    annual26 = Period.objects.get(programme=both_years["2026"], code="2026")
    path = tmp_path / "values.csv"
    path.write_text(
        "unit,period,target,numerator,denominator\n03549,2026,MT1,7,8\n",
        encoding="utf-8",
    )
    call_command("import_values", str(path), "--programme", "lai-chau-2026", stdout=io.StringIO())
    commune = unit("03549", MERGER)
    town = unit("03549", datetime.date(2024, 12, 31))
    assert commune.submissions.filter(period=annual26).exists()
    assert not town.submissions.filter(period=annual26).exists()


# --- a unit closed before a programme's year -----------------------------------------------------------------


def test_an_officer_of_a_closed_unit_sees_its_history_not_later_programmes(both_years, client):
    town = unit("03549", datetime.date(2024, 12, 31))
    officer = make_user("thitran", Role.OFFICER, unit=town)
    assert list(visible_programmes(officer)) == [both_years["2024"]]
    client.force_login(officer)
    assert client.get(reverse("unit_dashboard", args=[both_years["2024"].code, "03549"])).status_code == 200
    assert client.get(reverse("overview", args=[both_years["2026"].code])).status_code == 404
    annual26 = Period.objects.get(programme=both_years["2026"], code="2026")
    assert client.get(reverse("report", args=[annual26.id, "03549"])).status_code == 404  # Xã Phong Thổ's
    start = client.get(reverse("home"))
    assert start.context["programme"] == both_years["2024"]  # not the 2026 programme it takes no part in
    assert all(row.period.programme == both_years["2024"] for row in start.context["periods"])


def test_a_unit_existing_part_of_a_year_takes_part_in_that_year():
    closed = Unit(code="x", name="x", closed_on=MERGER)
    assert closed.years == (None, 2025) and closed.exists_in_year(2025) and not closed.exists_in_year(2026)
    assert Unit(code="x", name="x", closed_on=datetime.date(2026, 1, 1)).years == (None, 2025)  # gone on 1 Jan
    assert Unit(code="x", name="x", opened_on=MERGER).years == (2025, None)


# --- predecessors ----------------------------------------------------------------------------------------------


def test_a_merged_communes_page_shows_its_predecessors_figures(both_years, client):
    reviewer = make_user("tinh", Role.REVIEWER, unit=both_years["province"])
    client.force_login(reviewer)
    response = client.get(reverse("unit_dashboard", args=[both_years["2026"].code, "03583"]))
    before = response.context["board"].predecessors
    assert [entry.unit.name for entry in before.units] == ["Xã Bản Lang", "Xã Hoang Thèn", "Xã Khổng Lào"]
    mt1 = next(row for row in before.rows if row.target.code == "MT1")
    found = [cell for cell in mt1.cells if cell is not None]
    assert found, "the demo's 2024 reports give the predecessors figures"
    assert mt1.total.numerator == sum(cell.numerator for cell in found)
    assert mt1.total.denominator == sum(cell.denominator for cell in found)
    assert "Các đơn vị tiền thân" in response.content.decode()
    plain = client.get(reverse("unit_dashboard", args=[both_years["2026"].code, "03586"]))  # no such 2026 unit
    assert plain.status_code == 404


def test_the_year_over_year_view_sums_the_predecessors(both_years, client):
    reviewer = make_user("tinh", Role.REVIEWER, unit=both_years["province"])
    client.force_login(reviewer)
    target = Target.objects.get(programme=both_years["2026"], code="MT1")
    url = reverse("target_year_over_year", args=[both_years["2026"].code, target.id])
    board = client.get(url, {"voi": "phong-tho-2024"}).context["board"]
    row = next(row for row in board.rows if row.unit.code == "03583")
    assert row.merged and (row.this.numerator, row.this.denominator) == (9, 10)
    assert {unit.name for unit in row.others} == {"Xã Khổng Lào", "Xã Hoang Thèn", "Xã Bản Lang"}
    side = board.other
    assert board.other.period is not None
    expected = [side.units[u.id][1] for u in row.others if side.units[u.id][1] is not None]
    assert row.other.numerator == sum(f.numerator for f in expected if f.denominator)
    # seen from 2024, the three predecessors form one row beside their successor
    old_target = Target.objects.get(programme=both_years["2024"], code="MT1")
    back = client.get(
        reverse("target_year_over_year", args=["phong-tho-2024", old_target.id]), {"voi": "lai-chau-2026"}
    )
    grouped = next(row for row in back.context["board"].rows if "Xã Khổng Lào" in [u.name for u in row.units])
    assert len(grouped.units) == 3 and [u.code for u in grouped.others] == ["03583"]
    assert (grouped.other.numerator, grouped.other.denominator) == (9, 10)


def test_a_unit_with_no_predecessor_shows_none(phong_tho, client):
    reviewer = make_user("huyen", Role.REVIEWER, unit=Unit.objects.get(code="109"))
    client.force_login(reviewer)
    response = client.get(reverse("unit_dashboard", args=[phong_tho.code, "03583"]))
    assert response.context["board"].predecessors is None
    assert "Các đơn vị tiền thân" not in response.content.decode()


def test_predecessors_are_read_in_a_fixed_number_of_queries(both_years, django_assert_max_num_queries):
    from reporting.selectors.drilldown import predecessor_figures

    targets = list(Target.objects.filter(programme=both_years["2026"]))
    commune = unit("03549", MERGER)
    with django_assert_max_num_queries(4):
        found = predecessor_figures(commune, targets, approved_only=False)
    assert len(found.units) == 4
    UnitFactory(code="extra", name="Thêm", kind=commune.kind, parent=Unit.objects.get(code="109"))
    commune.predecessors.add(Unit.objects.get(code="extra"))
    with django_assert_max_num_queries(4):
        assert len(predecessor_figures(commune, targets, approved_only=False).units) == 5
    assert Programme.objects.count() == 2


def test_the_admin_takes_only_units_ended_by_the_opening_day_as_predecessors(phong_tho, admin_client):
    lai_chau()
    commune = unit("03583", MERGER)
    still_open = Unit.objects.get(code="12-BTGDV")
    ended = Unit.objects.get(code="03586")  # Nậm Xe, ended with the merger
    url = reverse("admin:programme_unit_change", args=[commune.pk])
    form = {
        "code": commune.code,
        "name": commune.name,
        "kind": commune.kind_id,
        "parent": commune.parent_id,
        "order": commune.order,
        "aliases": "[]",
        "opened_on": "01/07/2025",
    }
    refused = admin_client.post(url, {**form, "predecessors": [ended.pk, still_open.pk]})
    assert refused.status_code == 200
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy phải giải thể không muộn hơn ngày thành lập 01/07/2025" in (
        refused.content.decode()
    )
    assert commune.predecessors.count() == 3  # nothing saved
    accepted = admin_client.post(url, {**form, "predecessors": [ended.pk]})
    assert accepted.status_code == 302
    assert list(commune.predecessors.all()) == [ended]
