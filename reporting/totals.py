"""The areas' sums kept in ``TargetTotals``: refreshed in the transaction of every change that affects them,
and checked against the values by ``verify_totals``.

What counts is decided in one place, ``direct_sums`` (what a parent's own units add). A change under some parent
units refreshes the rows of those parents and of every area above them, from the lowest up: each area's row is
its own units' sums plus the kept rows of the areas directly below it, so a refresh reads a few rows per area
and never the values of the whole province. ``compute_totals`` makes every row from the values alone, and the
verifier compares every kept row with it. Each write path calls ``totals_changed`` (or, for a whole-database
change, ``totals_refresh``) before its transaction ends; a batch of changes (an import of many reports, the demo
data) refreshes once, at the end of ``totals_deferred``.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Sum

from programme import tree
from programme.models import Period, Target, Unit
from reporting.models import TargetTotals
from reporting.selectors.compliance import (
    NO_SUMS,
    TOTALS_FIELDS,
    Sums,
    TotalsKey,
    added,
    compute_totals,
    direct_sums,
)

# PostgreSQL advisory locks (namespace, key) that keep two refreshes of one area apart: each refresh of some
# areas holds (namespace, -1) shared and (namespace, area) exclusive; a refresh of every area holds
# (namespace, -1) exclusive. After the lock, the next statement sees every change committed before it.
LOCK_NAMESPACE = 14_0001
EVERY_AREA = -1


@dataclass(frozen=True)
class Difference:
    """A stored sum that differs from the one computed from the values (None: no row)."""

    period: Period
    target: Target
    area: str  # the area's code
    approved_only: bool
    field: str
    stored: int | None
    computed: int | None

    def __str__(self) -> str:
        counted = "chỉ đã duyệt" if self.approved_only else "đã nộp và đã duyệt"
        field = TargetTotals._meta.get_field(self.field).verbose_name
        return (
            f"{self.period.programme.code} kỳ {self.period.code}, chỉ tiêu {self.target.code}, địa bàn "
            f"{self.area} ({counted}): {field} {_shown(self.stored)} → {_shown(self.computed)}"
        )


def _shown(value: int | None) -> str:
    return "không có" if value is None else str(value)


def _periods(periods: Iterable[Period] | None) -> list[Period]:
    if periods is None:
        return list(Period.objects.select_related("programme").order_by())
    return list(periods)


def _stored(
    periods: list[Period], areas: Iterable[int] | None, targets: list[Target] | None
) -> dict[TotalsKey, tuple[int, Sums]]:
    """The rows kept for that scope: key → (row id, sums). One query."""
    rows = TargetTotals.objects.filter(period__in=[period.id for period in periods])
    if areas is not None:
        rows = rows.filter(area__in=list(areas))
    if targets is not None:
        rows = rows.filter(target__in=targets)
    found = rows.order_by().values_list("period_id", "target_id", "area_id", "approved_only", "id", *TOTALS_FIELDS)
    return {(p, t, area, approved): (row_id, tuple(sums)) for p, t, area, approved, row_id, *sums in found}


def _compare(
    computed: dict[TotalsKey, Sums], stored: dict[TotalsKey, tuple[int, Sums]]
) -> list[tuple[TotalsKey, str, int | None, int | None]]:
    zero = (None,) * len(TOTALS_FIELDS)
    found = []
    for key in sorted(computed.keys() | stored.keys()):
        now, kept = computed.get(key, zero), stored.get(key, (None, zero))[1]
        found += [(key, name, old, new) for name, old, new in zip(TOTALS_FIELDS, kept, now, strict=True) if old != new]
    return found


def _write(keys: set[TotalsKey], computed: dict[TotalsKey, Sums], stored: dict[TotalsKey, tuple[int, Sums]]) -> None:
    """Replace the rows of those keys by the computed ones (none where nothing is counted). Two queries at
    most."""
    if stale := [stored[key][0] for key in keys if key in stored]:
        TargetTotals.objects.filter(id__in=stale).delete()
    TargetTotals.objects.bulk_create(
        TargetTotals(
            period_id=key[0],
            target_id=key[1],
            area_id=key[2],
            approved_only=key[3],
            **dict(zip(TOTALS_FIELDS, computed[key], strict=True)),
        )
        for key in keys
        if key in computed and computed[key] != NO_SUMS
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


def _areas_above(parents: set[int]) -> dict[int, int | None]:
    """Those parent units and every unit above them, each with the unit above it, the lowest first. One
    query."""
    above: dict[int, tuple[int, int | None]] = {}  # area → (depth, the area above it)
    for path in Unit.objects.filter(id__in=parents).values_list("path", flat=True).order_by():
        ids = tree.ids_of(path)
        for depth, area_id in enumerate(ids):
            above[area_id] = depth, ids[depth - 1] if depth else None
    return {area_id: up for area_id, (_, up) in sorted(above.items(), key=lambda item: -item[1][0])}


def _rows_below(areas: list[int], periods: list[Period], targets: list[Target] | None) -> dict[TotalsKey, Sums]:
    """(period, target, area, approved only) → the kept rows of the areas directly below each of ``areas`` that
    are not among them, summed by the database. One query."""
    rows = TargetTotals.objects.filter(area__parent__in=areas, period__in=[period.id for period in periods]).exclude(
        area__in=areas
    )
    if targets is not None:
        rows = rows.filter(target__in=targets)
    summed = rows.values_list("period_id", "target_id", "area__parent_id", "approved_only").annotate(
        *(Sum(name) for name in TOTALS_FIELDS)
    )
    return {(p, t, area, approved): tuple(sums) for p, t, area, approved, *sums in summed.order_by()}


@transaction.atomic
def totals_refresh(
    *,
    periods: Iterable[Period] | None = None,
    parents: Iterable[int | None] | None = None,
    targets: Iterable[Target] | None = None,
) -> None:
    """Recompute the kept sums of those periods and targets (every one, when not given) for the areas that hold
    those parent units' units (every area, when not given), and write what differs. Called in the transaction
    of the change, after it."""
    periods = _periods(periods)
    if not periods:
        return
    targets = None if targets is None else list(targets)
    if parents is None:
        _lock(None)
        computed = compute_totals(periods, targets)
        stored = _stored(periods, None, targets)
        _write({key for key, *_ in _compare(computed, stored)}, computed, stored)
        return
    areas = _areas_above({parent for parent in parents if parent is not None})
    if not areas:
        return
    _lock(areas)
    own = direct_sums(periods, list(areas), targets)
    below = _rows_below(list(areas), periods, targets)
    computed: dict[TotalsKey, Sums] = {}
    for area_id, parent_id in areas.items():  # the lowest first: an area above adds the rows just computed
        keys = {key for key in own.keys() | below.keys() if key[2] == area_id}
        for key in keys:
            computed[key] = added(own.get(key, NO_SUMS), below.get(key, NO_SUMS))
        if parent_id is not None:
            for key in keys:
                up = (key[0], key[1], parent_id, key[3])
                below[up] = added(below.get(up, NO_SUMS), computed[key])
    stored = _stored(periods, areas, targets)
    _write({key for key, *_ in _compare(computed, stored)}, computed, stored)


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
    """Every kept sum that differs from the values, and with ``repair`` the rows rewritten so that none does.
    Four queries when nothing differs."""
    with transaction.atomic():
        periods = _periods(None)
        if not periods:
            return []
        if repair:
            _lock(None)
        targets = list(Target.objects.filter(programme__in={p.programme_id for p in periods}).order_by())
        computed = compute_totals(periods, targets)
        stored = _stored(periods, None, None)
        found = _compare(computed, stored)
        if repair and found:
            _write({key for key, *_ in found}, computed, stored)
    by_period = {period.id: period for period in periods}
    by_target = {target.id: target for target in targets}
    codes = dict(Unit.objects.filter(id__in={key[2] for key, *_ in found}).values_list("id", "code")) if found else {}
    return [
        Difference(by_period[key[0]], by_target[key[1]], codes.get(key[2], "—"), key[3], name, old, new)
        for key, name, old, new in found
    ]
