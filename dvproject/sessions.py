"""Django's session middleware, which renews every session on every request (``SESSION_SAVE_EVERY_REQUEST``),
except on an error page (500, 503): Django saves no session there, but it still reads the session to know
whether it is empty, and those pages must read nothing from the database, which may be what failed."""

from django.contrib.sessions.middleware import SessionMiddleware


class RenewingSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        if response.status_code >= 500:
            return response
        return super().process_response(request, response)
