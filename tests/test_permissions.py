"""accounts/permissions.py on its own: every action × every role × the officer's own unit and another, against a
table written out by hand; the helpers refuse as the pages do (404 for a unit, 403 for an action); and no other
module or template asks for a permission itself."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from accounts.permissions import Action, UserMay, may, require, require_or_404, required, unit_or_404
from accounts.roles import Role
from programme.models import Programme, Unit
from reporting.imports import import_values
from reporting.models import Submission
from reporting.services import Content, submission_save
from tests.factories import ProgrammeFactory, UnitFactory, make_user

ROOT = Path(__file__).resolve().parent.parent

# y: allowed, n: refused. "own" is the officer's unit (under the district of the reviewer and the leader), "other"
# a unit elsewhere, under nobody's unit; for an action on a programme, "own" is the programme the officer's unit
# reports in (the district's), "other" a programme elsewhere. The administrator has no unit and is everywhere.
# "nounit" is an officer whose account has no unit yet. An action of the role alone (no unit, no programme) has
# one answer per role, written in both columns.
TABLE = """
    action                  officer:own officer:other nounit:own reviewer:own reviewer:other leader:own leader:other admin:own admin:other anonymous:own
    VIEW_UNIT               y           n             n          y            n              y          n            y         y           n
    EDIT_REPORT             y           n             n          n            n              n          n            n         n           n
    READ_OWN_REPORT         y           n             n          n            n              n          n            n         n           n
    REGISTER_MODEL          y           n             n          y            n              n          n            y         y           n
    REVIEW                  n           n             n          y            y              n          n            y         y           n
    REVIEW_UNIT             n           n             n          y            n              n          n            y         y           n
    ATTACH_SIGNED           y           n             n          y            n              n          n            y         y           n
    COMPOSE_REPORT          n           n             n          y            n              n          n            y         y           n
    REMIND                  n           n             n          y            n              n          n            y         y           n
    VIEW_TEST_MAILBOX       n           n             n          n            n              n          n            y         y           n
    UPLOAD_BULK             n           n             n          y            n              n          n            y         y           n
    VIEW_DISTRICT           n           n             n          y            n              y          n            y         y           n
    DOWNLOAD                n           n             n          y            n              y          n            y         y           n
    RECOGNISE_MODEL         n           n             n          y            n              n          n            y         y           n
    VIEW_DISTRICT_REGISTER  n           n             n          y            y              y          y            y         y           n
    VIEW_REGISTER           y           y             n          y            y              y          y            y         y           n
    VIEW_PROGRAMME          y           n             n          y            n              y          n            y         y           n
"""


def _table():
    header, *rows = (line.split() for line in TABLE.strip().splitlines())
    columns = [column.split(":") for column in header[1:]]
    return [
        (Action[name], role, which, answer == "y")
        for name, *answers in rows
        for (role, which), answer in zip(columns, answers, strict=True)
    ]


CASES = _table()


def test_the_table_names_every_action():
    assert {action for action, *_ in CASES} == set(Action)


@pytest.fixture
def users(officer, reviewer, leader, administrator):
    return {
        "officer": officer,
        "nounit": make_user("chuacodonvi", Role.OFFICER),
        "reviewer": reviewer,
        "leader": leader,
        "admin": administrator,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("action", list(Action), ids=[action.name for action in Action])
def test_who_may_do_what(users, commune, phong_tho, action):
    """One action's row of the table, every cell asked (the users are made once per row, not per cell). For an
    action on a programme, "own" is the programme the officer's unit reports in, "other" one elsewhere."""
    other = UnitFactory(code="NOI-KHAC")  # under nobody's unit
    if action.subject is Programme:
        commune, other = phong_tho, ProgrammeFactory(code="noi-khac-2024")
    expected, answered = [], []
    for row_action, role, which, allowed in CASES:
        if row_action is not action:
            continue
        user, unit = users[role], commune if which == "own" else other
        answer = may(user, action, unit) if action.subject is not None else may(user, action)
        if not action.needs_unit:  # what a template reads: the role's answer, anywhere
            assert UserMay(user)[action.name] is may(user, action)
        expected.append((role, which, allowed))
        answered.append((role, which, answer))
    assert answered == expected


