"""Signing in brings back the language the user chose last time.

Django 5.2 keeps the language choice only in a cookie (the session key was removed in Django 4.0),
and a signal has no response to set a cookie on; so the receiver notes the language on the request
and the sign-in view (accounts.views.SignInView) writes the cookie with its redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import check_for_language

from accounts.models import User

REQUEST_ATTRIBUTE = "language_after_sign_in"


@receiver(user_logged_in, dispatch_uid="accounts.language_after_sign_in")
def remember_language(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and user.language and check_for_language(user.language):
        setattr(request, REQUEST_ATTRIBUTE, user.language)
