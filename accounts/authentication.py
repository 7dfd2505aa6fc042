"""The API's token authentication, with tokens that expire and the two-factor requirement.

A token is valid for ACCOUNTS_API_TOKEN_MAX_AGE_DAYS after it was issued (not after its last use:
that would cost a write on every API request). An expired token answers 401 like an unknown one;
the client exchanges its username and password again (POST /api/v1/auth/token/) and gets a new
one. Tokens are also deleted when the password changes or the account is deactivated
(accounts.signals), and when two-factor sign-in is turned on, replaced or reset
(accounts.two_factor).

Two-factor sign-in: the exchange asks a person with an authenticator for a code (`otp_token`) and
refuses one who must use two-factor sign-in but has not set it up; a token therefore exists only
for someone who gave a code or needed none. A token issued before a role or the setting made two
factors required is refused (403 `two_factor_required`) until its owner enrols and exchanges
again; the check rides on the token's own query.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from accounts.services import api_token_expired
from accounts.two_factor import (
    two_factor_enrolled,
    two_factor_required,
    user_two_factor_annotations,
)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        annotations = user_two_factor_annotations("user_id")
        try:
            token = Token.objects.select_related("user").annotate(**annotations).get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if api_token_expired(token):
            raise AuthenticationFailed(_("The token has expired. Ask for a new one."))
        for name in annotations:
            setattr(user, name, getattr(token, name))
        if two_factor_required(user=user) and not two_factor_enrolled(user=user):
            raise PermissionDenied(
                _(
                    "Your role requires two-factor sign-in. Set it up in the workspace "
                    "(your account menu), then ask for a new token with a code."
                ),
                code="two_factor_required",
            )
        return user, token
