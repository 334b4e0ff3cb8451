"""The kept sums of every area, in ``TargetTotals`` (the figures of each target) and ``ReportCounts`` (who has
reported): refreshed in the transaction of every change that affects them, and checked by ``verify_totals``.

What counts is decided in one place for each: ``direct_sums`` and ``direct_counts``, what a parent's own units
add. A change under some parent units refreshes the rows of those parents and of every area above them up to
the area of the period's programme (the units it counts are those under that area, ``counted_by``), from
the lowest up: each area's row is its own units' part plus the kept rows of the areas directly below it, so a
refresh reads a few rows per area and never the reports of the whole province. ``computed`` makes every row
from the reports alone, and the verifier compares every kept row with it. Each write path calls
``totals_changed`` (or, for a whole-database change, ``totals_refresh``) before its transaction ends; a batch
of changes (an import of many reports, the demo data) refreshes once, at the end of ``totals_deferred``.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection, models, transaction
from django.db.models import Q, Sum

from programme import tree
from programme.models import Period, Programme, Target, Unit, UnitKind
from programme.selectors import programme_areas
from reporting.models import ReportCounts, TargetTotals
from reporting.selectors.compliance import TOTALS_FIELDS, added, direct_sums
from reporting.selectors.timeliness import COUNTS_FIELDS, direct_counts

# PostgreSQL advisory locks (namespace, key) that keep two refreshes of one area apart: each refresh of some
# areas holds (namespace, -1) shared and (namespace, area) exclusive; a refresh of every area holds
# (namespace, -1) exclusive. After the lock, the next statement sees every change committed before it.
LOCK_NAMESPACE = 14_0001
EVERY_AREA = -1

Key = tuple  # (period id, target or kind id, area id[, approved only]): the area is always third
Row = tuple[int, ...]


@dataclass(frozen=True)
class Kept:
    """One table of kept rows: its key's fields (the area third), the fields it sums, and the rule of what a
    parent's own units add, ``direct(periods, parents, targets)``."""

    model: type[models.Model]
    keys: tuple[str, ...]
    fields: tuple[str, ...]
    direct: Callable[[list[Period], list[int] | None, list[Target] | None], dict[Key, Row]]
    by_target: bool  # whether a change of some targets only touches it

    @property
    def zero(self) -> Row:
        return (0,) * len(self.fields)


FIGURES = Kept(
    TargetTotals,
    ("period_id", "target_id", "area_id", "approved_only"),
    TOTALS_FIELDS,
    direct_sums,
    by_target=True,
)
COUNTS = Kept(
    ReportCounts,
    ("period_id", "kind_id", "area_id"),
    COUNTS_FIELDS,
    lambda periods, parents, targets: direct_counts(periods, parents),
    by_target=False,
)
KEPT = (FIGURES, COUNTS)


def _in_area(key: Key, area_id: int) -> Key:
    return (*key[:2], area_id, *key[3:])


@dataclass(frozen=True)
class Difference:
    """A kept figure that differs from the one computed from the reports (None: no row)."""

    kept: Kept
    period: Period
    of: str  # the target's code, or the kind's name
    area: str  # the area's code
    approved_only: bool | None
    field: str
    stored: int | None
    computed: int | None

    def __str__(self) -> str:
        field = self.kept.model._meta.get_field(self.field).verbose_name
        what = f"chỉ tiêu {self.of}" if self.kept is FIGURES else f"loại đơn vị {self.of}"
        counted = (
            "" if self.approved_only is None else " (chỉ đã duyệt)" if self.approved_only else " (đã nộp và đã duyệt)"
        )
        return (
            f"{self.period.programme.code} kỳ {self.period.code}, {what}, địa bàn {self.area}{counted}: "
            f"{field} {_shown(self.stored)} → {_shown(self.computed)}"
        )


def _shown(value: int | None) -> str:
    return "không có" if value is None else str(value)


def _periods(periods: Iterable[Period] | None) -> list[Period]:
    if periods is None:
        return list(Period.objects.select_related("programme").order_by())
    return list(periods)


def _stored(
    kept: Kept, periods: list[Period], areas: Iterable[int] | None, targets: list[Target] | None
) -> dict[Key, tuple[int, Row]]:
    """The rows kept for that scope: key → (row id, sums). One query."""
    rows = kept.model.objects.filter(period__in=[period.id for period in periods])
    if areas is not None:
        rows = rows.filter(area__in=list(areas))
    if targets is not None:
        rows = rows.filter(target__in=targets)
    width = len(kept.keys)
    found = rows.order_by().values_list(*kept.keys, "id", *kept.fields)
    return {tuple(row[:width]): (row[width], tuple(row[width + 1 :])) for row in found}


def _tops(periods: list[Period]) -> dict[int, int]:
    """period id → the area of its programme, the highest area it keeps rows for. One query."""
    areas = programme_areas(period.programme_id for period in periods)
    return {period.id: areas[period.programme_id].area_id for period in periods}


