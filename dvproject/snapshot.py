"""What the database holds, as a token that changes with every commit; and what was read at that token, kept.

Nearly every request reads what did not change since the one before it: the session, the user with their
permissions, a dashboard. At province scale a dashboard reads every unit's figures (hundreds of milliseconds),
and even a page that does nothing spends most of its time on the five queries that find who is asking. So those
reads are kept in the cache (each worker's memory) under the token of the data they were read from, and taken
from there while the token stays the same. Nothing kept is ever stale: a commit gives a new token, so the next
read after any change goes to the database again.

The token is PostgreSQL's current snapshot (``xmin:xmax:in-progress``). Two reads with the same snapshot see
the same committed rows, and every commit changes the snapshot of every later read: the transaction was in
progress (it leaves the list) or started after (``xmax`` passes it). A value read while a commit lands is kept
under a snapshot that no later read has. Writes elsewhere (another database of the server) change it too, which
only costs a read. Time is not in the snapshot: what depends on it (a session's expiry, today's date) is
checked when a kept value is taken, or is part of its key.

A request takes the token once, at its first keepable read, and keeps it until it writes: after any statement
other than a SELECT it takes a new one (``SnapshotMiddleware``). There is no token, so nothing is kept, on SQLite
(the try-out) and inside a transaction, whose own writes do not change the snapshot it sees.
"""

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import caches
from django.db import connection

T = TypeVar("T")


@dataclass
class _Request:
    version: str | None = None  # the token taken by this request, until it writes


_request: ContextVar[_Request | None] = ContextVar("snapshot_request", default=None)


def data_version() -> str | None:
    """A token that changes whenever committed data may have changed; None where that cannot be known."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    request = _request.get()
    if request is not None and request.version is not None:
        return request.version
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        version = cursor.fetchone()[0]
    if request is not None:
        request.version = version
    return version


def remember(name: str, key, load: Callable[[], T | None], *, still=None, using="default") -> T | None:
    """What ``load()`` gives now: taken from the cache when it was kept at the same data version.

    ``load`` holds every read of the value; what it raises or a None it gives is not kept. ``still(value)``,
    when given, says whether a kept value holds yet (what depends on time rather than on the data). ``using``
    names the cache.
    """
    version = data_version()
    if version is None:
        return load()
    cache_key = f"{name}:" + hashlib.sha256(f"{key}\x1f{version}".encode()).hexdigest()
    store = caches[using]
    value = store.get(cache_key)
    if value is not None and (still is None or still(value)):
        return value
    value = load()
    if value is not None:
        store.set(cache_key, value)
    return value


class SnapshotMiddleware:
    """Lets a request take the data version once, and take it again after each write of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(_Request())
        try:
            with connection.execute_wrapper(_forget_after_writes):
                return self.get_response(request)
        finally:
            _request.reset(token)


def _forget_after_writes(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    finally:
        if sql.lstrip()[:6].upper() != "SELECT" and (request := _request.get()) is not None:
            request.version = None
