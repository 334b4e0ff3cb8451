"""Sign-in throttling with two limits: per user name from one address, and per address whatever the names.

django-axes compares one count with one limit. ``AXES_LOCKOUT_PARAMETERS`` lists the two counts, the pair
(user name, address) first and the address alone second; the pair is held to ``AXES_FAILURE_LIMIT``, the
address to the higher ``LOGIN_ADDRESS_FAILURE_LIMIT``, so that one client trying many accounts is stopped too,
while an office behind one address is not locked out by a few people mistyping.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The pair's failures, or the pair's limit once the address has reached its own."""
        account_from_address, address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account_from_address, get_failure_limit(request, credentials))
        return account_from_address

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in, forget that account's failures from that address, and only those.

        Forgetting every failure of the address would let anyone with an account of their own clear the count
        of an attack on other accounts by signing in between tries.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
