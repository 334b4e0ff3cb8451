"""Reads kept under the data version (``dvproject.snapshot``): the session, the user, and what a request sees.

On PostgreSQL, outside a transaction, as gunicorn serves them: the tests commit as they go. Each change below is
made as another worker (or an administrator) would make it, straight in the database, so that only the data
version tells the kept copies that it happened.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from dvproject import snapshot
from programme.models import Unit
from tests.factories import make_user

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version is PostgreSQL's snapshot; SQLite keeps nothing"
)
VERSION_QUERY = "SELECT pg_current_snapshot()::text"


@pytest.fixture(autouse=True)
def empty_caches():
    for alias in ("default", "records"):
        caches[alias].clear()


@pytest.fixture
def leader_viewing(phong_tho):
    """A leader, and their browser after a view of the overview: their session and user are kept."""
    leader = make_user("lanhdao", Role.LEADER)
    client = signed_in(leader)
    queries_of(client, reverse("overview"))
    return leader, client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries_of(client, url, status=200) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, url
    return [query["sql"] for query in captured]


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def in_a_request(view):
    """``view(request)`` run behind the middleware, as a request runs it."""
    return snapshot.SnapshotMiddleware(view)(RequestFactory().get("/"))


def test_nothing_is_kept_inside_a_transaction(db):
    assert snapshot.data_version() is None  # a test's own writes would not change its snapshot


@pytest.mark.django_db(transaction=True)
def test_nothing_is_kept_on_sqlite_and_always_outside_a_transaction_on_postgresql():
    assert (snapshot.data_version() is None) == (connection.vendor != "postgresql")
    with transaction.atomic():
        assert snapshot.data_version() is None
    loads = []
    load = lambda: loads.append(1) or "read"  # noqa: E731
    assert snapshot.remember("thing", 1, load) == snapshot.remember("thing", 1, load) == "read"
    assert len(loads) == (2 if connection.vendor != "postgresql" else 1)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_request_takes_the_version_once_and_again_after_each_write(phong_tho):
    seen = []

    def view(request):
        seen.append(snapshot.data_version())
        Unit.objects.filter(code="03549").exists()
        seen.append(snapshot.data_version())
        Unit.objects.filter(code="03549").update(name="Thị trấn Phong Thổ (đổi tên)")
        seen.append(snapshot.data_version())
        return HttpResponse()

    with CaptureQueriesContext(connection) as captured:
        in_a_request(view)
    assert seen[0] == seen[1] != seen[2]
    assert [q["sql"] for q in captured].count(VERSION_QUERY) == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_a_request_every_commit_gives_a_new_version(phong_tho):
    before = snapshot.data_version()
    assert snapshot.data_version() == before  # nothing committed between
    Unit.objects.filter(code="03549").update(name="Thị trấn Phong Thổ (đổi tên)")
    assert snapshot.data_version() != before


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_value_is_kept_for_one_version_only(phong_tho):
    reads = []

    def load():
        reads.append(1)
        return Unit.objects.get(code="03549").name

    assert snapshot.remember("name", "03549", load) == snapshot.remember("name", "03549", load)
    assert len(reads) == 1
    Unit.objects.filter(code="03549").update(name="Tên mới")
    assert snapshot.remember("name", "03549", load) == "Tên mới"
    assert snapshot.remember("name", "03391", load) == "Tên mới"  # another key is read apart
    assert len(reads) == 3
    assert snapshot.remember("nothing", 1, lambda: None) is None  # nothing to keep: read each time
    assert snapshot.remember("name", "03549", load, still=lambda value: False) == "Tên mới"
    assert len(reads) == 4


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_with_nothing_changed_reads_only_the_data_version(phong_tho):
    roleless = signed_in(User.objects.create_user("chua-phan-quyen", password="Mat-khau-thu-9"))
    officer = signed_in(make_user("canbo", Role.OFFICER, unit=Unit.objects.get(code="03549")))
    for client in (roleless, officer):
        first = queries_of(client, reverse("home"))
        assert queries_of(client, reverse("home"))[:1] == [VERSION_QUERY]
        assert len(first) > 1
    assert queries_of(roleless, reverse("home")) == [VERSION_QUERY]
    assert "canbo · Thị trấn Phong Thổ" in officer.get(reverse("home")).text  # the unit came with the user


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_session_ended_elsewhere_is_refused_at_the_next_request(leader_viewing):
    _, client = leader_viewing
    Session.objects.filter(session_key=client.session.session_key).delete()  # signed out in another worker
    assert sent_to_sign_in(client.get(reverse("home")))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_kept_session_is_refused_once_it_expires(leader_viewing, monkeypatch):
    _, client = leader_viewing
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    later = expiry + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # no commit: the kept session's version still holds
    assert sent_to_sign_in(client.get(reverse("home")))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_change_to_a_user_counts_from_their_next_request(leader_viewing):
    leader, client = leader_viewing
    assert "Tổng quan" in client.get(reverse("home")).text

    leader.groups.remove(Group.objects.get(name=Role.LEADER.label))  # no longer a leader
    assert client.get(reverse("overview")).status_code == 403
    assert 'href="/tong-quan/"' not in client.get(reverse("home")).text

    leader.groups.add(Group.objects.get(name=Role.LEADER.label))
    queries_of(client, reverse("overview"))
    User.objects.filter(pk=leader.pk).update(is_active=False)
    assert sent_to_sign_in(client.get(reverse("overview")))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_password_changed_elsewhere_ends_the_users_other_sessions(leader_viewing):
    leader, client = leader_viewing
    leader.set_password("Mat-khau-moi-9")
    leader.save(update_fields=["password"])
    assert sent_to_sign_in(client.get(reverse("overview")))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_officer_moved_to_another_unit_reports_for_it_from_the_next_request(phong_tho):
    town, commune = Unit.objects.get(code="03549"), Unit.objects.get(code="03391")
    officer = make_user("canbo", Role.OFFICER, unit=town)
    client = signed_in(officer)
    queries_of(client, reverse("unit_dashboard", args=[town.code]))
    User.objects.filter(pk=officer.pk).update(unit=commune)
    assert client.get(reverse("unit_dashboard", args=[town.code])).status_code == 404
    response = client.get(reverse("unit_dashboard", args=[commune.code]))
    header = response.text[: response.text.index("</header>")]
    assert response.status_code == 200
    assert f"canbo · {commune.name}" in header and reverse("unit_dashboard", args=[commune.code]) in header
