"""Who may do what, asked in one place: ``may(user, Action.EDIT_REPORT, unit)``.

Views, services, exports and templates all ask here; nothing else reads a permission or compares a user's unit.
The roles (``accounts.roles``) say which permissions each group carries; this module says what each action
needs. Actions on a unit take the unit, those on a programme the programme; the others take nothing. Some may
be asked either way: without a unit or programme they say whether the role allows the action somewhere (what a
menu needs), with one whether it is allowed there.

Everyone works inside their own organisation (``User.unit``): reviewers and leaders see and act on the units
under their unit (its subtree: the unit's path, ``programme.tree``) and on the programmes whose area is their
unit or under it; an officer on the own unit and the programmes it reports in; administrators (superusers, and
those who manage the accounts) everywhere. A reviewer or leader whose account has no unit sees nothing.

How a refusal is shown is part of the rule, so the helpers raise it the same way everywhere: a unit the user may
not see is a 404 (officers never learn that another unit or its reports exist), an action the user may not take
on something they can see is a 403 (leaders read everything and change nothing).
"""

import datetime
from collections.abc import Callable
from enum import Enum
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from programme import tree
from programme.models import Programme, Unit
from programme.selectors import programmes_taking_part

SUBMIT_REPORT = "reporting.submit_report"
REVIEW_REPORT = "reporting.review_report"
VIEW_ALL_REPORTS = "reporting.view_all_reports"
REGISTER_MODELS = "programme.register_model"
RECOGNISE_MODELS = "programme.recognise_model"
VIEW_MODELS = "programme.view_exemplarymodel"
MANAGE_USERS = "accounts.change_user"


def _own_unit(user, unit: Unit | None) -> bool:
    unit_id = getattr(user, "unit_id", None)
    return unit is not None and unit_id is not None and unit_id == unit.pk


def _own_open_unit(user, unit: Unit | None) -> bool:
    """The user's own unit, while it exists: a unit closed (merged, split or dissolved) keeps its reports as
    history, which its officer reads and no longer changes."""
    return _own_unit(user, unit) and not unit.closed_by(timezone.localdate())


def _administrator(user) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_USERS)


def _under_own(user, unit: Unit) -> bool:
    """Whether ``unit`` is the user's unit or under it (administrators: everywhere). No query: the unit's path
    names its ancestors."""
    if _administrator(user):
        return True
    own = getattr(user, "unit_id", None)
    return own is not None and tree.is_within(unit.path, own)


def _in_scope(user, unit: Unit | None) -> bool:
    """Asked without a unit: anywhere; with one: under the user's own unit."""
    return unit is None or _under_own(user, unit)


def _district_sees(user, programme: Programme | None) -> bool:
    """The programme's area is the user's unit or under it (asked without one: some programme)."""
    return programme is None or _under_own(user, programme.area)


def _reports_in(user, programme: Programme) -> bool:
    """The officer's unit takes part in the programme (``programmes_taking_part``): the programme counts it (its
    area is above the unit, with no inner area's programme of the year between: a commune's body reports to the
    commune's programme only) in a year the unit existed (a unit closed in 2025 does not see the 2026 programmes;
    its own stay readable). One query."""
    unit = user.unit if getattr(user, "unit_id", None) else None
    return (
        unit is not None
        and programme.area_id in tree.ids_of(unit.path)[:-1]
        and programme in programmes_taking_part(unit)
    )


def _programme_visible(user, programme: Programme) -> bool:
    """A programme's pages: the district's viewers see those of their unit and under it; an officer those its
    unit reports in."""
    if user.has_perm(VIEW_ALL_REPORTS):
        return _district_sees(user, programme)
    return user.has_perm(SUBMIT_REPORT) and _reports_in(user, programme)


UNIT_OR_NOTHING = (Unit, None)
PROGRAMME_OR_NOTHING = (Programme, None)


