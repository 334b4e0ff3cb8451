"""The programme is in every address (docs/decisions/0029-programme-in-the-address.md): each programme's pages
are reached by its code, older years included, the switcher lists the programmes the user may see, newest
first, the old addresses lead to the newest one, and a target's figures of two years are shown side by side."""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from programme.models import Target, Unit
from reporting.services import Figures, submission_import
from tests.factories import (
    PeriodFactory,
    ProgrammeFactory,
    TargetFactory,
    UnitFactory,
    UnitKindFactory,
    make_user,
)

PROGRAMME_PAGES = ["overview", "matrix", "completeness", "violations", "milestones_board", "inbox"]


def annual(programme, year: int):
    return PeriodFactory(
        programme=programme,
        code=str(year),
        name=f"Năm {year}",
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 12, 31),
        due=datetime.date(year + 1, 1, 5),
    )


def district_with_two_years(province: Unit, code: str = "thu"):
    """One area of the province with a 2024 and a 2026 programme; the third commune closed on 1 July 2025."""
    commune = UnitKindFactory(code="commune", name="Xã, thị trấn")
    district = UnitKindFactory(code="district", reports=False)
    area = UnitFactory(code=f"{code}-H", name=f"Huyện {code}", kind=district, parent=province)
    units = [
        UnitFactory(code=f"{code}-{i}", name=f"Xã {code} {i}", kind=commune, parent=area, order=i) for i in range(3)
    ]
    Unit.objects.filter(pk=units[2].pk).update(closed_on=datetime.date(2025, 7, 1))
    years = {}
    for year in (2024, 2026):
        programme = ProgrammeFactory(
            code=f"{code}-{year}", year=year, area=area, title=f"Chương trình công tác dân vận năm {year} ({code})"
        )
        period = annual(programme, year)
        target = TargetFactory(programme=programme, code="MT1", applies_to=[commune])
        years[year] = (programme, period, target)
    return area, units, years


@pytest.fixture
def world(db):
    province = UnitFactory(code="T", name="Tỉnh Thử", kind=UnitKindFactory(code="province", reports=False))
    _, units, years = district_with_two_years(province)
    (_, y24, mt24), (_, y26, mt26) = years[2024], years[2026]
    for unit, figures in zip(units, (Figures(3, 4), Figures(1, 2), Figures(2, 2)), strict=True):
        submission_import(unit=unit, period=y24, figures={mt24: figures}, actor_label="test")
    for unit, figures in zip(units[:2], (Figures(4, 4), Figures(1, 4)), strict=True):
        submission_import(unit=unit, period=y26, figures={mt26: figures}, actor_label="test")
    _, elsewhere_units, elsewhere = district_with_two_years(province, "khac")
    return {
        "units": units,
        "years": years,
        "elsewhere": elsewhere,
        "elsewhere_unit": elsewhere_units[0],
        "reviewer": make_user("thamdinh", Role.REVIEWER, unit=province),  # the province's: both districts
        "officer": make_user("canbo", Role.OFFICER, unit=units[0]),
    }


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def switcher_links(response) -> list[str]:
    html = response.content.decode()
    nav = html[
        html.index('class="programme-switcher"') : html.index("</nav>", html.index('class="programme-switcher"'))
    ]
    return [unescape(part.split('"', 1)[0]) for part in nav.split('href="')[1:]]


def test_every_programme_page_carries_the_programme_code(world, client):
    for name in PROGRAMME_PAGES:
        assert reverse(name, args=["thu-2024"]).startswith("/ct/thu-2024/"), name
    for year in (2024, 2026):
        programme, period, target = world["years"][year]
        for name in PROGRAMME_PAGES:
            response = page(client, world["reviewer"], reverse(name, args=[programme.code]))
            assert response.status_code == 200, name
            assert programme.title in response.content.decode(), name
        unit = reverse("unit_dashboard", args=[programme.code, world["units"][0].code])
        assert page(client, world["reviewer"], unit).context["board"].programme == programme
        target_page = page(client, world["reviewer"], reverse("target_dashboard", args=[programme.code, target.id]))
        assert target_page.context["board"].period == period


def test_a_2024_programme_is_still_reached_when_a_2026_one_exists(world, client):
    p24, y24, _ = world["years"][2024]
    response = page(client, world["reviewer"], reverse("overview", args=[p24.code]))
    assert response.context["board"].programme == p24
    assert response.context["board"].period == y24
    csv = page(client, world["reviewer"], reverse("export_overview", args=[p24.code, "csv"]))
    assert csv.status_code == 200 and "2024" in csv["Content-Disposition"]
    report = page(client, world["reviewer"], reverse("official_report", args=[p24.code, y24.id]))
    assert report.status_code == 200


def test_what_belongs_to_another_programme_is_a_404(world, client):
    (p24, _, _), (p26, y26, mt26) = world["years"][2024], world["years"][2026]
    reviewer = world["reviewer"]
    assert page(client, reviewer, reverse("overview", args=["khong-co"])).status_code == 404
    assert page(client, reviewer, reverse("target_dashboard", args=[p24.code, mt26.id])).status_code == 404
    assert page(client, reviewer, reverse("official_report", args=[p24.code, y26.id])).status_code == 404
    assert page(client, reviewer, reverse("export_overview", args=[p24.code, "csv"]), ky=y26.id).status_code == 404
    assert page(client, reviewer, reverse("export_overview", args=[p26.code, "csv"]), ky=y26.id).status_code == 200
    outside = reverse("unit_dashboard", args=[p24.code, world["elsewhere_unit"].code])
    assert page(client, reviewer, outside).status_code == 404


