"""One JSON error shape for the whole API.

Every error answer is `{"error": {"code", "message", "fields"?, "allowed"?, "reasons"?}}`:
- `code` is stable (clients branch on it), `message` is for people (in the request's language);
- `fields` maps an input field to its messages (400 "invalid");
- `allowed` lists the transitions the user may perform now (409 "transition_not_allowed");
- `reasons` lists the conditions not met yet (409 "condition_not_met").

Domain errors (complaints.errors) map to statuses here, once; DRF's own exceptions (validation,
parse errors, authentication, throttling...), Django's Http404 / PermissionDenied and a body over
DATA_UPLOAD_MAX_MEMORY_SIZE (413 `too_large`) are reshaped to the same body. Anything else is a bug
and is left to Django (a 500). What never reaches a DRF view under /api/ (an unknown path, a
refusal in a middleware, a 500) gets the same body from Django's error handlers (`handler*` in
config/urls.py); pages elsewhere keep Django's HTML answers.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.urls import resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from complaints import errors
from config.db_errors import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)

# Domain error → HTTP status. ConditionNotMet is a 409 (the request is well formed but the case
# is not in a state that allows it yet), like the other "not now" answers.
DOMAIN_STATUS: dict[type[errors.ComplaintError], int] = {
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.UnknownTransition: status.HTTP_404_NOT_FOUND,
    errors.PermissionDenied: status.HTTP_403_FORBIDDEN,
    errors.InvalidInput: status.HTTP_400_BAD_REQUEST,
    errors.TransitionNotAllowed: status.HTTP_409_CONFLICT,
    errors.ConditionNotMet: status.HTTP_409_CONFLICT,
    errors.Conflict: status.HTTP_409_CONFLICT,
}


class ApiError(exceptions.APIException):
    """An API-level refusal with our own code (e.g. a reused idempotency key)."""

    def __init__(
        self, *, status_code: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        self.status_code = status_code
        super().__init__(detail=message, code=code)
        self.error_code = code
        # Read by exception_handler for the Retry-After header, as DRF's Throttled.wait is.
        self.wait = retry_after


def error_body(
    code: str,
    message: str,
    *,
    fields: dict[str, list[str]] | None = None,
    allowed: list[str] | None = None,
    reasons: list[str] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": str(message)}
    if fields is not None:
        error["fields"] = fields
    if allowed is not None:
        error["allowed"] = allowed
    if reasons is not None:
        error["reasons"] = reasons
    return {"error": error}


def database_unavailable_message() -> str:
    return _(
        "The database could not be reached just now, so nothing of this request was saved. "
        "Please send it again in a few seconds."
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, errors.ComplaintError):
        return _domain_response(exc)
    if database_unavailable(exc):
        logger.warning("Database unavailable during an API request", exc_info=exc)
        return Response(
            error_body("database_unavailable", database_unavailable_message()),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        set_rollback()
        code, status_code, message = _suspicious(exc)
        return Response(error_body(code, message), status=status_code)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(int(wait))
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            errors.InvalidInput.code,
            errors.InvalidInput.default_message,
            fields=validation_fields(exc.detail),
        )
    else:
        code = getattr(exc, "error_code", None) or _drf_code(exc)
        body = error_body(code, _message(exc.detail))
    return Response(body, status=exc.status_code, headers=headers)


def _domain_response(exc: errors.ComplaintError) -> Response:
    set_rollback()
    status_code = next(
        (code for kind, code in DOMAIN_STATUS.items() if isinstance(exc, kind)),
        status.HTTP_400_BAD_REQUEST,
    )
    extra: dict[str, Any] = {}
    if isinstance(exc, errors.InvalidInput):
        extra["fields"] = exc.fields
    elif isinstance(exc, errors.TransitionNotAllowed):
        extra["allowed"] = exc.allowed
    elif isinstance(exc, errors.ConditionNotMet):
        extra["reasons"] = exc.reasons
    return Response(error_body(exc.code, exc.message, **extra), status=status_code)


def _drf_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _message(detail: Any) -> str:
    if isinstance(detail, list | tuple) and detail:
        return " ".join(_message(item) for item in detail)
    if isinstance(detail, dict) and detail:
        return " ".join(_message(item) for item in detail.values())
    return str(detail) or _("The request could not be carried out.")


def validation_fields(detail: Any) -> dict[str, list[str]]:
    """DRF's nested error detail as flat `field.sub_field: [messages]` (list items by index)."""
    fields: dict[str, list[str]] = {}
    for name, messages in _flatten(detail, ""):
        fields.setdefault(name, []).extend(messages)
    return fields


def _flatten(detail: Any, prefix: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            yield prefix or "non_field_errors", [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix or "non_field_errors", [str(detail)]


def _suspicious(exc: SuspiciousOperation) -> tuple[str, int, str]:
    """A request Django refuses to read: too big (413), else malformed (400). Never its details."""
    if isinstance(exc, RequestDataTooBig):
        return (
            "too_large",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            _("The request is over the size limit; nothing of it was kept."),
        )
    return "bad_request", status.HTTP_400_BAD_REQUEST, _("The request could not be read.")


# Django's error handlers, for what never reached a DRF view: JSON under /api/, pages elsewhere.
API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, SuspiciousOperation):
        code, status_code, message = _suspicious(exception)
        return _json(code, message, status_code)
    return _json("bad_request", _("The request could not be read."), status.HTTP_400_BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    denied = exceptions.PermissionDenied()
    return _json(denied.default_code, str(denied.detail), status.HTTP_403_FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    missing = exceptions.NotFound()
    return _json(missing.default_code, str(missing.detail), status.HTTP_404_NOT_FOUND)


@csrf_exempt  # a POST to a wrong path is a 404, not a CSRF refusal
def route_not_found(request: HttpRequest) -> HttpResponse:
    """The last route under /api/: no other matched. Called as a view, so Django's DEBUG 404
    page (HTML) never answers an API path. A route's address without its final slash is still
    redirected to it (APPEND_SLASH, which this catch-all would otherwise stop)."""
    # resolve() never raises here: this route answers every /api/ path.
    if (
        settings.APPEND_SLASH
        and not request.path_info.endswith("/")
        and resolve(f"{request.path_info}/").func is not route_not_found
    ):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return page_not_found(request, Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: a lost database connection is "try again".
    if database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    if not _is_api(request):
        return defaults.server_error(request)
    return _json(
        "server_error",
        _("Something went wrong on our side; it has been logged."),
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, elsewhere a page that needs no database (no
    context processors, no session, no user) to say that nothing was saved and to send again."""
    if _is_api(request):
        response: HttpResponse = _json(
            "database_unavailable",
            database_unavailable_message(),
            status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": database_unavailable_message()}),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
