"""The unit tree's paths (programme/tree.py) stay right on every write, and "the units under X" read through
them is what a walk of the tree from X finds."""

import datetime
import json
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Value as V
from django.db.models.functions import Concat
from django.urls import reverse

from programme import tree
from programme.models import Unit
from programme.selectors import ancestor_ids, current_programme, reporting_units, reports_under
from tests.factories import ProgrammeFactory, UnitFactory, UnitKindFactory


def walked_path(unit_id: int, parents: dict[int, int | None]) -> str:
    """A unit's path found by walking up the parents, as the rule says it must be."""
    parent_id = parents[unit_id]
    return (walked_path(parent_id, parents) if parent_id is not None else "") + f"{unit_id}/"


def walked_tree_order() -> tuple[list[int], dict[int, str]]:
    """Every unit in the tree's order, found by walking the whole table from the units without a parent, and
    the key the rule gives each: its parent's, then its rank among its siblings (by order, then code)."""
    children = defaultdict(list)
    for unit_id, parent_id in Unit.objects.order_by("order", "code").values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    ordered, keys = [], {}
    stack = [(unit_id, "", rank) for rank, unit_id in enumerate(children[None], start=1)][::-1]
    while stack:
        unit_id, above, rank = stack.pop()
        keys[unit_id] = f"{above}{rank:06d}"
        ordered.append(unit_id)
        stack.extend((child, keys[unit_id], r) for r, child in reversed(list(enumerate(children[unit_id], start=1))))
    return ordered, keys


def assert_tree_order_right():
    ordered, keys = walked_tree_order()
    stored = dict(Unit.objects.values_list("id", "tree_order"))
    wrong = {unit_id: key for unit_id, key in stored.items() if key != keys.get(unit_id)}
    assert wrong == {}, "these units' tree-order keys do not follow their parents and siblings"
    assert list(Unit.objects.order_by("tree_order").values_list("id", flat=True)) == ordered
    return stored


def assert_paths_right(*, keys: bool = True):
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    stored = dict(Unit.objects.values_list("id", "path"))
    wrong = {unit_id: path for unit_id, path in stored.items() if path != walked_path(unit_id, parents)}
    assert wrong == {}, "these units' paths do not follow their parents"
    if keys:
        assert_tree_order_right()
    return stored


# Every write path ----------------------------------------------------------------------------------------------


def test_a_created_unit_has_its_parents_path_and_its_id(db):
    province = UnitFactory()
    district = UnitFactory(parent=province)
    commune = UnitFactory(parent=district)
    assert province.path == f"{province.pk}/"
    assert commune.path == f"{province.pk}/{district.pk}/{commune.pk}/"
    commune.refresh_from_db()
    assert commune.path == f"{province.pk}/{district.pk}/{commune.pk}/"
    assert ancestor_ids(commune) == [district.pk, province.pk]


def test_moving_a_unit_moves_every_unit_under_it(db):
    province = UnitFactory()
    old, new = UnitFactory(parent=province), UnitFactory(parent=province)
    commune = UnitFactory(parent=old)
    villages = [UnitFactory(parent=commune) for _ in range(3)]
    hamlet = UnitFactory(parent=villages[0])
    commune.parent = new
    commune.save()
    stored = assert_paths_right()
    assert stored[hamlet.pk] == f"{province.pk}/{new.pk}/{commune.pk}/{villages[0].pk}/{hamlet.pk}/"
    assert set(Unit.objects.filter(tree.under(old.path)).values_list("pk", flat=True)) == set()
    # A unit read before its ancestor moved still saves right: the subtree is found where it is stored.
    stale = Unit.objects.get(pk=villages[1].pk)
    new.parent = None
    new.save()
    stale.name = "Thôn đổi tên"
    stale.save()
    assert_paths_right()


def test_a_queryset_update_of_the_parent_and_a_bulk_create_keep_the_paths(db):
    province = UnitFactory()
    districts = [UnitFactory(parent=province) for _ in range(2)]
    kind = UnitKindFactory(code="commune")
    # A batch whose parents are stored, in the batch itself, or listed after their children.
    first, second = Unit(code="B1", name="B1", kind=kind, parent=districts[0]), Unit(code="B2", name="B2", kind=kind)
    made = Unit.objects.bulk_create([first, second])
    third = Unit.objects.bulk_create([Unit(code="B3", name="B3", kind=kind, parent=made[0])])[0]
    assert third.path == f"{province.pk}/{districts[0].pk}/{first.pk}/{third.pk}/"
    Unit.objects.filter(pk__in=[first.pk, districts[0].pk]).update(parent=districts[1])
    Unit.objects.filter(pk=second.pk).update(parent_id=first.pk)
    stored = assert_paths_right()
    assert stored[third.pk] == f"{province.pk}/{districts[1].pk}/{first.pk}/{third.pk}/"