def test_the_switcher_lists_the_programmes_newest_first_leading_to_the_same_page(world, client):
    p24, p26 = world["years"][2024][0], world["years"][2026][0]
    k24, k26 = world["elsewhere"][2024][0], world["elsewhere"][2026][0]
    response = page(client, world["reviewer"], reverse("matrix", args=[p24.code]), ky=world["years"][2024][1].id)
    assert [item.code for item in response.context["switcher"]] == [k26.code, p26.code, k24.code, p24.code]
    assert [item.current for item in response.context["switcher"]] == [False, False, False, True]
    assert switcher_links(response) == [reverse("matrix", args=[p.code]) for p in (k26, p26, k24, p24)]
    # from a target's page (a target of this programme only), to the other programmes' overviews
    target = reverse("target_dashboard", args=[p24.code, world["years"][2024][2].id])
    assert switcher_links(page(client, world["reviewer"], target))[0] == reverse("overview", args=[k26.code])


def test_an_officer_is_offered_only_the_programmes_of_the_own_unit(world, client):
    p24, p26 = world["years"][2024][0], world["years"][2026][0]
    own = reverse("unit_dashboard", args=[p24.code, world["units"][0].code])
    response = page(client, world["officer"], own)
    assert response.status_code == 200
    assert [item.code for item in response.context["switcher"]] == [p26.code, p24.code]
    elsewhere = world["elsewhere"][2024][0]
    assert page(client, world["officer"], reverse("overview", args=[elsewhere.code])).status_code == 404
    assert page(client, world["officer"], reverse("overview", args=[p24.code]))["Location"] == own


def test_the_switcher_costs_one_query_whatever_the_number_of_programmes(world, client):
    p24 = world["years"][2024][0]
    client.force_login(world["reviewer"])
    url = reverse("overview", args=[p24.code])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        ProgrammeFactory(code=f"them-{i}", year=2020 + i, area=p24.area)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["switcher"]) == 9
    assert len(few) == len(many)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/tong-quan/", "tong-quan/"),
        ("/tong-quan/ma-tran/", "tong-quan/ma-tran/"),
        ("/tong-quan/tien-do-nop/", "tong-quan/tien-do-nop/"),
        ("/tong-quan/kiem-tra-so-lieu/", "tong-quan/kiem-tra-so-lieu/"),
        ("/tong-quan/moc-cong-viec/", "tong-quan/moc-cong-viec/"),
        ("/tong-quan/don-vi/thu-0/", "tong-quan/don-vi/thu-0/"),
        ("/xuat/tong-quan.csv", "xuat/tong-quan.csv"),
        ("/xuat/so-lieu.csv", "xuat/so-lieu.csv"),
        ("/tham-dinh/", "tham-dinh/"),
    ],
)
def test_an_old_address_leads_to_the_same_page_of_the_newest_programme(world, client, old, new):
    newest = world["elsewhere"][2026][0]  # "khac-2026" comes before "thu-2026"
    response = page(client, world["reviewer"], old + "?ky=12&chi_duyet=1")
    assert response.status_code == 302
    assert response["Location"] == f"/ct/{newest.code}/{new}?ky=12&chi_duyet=1"
    # an officer is sent to the newest programme the own unit reports in
    response = page(client, world["officer"], old)
    assert response["Location"] == f"/ct/{world['years'][2026][0].code}/{new}"


def test_an_old_address_asks_for_a_sign_in_first(world, client):
    response = client.get("/tong-quan/ma-tran/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_year_over_year_view_puts_two_programmes_side_by_side(world, client):
    (p24, _, mt24), (p26, _, mt26) = world["years"][2024], world["years"][2026]
    url = reverse("target_year_over_year", args=[p26.code, mt26.id])
    target_page = page(client, world["reviewer"], reverse("target_dashboard", args=[p26.code, mt26.id]))
    assert url in target_page.content.decode()
    response = page(client, world["reviewer"], url)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.other.programme == p24 and board.other.target == mt24  # matched by code
    assert (board.this.result.numerator, board.this.result.denominator) == (5, 8)
    assert (board.other.result.numerator, board.other.result.denominator) == (6, 8)  # 3/4 + 1/2 + 2/2
    # per unit, only where the unit is in both: the third commune closed before 2026
    rows = {row.unit.code: (row.this.numerator, row.other.numerator) for row in board.rows}
    assert rows == {"thu-0": (4, 3), "thu-1": (1, 1)}
    html = response.content.decode()
    assert "Xã thu 0" in html and "Xã thu 2" not in html


def test_the_year_over_year_view_compares_only_programmes_the_user_may_see(world, client):
    p26, _, mt26 = world["years"][2026]
    url = reverse("target_year_over_year", args=[p26.code, mt26.id])
    elsewhere = world["elsewhere"][2024][0]
    assert page(client, world["reviewer"], url, voi=elsewhere.code).context["board"].other.programme == elsewhere
    assert page(client, world["reviewer"], url, voi="khong-co").status_code == 404
    assert page(client, world["officer"], url).status_code == 404  # officers never see other units' standing
    Target.objects.exclude(pk=mt26.pk).update(code="MT1-cu")  # no other programme has a target MT1
    no_match = page(client, world["reviewer"], url)
    assert no_match.status_code == 200 and no_match.context["board"] is None
    assert "Không có chương trình nào khác có chỉ tiêu mã MT1" in no_match.content.decode()
