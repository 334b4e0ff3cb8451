"""The unit tree's one rule: a unit's path is its parent's path followed by its own id and a slash (``12/109/3549/``
for a commune of district 109 in province 12; a unit without a parent has ``12/``). The units under a unit are
then those whose path starts with its path, one filter on an indexed column (``Unit.path``), and its ancestors
are read from its own path. Every write of a unit keeps the paths right (``docs/decisions/0015-unit-tree-path.md``):
``Unit.save`` and ``loaddata``'s raw saves through the signals below, ``bulk_create`` and a queryset's ``update``
of the parent through ``UnitQuerySet``.

The tree's order (each unit followed by the units under it, siblings by ``order`` then code, as the database sorts
them) is kept beside the path as ``Unit.tree_order``: its parent's key followed by its rank among its siblings,
written with ``ORDER_WIDTH`` digits (``000002000001000003``), so that ``ORDER BY tree_order`` is the tree order,
one indexed column, in any collation (digits only, every level of the same width). The same writes keep it:
``arrange`` ranks a parent's children afresh and moves the keys under every child whose rank changed.

The functions take the model, so that the migrations filling the paths and keys use them with its historical
model."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import models
from django.db.models import Case, Q, When
from django.db.models import Value as V
from django.db.models.functions import Cast, Concat, Substr

SEPARATOR = "/"
ORDER_WIDTH = 6  # digits of a rank among siblings: up to 999 999 children, 42 levels in 255 characters
T = TypeVar("T")
BATCH = 500


class TreeCycle(ValueError):
    """A unit would sit under itself."""


def path_below(parent_path: str, unit_id: int) -> str:
    return f"{parent_path}{unit_id}{SEPARATOR}"


def ids_of(path: str) -> list[int]:
    """The ids along the path, from the top of the tree to the unit itself."""
    return [int(part) for part in path.split(SEPARATOR) if part]


def within(path: str, prefix: str = "") -> Q:
    """The unit of that path and every unit under it (``prefix`` leads to the unit): one indexed filter."""
    if not path:
        raise ValueError("A unit's path is never empty.")
    return Q(**{f"{prefix}path__startswith": path})


def under(path: str, prefix: str = "") -> Q:
    """The units under the unit of that path, the unit itself left out."""
    return within(path, prefix) & ~Q(**{f"{prefix}path": path})


def runs_through(unit_id: int, prefix: str = "") -> Q:
    """The units (``prefix`` leads to them) whose path runs through the unit ``unit_id``: the unit and every
    unit under it, told from their own paths (no read of the unit's). One filter."""
    top = f"{unit_id}{SEPARATOR}"
    return Q(**{f"{prefix}path__startswith": top}) | Q(**{f"{prefix}path__contains": f"{SEPARATOR}{top}"})


def is_within(path: str, unit_id: int) -> bool:
    """Whether the unit of ``path`` is the unit ``unit_id`` or one under it."""
    return unit_id in ids_of(path)


def order_below(parent_key: str, rank: int) -> str:
    """The tree-order key of the ``rank``-th child (from 1) of the unit whose key is ``parent_key``."""
    if not 0 < rank < 10**ORDER_WIDTH:
        raise ValueError(f"A unit ranks from 1 to {10**ORDER_WIDTH - 1} among its siblings.")
    return f"{parent_key}{rank:0{ORDER_WIDTH}d}"


def in_tree_order(
    rows: Iterable[T], unit_id: Callable[[T], int], parent_id: Callable[[T], int], top_id: int
) -> list[T]:
    """The units under the unit ``top_id`` (all of them, read in the siblings' order: ``order``, then code, as
    the database sorts them) in tree order: each unit followed by the units under it."""
    children: dict[int, list[T]] = defaultdict(list)
    for row in rows:
        children[parent_id(row)].append(row)
    ordered, stack = [], list(reversed(children[top_id]))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children[unit_id(row)]))
    return ordered


def _orphan_path(parent_id: int) -> str:
    # A unit whose parent is not in the database yet (``loaddata`` may save a child before its parent) starts
    # its path with the parent's id, as the parent's own path will start when it comes without a parent: the
    # parent, once placed, moves that prefix with its own (``place``).
    return path_below("", parent_id)


def place(model: type[models.Model], unit_id: int, *, old_path: str | None = None) -> str:
    """Write the unit's path from its parent's stored path, and move every unit whose path starts with
    ``old_path`` (where the unit's subtree is stored; by default the unit's stored path) with it. Refuses a unit
    placed under itself. Three queries at most; the caller holds the transaction."""
    units = model._base_manager
    parent_id, parent_path, stored = units.filter(pk=unit_id).values_list("parent_id", "parent__path", "path").get()
    if parent_id is None:
        base = ""
    elif parent_path:
        base = parent_path
    else:
        base = _orphan_path(parent_id)
    if is_within(base, unit_id):
        raise TreeCycle(f"Unit {unit_id} would sit under itself.")
    path = path_below(base, unit_id)
    old_path = old_path or stored or _orphan_path(unit_id)
    if stored != path:
        units.filter(pk=unit_id).update(path=path)
    if old_path != path:
        moved = units.filter(path__startswith=old_path).exclude(pk=unit_id)
        moved.update(path=Concat(V(path), Substr("path", len(old_path) + 1), output_field=models.CharField()))
    return path