def computed(kept: Kept, periods: list[Period], targets: list[Target] | None = None) -> dict[Key, Row]:
    """Every area's row from the reports alone: each parent's direct part added to the parent and every unit
    above it, up to the area of the period's programme. What ``verify_totals`` checks the kept rows against."""
    direct = kept.direct(periods, None, targets)
    tops = _tops(periods)
    paths = dict(Unit.objects.filter(id__in={key[2] for key in direct}).values_list("id", "path"))
    rows: dict[Key, Row] = {}
    for key, found in direct.items():
        ids = tree.ids_of(paths[key[2]])
        for area_id in ids[ids.index(tops[key[0]]) :]:
            at = _in_area(key, area_id)
            rows[at] = added(rows.get(at, kept.zero), found)
    return rows


def _compare(
    kept: Kept, now: dict[Key, Row], stored: dict[Key, tuple[int, Row]]
) -> list[tuple[Key, str, int | None, int | None]]:
    none = (None,) * len(kept.fields)
    found = []
    for key in sorted(now.keys() | stored.keys()):
        new, old = now.get(key, none), stored.get(key, (None, none))[1]
        found += [(key, name, a, b) for name, a, b in zip(kept.fields, old, new, strict=True) if a != b]
    return found


def _write(kept: Kept, now: dict[Key, Row], stored: dict[Key, tuple[int, Row]]) -> None:
    """Replace the rows that differ by the computed ones (none where nothing is counted). Two queries at
    most."""
    keys = {key for key, *_ in _compare(kept, now, stored)}
    if stale := [stored[key][0] for key in keys if key in stored]:
        kept.model.objects.filter(id__in=stale).delete()
    kept.model.objects.bulk_create(
        kept.model(**dict(zip(kept.keys, key, strict=True)), **dict(zip(kept.fields, now[key], strict=True)))
        for key in keys
        if key in now and any(now[key])
    )


def _lock(areas: Iterable[int] | None) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite lets one transaction write at a time, and a refresh comes after its transaction's writes
    with connection.cursor() as cursor:
        if areas is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, EVERY_AREA])
            return
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, %s) UNION ALL "
            "SELECT pg_advisory_xact_lock(%s, key) FROM (SELECT unnest(%s::integer[]) AS key ORDER BY 1) AS keys",
            [LOCK_NAMESPACE, EVERY_AREA, LOCK_NAMESPACE, sorted(set(areas))],
        )


def _areas_above(parents: set[int]) -> dict[int, list[int]]:
    """Those parent units and every unit above them, each with the ids along its path (from the top of the tree
    to the area itself), the lowest first. One query."""
    above: dict[int, list[int]] = {}
    for path in Unit.objects.filter(id__in=parents).values_list("path", flat=True).order_by():
        ids = tree.ids_of(path)
        for depth, area_id in enumerate(ids):
            above[area_id] = ids[: depth + 1]
    return dict(sorted(above.items(), key=lambda item: -len(item[1])))


def _rows_below(kept: Kept, areas: list[int], periods: list[Period], targets: list[Target] | None) -> dict[Key, Row]:
    """The kept rows of the areas directly below each of ``areas`` that are not among them, summed by the
    database into each of ``areas``. One query."""
    rows = kept.model.objects.filter(area__parent__in=areas, period__in=[period.id for period in periods]).exclude(
        area__in=areas
    )
    if targets is not None:
        rows = rows.filter(target__in=targets)
    grouped = [name if name != "area_id" else "area__parent_id" for name in kept.keys]
    summed = rows.values_list(*grouped).annotate(*(Sum(name) for name in kept.fields)).order_by()
    width = len(kept.keys)
    return {tuple(row[:width]): tuple(row[width:]) for row in summed}


def _refresh_areas(
    kept: Kept, areas: dict[int, list[int]], periods: list[Period], targets: list[Target] | None
) -> None:
    own = kept.direct(periods, list(areas), targets)
    below = _rows_below(kept, list(areas), periods, targets)
    tops = _tops(periods)
    now: dict[Key, Row] = {}
    for area_id, ids in areas.items():  # the lowest first: an area above adds the rows just computed
        keys = {key for key in own.keys() | below.keys() if key[2] == area_id}
        for key in keys:
            if tops[key[0]] not in ids:
                continue  # above the area of the period's programme: it keeps no row there
            now[key] = added(own.get(key, kept.zero), below.get(key, kept.zero))
            if area_id != tops[key[0]]:
                up = _in_area(key, ids[-2])
                below[up] = added(below.get(up, kept.zero), now[key])
    _write(kept, now, _stored(kept, periods, list(areas), targets))


