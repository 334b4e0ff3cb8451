"""The shipped fixtures: what they load, that loading twice changes nothing, that a broken one loads nothing."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from programme.models import Period, Programme, Target, TaskGroup, Unit, UnitKind
from tests.conftest import DEFAULT_FIXTURES
from tests.factories import close_as_shipped

MODELS = (UnitKind, Unit, Programme, TaskGroup, Target, Period)


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS} | {
        "applies_to": sorted(Target.applies_to.through.objects.values_list("target_id", "unitkind_id"))
    }


def test_loading_twice_changes_nothing(phong_tho):
    close_as_shipped()  # the suite's Phong Thổ is the district before the reform; the files close it
    before = snapshot()
    call_command("loaddata", *DEFAULT_FIXTURES, verbosity=0)
    assert snapshot() == before


def test_the_district_and_its_units(phong_tho):
    communes = Unit.objects.filter(kind__code="commune")
    assert communes.count() == 17
    assert set(communes.values_list("code", flat=True)) >= {"03549", "03391", "03592"}
    assert Unit.objects.get(code="03549").name == "Thị trấn Phong Thổ"
    assert "Xã Lản Nhì Thàng" in Unit.objects.get(code="03391").aliases
    assert all(unit.parent.code == "109" for unit in communes.select_related("parent"))
    district_bodies = Unit.objects.filter(parent__code="109").exclude(kind__code="commune")
    assert 25 <= district_bodies.count() <= 40
    assert set(district_bodies.values_list("kind__code", flat=True)) == {
        "party_board",
        "government",
        "mass_org",
        "party_org",
        "armed_forces",
    }
    assert phong_tho.area.code == "109"


TARGETS = {
    # code: (operator, threshold, judged, source)
    "MT1": (">=", "100", "cumulative", "reported"),
    "MT2": (">=", "100", "cumulative", "reported"),
    "MT3a": (">=", "100", "cumulative", "reported"),
    "MT3b": (">=", "100", "cumulative", "reported"),
    "MT4a": (">=", "100", "cumulative", "reported"),
    "MT4b": (">=", "100", "cumulative", "reported"),
    "MT4c": (">", "70", "annual", "reported"),
    "MT5a": (">=", "100", "cumulative", "models_registered"),
    "MT5b": (">=", "100", "cumulative", "models_recognised"),
    "MT6": (">", "90", "state", "reported"),
    "MT7": (">", "95", "state", "reported"),
    "MT8": (">", "95", "annual", "reported"),
}
# MT1 counts party organisations: only the units that are one report it (README, "Who reports MT1").
GOVERNMENT = {"MT2", "MT3a", "MT4a", "MT4b", "MT4c", "MT5a", "MT5b"}
ARMED_FORCES = {"MT1", "MT2", "MT3a", "MT4b", "MT4c", "MT5a", "MT5b"}
OTHER = {"MT2", "MT3a", "MT5a", "MT5b"}


def test_the_twelve_targets_as_the_programme_states_them(phong_tho):
    targets = {t.code: t for t in phong_tho.targets.all()}
    assert set(targets) == set(TARGETS)
    for code, (operator, threshold, judged, source) in TARGETS.items():
        target = targets[code]
        assert (target.operator, target.threshold, target.judged, target.source) == (
            operator,
            Decimal(threshold),
            judged,
            source,
        ), code
        assert target.wording and target.numerator_label and target.denominator_label


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("commune", set(TARGETS)),
        ("government", GOVERNMENT),
        ("armed_forces", ARMED_FORCES),
        ("party_board", OTHER),
        ("mass_org", OTHER),
        ("party_org", {"MT1"} | OTHER),
    ],
)
def test_applicability_by_unit_kind(phong_tho, kind, expected):
    assert set(Target.objects.filter(programme=phong_tho, applies_to__code=kind).values_list("code", flat=True)) == (
        expected
    )


def test_the_four_periods(phong_tho):
    periods = {p.code: p for p in phong_tho.periods.all()}
    assert list(periods) == ["2024Q1", "2024S1", "2024Q3", "2024"]
    assert periods["2024"].is_annual and not periods["2024S1"].is_annual
    for period in periods.values():
        assert period.start <= period.end < period.due
    assert phong_tho.task_groups.count() == 4


def test_a_broken_fixture_stops_and_loads_nothing(db, tmp_path):
    good = json.loads((settings.BASE_DIR / "fixtures" / "units_phong_tho.json").read_text(encoding="utf-8"))
    broken = [*good, {"model": "programme.unit", "fields": {"code": "X1", "name": "Lỗi", "kind": ["no-such-kind"]}}]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"(?s)Không nạp được dữ liệu.*broken\.json.*programme\.Unit"):
        call_command("loaddata", str(path), verbosity=0)
    assert Unit.objects.count() == 0
    assert UnitKind.objects.count() == 0


def test_a_fixture_that_is_not_json_is_refused(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "programme.unitkind", "fields": {"code": "x"', encoding="utf-8")
    with pytest.raises(CommandError, match=r"(?s)Không nạp được dữ liệu.*broken\.json"):
        call_command("loaddata", str(path), verbosity=0)
    assert UnitKind.objects.count() == 0
