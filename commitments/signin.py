"""Sign-in lock-outs (django-axes) by account and address together, with a higher limit per address.

Locking an account from every address would let anyone lock any editor out with five wrong
passwords; so failures count per account *and* address (`AXES_FAILURE_LIMIT`), and, to slow down
someone guessing many accounts from one address, per address alone with a higher limit
(`AXES_ADDRESS_FAILURE_LIMIT`). Axes compares every lock-out parameter against one limit, so this
handler scales the address count onto it.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_ip_address(request):
    """The client's address: behind the proxy (SECURE_PROXY_SSL_HEADER set) the one it appended to
    X-Forwarded-For, the right-most entry, since entries to its left come from the client and can be
    forged; otherwise, or if the header is missing or malformed, the connection's address."""
    if settings.SECURE_PROXY_SSL_HEADER:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        try:
            return str(ipaddress.ip_address(hops[-1]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


class SignInLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        failures = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                count = limit if count >= settings.AXES_ADDRESS_FAILURE_LIMIT else 0
            failures = max(failures, count)
        return failures

    def reset_user_attempts(self, request, credentials=None):
        """A successful sign-in clears that account's failures from that address only: someone with an
        account of their own must not be able to wipe their address's count of guesses at others."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