@transaction.atomic
def totals_refresh(
    *,
    periods: Iterable[Period] | None = None,
    parents: Iterable[int | None] | None = None,
    targets: Iterable[Target] | None = None,
) -> None:
    """Recompute the kept rows of those periods (and of those targets, when given: then only the figures) for
    the areas that hold those parent units' units (every area, when not given), and write what differs. Called
    in the transaction of the change, after it."""
    periods = _periods(periods)
    if not periods:
        return
    targets = None if targets is None else list(targets)
    tables = [kept for kept in KEPT if targets is None or kept.by_target]
    if parents is None:
        _lock(None)
        for kept in tables:
            _write(kept, computed(kept, periods, targets), _stored(kept, periods, None, targets))
        return
    areas = _areas_above({parent for parent in parents if parent is not None})
    if areas:
        _lock(areas)
        for kept in tables:
            _refresh_areas(kept, areas, periods, targets)


_pending: ContextVar[dict | None] = ContextVar("pending_totals", default=None)


def totals_changed(
    *, periods: Iterable[Period], parents: Iterable[int | None], targets: Iterable[Target] | None = None
) -> None:
    """The values of those parent units' children at those periods (of those targets), or what makes them count,
    changed: refresh their sums now, or at the end of the enclosing ``totals_deferred``."""
    pending = _pending.get()
    if pending is None:
        totals_refresh(periods=periods, parents=parents, targets=targets)
        return
    pending["periods"].update({period.id: period for period in periods})
    pending["parents"].update(parents)
    pending["targets"] = None if targets is None or pending["targets"] is None else pending["targets"] | set(targets)


def programmes_changed(years: Iterable[int]) -> None:
    """A programme of those years was added, removed, moved to another area or year, or its area changed kind
    or place: the units each programme of those years counts may have changed (an inner area,
    ``counted_by``), so every period of those years is recomputed."""
    periods = Period.objects.filter(programme__year__in=set(years)).select_related("programme").order_by()
    totals_refresh(periods=list(periods))


def areas_written(units: Iterable[Unit] | None = None, *, parents: Iterable[int | None] = ()) -> None:
    """Units were written: when one of them is, or holds, the area of a programme, whether the units under that
    area count for the programmes around it may have changed (its kind, its place): ``programmes_changed`` for
    those programmes' years. ``units`` when known; else the units written under ``parents``. One query."""
    if units is not None:
        inside = [tree.within(unit.path) for unit in units if unit.path]
        if not inside:
            return
        found = Programme.objects.filter(reduce(or_, (Q(area__in=Unit.objects.filter(q)) for q in inside)))
    else:
        found = Programme.objects.filter(area__parent__in=[parent for parent in parents if parent is not None])
    if years := set(found.values_list("year", flat=True).order_by()):
        programmes_changed(years)


def register_changed(*, units: Iterable, year: int) -> None:
    """The register of ``year`` changed for those units: MT5a/MT5b's sums of their parents follow it (the
    figures fixed into approved reports stay, but whether the register as it is now counts them changes)."""
    periods = Period.objects.filter(programme__year=year).select_related("programme").order_by()
    targets = Target.objects.filter(programme__year=year).exclude(source=Target.Source.REPORTED).order_by()
    totals_changed(periods=list(periods), parents={unit.parent_id for unit in units}, targets=list(targets))


@contextmanager
def totals_deferred() -> Iterator[None]:
    """Refresh once, at the end of the block (inside its caller's transaction), for every change made in it."""
    if _pending.get() is not None:
        yield  # already deferred by a caller
        return
    pending = {"periods": {}, "parents": set(), "targets": set()}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending["periods"]:
        totals_refresh(periods=pending["periods"].values(), parents=pending["parents"], targets=pending["targets"])


def totals_differences(*, repair: bool) -> list[Difference]:
    """Every kept figure that differs from the reports, and with ``repair`` the rows rewritten so that none
    does."""
    found = []
    with transaction.atomic():
        periods = _periods(None)
        if not periods:
            return []
        if repair:
            _lock(None)
        targets = list(Target.objects.filter(programme__in={p.programme_id for p in periods}).order_by())
        for kept in KEPT:
            now, stored = (
                computed(kept, periods, targets if kept.by_target else None),
                _stored(kept, periods, None, None),
            )
            differences = _compare(kept, now, stored)
            if repair and differences:
                _write(kept, now, stored)
            found += [(kept, *difference) for difference in differences]
    by_period = {period.id: period for period in periods}
    names = {
        FIGURES: {target.id: target.code for target in targets},
        COUNTS: dict(UnitKind.objects.values_list("id", "name")) if found else {},
    }
    codes = (
        dict(Unit.objects.filter(id__in={key[2] for _, key, *_ in found}).values_list("id", "code")) if found else {}
    )
    return [
        Difference(
            kept,
            by_period[key[0]],
            names[kept].get(key[1], "—"),
            codes.get(key[2], "—"),
            key[3] if len(key) > 3 else None,
            name,
            old,
            new,
        )
        for kept, key, name, old, new in found
    ]
