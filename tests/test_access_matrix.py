"""Every URL × every role × GET and POST, generated from the URLconf, against the expected answer.

Officers never reach another unit's data: every URL that names a unit is tried by the officer of another unit,
and every refused POST is checked to have changed nothing.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from programme.models import ExemplaryModel, Period, Unit
from reporting.models import Submission, SubmissionEvent, Value
from reporting.services import Figures, submission_import
from tests.factories import make_user

ROLES = ["anonymous", "officer_a", "officer_b", "reviewer", "leader", "administrator"]
DISTRICT = {"reviewer", "leader", "administrator"}
OFFICER_A = {"officer_a"}
EVERYONE = {"officer_a", "officer_b", *DISTRICT}

# URL name → (roles whose GET is answered with the page, roles whose POST is accepted). Everyone else is refused:
# anonymous users are sent to the login page, the others get 403 or 404, or are redirected away from the page.
# Every URL the app has must be listed here: a new URL fails the test until someone decides who may use it.
EXPECTED = {
    "home": (EVERYONE, set()),
    "login": ({"anonymous", *EVERYONE}, {"anonymous", *EVERYONE}),
    "logout": (set(), {"anonymous", *EVERYONE}),
    "health": ({"anonymous", *EVERYONE}, set()),
    "report": (OFFICER_A, OFFICER_A),
    "report_history": (OFFICER_A | DISTRICT, set()),
    "unit_report_docx": (OFFICER_A | DISTRICT, set()),
    "report_template": (OFFICER_A, set()),
    "report_upload": (OFFICER_A, OFFICER_A),
    "inbox": (DISTRICT, set()),
    "bulk_upload": ({"reviewer", "administrator"}, {"reviewer", "administrator"}),
    "review": (DISTRICT, {"reviewer", "administrator"}),
    "overview": (DISTRICT, set()),
    "matrix": (DISTRICT, set()),
    "completeness": (DISTRICT, set()),
    "unit_dashboard": (OFFICER_A | DISTRICT, set()),
    "target_dashboard": (DISTRICT, set()),
    "export_overview": (DISTRICT, set()),
    "export_matrix": (DISTRICT, set()),
    "export_values": (DISTRICT, set()),
    "official_report": (DISTRICT, set()),
    "register": (EVERYONE, {"officer_a", "officer_b"}),
    "model_recognise": (set(), {"reviewer", "administrator"}),
}
REFUSED = {403, 404, 405}


def test_every_url_has_an_expected_answer():
    assert {pattern.name for pattern in _flat_patterns() if pattern.name} == set(EXPECTED)


@pytest.fixture
def world(phong_tho, targets):
    """Unit A with a submitted report and a model; unit B, whose officer tries everything of A's."""
    unit_a, unit_b = Unit.objects.get(code="03549"), Unit.objects.get(code="03490")
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    s1 = Period.objects.get(programme=phong_tho, code="2024S1")
    submission_import(unit=unit_a, period=q1, figures={targets["MT1"]: Figures(3, 4)}, actor_label="t")
    Submission.objects.create(unit=unit_a, period=s1)  # an open draft for the officer's own pages
    model = ExemplaryModel.objects.create(
        unit=unit_a, year=2024, name="Mô hình A", field="forest", registered_on="2024-02-01"
    )
    users = {
        "officer_a": make_user("canbo_a", Role.OFFICER, unit=unit_a),
        "officer_b": make_user("canbo_b", Role.OFFICER, unit=unit_b),
        "reviewer": make_user("thamdinh", Role.REVIEWER),
        "leader": make_user("lanhdao", Role.LEADER),
        "administrator": make_user("quantri", Role.ADMINISTRATOR),
    }
    users["administrator"].is_superuser = users["administrator"].is_staff = True
    users["administrator"].save()
    kwargs = {
        "period_id": q1.id,
        "unit_code": unit_a.code,
        "target_id": targets["MT1"].id,
        "fmt": "csv",
        "pk": model.pk,
    }
    return {"users": users, "kwargs": kwargs, "q1": q1, "s1": s1, "unit_a": unit_a}


def url_for(name, world):
    pattern = next(p for p in _flat_patterns() if p.name == name)
    wanted = set(pattern.pattern.converters)
    args = {key: value for key, value in world["kwargs"].items() if key in wanted}
    if name in {"report", "report_template", "report_upload"}:
        args["period_id"] = world["s1"].id  # the open draft
    return reverse(name, kwargs=args)


def _flat_patterns(patterns=None):
    """Every URL pattern of the app (the admin site has its own permission system and tests)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from _flat_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def state():
    return (
        sorted(Submission.objects.values_list("id", "status", "version")),
        sorted(Value.objects.values_list("id", "numerator", "denominator")),
        SubmissionEvent.objects.count(),
        sorted(ExemplaryModel.objects.values_list("id", "recognised_on")),
    )


def client_for(role, world):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def refused(response, role) -> bool:
    if role == "anonymous" and response.status_code == 302:
        return response["Location"].startswith(reverse("login"))
    return response.status_code in REFUSED or (response.status_code == 302 and role != "anonymous")


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_get(world, name, role):
    allowed, _ = EXPECTED[name]
    response = client_for(role, world).get(url_for(name, world))
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert refused(response, role), (response.status_code, response.get("Location"))
        if role == "officer_b":
            assert response.status_code != 200
            assert world["unit_a"].name.encode() not in response.content


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_post(world, name, role):
    _, allowed = EXPECTED[name]
    before = state()
    response = client_for(role, world).post(url_for(name, world), {})
    if role in allowed:
        assert response.status_code < 500
    else:
        assert refused(response, role) or response.status_code == 405, response.status_code
        assert state() == before


@pytest.mark.parametrize("name", sorted(name for name, (_, posts) in EXPECTED.items() if posts))
def test_csrf_on_every_post(world, name):
    role = sorted(EXPECTED[name][1] - {"anonymous"})[0] if EXPECTED[name][1] - {"anonymous"} else "anonymous"
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world["users"][role])
    before = state()
    assert client.post(url_for(name, world), {}).status_code == 403
    assert state() == before
