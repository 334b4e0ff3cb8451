"""Who is asking, read once for each state of the data."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from dvproject.snapshot import remember


class PeopleBackend(ModelBackend):
    """Django's ModelBackend, whose user comes with what every page asks of them: the unit, the groups (the
    role) and the permissions (the menu, the access checks). Kept under the data version
    (``dvproject.snapshot``), so a user's change of password, role or unit, or their deactivation, counts
    from the next request on, in every worker."""

    def get_user(self, user_id):
        return remember("user", user_id, lambda: self._load(user_id), using="records")

    def _load(self, user_id):
        user = get_user_model()._default_manager.select_related("unit").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user.roles  # noqa: B018 (read to be kept with the user, as the permissions that has_perm reads)
        self.get_all_permissions(user)
        return user