def test_a_change_of_order_or_code_moves_the_subtrees_in_the_tree_order(db):
    province = UnitFactory(code="P", order=0)
    districts = [UnitFactory(code=f"D{d}", parent=province, order=1) for d in range(3)]
    for district in districts:
        for c in range(2):
            commune = UnitFactory(code=f"{district.code}-C{c}", parent=district, order=0)
            UnitFactory(code=f"{commune.code}-V", parent=commune)
    assert_paths_right()
    districts[2].order = 0  # the last district comes first, with its communes and villages
    districts[2].save()
    assert_paths_right()
    districts[0].code = "D9"
    districts[0].save(update_fields=["code"])
    assert_paths_right()
    Unit.objects.filter(pk=districts[1].pk).update(order=7)
    Unit.objects.filter(parent=districts[2]).update(code=Concat(V("Z"), "code"))
    assert_paths_right()
    kind = UnitKindFactory(code="commune")  # inserted between stored siblings that have units under them
    Unit.objects.bulk_create([Unit(code=f"D{d}-C0a", name="C", kind=kind, parent=districts[d]) for d in range(3)])
    assert_paths_right()
    Unit.objects.get(code="D1-C0a").delete()
    assert_paths_right()
    Unit.objects.filter(pk=districts[1].pk).update(parent=None)  # a unit without a parent ranks among those
    assert_paths_right()


def test_the_admin_moves_a_unit_and_its_subtree(client, administrator, db):
    province = UnitFactory()
    old, new = UnitFactory(parent=province), UnitFactory(parent=province)
    commune = UnitFactory(parent=old, code="X-1")
    village = UnitFactory(parent=commune)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:programme_unit_change", args=[commune.pk]),
        {"code": "X-1", "name": commune.name, "aliases": "[]", "kind": commune.kind_id, "parent": new.pk, "order": 1},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=village.pk).path == f"{province.pk}/{new.pk}/{commune.pk}/{village.pk}/"
    response = client.post(
        reverse("admin:programme_unit_add"),
        {"code": "X-2", "name": "Thôn mới", "aliases": "[]", "kind": commune.kind_id, "parent": village.pk, "order": 1},
    )
    assert response.status_code == 302
    added = Unit.objects.get(code="X-2")
    assert added.path == f"{province.pk}/{new.pk}/{commune.pk}/{village.pk}/{added.pk}/"
    assert_paths_right()


def test_a_unit_under_itself_is_refused_by_its_path(db):
    province = UnitFactory()
    district = UnitFactory(parent=province)
    commune = UnitFactory(parent=district)
    for parent in (province, district, commune):
        parent.refresh_from_db()
        parent.parent = commune
        with pytest.raises(ValidationError, match="trực thuộc chính nó hoặc đơn vị cấp dưới của nó"):
            parent.full_clean()
    commune.refresh_from_db()
    commune.parent = province
    commune.full_clean()  # moving up is no cycle
    # Written without the form's check, the database keeps the tree as it was.
    district.parent = commune
    with pytest.raises(tree.TreeCycle):
        district.save()
    with pytest.raises(tree.TreeCycle):
        Unit.objects.filter(pk=province.pk).update(parent=commune)
    assert_paths_right()


# loaddata, the tests' bulk copy of the fixtures, the migration -----------------------------------------------


def test_the_shipped_fixtures_give_every_unit_its_path_once_and_loaded_again(db):
    call_command("loaddata", "units_phong_tho", verbosity=0)
    first = assert_paths_right()
    call_command("loaddata", "units_phong_tho", verbosity=0)
    assert assert_paths_right() == first
    assert len(first) > 40


def test_the_bulk_copy_of_the_fixtures_has_the_paths(phong_tho):
    stored = assert_paths_right()
    area = phong_tho.area
    assert all(path.startswith(area.path) for unit_id, path in stored.items() if unit_id != area.parent_id)


def write_fixture(tmp_path, units: list[dict]) -> str:
    records = [{"model": "programme.unit", **unit} for unit in units]
    path = tmp_path / "units.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return str(path)


def unit_record(code, parent=None):
    return {"fields": {"code": code, "name": code, "kind": ["commune"], "parent": parent}}


def test_children_loaded_before_their_parents_get_their_paths(db, tmp_path):
    UnitKindFactory(code="commune")
    # By natural key: the deepest first, so that every parent comes after its units.
    chain = [unit_record("T-4", ["T-3"]), unit_record("T-3", ["T-2"]), unit_record("T-2", ["T-1"]), unit_record("T-1")]
    call_command("loaddata", write_fixture(tmp_path, chain), verbosity=0)
    stored = assert_paths_right()
    assert len(stored) == 4
    # Loaded again with a parent changed: the units under the moved unit follow it.
    chain[1]["fields"]["parent"] = ["T-1"]
    call_command("loaddata", write_fixture(tmp_path, chain), verbosity=0)
    stored = assert_paths_right()
    ids = dict(Unit.objects.values_list("code", "pk"))
    assert stored[ids["T-4"]] == f"{ids['T-1']}/{ids['T-3']}/{ids['T-4']}/"


