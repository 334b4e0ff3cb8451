"""requirements/lock.txt pins every dependency that pyproject.toml declares, and `make install` installed its
releases: a dependency added without `make lock` fails here rather than on another machine."""

import tomllib
from importlib import metadata

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = settings.BASE_DIR / "requirements" / "lock.txt"


def locked() -> list[Requirement]:
    """The lock's pins; each spans its hash lines, which start with spaces."""
    lines = LOCK.read_text().splitlines()
    return [Requirement(line.rstrip(" \\")) for line in lines if line[:1].isalnum()]


def declared() -> list[Requirement]:
    project = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in (*project["dependencies"], *project["optional-dependencies"]["dev"])]


def test_every_pin_is_exact():
    for pin in locked():
        assert [spec.operator for spec in pin.specifier] == ["=="], pin


def test_the_lock_pins_every_declared_dependency_within_its_range():
    releases = {}
    for pin in locked():
        releases.setdefault(canonicalize_name(pin.name), []).append(next(iter(pin.specifier)).version)
    for requirement in declared():
        versions = releases.get(canonicalize_name(requirement.name), [])
        assert versions, f"{requirement.name} is missing from requirements/lock.txt: run `make lock`"
        assert all(requirement.specifier.contains(v) for v in versions), f"{requirement}: run `make lock`"


def test_the_environment_holds_the_locked_releases():
    for pin in locked():
        if pin.marker is None or pin.marker.evaluate():
            assert metadata.version(pin.name) == next(iter(pin.specifier)).version, f"{pin}: run `make install`"
