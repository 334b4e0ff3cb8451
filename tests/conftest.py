import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.test import override_settings

from accounts.roles import Role
from milestones.models import Milestone
from programme.models import (
    DocumentStyle,
    ModelField,
    Period,
    PeriodKind,
    Programme,
    RecognitionLevel,
    Target,
    TargetCategory,
    TaskGroup,
    Unit,
    UnitDocument,
    UnitKind,
    ValidationRule,
)
from reporting.models import Value
from reporting.totals import totals_differences, totals_refresh
from tests.factories import REFORM, make_user

DEFAULT_FIXTURES = ("units_phong_tho", "programme_2024", "milestones_2024")


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """A cheap hasher for the suite: the production one costs half a second per user and per sign-in, and
    what the tests check of passwords (accepted, refused, throttled) does not depend on the algorithm."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


FIXTURE_MODELS = (
    DocumentStyle,
    UnitKind,
    Unit,
    UnitDocument,
    Programme,
    TaskGroup,
    TaskGroup.applies_to.through,
    Target,
    Target.applies_to.through,
    TargetCategory,
    PeriodKind,
    Period,
    ValidationRule,
    ModelField,
    RecognitionLevel,
    Milestone,
    Milestone.kinds.through,
    Milestone.units.through,
)


@pytest.fixture(autouse=True)
def totals_match_the_values(request):
    """After every test that used the database, the district's kept sums must be those its values give
    (``verify_totals --check``): every change a test makes goes through a path that keeps them. The database
    fixture is set up first so that the check runs before it is rolled back or emptied. A test that leaves its
    transaction unusable on purpose (a failure it injected) is not checked."""
    if "_django_db_helper" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    if connection.needs_rollback or (connection.connection is not None and not connection.is_usable()):
        return
    if differences := totals_differences(repair=False):
        pytest.fail("Tổng số liệu lưu sẵn sai lệch:\n" + "\n".join(map(str, differences)), pytrace=False)
    if moved := list(Value.objects.exclude(period=F("submission__period")).values_list("pk", flat=True)[:5]):
        pytest.fail(f"Số liệu mang kỳ khác kỳ của báo cáo: {moved}", pytrace=False)


# The rows a migration makes, which the shipped fixtures hold too.
MIGRATION_MADE = (PeriodKind, ModelField, RecognitionLevel)


@pytest.fixture(autouse=True)
def province_lists(request):
    """The lists a migration makes (the period kinds, the register's fields and levels), as every database has
    them: made again when a test before this one, on this worker, emptied the database (``transactional_db``)."""
    if "_django_db_helper" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("_django_db_helper")
    if not RecognitionLevel.objects.exists():
        rows = request.getfixturevalue("fixture_rows")
        for model in MIGRATION_MADE:
            model.objects.bulk_create((model(**row) for row in rows[model]), ignore_conflicts=True)


@pytest.fixture(scope="session")
def fixture_rows(django_db_setup, django_db_blocker) -> dict:
    """The rows ``loaddata`` makes of the shipped fixtures, read once: parsing them costs a quarter of a second,
    and nearly every test needs them. Loaded in a transaction that is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *DEFAULT_FIXTURES, verbosity=0)
        rows = {model: list(model.objects.values()) for model in FIXTURE_MODELS}
        transaction.set_rollback(True)
    for row in rows[Unit]:  # the district of 2024, before the reform (``tests.factories.close_as_shipped``)
        if row["closed_on"] == REFORM:
            row["closed_on"] = None
    return rows


@pytest.fixture
def phong_tho(db, fixture_rows):
    """The shipped fixtures: Phong Thổ's units and the 2024 programme (``test_fixtures`` loads the files)."""
    for model, rows in fixture_rows.items():
        # The lists are made by a migration too, unless a test emptied the database (``transactional_db``).
        model.objects.bulk_create((model(**row) for row in rows), ignore_conflicts=model in MIGRATION_MADE)
    with connection.cursor() as cursor:  # as loaddata does, so that new rows never take a fixture's id
        for statement in connection.ops.sequence_reset_sql(no_style(), FIXTURE_MODELS):
            cursor.execute(statement)
    totals_refresh()  # what ``verify_totals`` does after ``loaddata``
    return Programme.objects.get(code="phong-tho-2024")


@pytest.fixture
def period_2024(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024")


@pytest.fixture
def targets(phong_tho):
    return {t.code: t for t in Target.objects.filter(programme=phong_tho)}


@pytest.fixture
def commune(phong_tho):
    return Unit.objects.get(code="03549")


@pytest.fixture
def officer(commune):
    return make_user("canbo", Role.OFFICER, unit=commune)


def district_unit(request) -> Unit | None:
    """The unit of the district's reviewers and leaders: Phong Thổ's district when the test loads the shipped
    fixtures, else none (a test building its own area gives its users that area)."""
    if "phong_tho" not in request.fixturenames:
        return None
    request.getfixturevalue("phong_tho")
    return Unit.objects.get(code="109")


@pytest.fixture
def reviewer(db, request):
    return make_user("thamdinh", Role.REVIEWER, unit=district_unit(request))


@pytest.fixture
def leader(db, request):
    return make_user("lanhdao", Role.LEADER, unit=district_unit(request))


@pytest.fixture
def administrator(db):
    user = make_user("quantri", Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user
