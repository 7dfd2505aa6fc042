"""What every API view shares: JSON in and out, the scoped case lookup, the version it expects."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from accounts.models import User
from complaints.api.parsers import JSONParser
from complaints.api.selectors import complaint_for_response
from complaints.api.serializers.complaints import ComplaintSerializer
from complaints.domain.references import parse_reference
from complaints.errors import NotFound
from complaints.models import Complaint
from complaints.selectors import complaint_get_for_user
from complaints.services import ensure_role_may, ensure_workable


class ApiView(APIView):
    parser_classes = [JSONParser]


def signed_in_user(request: Request) -> User:
    """The staff member behind the request, for a handler the IsAuthenticated default has let in."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user


def case_reference(text: str) -> str:
    """The reference an address names, in any letter case. What intake never writes cannot exist:
    a 404 without a query (and a NUL byte never reaches PostgreSQL)."""
    reference = parse_reference(text)
    if not reference:
        raise NotFound()
    return reference


def validated(serializer_class: type[Serializer], request: Request) -> dict[str, Any]:
    """The request body checked by `serializer_class`; a 400 listing every problem otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def load_complaint(request: Request, reference: str, *, needs: tuple[str, ...] = ()) -> Complaint:
    """The case if the user may see it; out of scope and missing are the same 404. A change asked
    by someone who only reads the case (they passed it on), or whose role lacks all of `needs`
    (complaints.services.Needs), is a 403 before its body is read."""
    user = signed_in_user(request)
    complaint = complaint_get_for_user(user=user, reference=case_reference(reference))
    if request.method not in SAFE_METHODS:
        ensure_workable(actor=user, complaint=complaint)
        if needs:
            ensure_role_may(actor=user, perms=needs)
    return complaint


def expected_version(request: Request, data: dict[str, Any]) -> int | None:
    """The version the client based its change on: the body's `version`, else If-Match."""
    if data.get("version") is not None:
        version: int = data["version"]  # the serializer's IntegerField
        return version
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ValidationError({"If-Match": [_('Send the complaint\'s version, e.g. "3".')]})
    return int(value)


def complaint_response(request: Request, complaint: Complaint, status: int = 200) -> Response:
    """The case as it is now, with its version as the ETag."""
    fresh = complaint_for_response(complaint=complaint)
    return Response(
        ComplaintSerializer(fresh, context={"request": request}).data,
        status=status,
        headers={"ETag": f'"{fresh.version}"'},
    )