def place_created(model: type[models.Model], units: Iterable[models.Model]) -> None:
    """Give units just inserted together (``bulk_create``) their paths, parents in the batch or already stored.
    One query, and one per parent (and per 500 of its units)."""
    units = [unit for unit in units if unit.pk is not None]
    inserted = {unit.pk: unit for unit in units}
    outside = {unit.parent_id for unit in units if unit.parent_id is not None} - inserted.keys()
    known = dict(model._base_manager.filter(pk__in=outside).values_list("pk", "path"))

    paths: dict[int, str] = {}

    def path_of(unit, seen=()) -> str:
        if unit.pk in seen:
            raise TreeCycle(f"Unit {unit.pk} would sit under itself.")
        if unit.pk not in paths:
            if unit.parent_id is None:
                base = ""
            elif unit.parent_id in inserted:
                base = path_of(inserted[unit.parent_id], (*seen, unit.pk))
            else:
                base = known.get(unit.parent_id) or _orphan_path(unit.parent_id)
            paths[unit.pk] = path_below(base, unit.pk)
        return paths[unit.pk]

    siblings: dict[str, list[int]] = defaultdict(list)  # the path above → the units it leads to
    for unit in units:
        unit.path = path_of(unit)
        siblings[unit.path.removesuffix(path_below("", unit.pk))].append(unit.pk)
    for base, ids in siblings.items():  # one statement per parent, not one per unit
        for start in range(0, len(ids), BATCH):
            batch_ids = ids[start : start + BATCH]
            own = Concat(V(base), Cast("pk", models.CharField()), V(SEPARATOR), output_field=models.CharField())
            model._base_manager.filter(pk__in=batch_ids).update(path=own)


def place_all(model: type[models.Model]) -> None:
    """Write every unit's path from the parents alone (the migration that brought the paths)."""
    place_created(model, model._base_manager.only("pk", "parent_id", "path"))


def _key_expression(keys: dict[int, str]):
    return Case(*(When(pk=pk, then=V(key)) for pk, key in keys.items()), output_field=models.CharField())


def arrange(model: type[models.Model], parent_id: int | None, *, fresh: frozenset[int] = frozenset()) -> None:
    """Rank the children of the unit ``parent_id`` (the units without a parent for None; a parent not in the
    database yet has the key "") in their order and write their keys; under a child whose key changed, move every
    key from its old key to the new one. ``fresh`` units were just inserted and have no units under them yet.
    Two reads, then one write per child moved and one per 500 keys written; the caller holds the transaction."""
    units = model._base_manager
    base = ""
    if parent_id is not None:
        base = units.filter(pk=parent_id).values_list("tree_order", flat=True).first() or ""
    children = units.filter(parent_id=parent_id) if parent_id is not None else units.filter(parent__isnull=True)
    written: dict[int, str] = {}
    for rank, (unit_id, path, stored) in enumerate(
        children.order_by("order", "code").values_list("pk", "path", "tree_order"), start=1
    ):
        key = order_below(base, rank)
        if stored == key:
            continue
        if unit_id not in fresh:
            moved = units.filter(path__startswith=path).exclude(pk=unit_id)
            moved.update(
                tree_order=Concat(V(key), Substr("tree_order", len(stored) + 1), output_field=models.CharField())
            )
        written[unit_id] = key
    ids = list(written)
    for start in range(0, len(ids), BATCH):
        batch = {unit_id: written[unit_id] for unit_id in ids[start : start + BATCH]}
        units.filter(pk__in=batch).update(tree_order=_key_expression(batch))


def arrange_created(model: type[models.Model], units: Iterable[models.Model]) -> None:
    """Rank units just inserted together (``bulk_create``, their paths written) among their siblings: the
    parents' children one parent at a time, parents higher in the tree first."""
    units = [unit for unit in units if unit.pk is not None]
    fresh = frozenset(unit.pk for unit in units)
    depth = {unit.pk: len(ids_of(unit.path)) for unit in units}
    parents = {unit.parent_id for unit in units}
    for parent_id in sorted(parents, key=lambda pk: (pk is not None, depth.get(pk, 0))):
        arrange(model, parent_id, fresh=fresh)


def arrange_all(model: type[models.Model]) -> None:
    """Write every unit's tree-order key from the parents and the siblings' order (the migration that brought
    the keys). Paths must be right."""
    arrange_created(model, model._base_manager.only("pk", "parent_id", "path"))


# The signals: sent for ``Unit.save`` and for ``loaddata``'s raw saves alike, which bypass ``save``.


def _moves(update_fields) -> bool:
    return update_fields is None or bool({"parent", "path"} & set(update_fields))


def _reorders(update_fields) -> bool:
    return update_fields is None or bool({"parent", "path", "order", "code", "tree_order"} & set(update_fields))


def remember_stored_path(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._stored_path = None
    instance._stored_parent = None  # (the parent's id,) when the row was stored
    if _reorders(update_fields):
        stored = None
        if instance.pk is not None:
            stored = sender._base_manager.filter(pk=instance.pk).values_list("path", "tree_order", "parent_id").first()
        instance._stored_path, key, parent_id = stored or (None, "", None)
        instance._stored_parent = (parent_id,) if stored else None
        # The key saved is the one stored (a new row's is ""), whatever the instance or a fixture holds: the keys
        # under the unit start with it, and ``arrange`` moves them from it.
        instance.tree_order = key


def place_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if _moves(update_fields):
        # A row new to the database (or a raw save's) may have units loaded before it: they wait under its id.
        old_path = getattr(instance, "_stored_path", None) or _orphan_path(instance.pk)
        instance.path = place(sender, instance.pk, old_path=old_path)
    if _reorders(update_fields):
        # The unit's new siblings first: the keys under it then follow its new parent's before the old siblings
        # close the gap it left.
        arrange(sender, instance.parent_id)
        stored_parent = getattr(instance, "_stored_parent", None)
        if stored_parent is not None and stored_parent[0] != instance.parent_id:
            arrange(sender, stored_parent[0])
        instance.tree_order = sender._base_manager.filter(pk=instance.pk).values_list("tree_order", flat=True).get()


def arrange_deleted(sender, instance, **kwargs):
    arrange(sender, instance.parent_id)
