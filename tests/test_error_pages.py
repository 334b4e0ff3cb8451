"""What people see when a request goes wrong, in production mode (DEBUG off): a page in the app's layout, in
Vietnamese, that says what happened and leads back to the start page, with the right status. The 500 page and
the database failure page are rendered without the database."""

import pytest
from django.conf import settings as django_settings
from django.templatetags.static import static
from django.test import Client
from django.urls import path, reverse

from dvproject import urls as project_urls
from dvproject.failures import MESSAGE
from programme.models import Unit
from tests.addresses import programme_reverse
from tests.faults import unavailable_database
from tests.test_report_form import complete_post

HEADINGS = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền",
    404: "Không tìm thấy trang",
    500: "Hệ thống gặp lỗi",
    503: "Chưa thực hiện được",
}
CSRF_HEADING = "Biểu mẫu đã hết hiệu lực"
ENGLISH = ("Bad Request", "Forbidden", "Not Found", "Server Error", "CSRF", "Request aborted")


def assert_error_page(response, status: int, heading: str = "") -> str:
    """The error page of that status, in the layout, in Vietnamese, with the way back; returns its HTML."""
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert f'<link rel="stylesheet" href="{static("css/app.css")}">' in html
    assert f"<h1>{heading or HEADINGS[status]}</h1>" in html
    assert f'<a href="{reverse("home")}">Về trang chính</a>' in html
    assert [word for word in ENGLISH if word in html] == []
    return html


@pytest.fixture(autouse=True)
def production_mode(settings):
    settings.DEBUG = False


def fault(request):
    raise RuntimeError("a fault in the code")


urlpatterns = [path("loi/", fault), *project_urls.urlpatterns]


# --- 500 and 503: nothing read from the database -----------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_500_page_is_rendered_without_the_database(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)  # a signed-in user: a layout that read who is asking would query
    with unavailable_database() as tried:
        response = client.get("/loi/")
    html = assert_error_page(response, 500)
    assert tried == []
    assert officer.username not in html  # no menu: the page knows nothing of the request


def test_the_database_failure_page_is_rendered_without_the_database(client, officer):
    client.force_login(officer)
    with unavailable_database() as tried:
        response = client.get(reverse("home"))  # reading the session fails
    assert tried  # the failure is the database's
    html = assert_error_page(response, 503)
    assert MESSAGE in html
    assert "no-store" in response["Cache-Control"]  # who asked could not be read: nothing is kept


# --- 400 ---------------------------------------------------------------------------------------------------------


def test_a_request_for_another_host_gets_the_400_page(client, db):
    assert_error_page(client.get(reverse("login"), HTTP_HOST="gia-mao.example"), 400)


def test_a_form_with_too_many_fields_gets_the_400_page_in_the_officers_layout(client, officer, commune, period_2024):
    client.force_login(officer)
    fields = {f"f{n}": "1" for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("report", args=[period_2024.id, commune.code]), fields)
    assert officer.username in assert_error_page(response, 400)  # the menu of a signed-in page


# --- 403 and 404 from the real views ---------------------------------------------------------------------------


def test_a_leader_reviewing_a_report_gets_the_403_page(client, leader, commune, period_2024):
    client.force_login(leader)
    response = client.post(reverse("review", args=[period_2024.id, commune.code]), {"action": "approve"})
    assert leader.username in assert_error_page(response, 403)


def test_an_officer_gets_the_403_page_for_the_district_exports(client, officer):
    client.force_login(officer)
    assert_error_page(client.get(programme_reverse("export_values", kwargs={"fmt": "csv"})), 403)


def test_an_officer_opening_another_units_report_gets_the_404_page(client, officer, period_2024):
    other = Unit.objects.get(code="03490")
    client.force_login(officer)
    response = client.get(reverse("report", args=[period_2024.id, other.code]))
    html = assert_error_page(response, 404)
    assert officer.username in html and other.name not in html


def test_an_unknown_address_gets_the_404_page(client, db):
    assert_error_page(client.get("/khong-co-trang-nay/"), 404)


# --- CSRF --------------------------------------------------------------------------------------------------------


def test_a_sign_in_without_its_token_gets_the_csrf_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "canbo", "password": "sai"})
    assert_error_page(response, 403, CSRF_HEADING)


def test_a_report_sent_without_its_token_gets_the_csrf_page_and_changes_nothing(officer, commune, period_2024):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("report", args=[period_2024.id, commune.code]), complete_post())
    assert officer.username in assert_error_page(response, 403, CSRF_HEADING)
    assert not commune.submissions.exists()