class Action(Enum):
    """What a user may be asked to be allowed; the value is ``(what it is asked of, rule)``: ``Unit``,
    ``Programme``, nothing (``None``), or either of a pair (``UNIT_OR_NOTHING``, ``PROGRAMME_OR_NOTHING``)."""

    # Reports
    VIEW_UNIT = (
        Unit,
        lambda user, unit: (
            (user.has_perm(VIEW_ALL_REPORTS) and _under_own(user, unit))
            or (user.has_perm(SUBMIT_REPORT) and _own_unit(user, unit))
        ),
    )
    # Writing the own unit's reports (and its milestones, its signed documents): while the unit exists
    EDIT_REPORT = (Unit, lambda user, unit: user.has_perm(SUBMIT_REPORT) and _own_open_unit(user, unit))
    # Reading them on the report's own page, also once the unit is closed (read-only then)
    READ_OWN_REPORT = (Unit, lambda user, unit: user.has_perm(SUBMIT_REPORT) and _own_unit(user, unit))
    REVIEW = (None, lambda user, unit: user.has_perm(REVIEW_REPORT))
    # Reviewing this unit's reports (approving, returning, reopening, confirming its milestones): the reviewers
    # whose unit is above it, who are also those told of its submissions (``reviewers_of``)
    REVIEW_UNIT = (Unit, lambda user, unit: user.has_perm(REVIEW_REPORT) and _under_own(user, unit))
    # Composing the body's own report for a period, for the programme's area (the unit given): its reviewers
    COMPOSE_REPORT = (Unit, lambda user, unit: may(user, Action.REVIEW_UNIT, unit))
    # Keeping the signed and stamped report with it: the unit's officer, or a reviewer of the unit
    ATTACH_SIGNED = (
        Unit,
        lambda user, unit: may(user, Action.EDIT_REPORT, unit) or may(user, Action.REVIEW_UNIT, unit),
    )
    # Urging a programme's units to report ("đôn đốc") from its completeness page
    REMIND = (
        PROGRAMME_OR_NOTHING,
        lambda user, programme: user.has_perm(REVIEW_REPORT) and _district_sees(user, programme),
    )
    # Loading figures from a file: each row's unit must be under the reviewer's
    UPLOAD_BULK = (UNIT_OR_NOTHING, lambda user, unit: user.has_perm(REVIEW_REPORT) and _in_scope(user, unit))
    # A programme's district-wide pages and downloads
    VIEW_DISTRICT = (
        PROGRAMME_OR_NOTHING,
        lambda user, programme: user.has_perm(VIEW_ALL_REPORTS) and _district_sees(user, programme),
    )
    DOWNLOAD = (
        PROGRAMME_OR_NOTHING,
        lambda user, programme: user.has_perm(VIEW_ALL_REPORTS) and _district_sees(user, programme),
    )
    # The register of "Dân vận khéo" models: an officer registers for the own unit, a reviewer for the units under
    # the own unit
    REGISTER_MODEL = (
        Unit,
        lambda user, unit: (
            (user.has_perm(RECOGNISE_MODELS) and _under_own(user, unit))
            or (user.has_perm(REGISTER_MODELS) and _own_open_unit(user, unit))
        ),
    )
    RECOGNISE_MODEL = (UNIT_OR_NOTHING, lambda user, unit: user.has_perm(RECOGNISE_MODELS) and _in_scope(user, unit))
    VIEW_DISTRICT_REGISTER = (None, lambda user, unit: user.has_perm(RECOGNISE_MODELS) or user.has_perm(VIEW_MODELS))
    VIEW_REGISTER = (  # the district's register, or the own unit's
        None,
        lambda user, unit: (
            may(user, Action.VIEW_DISTRICT_REGISTER)
            or (user.has_perm(REGISTER_MODELS) and getattr(user, "unit_id", None) is not None)
        ),
    )

    # A programme's pages (its dashboards, exports, inbox and board): 404 for a programme the user may not see
    VIEW_PROGRAMME = (Programme, _programme_visible)

    # The try-out's mailbox of the e-mails written to files: for those who manage the accounts
    VIEW_TEST_MAILBOX = (None, lambda user, unit: user.has_perm(MANAGE_USERS))

    @property
    def subjects(self) -> tuple:
        asked = self.value[0]
        return asked if isinstance(asked, tuple) else (asked,)

    @property
    def subject(self) -> type | None:
        """What the action is asked of (a unit or a programme), None for an action of the role alone."""
        return next((kind for kind in self.subjects if kind is not None), None)

    @property
    def needs_unit(self) -> bool:
        """Whether it must be asked of something (a unit or a programme)."""
        return None not in self.subjects


