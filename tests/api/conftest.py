"""API test helpers: a token-authenticated client per user, and the service-level Flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from complaints.models import Complaint
from sla.selectors import working_calendar_cache_clear
from tests.complaints.conftest import complaint_in, flow  # noqa: F401  (fixtures)

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Throttle counters live in the cache and test transactions roll back the calendar rows.
    cache.clear()
    working_calendar_cache_clear()
    yield
    cache.clear()
    working_calendar_cache_clear()


class Api:
    """An API client acting as one user, in English so messages can be read in assertions."""

    def __init__(self, user: User | None) -> None:
        self.client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        self.user = user

    def get(self, path: str, **params: Any):
        return self.client.get(_url(path), params)

    def post(self, path: str, data: Any = None, **headers: str):
        return self.client.post(_url(path), data, format="json", headers=headers or None)

    def patch(self, path: str, data: Any = None, **headers: str):
        return self.client.patch(_url(path), data, format="json", headers=headers or None)

    def put(self, path: str, data: Any = None, **headers: str):
        return self.client.put(_url(path), data, format="json", headers=headers or None)

    def upload(self, path: str, data: dict[str, Any]):
        return self.client.post(_url(path), data, format="multipart")


def _url(path: str) -> str:
    return path if path.startswith("/") else f"{API}/{path}"


@pytest.fixture
def api_for() -> Callable[[User | None], Api]:
    return Api


@pytest.fixture
def case_url() -> Callable[..., str]:
    """`case_url(complaint, "notes")` → complaints/<reference>/notes/."""

    def make(complaint: Complaint | str, *parts: str | int) -> str:
        reference = complaint if isinstance(complaint, str) else complaint.reference
        tail = "".join(f"{part}/" for part in parts)
        return f"complaints/{reference}/{tail}"

    return make


def error_of(response) -> dict[str, Any]:
    """The error object of an error answer, after checking the one shape every error has."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    assert body["error"]["message"], body
    return body["error"]


NEW_COMPLAINT: dict[str, Any] = {
    "channel": "phone",
    "customer": {"name": "王先生", "phone": "13812345678", "email": "wang@example.com"},
    "subject": "空调维修后仍不制冷",
    "description": "上周维修过的空调再次不制冷，要求重新维修并赔偿损失。",
    "category": "repair-quality",
}
