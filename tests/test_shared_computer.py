"""Nothing of a report stays behind on a shared computer: no page kept, sessions that end, passwords changed."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from dvproject.nostore import NoStoreMiddleware
from tests.test_settings import manage

PASSWORD = "Mat-khau-thu-9"
NEW_PASSWORD = "Dan-van-kheo-2025"

# --- no page kept ----------------------------------------------------------------------------------------------
# Every URL of the app, for every role, is checked in tests/test_access_matrix.py::test_access.


def test_static_files_stay_cacheable_for_a_signed_in_user(officer, settings):
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True  # as in the try-out: no collectstatic
    client = Client()
    client.force_login(officer)
    response = client.get(settings.STATIC_URL + "css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("disposition", "kept"), [("attachment; filename=bao-cao.docx", False), ("inline", True), (None, True)]
)
def test_an_attachment_is_never_kept_whoever_asks(disposition, kept):
    response = HttpResponse(b"...")
    if disposition:
        response["Content-Disposition"] = disposition
    request = RequestFactory().get("/")
    request.session, request.user = SessionStore(), AnonymousUser()
    request.session.get("anything")  # the view asked who is there, and found nobody
    answered = NoStoreMiddleware(lambda request: response)(request)
    assert ("no-store" not in answered.get("Cache-Control", "")) == kept


# --- sessions that end -----------------------------------------------------------------------------------------


def signed_in(user) -> tuple[Client, Session]:
    client = Client()
    client.force_login(user)
    return client, Session.objects.get(session_key=client.session.session_key)


def saved_ago(session: Session, ago: datetime.timedelta) -> None:
    """As if the session had last been saved ``ago``."""
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + age - ago)


def test_a_session_lasts_eight_hours_without_a_request_by_default():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # every request renews it


def test_the_session_length_is_read_from_the_environment():
    result = manage("diffsettings", DJANGO_DEBUG="true", DJANGO_SESSION_HOURS="2")
    assert result.returncode == 0, result.stderr
    assert "SESSION_COOKIE_AGE = 7200\n" in result.stdout


def test_a_session_ends_at_its_length_without_a_request(officer):
    client, session = signed_in(officer)
    hours = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    saved_ago(session, hours - datetime.timedelta(seconds=2))
    assert client.get(reverse("home")).status_code == 200
    saved_ago(session, hours + datetime.timedelta(milliseconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_request_renews_the_session(officer):
    client, session = signed_in(officer)
    saved_ago(session, datetime.timedelta(hours=7))
    response = client.get(reverse("home"))
    full = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(Session.objects.get(pk=session.pk).expire_date - full) < datetime.timedelta(seconds=5)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


# --- passwords -------------------------------------------------------------------------------------------------


def test_the_header_leads_to_the_password_page(officer):
    client, _ = signed_in(officer)
    assert f'href="{reverse("password_change")}"' in client.get(reverse("home")).text


def test_anonymous_users_get_the_login_page():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('password_change')}"


def test_a_user_changes_their_own_password(officer):
    client, _ = signed_in(officer)
    elsewhere, _ = signed_in(officer)  # the same account, still open on another computer
    page = client.get(reverse("password_change")).text
    assert "Đổi mật khẩu" in page and "Mật khẩu cũ" in page and "Mật khẩu mới" in page
    form = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("password_change"), form, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Đã đổi mật khẩu" in response.text
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("home")).status_code == 302  # the other one ends


def test_a_wrong_old_password_is_refused_in_vietnamese(officer):
    client, _ = signed_in(officer)
    form = {"old_password": "sai-mat-khau", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("password_change"), form)
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.text
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("12345678", "12345678", "Mật khẩu này hoàn toàn là số"),
        ("Dv-1", "Dv-1", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự"),
        ("password", "password", "Mật khẩu này quá phổ biến"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Hai trường mật khẩu không giống nhau"),
    ],
)
def test_a_weak_new_password_is_refused_in_vietnamese(officer, new, again, message):
    client, _ = signed_in(officer)
    form = {"old_password": PASSWORD, "new_password1": new, "new_password2": again}
    response = client.post(reverse("password_change"), form)
    assert response.status_code == 200
    assert message in response.text
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_an_administrator_sets_a_new_password(administrator, officer):
    client, _ = signed_in(administrator)
    change = reverse("admin:accounts_user_change", args=[officer.pk])
    set_password = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert set_password == change.replace("/change/", "/password/")
    assert 'href="../password/"' in client.get(change).text  # the change page's link to it
    page = client.get(set_password).text
    assert "Thay đổi mật khẩu: canbo" in page
    weak = {"usable_password": "true", "password1": "12345678", "password2": "12345678", "set-password": "1"}
    response = client.post(set_password, weak)
    assert response.status_code == 200 and "Mật khẩu này hoàn toàn là số" in response.text
    good = weak | {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(set_password, good).status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