@pytest.mark.parametrize(
    ("closed_on", "writes"), [(-1, False), (0, False), (1, True)], ids=["closed-yesterday", "closed-today", "tomorrow"]
)
def test_the_officer_of_a_closed_unit_reads_its_history_and_changes_nothing(
    officer, commune, phong_tho, closed_on, writes
):
    """``closed_on`` is the first day the unit no longer exists: from that day its officer reads what it reported
    and writes nothing (reports, milestones, signed documents, models), until the day before it still may."""
    commune.closed_on = timezone.localdate() + datetime.timedelta(days=closed_on)
    commune.save(update_fields=["closed_on"])
    officer.unit.refresh_from_db()
    assert may(officer, Action.VIEW_PROGRAMME, phong_tho)  # the 2024 programme: a year the unit existed
    for action in (Action.VIEW_UNIT, Action.READ_OWN_REPORT):
        assert may(officer, action, commune), action
    for action in (Action.EDIT_REPORT, Action.ATTACH_SIGNED, Action.REGISTER_MODEL):
        assert may(officer, action, commune) is writes, action


def test_an_action_is_asked_with_a_unit_exactly_when_it_needs_one(officer, commune):
    with pytest.raises(TypeError):
        may(officer, Action.EDIT_REPORT)
    with pytest.raises(TypeError):
        may(officer, Action.REVIEW, commune)
    with pytest.raises(TypeError):
        may(officer, Action.VIEW_PROGRAMME, commune)  # asked of a programme, not a unit
    with pytest.raises(TypeError):
        may(officer, Action.VIEW_PROGRAMME)
    with pytest.raises(TypeError):
        may(officer, Action.VIEW_DISTRICT, commune)  # a programme or nothing


def test_a_unit_the_user_may_not_see_is_a_404_and_an_action_a_403(officer, leader, commune):
    other = Unit.objects.filter(parent__code="109").exclude(pk=commune.pk).first()  # under the leader's district
    assert unit_or_404(officer, commune.code) == commune
    for code in (other.code, "khong-co", "03549\x00"):
        with pytest.raises(Http404):
            unit_or_404(officer, code)
    assert unit_or_404(leader, other.code) == other
    with pytest.raises(Http404):
        unit_or_404(leader, commune.code, Action.EDIT_REPORT)
    with pytest.raises(PermissionDenied):
        require(leader, Action.REVIEW)
    with pytest.raises(Http404):
        require_or_404(officer, Action.VIEW_DISTRICT)
    require(leader, Action.VIEW_DISTRICT)  # allowed: nothing raised


def test_the_view_decorator_refuses_with_403(officer, reviewer):
    view = required(Action.UPLOAD_BULK)(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/")
    request.user = officer
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = reviewer
    assert view(request).content == b"ok"


def test_templates_read_only_the_actions_without_a_unit(reviewer):
    template = Template("{% if may.REVIEW %}thẩm định{% endif %}|{{ may.EDIT_REPORT }}|{{ may.NO_SUCH }}")
    assert template.render(Context({"may": UserMay(reviewer)})) == "thẩm định||"


# Every place that decided by itself once: a has_perm, Django's permission decorator or a template's ``perms``.
ASKING = re.compile(r"\.has_perm\(|permission_required|user_passes_test|\{[%{][^%}]*\bperms\.")


def test_no_module_or_template_asks_for_a_permission_itself():
    places = [
        path
        for folder in ("accounts", "programme", "reporting", "dvproject", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts
    ]
    asking = [
        str(path.relative_to(ROOT))
        for path in places
        if path.name != "permissions.py" and ASKING.search(path.read_text(encoding="utf-8"))
    ]
    assert asking == []


def test_the_services_ask_too_whatever_the_view_checked(officer, leader, commune, phong_tho, targets):
    """A view that forgot its check still changes nothing: the service asks the same module."""
    q1 = phong_tho.periods.get(code="2024Q1")
    with pytest.raises(PermissionDenied):
        submission_save(user=leader, unit=commune, period=q1, version=None, content=Content(), submit=False)
    with pytest.raises(PermissionDenied):
        import_values(f"{commune.code},{q1.code},MT1,1,2\n".encode(), "so-lieu.csv", actor=officer)
    assert not Submission.objects.exists()
