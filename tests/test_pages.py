"""Login, logout and each role's start page; every page's query count is fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from programme.models import Unit
from reporting.services import submission_import
from tests.factories import make_district, make_user, total_figures


def test_anonymous_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.text and "Mật khẩu" in response.text
    assert '<html lang="vi">' in response.text


def test_wrong_password_gets_a_vietnamese_message(client, officer):
    response = client.post(reverse("login"), {"username": "canbo", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    assert "_auth_user_id" not in client.session


def test_login_then_logout(client, officer):
    response = client.post(reverse("login"), {"username": "canbo", "password": "Mat-khau-thu-9"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST, not a link a page can fire
    response = client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"storage"'  # no copy of a report form outlives the session
    assert client.get(reverse("home")).status_code == 302


def menu(html: str) -> list[str]:
    """The addresses of the header's links and of its sign-out form, in order."""
    header = html[html.index("<header") : html.index("</header>")]
    return [part.split('"', 1)[0] for part in header.split('href="')[1:]] + [
        part.split('"', 1)[0] for part in header.split('action="')[1:]
    ]


NEWEST = [("programme_latest", "tong-quan/"), ("programme_latest", "tham-dinh/")]  # the newest programme's pages


@pytest.mark.parametrize(
    ("user_fixture", "links"),
    [
        (
            "officer",
            [
                "home",
                "home",
                ("programme_latest", "tong-quan/don-vi/03549/"),
                ("programme_latest", "tong-quan/don-vi/03549/moc-cong-viec/"),
                "register",
                "notifications",
            ],
        ),
        ("reviewer", ["home", "home", *NEWEST, "register", "notifications"]),
        ("leader", ["home", "home", *NEWEST, "register", "notifications"]),
        ("administrator", ["home", "home", *NEWEST, "register", "notifications", "admin:index"]),
    ],
)
def test_the_menu_shows_each_role_its_pages(client, request, commune, user_fixture, links):
    client.force_login(request.getfixturevalue(user_fixture))
    expected = [reverse(link) if isinstance(link, str) else reverse(link[0], args=link[1:]) for link in links]
    assert menu(client.get(reverse("home")).text) == [*expected, reverse("password_change"), reverse("logout")]


def test_the_layouts_addresses_follow_the_settings(client, db, settings):
    assert 'href="/static/css/app.css"' in client.get(reverse("login")).text
    settings.STATIC_URL = "/tep-tinh/"
    assert 'href="/tep-tinh/css/app.css"' in client.get(reverse("login")).text


def test_officer_sees_the_units_periods(client, officer, commune):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f"Các kỳ báo cáo của {commune.name}" in response.text
    for name, due in [("Quý I năm 2024", "05/04/2024"), ("Năm 2024", "05/01/2025")]:
        assert name in response.text and due in response.text
    assert "Chưa nộp" in response.text


@pytest.mark.parametrize("user_fixture", ["reviewer", "leader", "administrator"])
def test_district_roles_see_the_latest_figures(client, request, period_2024, targets, commune, user_fixture):
    submission_import(
        unit=commune,
        period=period_2024,
        figures={targets["MT6"]: total_figures(targets["MT6"], 9_999, 10_000)},
        actor_label="test",
    )
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Năm 2024" in response.text
    assert "99,99%" in response.text  # Vietnamese decimal comma
    assert "(9.999/10.000)" in response.text
    assert "Đạt" in response.text


def test_user_without_a_role_is_told_so(client, db):
    from accounts.models import User

    client.force_login(User.objects.create_user("khach", password="Mat-khau-thu-9"))
    assert "Chưa được phân quyền" in client.get(reverse("home")).text


def test_admin_site_is_for_administrators_only(client, reviewer, administrator):
    client.force_login(reviewer)
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    response = client.get("/admin/programme/unit/")
    assert response.status_code == 200


def home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def district_with_reports(n_units: int, year: int):
    """A district whose programme is the current one when ``year`` is the latest built."""
    programme, periods, targets = make_district(n_units, year=year)
    units = list(Unit.objects.filter(parent=programme.area))
    for unit in units:
        submission_import(
            unit=unit, period=periods[0], figures={t: total_figures(t, 1, 2) for t in targets}, actor_label="t"
        )
    return units


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.LEADER])
def test_district_start_page_query_count_is_fixed(client, db, role):
    small_area = district_with_reports(10, 2023)[0].parent
    small = home_queries(client, make_user("small", role, unit=small_area))
    large_area = district_with_reports(60, 2024)[0].parent
    large_user = make_user("large", role, unit=large_area)
    large = home_queries(client, large_user)
    assert small == large
    assert client.get(reverse("home")).context["report"].rows[0][1].units_expected == 60


def test_officer_start_page_query_count_is_fixed(client, db):
    units = district_with_reports(10, 2023)
    small = home_queries(client, make_user("small", Role.OFFICER, unit=units[0]))
    units = district_with_reports(60, 2024)
    large = home_queries(client, make_user("large", Role.OFFICER, unit=units[0]))
    assert small == large
