"""The customers' tracking, adding information, withdrawing and survey pages: a complaint a customer
follows, and fresh rate-limit counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from complaints.public_links import survey_token, tracking_token
from tests.complaints.conftest import complaint_in, flow  # noqa: F401  (fixtures)

PHONE = "13812345678"
EMAIL = "wang.wei@example.com"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # django-ratelimit counts in the default cache (local memory in tests): start each test at zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer_case(complaint_in):  # noqa: F811  (the imported fixture)
    """A factory: a case in `state` whose customer gave a phone and an e-mail address."""

    def make(state: str = "investigation", **overrides):
        overrides.setdefault("customer_email", EMAIL)
        return complaint_in(state, **overrides)

    return make


def track_url(complaint) -> str:
    return f"/complaint/track/{tracking_token(complaint)}/"


def survey_url(complaint) -> str:
    return f"/complaint/survey/{survey_token(complaint)}/"


@pytest.fixture
def client(client):
    """The customer's browser, in English (the site's default is Chinese; tests read English)."""
    client.cookies["django_language"] = "en"
    return client
