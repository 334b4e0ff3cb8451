"""The address a request comes from, as sign-in throttling counts it (docs/decisions/0007-client-address.md).

Behind the HTTPS proxy every connection comes from the proxy, so the client's own address is the one the proxy
wrote into ``X-Forwarded-For``. Anyone can send that header, so it is read only from a connection made by one of
the configured proxies, and only as far back as the number of proxies: the entries further left were written by
the client and prove nothing. With no proxy configured the header is ignored.
"""

import ipaddress

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str:
    """The connection's address, or, from a trusted proxy, the address it received the request from."""
    connection = request.META.get("REMOTE_ADDR", "")
    if not _from_trusted_proxy(connection):
        return connection
    # The proxy nearest to us is the connection; the others wrote the last PROXY_COUNT - 1 entries.
    forwarded, _ = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=settings.PROXY_COUNT - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return forwarded or connection


def _from_trusted_proxy(connection: str) -> bool:
    if settings.PROXY_COUNT < 1:
        return False
    if not settings.TRUSTED_PROXIES:
        return True
    try:
        address = ipaddress.ip_address(connection)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)
