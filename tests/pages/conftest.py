"""Fixtures for the staff page tests: a signed-in client per user, reading English.

The case helpers of tests/complaints/conftest.py (`flow`, `complaint_in`) are re-exported here so
page tests can drive cases to any state through the real services.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.complaints.conftest import complaint_in, flow  # noqa: F401  (fixtures)


@pytest.fixture
def client_for(db) -> Callable[..., Client]:
    """`client_for(user)` → a fresh test client signed in as `user`, with English chosen.

    Pass `language="zh-hans"` (or None for no cookie: the site default, Chinese) to read another
    language.
    """

    def make(user: User | None, *, language: str | None = "en") -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make
