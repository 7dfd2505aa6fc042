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
