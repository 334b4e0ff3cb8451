"""Sessions in the database, as Django keeps them, read once for each state of the data.

A session is read on every request, but changes only when its owner signs in or out (or a message waits).
``cached_db`` would keep it in each worker's memory, but a worker would then still accept a session that another
worker ended at sign-out. Kept under the data version instead (``dvproject.snapshot``), a session ended anywhere
is gone from every worker at the next request; its expiry is checked again each time it is taken.

A session ends ``SESSION_COOKIE_AGE`` after the last request that renewed it. Saving it on every request
(``SESSION_SAVE_EVERY_REQUEST``) would write on every request, and every write ends what was kept for the state of
the data; so a session is renewed by the first request more than ``SESSION_RENEW_AFTER`` after it was last saved,
and ends between ``SESSION_COOKIE_AGE - SESSION_RENEW_AFTER`` and ``SESSION_COOKIE_AGE`` without a request.
"""

import datetime

from django.conf import settings
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

    def load(self):
        session = self._get_session_from_db()
        if session is None:
            return {}
        saved_at = session.expire_date - datetime.timedelta(seconds=self.get_session_cookie_age())
        if timezone.now() - saved_at > settings.SESSION_RENEW_AFTER:
            self.modified = True  # SessionMiddleware saves it, with a new expiry and cookie, after the response
        return self.decode(session.session_data)
