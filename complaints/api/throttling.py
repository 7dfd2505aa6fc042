"""The API's throttles: counted in the shared cache, per client address by the trusted rule.

DRF's own get_ident trusts any X-Forwarded-For a client sends (rotating it resets the count);
ours reads the address as every other door does (accounts.client_address.client_ip: the trusted
proxy's header only when COMPLAINTS_TRUSTED_PROXY_HEADER names one). The counts live in
CACHES["default"] (Redis in production: one count for every web process; without REDIS_URL,
the embedded `make run`, each web process counts alone, while the sign-in lockout, kept in the
database, is shared there too).
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from accounts.client_address import client_ip


class ClientAddressScopedThrottle(ScopedRateThrottle):
    # `cache` is DRF's django.core.cache.cache: CACHES["default"], resolved at each use.

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)
