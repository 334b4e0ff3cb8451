"""Sessions in the database, as Django keeps them, read once for each state of the data.

A session is read on every request, but changes only when its owner signs in or out (or a message waits).
``cached_db`` would keep it in each worker's memory, but a worker would then still accept a session that another
worker ended at sign-out. Kept under the data version instead (``dvproject.snapshot``), a session ended anywhere
is gone from every worker at the next request; its expiry is checked again each time it is taken.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from dvproject.snapshot import remember


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        return remember(
            "session",
            self.session_key,
            super()._get_session_from_db,
            still=lambda session: session.expire_date > timezone.now(),
            using="records",
        )
