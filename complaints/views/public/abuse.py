"""Anti-abuse for the public pages: the client's real address, and rate limits kept in the cache.

Rate limits use django-ratelimit (Redis in production through CACHES["default"]). Each public
action is a group with its rate in COMPLAINTS_PUBLIC_RATES, counted under one or more keys, e.g.

    @limited("public-track", client_ip_key, link_key)

(per client address and per link). A refused request is answered by `rate_limited` (HTTP 429,
in the reader's language).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit

from accounts.client_address import client_ip

View = Callable[..., HttpResponse]

__all__ = ["client_ip_key", "limited", "link_key", "rate_for", "rate_limited"]


def client_ip_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key function: one bucket per client address."""
    return client_ip(request)


def link_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key function: one bucket per signed link (the case it names), so a
    tracking or survey link hammered from many addresses is held back too."""
    match = request.resolver_match
    return "link:" + str((match.kwargs if match else {}).get("token", ""))


def rate_for(group: str, request: HttpRequest) -> str | None:
    """django-ratelimit rate function: the group's rate from settings (None: no limit)."""
    return settings.COMPLAINTS_PUBLIC_RATES.get(group)


def limited(
    group: str, *keys: Callable[[str, HttpRequest], str], method: Sequence[Any] | str = ALL
) -> Callable[[View], View]:
    """The group's rate (COMPLAINTS_PUBLIC_RATES), counted separately under each key: e.g. per
    client address and per link, so neither one address nor one link can go past it."""

    def decorate(view: View) -> View:
        for key in reversed(keys):
            view = ratelimit(group=group, key=key, rate=rate_for, method=method)(view)
        return view

    return decorate


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """RATELIMIT_VIEW: too many requests from this address or for this contact."""
    return render(request, "public/rate_limited.html", status=429)
