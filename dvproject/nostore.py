"""Nothing of a signed-in page or a download is kept by the browser or a proxy on the way.

Reports are filled in and read on shared computers (a commune office, a meeting room): the browser's cache and
its back button would show the last user's report to the next one. Pages for nobody in particular (the login
page, the health check, the static files, served before this) stay cacheable.
"""

from django.db import DatabaseError
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _maybe_signed_in(request) or response.get("Content-Disposition", "").startswith("attachment"):
            add_never_cache_headers(response)
        return response


def _maybe_signed_in(request) -> bool:
    # A view that never read the session never asked who is there: its answer is the same for everyone.
    if not request.session.accessed:
        return False
    try:
        return request.user.is_authenticated
    except DatabaseError:  # who is there cannot be read now (the failure page is being sent): keep nothing
        return True
