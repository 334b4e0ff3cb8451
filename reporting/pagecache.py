"""The dashboards, rendered once for each state of the data and kept until it changes.

At province scale a dashboard reads every unit's figures (hundreds of milliseconds), while leaders open the
same few pages again and again between two changes. So the part of a dashboard below the header, which is the
same for every viewer with the same rights, is kept in the cache under a key made of the page's address, what
varies by viewer, today's date and the database's data version. Nothing is ever stale: any committed change
gives a new version, so the next view is computed afresh.

The data version is PostgreSQL's current snapshot (``xmin:xmax:in-progress``). Two reads with the same
snapshot see the same committed rows, and every commit changes the snapshot of every later read: the
transaction was in progress (it leaves the list) or started after (``xmax`` passes it). A part computed while a
commit lands is stored under a snapshot no later read has. Writes elsewhere (a sign-in, another database of the
server) change it too, which only costs a recomputation.

Not cached: on SQLite (the try-out; it has no such version), and inside a transaction, whose own writes do not
change the snapshot it sees.
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

PART_MARK = "<!--dashboard-part-->"  # between the title and the content in ``_part.html``; text is escaped
PAGE = "reporting/dashboards/page.html"


def data_version() -> str | None:
    """A token that changes whenever committed data may have changed; None where that cannot be known."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def dashboard_page(request, build, *, vary=()):
    """The page that ``build()`` describes as ``(template, context)``, its part below the header cached.

    ``build`` runs only when the part is not in the cache, so it holds every read of the page; an exception
    it raises (a 404) is not cached. ``vary`` names what the part depends on beyond the address: the viewer's
    rights, never the viewer (the header, the messages and the CSRF token are rendered for each request).
    """
    version = data_version()
    key = _key(request, vary, version) if version else None
    part = cache.get(key) if key else None
    if part is None:
        template, context = build()
        part = tuple(render_to_string(template, context, request).split(PART_MARK, 1))
        if key:
            cache.set(key, part)
    title, content = part
    return render(request, PAGE, {"part_title": mark_safe(title), "part_content": mark_safe(content)})


def _key(request, vary, version: str) -> str:
    address = request.get_full_path()
    parts = "\x1f".join([address, *(str(item) for item in vary), timezone.localdate().isoformat(), version])
    return "dashboard:" + hashlib.sha256(parts.encode()).hexdigest()
