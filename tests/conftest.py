import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.roles import Role
from programme.models import Period, Programme, Target, Unit
from tests.factories import make_user

DEFAULT_FIXTURES = ("units_phong_tho", "programme_2024")


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """A cheap hasher for the suite: the production one costs half a second per user and per sign-in, and
    what the tests check of passwords (accepted, refused, throttled) does not depend on the algorithm."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def phong_tho(db):
    """The shipped fixtures: Phong Thổ's units and the 2024 programme."""
    call_command("loaddata", *DEFAULT_FIXTURES, verbosity=0)
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


@pytest.fixture
def reviewer(db):
    return make_user("thamdinh", Role.REVIEWER)


@pytest.fixture
def leader(db):
    return make_user("lanhdao", Role.LEADER)


@pytest.fixture
def administrator(db):
    user = make_user("quantri", Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user
