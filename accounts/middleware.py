"""Sessions that end after a time of inactivity, and the request the audit log attributes to.

Django counts SESSION_COOKIE_AGE from the session's last save, and saves it only when it changed;
SESSION_SAVE_EVERY_REQUEST would cost a write on every page. Instead, a signed-in session is
saved again (its expiry pushed SESSION_COOKIE_AGE ahead) when its last save is older than
ACCOUNTS_SESSION_REFRESH_SECONDS: at most one write in that time, none on most pages. A
session then ends between SESSION_COOKIE_AGE − refresh and SESSION_COOKIE_AGE after the last
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

from accounts.services import audit_request

# Seconds since the epoch of the session's last save by this rule.
ACTIVITY_KEY = "_activity_saved_at"


def note_session_activity(session: Any) -> None:
    session[ACTIVITY_KEY] = int(time.time())


class SessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request has read already (the signed-in user was looked up): no
        # extra query for requests that never asked who is signed in.
        if session is not None and session.accessed and session.get(SESSION_KEY):
            saved_at = session.get(ACTIVITY_KEY) or 0
            refresh = min(
                settings.ACCOUNTS_SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 2
            )
            if time.time() - saved_at >= refresh:
                note_session_activity(session)
        return response


class AuditRequestMiddleware:
    """Lets the audit log name who changed a role or a flag in the request (accounts.services)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_request(request):
            return self.get_response(request)