def may(user, action: Action, unit: Unit | Programme | None = None) -> bool:
    """Whether ``user`` may take ``action`` (on ``unit``, for the actions on a unit; on the programme, for those
    on a programme)."""
    rule = action.value[1]
    if not isinstance(unit, tuple(type(None) if kind is None else kind for kind in action.subjects)):
        if unit is None:
            raise TypeError(f"{action.name} is asked of a {action.subject.__name__}")
        raise TypeError(f"{action.name} is not asked of a {type(unit).__name__}")
    return bool(rule(user, unit))


def visible_programmes(user) -> QuerySet:
    """The programmes ``may(user, Action.VIEW_PROGRAMME, programme)`` allows, newest first (by year, then code),
    as one query."""
    programmes = Programme.objects.select_related("area").order_by("-year", "code")
    if not getattr(user, "is_authenticated", False):
        return programmes.none()
    if user.has_perm(VIEW_ALL_REPORTS):
        if _administrator(user):
            return programmes
        if not getattr(user, "unit_id", None):
            return programmes.none()
        return programmes.filter(tree.runs_through(user.unit_id, "area__"))  # the area is the unit or under it
    if user.has_perm(SUBMIT_REPORT) and getattr(user, "unit_id", None):
        return programmes.filter(pk__in=[programme.pk for programme in programmes_taking_part(user.unit)])
    return programmes.none()


def programme_or_404(user, code: str) -> Programme:
    """The programme of that code if the user may see it; 404 otherwise, as for one that does not exist."""
    programme = Programme.objects.select_related("area").filter(code=code).first()
    if programme is None or not may(user, Action.VIEW_PROGRAMME, programme):
        raise Http404
    return programme


def reviewers_of(unit: Unit) -> list:
    """The active users who may review ``unit``'s reports. Those holding the permission are read in one query,
    then each is asked ``may``, so that the answer follows the rule."""
    from django.contrib.auth import get_user_model

    holders = get_user_model().objects.with_perm(REVIEW_REPORT, backend="django.contrib.auth.backends.ModelBackend")
    return [user for user in holders.order_by("pk") if may(user, Action.REVIEW_UNIT, unit)]


def officers_of(units) -> dict[int, list]:
    """Unit id → the active users who report for it (``EDIT_REPORT``), for the given units."""
    from django.contrib.auth import get_user_model

    found: dict[int, list] = {}
    users = get_user_model().objects.filter(unit__in=units, is_active=True).select_related("unit").order_by("pk")
    for user in users:
        if may(user, Action.EDIT_REPORT, user.unit):
            found.setdefault(user.unit_id, []).append(user)
    return found


def require(user, action: Action, unit: Unit | None = None) -> None:
    """403 unless ``may``: for an action on something the user can see."""
    if not may(user, action, unit):
        raise PermissionDenied


def require_or_404(user, action: Action, unit: Unit | None = None) -> None:
    """404 unless ``may``: for what the user must not learn exists."""
    if not may(user, action, unit):
        raise Http404


def unit_or_404(
    user, code: str, action: Action = Action.VIEW_UNIT, *, on: datetime.date | None = None, year: int | None = None
) -> Unit:
    """The unit of that code if the user may take ``action`` on it; 404 otherwise, also for another unit. Codes
    are reused, so the address means the unit carrying the code on ``on`` (a period's end), or the last to carry
    it in ``year`` (a programme's), or without either the last to carry it."""
    if "\x00" in code:  # no code has one, and PostgreSQL refuses it in a query
        raise Http404
    units = Unit.objects.select_related("kind")
    found = units.coded(code, on) if on is not None else units.coded_in_year(code, year)
    unit = found.first()
    if unit is None:
        raise Http404
    require_or_404(user, action, unit)
    return unit


def required(action: Action) -> Callable:
    """A view decorator: 403 unless the signed-in user may take ``action`` (put it under ``login_required``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class UserMay:
    """``may`` for templates, for the actions that take no unit: ``{% if may.REVIEW %}``. Asked only when read."""

    def __init__(self, user):
        self._user = user

    def __getitem__(self, name: str) -> bool:
        try:
            action = Action[name]
        except KeyError:
            raise KeyError(name) from None
        if action.needs_unit:
            raise KeyError(name)
        return may(self._user, action)


def permissions(request) -> dict:
    """Context processor: ``may`` in every template; nothing is allowed where no user was read (a request refused
    before the middleware, such as one for another host)."""
    return {"may": UserMay(getattr(request, "user", None) or AnonymousUser())}
