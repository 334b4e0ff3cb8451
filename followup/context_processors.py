from django.utils.functional import cached_property

from followup.models import Notification


class Unread:
    """The signed-in user's unread notifications, counted when the header first reads ``unread.count``: one
    query, and none on a page that does not show the header."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def count(self) -> int:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications(request):
    return {"unread": Unread(request)}
