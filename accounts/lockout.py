"""Sign-in lockout (django-axes), per account and per client address, with separate limits.

Every password check goes through django.contrib.auth.authenticate: the staff sign-in, the admin
sign-in and the API's token exchange. axes' backend (first in AUTHENTICATION_BACKENDS) refuses
a locked client before the password is looked at; its signal receivers count each failure in the
database (the same in every web process, SQLite or PostgreSQL).

A client is locked when, within ACCOUNTS_LOCKOUT_MINUTES, either
- one login name failed ACCOUNTS_LOCKOUT_FAILURES_PER_ACCOUNT times (from any address or
  browser: guessing one person's password), or
- one address failed ACCOUNTS_LOCKOUT_FAILURES_PER_ADDRESS times (over any login names:
  trying many accounts; higher, as a whole office may sign in from one address).
A login name that does not exist is counted and locked exactly like one that does, so the answer
never tells them apart.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_noop

# The labels of axes' fields (the admin's "Failed sign-ins and lockouts" columns): axes ships no
# Chinese, so our catalogue translates them (LOCALE_PATHS comes before an app's own catalogue).
AXES_FIELD_LABELS = (
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("User Agent"),
)


class AccountAndAddressLockout(AxesDatabaseHandler):
    """axes' database handler with a limit per account and another per address.

    AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: get_user_attempts answers the
    attempts of the login name, then those of the address.

    axes compares one number with one limit (AXES_FAILURE_LIMIT, the per-account one); the
    address's failures are scaled onto it: floor(n × account_limit / address_limit) reaches
    account_limit exactly when n reaches address_limit.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        per_account, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = settings.ACCOUNTS_LOCKOUT_FAILURES_PER_ACCOUNT
        address_limit = settings.ACCOUNTS_LOCKOUT_FAILURES_PER_ADDRESS
        return max(per_account, per_address * account_limit // address_limit)


def lockout_minutes() -> int:
    return int(settings.ACCOUNTS_LOCKOUT_MINUTES)


def cool_off(request: Any = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long failures count and a lock lasts."""
    return timedelta(minutes=lockout_minutes())


def is_locked_out(request: Any) -> bool:
    """Whether axes refused (or has just locked) the client of this authentication attempt."""
    return bool(getattr(request, "axes_locked_out", False))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page a locked client gets from the staff or the admin sign-in.

    The same page whether the login name exists or not, and it names no account.
    """
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": lockout_minutes()},
        status=429,
    )