def test_children_loaded_by_id_before_their_parents_get_their_paths(db, tmp_path):
    kind = UnitKindFactory(code="commune")
    base = 9000
    units = [
        {"pk": base + 3, "fields": {"code": "K-3", "name": "K-3", "kind": kind.pk, "parent": base + 2}},
        {"pk": base + 4, "fields": {"code": "K-4", "name": "K-4", "kind": kind.pk, "parent": base + 2}},
        {"pk": base + 2, "fields": {"code": "K-2", "name": "K-2", "kind": kind.pk, "parent": base + 1}},
        {"pk": base + 1, "fields": {"code": "K-1", "name": "K-1", "kind": kind.pk, "parent": None}},
    ]
    call_command("loaddata", write_fixture(tmp_path, units), verbosity=0)
    stored = assert_paths_right()
    assert stored[base + 4] == f"{base + 1}/{base + 2}/{base + 4}/"


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_paths_of_the_units_already_there():
    executor = MigrationExecutor(connection)
    before, after = [("programme", "0005_register_no_default_ordering")], [("programme", "0006_unit_path")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        kind = old.get_model("programme", "UnitKind").objects.create(code="commune", name="Xã")
        units = old.get_model("programme", "Unit").objects
        top = units.create(code="M-1", name="M-1", kind=kind)
        child = units.create(code="M-2", name="M-2", kind=kind, parent=top)
        units.create(code="M-3", name="M-3", kind=kind, parent=child)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert len(assert_paths_right(keys=False)) == 3
        later = executor.loader.project_state(after).apps.get_model("programme", "Unit").objects
        added = later.create(code="M-0", name="M-0", kind_id=kind.pk, parent_id=top.pk, order=0)
        later.filter(pk=added.pk).update(path=f"{top.pk}/{added.pk}/")  # a unit written before the keys
        executor = MigrationExecutor(connection)
        executor.migrate([("programme", "0007_unit_tree_order")])
        assert len(assert_paths_right()) == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# "The units under X" is what a walk of the tree finds ---------------------------------------------------------


def walked_reporting_units(area_id: int, day: datetime.date) -> list[int]:
    """The reporting units under the area that exist on ``day``, found as before the paths: the whole table
    walked from the area, children in their order."""
    rows = Unit.objects.values_list("id", "kind__reports", "parent_id", "opened_on", "closed_on").order_by(
        "order", "code"
    )
    children = defaultdict(list)
    for row in rows:
        children[row[2]].append(row)
    found, stack = [], list(reversed(children[area_id]))
    while stack:
        unit_id, reports, _, opened_on, closed_on = row = stack.pop()
        if reports and (opened_on is None or opened_on <= day) and (closed_on is None or day < closed_on):
            found.append(unit_id)
        stack.extend(reversed(children[row[0]]))
    return found


def walked_below(area_id: int) -> set[int]:
    children = defaultdict(list)
    for unit_id, parent_id in Unit.objects.values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    found, stack = set(), [area_id]
    while stack:
        below = children[stack.pop()]
        found.update(below)
        stack.extend(below)
    return found


@pytest.fixture
def province(db):
    """A province of two districts, each with communes, each commune with villages of its own; codes and orders
    chosen so that the tree's order is neither the codes' nor the ids'."""
    aggregate = UnitKindFactory(code="aggregate", reports=False)
    commune, village = UnitKindFactory(code="commune"), UnitKindFactory(code="village")
    top = UnitFactory(code="P", kind=aggregate, order=0)
    for d in range(2):
        district = UnitFactory(code=f"D{d}", kind=aggregate, parent=top, order=5 - d)
        for c in range(4):
            closed = datetime.date(2024, 4, 1) if c == 1 else None
            unit = UnitFactory(code=f"C{d}-{3 - c}", kind=commune, parent=district, order=c % 2, closed_on=closed)
            for v in range(3):
                UnitFactory(code=f"V{d}-{c}-{v}", kind=village, parent=unit, order=2 - v)
    UnitFactory(code="ELSEWHERE", kind=commune)
    return top


@pytest.mark.parametrize("level", ["P", "D0", "D1", "C0-3"])
def test_the_units_under_a_unit_are_the_units_a_walk_finds(province, level):
    area = Unit.objects.get(code=level)
    programme = ProgrammeFactory(area=area)
    for day in (datetime.date(2024, 3, 31), datetime.date(2024, 12, 31)):
        assert [unit.id for unit in reporting_units(programme, on=day)] == walked_reporting_units(area.pk, day)
    assert set(Unit.objects.filter(tree.under(area.path)).values_list("pk", flat=True)) == walked_below(area.pk)
    assert all(area.pk in ancestor_ids(unit) for unit in Unit.objects.filter(tree.under(area.path)))


def test_a_unit_reports_under_the_programmes_of_its_ancestors_only(province):
    programme = ProgrammeFactory(area=Unit.objects.get(code="D1"), year=2030)
    village = Unit.objects.select_related("kind").get(code="V1-0-2")
    assert reports_under(village, programme, on=datetime.date(2030, 1, 1))
    elsewhere = Unit.objects.select_related("kind").get(code="V0-0-2")
    assert not reports_under(elsewhere, programme, on=datetime.date(2030, 1, 1))
    assert current_programme(village) == programme
    assert current_programme(Unit.objects.get(code="ELSEWHERE")) is None
