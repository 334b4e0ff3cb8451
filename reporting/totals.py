"""The district's sums kept in ``TargetTotals``: refreshed in the transaction of every change that affects them,
and checked against the values by ``verify_totals``.

What counts is decided in one place, ``compute_totals``; a refresh recomputes the rows of the periods and parent
units a change touches with it and writes only what differs, and the verifier compares every row with it. Each
write path calls ``totals_changed`` (or, for a whole-database change, ``totals_refresh``) before its
transaction ends; a batch of changes (an import of many reports, the demo data) refreshes once, at the end of
``totals_deferred``.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction

from programme.models import Period, Target, Unit
from reporting.models import TargetTotals
from reporting.selectors.compliance import TOTALS_FIELDS, Sums, TotalsKey, compute_totals, parents_filter

# PostgreSQL advisory locks (namespace, key) that keep two refreshes of one parent unit apart: each refresh of
# some parents holds (namespace, -1) shared and (namespace, parent) exclusive; a refresh of every parent holds
# (namespace, -1) exclusive. After the lock, the next statement sees every change committed before it.
LOCK_NAMESPACE = 14_0001
NO_PARENT = 0
EVERY_PARENT = -1


@dataclass(frozen=True)
class Difference:
    """A stored sum that differs from the one computed from the values (None: no row)."""

    period: Period
    target: Target
    parent: str  # the parent unit's code
    approved_only: bool
    field: str
    stored: int | None
    computed: int | None

    def __str__(self) -> str:
        counted = "chỉ đã duyệt" if self.approved_only else "đã nộp và đã duyệt"
        field = TargetTotals._meta.get_field(self.field).verbose_name
        return (
            f"{self.period.programme.code} kỳ {self.period.code}, chỉ tiêu {self.target.code}, đơn vị cấp trên "
            f"{self.parent} ({counted}): {field} {_shown(self.stored)} → {_shown(self.computed)}"
        )


def _shown(value: int | None) -> str:
    return "không có" if value is None else str(value)


def _periods(periods: Iterable[Period] | None) -> list[Period]:
    if periods is None:
        return list(Period.objects.select_related("programme").order_by())
    return list(periods)


def _stored(
    periods: list[Period], parents: Iterable[int | None] | None, targets: list[Target] | None
) -> dict[TotalsKey, tuple[int, Sums]]:
    """The rows kept for that scope: key → (row id, sums). One query."""
    rows = TargetTotals.objects.filter(period__in=[period.id for period in periods])
    if parents is not None:
        rows = rows.filter(parents_filter(parents))
    if targets is not None:
        rows = rows.filter(target__in=targets)
    found = rows.order_by().values_list("period_id", "target_id", "parent_id", "approved_only", "id", *TOTALS_FIELDS)
    return {(p, t, parent, approved): (row_id, tuple(sums)) for p, t, parent, approved, row_id, *sums in found}


def _compare(
    computed: dict[TotalsKey, Sums], stored: dict[TotalsKey, tuple[int, Sums]]
) -> list[tuple[TotalsKey, str, int | None, int | None]]:
    zero = (None,) * len(TOTALS_FIELDS)
    found = []
    for key in sorted(computed.keys() | stored.keys(), key=lambda k: (k[0], k[1], k[2] or 0, k[3])):
        now, kept = computed.get(key, zero), stored.get(key, (None, zero))[1]
        found += [(key, name, old, new) for name, old, new in zip(TOTALS_FIELDS, kept, now, strict=True) if old != new]
    return found


def _write(keys: set[TotalsKey], computed: dict[TotalsKey, Sums], stored: dict[TotalsKey, tuple[int, Sums]]) -> None:
    """Replace the rows of those keys by the computed ones (none where nothing counts). Two queries at most."""
    if stale := [stored[key][0] for key in keys if key in stored]:
        TargetTotals.objects.filter(id__in=stale).delete()
    TargetTotals.objects.bulk_create(
        TargetTotals(
            period_id=key[0],
            target_id=key[1],
            parent_id=key[2],
            approved_only=key[3],
            **dict(zip(TOTALS_FIELDS, computed[key], strict=True)),
        )
        for key in keys
        if key in computed
    )


def _lock(parents: Iterable[int | None] | None) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite lets one transaction write at a time, and a refresh comes after its transaction's writes
    with connection.cursor() as cursor:
        if parents is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, EVERY_PARENT])
            return
        keys = sorted({NO_PARENT if parent is None else parent for parent in parents})
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, %s) UNION ALL "
            "SELECT pg_advisory_xact_lock(%s, key) FROM (SELECT unnest(%s::integer[]) AS key ORDER BY 1) AS keys",
            [LOCK_NAMESPACE, EVERY_PARENT, LOCK_NAMESPACE, keys],
        )


@transaction.atomic
def totals_refresh(
    *,
    periods: Iterable[Period] | None = None,
    parents: Iterable[int | None] | None = None,
    targets: Iterable[Target] | None = None,
) -> None:
    """Recompute the kept sums of those periods, parent units and targets (every one, when not given) from the
    values, and write what differs. Called in the transaction of the change, after it."""
    periods = _periods(periods)
    if not periods:
        return
    parents = None if parents is None else set(parents)
    targets = None if targets is None else list(targets)
    _lock(parents)
    computed = compute_totals(periods, parents, targets)
    stored = _stored(periods, parents, targets)
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
        computed = compute_totals(periods, None, targets)
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
