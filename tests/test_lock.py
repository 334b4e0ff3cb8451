"""requirements/lock.txt pins every dependency that pyproject.toml declares, `make install` installed its
releases, and requirements/production.txt holds the app's own at the same releases: a dependency added without
`make lock` fails here rather than on another machine."""

import tomllib
from importlib import metadata

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REQUIREMENTS = settings.BASE_DIR / "requirements"
PROJECT = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
DEV = [Requirement(line) for line in PROJECT["optional-dependencies"]["dev"]]


def pinned(name: str) -> list[Requirement]:
    """A requirements file's pins; each spans its hash lines, which start with spaces."""
    lines = (REQUIREMENTS / name).read_text().splitlines()
    return [Requirement(line.rstrip(" \\")) for line in lines if line[:1].isalnum()]


def releases(name: str) -> dict[str, set[str]]:
    out = {}
    for pin in pinned(name):
        out.setdefault(canonicalize_name(pin.name), set()).add(str(next(iter(pin.specifier)).version))
    return out


def test_every_pin_is_exact():
    for pin in (*pinned("lock.txt"), *pinned("production.txt")):
        assert [spec.operator for spec in pin.specifier] == ["=="], pin


def test_the_lock_pins_every_declared_dependency_within_its_range():
    locked = releases("lock.txt")
    for requirement in (*RUNTIME, *DEV):
        versions = locked.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is missing from requirements/lock.txt: run `make lock`"
        assert all(requirement.specifier.contains(v) for v in versions), f"{requirement}: run `make lock`"


def test_production_installs_the_apps_own_dependencies_at_the_locked_releases():
    locked, production = releases("lock.txt"), releases("production.txt")
    assert {canonicalize_name(r.name) for r in RUNTIME} <= production.keys(), "run `make lock`"
    assert not {canonicalize_name(r.name) for r in DEV} & production.keys()
    for name, versions in production.items():
        assert versions == locked.get(name), f"{name} differs from requirements/lock.txt: run `make lock`"


def test_the_environment_holds_the_locked_releases():
    for pin in pinned("lock.txt"):
        if pin.marker is None or pin.marker.evaluate():
            assert metadata.version(pin.name) == next(iter(pin.specifier)).version, f"{pin}: run `make install`"
