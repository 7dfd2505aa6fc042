"""Account tests: clients that read English, and the sign-in doors as plain functions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

PASSWORD = "demo1234"  # tests.factories.UserFactory's password
TOKEN_URL = "/api/v1/auth/token/"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client: Client, username: str, password: str, **extra: str):
    """A POST to the staff sign-in page."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def admin_sign_in(client: Client, username: str, password: str, **extra: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **extra,
    )


def token_exchange(client: APIClient, username: str, password: str, **extra: str):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", **extra
    )


@pytest.fixture
def web() -> Callable[..., Client]:
    """`web(address)` → a client whose requests come from that address."""

    def make(address: str = "198.51.100.10") -> Client:
        return english(Client(REMOTE_ADDR=address))

    return make


# --- two-factor sign-in ------------------------------------------------------------------------

CODE_URL = "/accounts/login/code/"
TWO_FACTOR_URL = "/accounts/two-factor/"


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or `steps_ahead` × 30 s later)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(user):
    """Turn two-factor sign-in on for `user` through the service; returns (device, backup codes).

    Done a minute ago, so that the app's current code and the next one are still unused (a code
    is good once, and only codes later than the last one used are taken)."""
    import time

    import time_machine

    from accounts.two_factor import authenticator_pending, two_factor_enable

    device = authenticator_pending(user=user)
    with time_machine.travel(time.time() - 2 * device.step):
        outcome, codes = two_factor_enable(user=user, device=device, code=totp_code(device))
    assert outcome == "totp", outcome
    device.refresh_from_db()
    return device, codes


def send_code(client: Client, code: str, **extra: str):
    return client.post(CODE_URL, {"code": code}, **extra)
