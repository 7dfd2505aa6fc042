"""The client's address, by one rule for every door: the public pages' rate limits, the sign-in
lockout (django-axes) and the API's throttles.

Kept in accounts, below the other apps, so each of them can use it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind a trusted proxy, the address that proxy saw.

    COMPLAINTS_TRUSTED_PROXY_HEADER names the META key the proxy sets (e.g. HTTP_X_FORWARDED_FOR
    or HTTP_X_REAL_IP). With X-Forwarded-For the proxy appends the address it saw at the end, so
    the last entry is taken (entries before it are whatever the client sent and are not trusted).
    Without the setting the header is ignored: anyone can send one.
    """
    header = settings.COMPLAINTS_TRUSTED_PROXY_HEADER
    if header:
        value = request.META.get(header, "")
        candidate = value.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
