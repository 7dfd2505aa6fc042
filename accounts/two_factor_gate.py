"""The two-step sign-in's state in the session, and the gate every signed-in request passes.

Sign-in with two factors (accounts.views): a right password for a person with an authenticator
does not sign them in. The session only remembers, for ACCOUNTS_TWO_FACTOR_CODE_MINUTES, whose
password it was (`pending_start`); the code page signs them in once the code is right
(`sign_in_complete`), and django-otp keeps the device that verified the session.

The gate (TwoFactorGateMiddleware) then holds every signed-in request to this rule:
- a person with an authenticator whose session was not verified by it (it began before they
  enrolled elsewhere, their authenticator was replaced, or some door skipped the code) is signed
  out and sent to sign in again;
- a person who must use two-factor sign-in (accounts.two_factor.two_factor_required) and has no
  authenticator yet can open the enrolment page, sign out and change language, nothing else: pages
  redirect there, the API answers 403 `two_factor_required`.
Whether the person has an authenticator and whether a role requires one come with the signed-in
user's own query (accounts.backends); a verified session costs django-otp's one look-up of its
device.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp.models import Device

from accounts.models import User
from accounts.signals import DOOR_ATTRIBUTE, SECOND_FACTOR_ATTRIBUTE
from accounts.two_factor import two_factor_enrolled, two_factor_required

PENDING_KEY = "two_factor_pending"

# What a person who must enrol can still open (URL names).
OPEN_WHILE_ENROLLING = frozenset({"two_factor", "logout", "language", "set_language"})


# --- the step between the password and the code ---------------------------------------------


def pending_start(request: HttpRequest, *, user: User, next_url: str, door: str) -> None:
    """Remember that `user` gave the right password; the code page finishes the sign-in."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None),
        "since": int(time.time()),
        "next": next_url,
        "door": door,
    }


def pending_get(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The person whose password was right, while the code page waits for their code."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("since", 0) > settings.ACCOUNTS_TWO_FACTOR_CODE_MINUTES * 60:
        pending_clear(request)
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        pending_clear(request)
        return None
    user = User._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None:
        pending_clear(request)
        return None
    return user, data


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def sign_in_complete(
    request: HttpRequest,
    *,
    user: User,
    backend: str | None,
    device: Device | None,
    second_factor: str | None,
    door: str,
) -> None:
    """Sign the person in. With `device`, the session is verified by it (django-otp's receiver of
    user_logged_in keeps its id in the session); the audit entry names the second factor."""
    pending_clear(request)
    setattr(request, DOOR_ATTRIBUTE, door)
    setattr(request, SECOND_FACTOR_ATTRIBUTE, second_factor)
    if device is not None:
        user.otp_device = device  # type: ignore[attr-defined]
    login(request, user, backend)


# --- the gate ---------------------------------------------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    # The API's error shape (config.api_errors), which accounts, below the other apps, cannot import.
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _open_while_enrolling(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in OPEN_WHILE_ENROLLING


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class TwoFactorGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated and not user.is_verified():
            if two_factor_enrolled(user=user):
                return self._sign_in_again(request)
            if two_factor_required(user=user) and not _open_while_enrolling(request):
                return self._to_enrolment(request)
        return self.get_response(request)

    def _sign_in_again(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        message = _("Sign in again with a code from your authenticator app.")
        if _is_api(request):
            return _api_error(401, "not_authenticated", message)
        messages.info(request, message)
        login_url = redirect_to_login(request.get_full_path()).url
        return _go(request, login_url)

    def _to_enrolment(self, request: HttpRequest) -> HttpResponse:
        message = _(
            "Your role requires two-factor sign-in. Set it up to continue: it takes a minute."
        )
        if _is_api(request):
            return _api_error(403, "two_factor_required", message)
        url = reverse("two_factor")
        if request.method == "GET":
            url = f"{url}?next={quote(request.get_full_path())}"
        return _go(request, url)
