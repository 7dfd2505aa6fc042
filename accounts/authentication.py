"""The API's token authentication, with tokens that expire.

A token is valid for ACCOUNTS_API_TOKEN_MAX_AGE_DAYS after it was issued (not after its last use:
that would cost a write on every API request). An expired token answers 401 like an unknown one;
the client exchanges its username and password again (POST /api/v1/auth/token/) and gets a new
one. Tokens are also deleted when the password changes or the account is deactivated
(accounts.signals).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.services import api_token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise AuthenticationFailed(_("The token has expired. Ask for a new one."))
        return user, token
