"""The dashboards kept in the cache for one state of the data (``reporting.pagecache``).

On PostgreSQL, outside a transaction, as gunicorn serves them: the tests commit as they go. A page computed
again is seen through ``render_to_string``, which only a page not found in the cache calls.
"""

import datetime

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from programme.models import Period, Target, Unit
from reporting import pagecache
from tests.factories import make_user
from tests.test_dashboards import card, import_rows

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version is PostgreSQL's snapshot; SQLite is not cached"
)
HIT_QUERIES = 1  # the data version: the session and the user are kept too
# The unit page reads its unit with a plain query before the cache is asked (accounts.permissions.unit_or_404).
UNIT_LOOKUP = {"unit": 1}


@pytest.fixture
def loaded(phong_tho, tmp_path):
    import_rows(tmp_path)
    cache.clear()
    caches["records"].clear()
    return phong_tho


@pytest.fixture
def computed(monkeypatch):
    """How many times a dashboard was rendered rather than taken from the cache."""
    calls = []
    render = pagecache.render_to_string

    def counted(template, *args, **kwargs):
        if template != pagecache.PAGE:  # the layout is rendered for each request
            calls.append(template)
        return render(template, *args, **kwargs)

    monkeypatch.setattr(pagecache, "render_to_string", counted)
    return calls


@pytest.fixture
def annual_mt1(loaded):
    """A reviewer's browser, the MT1 target, and the overview of the annual period, where MT1 is 23 / 25."""
    client = signed_in(make_user("thamdinh", Role.REVIEWER))
    mt1 = Target.objects.get(programme=loaded, code="MT1")
    return client, mt1, f"{reverse('overview')}?ky={Period.objects.get(programme=loaded, code='2024').id}"


def signed_in(user) -> Client:
    """A browser signed in as ``user``. Signing in writes (the session, the last login): a new data version."""
    client = Client()
    client.force_login(user)
    return client


def view(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"], url  # kept by the server, never by the browser
    return response.text, len(captured)


def main(html: str) -> str:
    return html[html.index("<main>") : html.index("</main>")]


def pages(phong_tho) -> dict[str, str]:
    annual = Period.objects.get(programme=phong_tho, code="2024")
    target = Target.objects.get(programme=phong_tho, code="MT1")
    return {
        "overview": reverse("overview"),
        "matrix": f"{reverse('matrix')}?ky={annual.id}&sap_xep=-MT1",
        "completeness": reverse("completeness"),
        "unit": reverse("unit_dashboard", args=["03549"]),
        "target": f"{reverse('target_dashboard', args=[target.id])}?ky={annual.id}",
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_view_is_taken_from_the_cache_in_a_fixed_number_of_queries(loaded, computed):
    client = signed_in(make_user("thamdinh", Role.REVIEWER))
    for name, url in pages(loaded).items():
        first, first_queries = view(client, url)
        again, again_queries = view(client, url)
        assert computed.count(computed[-1]) == 1, name  # rendered once
        assert main(again) == main(first), name
        assert again_queries <= HIT_QUERIES + UNIT_LOOKUP.get(name, 0) < first_queries, name


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_on_the_next_view(annual_mt1, computed, tmp_path):
    client, mt1, url = annual_mt1
    before, _ = view(client, url)
    assert "23 / 25" in card(before, mt1)  # 10/10 + 8/10 + 5/5 + 0/0
    import_rows(tmp_path, [("03391", "2024", "MT1", 10, 10)])
    after, _ = view(client, url)
    assert "25 / 25" in card(after, mt1)
    assert len(computed) == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_commit_that_lands_while_a_page_is_computed_is_not_served_after(annual_mt1, tmp_path, monkeypatch):
    client, mt1, url = annual_mt1
    overview = pagecache.render_to_string
    landed = []

    def commit_first(template, *args, **kwargs):  # the key is already taken; the rows are read after this commit
        if not landed and template != pagecache.PAGE:
            landed.append(True)
            import_rows(tmp_path, [("03391", "2024", "MT1", 10, 10)])
        return overview(template, *args, **kwargs)

    monkeypatch.setattr(pagecache, "render_to_string", commit_first)
    view(client, url)
    after, queries = view(client, url)
    assert "25 / 25" in card(after, mt1)
    assert queries > HIT_QUERIES  # computed again: the part stored first is under a version no read has now


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_header_and_its_csrf_token_are_each_viewers_own(loaded, computed):
    first = signed_in(make_user("thamdinh-mot", Role.REVIEWER))
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("lanhdao-hai", Role.LEADER))
    view(first, reverse("overview"))
    html, _ = view(client, reverse("overview"))
    assert len(computed) == 1  # the second viewer had the first one's part
    assert "lanhdao-hai" in html and "thamdinh-mot" not in html
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" not in client.session


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_officer_and_a_reviewer_each_see_the_units_page_for_their_rights(loaded, computed):
    town = Unit.objects.get(code="03549")
    officer = signed_in(make_user("canbo", Role.OFFICER, unit=town))
    reviewer = signed_in(make_user("thamdinh", Role.REVIEWER))
    url = reverse("unit_dashboard", args=[town.code])
    annual = Period.objects.get(programme=loaded, code="2024")
    for _ in range(2):
        as_reviewer, _ = view(reviewer, url)
        as_officer, _ = view(officer, url)
        assert reverse("review", args=[annual.id, town.code]) in as_reviewer
        assert reverse("report", args=[annual.id, town.code]) in as_officer
        assert reverse("overview") in main(as_reviewer) and reverse("overview") not in main(as_officer)
    assert len(computed) == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_each_address_and_each_day_is_computed_apart(loaded, computed, monkeypatch):
    client = signed_in(make_user("thamdinh", Role.REVIEWER))
    half, annual = (Period.objects.get(programme=loaded, code=code) for code in ("2024S1", "2024"))
    assert "Năm 2024" in view(client, f"{reverse('overview')}?ky={annual.id}")[0]
    assert "6 tháng đầu năm 2024" in view(client, f"{reverse('overview')}?ky={half.id}")[0]
    assert len(computed) == 2
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(pagecache.timezone, "localdate", lambda: tomorrow)  # lateness is counted to the day
    view(client, f"{reverse('overview')}?ky={annual.id}")
    assert len(computed) == 3


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_page_not_found_is_never_kept(loaded, computed):
    client = signed_in(make_user("thamdinh", Role.REVIEWER))
    missing = reverse("target_dashboard", args=[Target.objects.order_by("-id").first().id + 1])
    assert [client.get(missing).status_code for _ in range(2)] == [404, 404]
    assert computed == []
