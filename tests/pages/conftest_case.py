"""Helpers for the case-page and intake tests; import the fixtures you use into the test module.

(Not a conftest.py of its own: tests/pages/conftest.py belongs to the layout tests. The fixtures
here are imported explicitly, e.g. `from tests.pages.conftest_case import page_fixture  # noqa: F401`.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from complaints.models import Complaint
from tests.complaints.test_evidence import PDF, png_bytes

__all__ = ["PDF", "CasePages", "case_url", "page_fixture", "png_bytes", "stored"]


def case_url(complaint: Complaint, name: str = "case_detail", *args: Any) -> str:
    return reverse(name, args=[complaint.reference, *args])


def stored(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


@dataclass
class CasePages:
    """Posts to a case page's action URLs as one user, with the version the page was read at."""

    client_for: Callable[..., Client]
    # One signed-in client per user, so a message set by a POST is read by the next GET.
    clients: dict[int, Client] = field(default_factory=dict)

    def client(self, user: User) -> Client:
        if user.pk not in self.clients:
            self.clients[user.pk] = self.client_for(user)
        return self.clients[user.pk]

    def post(
        self,
        user: User,
        complaint: Complaint,
        name: str,
        data: dict[str, Any] | None = None,
        *args: Any,
        version: int | None = None,
        **extra: Any,
    ):
        payload = {"expected_version": version if version is not None else complaint.version}
        payload.update(data or {})
        return self.client(user).post(case_url(complaint, name, *args), payload, **extra)

    def step(self, user: User, complaint: Complaint, name: str, data=None, **kwargs):
        return self.post(user, complaint, "case_transition", data, name, **kwargs)

    def get(self, user: User, complaint: Complaint):
        return self.client(user).get(case_url(complaint))


@pytest.fixture(name="page")
def page_fixture(client_for) -> CasePages:
    """`page`: post to and read case pages as any user (imported as page_fixture)."""
    return CasePages(client_for)
