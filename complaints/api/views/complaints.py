"""Complaints: list (filtered, paginated), create (idempotent), read, triage (PATCH)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.idempotency import idempotency_key, idempotent_create, request_fingerprint
from complaints.api.parsers import JSONParser
from complaints.api.schema import IDEMPOTENCY_KEY, IF_MATCH, REFERENCE, errors
from complaints.api.selectors import (
    complaint_detail_for_user,
    complaint_for_response,
    complaints_for_list,
)
from complaints.api.serializers.complaints import (
    ComplaintCreateSerializer,
    ComplaintSerializer,
    ComplaintTriageSerializer,
)
from complaints.api.views.common import (
    ApiView,
    case_reference,
    complaint_response,
    expected_version,
    load_complaint,
    signed_in_user,
)
from complaints.errors import InvalidInput
from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from complaints.services import (
    Flags,
    Needs,
    complaint_create,
    complaint_triage,
    ensure_role_may,
)

# The intake service names the customer's fields without the prefix the API nests them under.
CUSTOMER_FIELD_NAMES = {"name": "customer.name", "phone": "customer.phone"}


class ComplaintListView(GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = ComplaintSerializer
    # ComplaintFilter has its own `ordering` filter, so DRF's OrderingFilter is left out.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ComplaintFilter

    def get_queryset(self) -> QuerySet[Complaint]:
        return complaints_for_list(user=self.request.user)

    @extend_schema(
        operation_id="complaints_list",
        summary="List the complaints you can see",
        responses={200: ComplaintSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = ComplaintSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        operation_id="complaints_create",
        summary="Record a complaint",
        parameters=[IDEMPOTENCY_KEY],
        request=ComplaintCreateSerializer,
        responses={
            201: OpenApiResponse(
                ComplaintSerializer,
                description="Created; a retry with the same Idempotency-Key returns the same body "
                "with the header `Idempotent-Replayed: true`.",
            ),
            **errors(400, 403, 415, 422),
        },
    )
    def post(self, request: Request) -> Response:
        # The role first: one that may not record complaints hears so, whatever it sent.
        ensure_role_may(actor=signed_in_user(request), perms=Needs.RECEIVE)
        serializer = ComplaintCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = idempotency_key(request)

        def create() -> tuple[Complaint, int, dict[str, Any]]:
            complaint = _create(request, data)
            body = ComplaintSerializer(
                complaint_for_response(complaint=complaint), context={"request": request}
            ).data
            return complaint, status.HTTP_201_CREATED, body

        if key is None:
            complaint, code, body = create()
            return Response(body, status=code, headers=_created_headers(complaint.reference))
        answer = idempotent_create(
            user=signed_in_user(request),
            key=key,
            fingerprint=request_fingerprint(request),
            create=create,
        )
        headers = _created_headers(answer.complaint_reference)
        if answer.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(answer.body, status=answer.status, headers=headers)


def _create(request: Request, data: dict[str, Any]) -> Complaint:
    customer = data["customer"]
    try:
        return complaint_create(
            actor=signed_in_user(request),
            channel=data["channel"],
            subject=data["subject"],
            description=data["description"],
            customer_name=customer["name"],
            customer_phone=customer["phone"],
            customer_email=customer.get("email", ""),
            customer_address=customer["address"],
            customer_region=customer["region"],
            customer_language=customer["language"],
            received_at=data.get("received_at"),
            product_or_service=data["product_or_service"],
            order_ref=data["order_ref"],
            expected_resolution=data["expected_resolution"],
            remedy_sought=data["remedy_sought"],
            amount_claimed=data["amount_claimed"],
            category=data["category"],
            severity=data.get("severity", ""),
            department=data["department"],
            flags=Flags(**data.get("flags", {})),
            region=data["region"],
        )
    except InvalidInput as exc:
        raise InvalidInput(
            {
                CUSTOMER_FIELD_NAMES.get(name, name): messages
                for name, messages in exc.fields.items()
            }
        ) from exc


def _created_headers(reference: str) -> dict[str, str]:
    return {"Location": reverse("api-complaint-detail", kwargs={"reference": reference})}


class ComplaintDetailView(ApiView):
    @extend_schema(
        operation_id="complaints_retrieve",
        summary="Read a complaint",
        parameters=[REFERENCE],
        responses={200: ComplaintSerializer, **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = complaint_detail_for_user(
            user=signed_in_user(request), reference=case_reference(reference)
        )
        return Response(
            ComplaintSerializer(complaint, context={"request": request}).data,
            headers={"ETag": f'"{complaint.version}"'},
        )

    @extend_schema(
        operation_id="complaints_triage",
        summary="Triage: category, severity, department, assignee, flags",
        parameters=[REFERENCE, IF_MATCH],
        request=ComplaintTriageSerializer,
        responses={200: ComplaintSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.TRIAGE)
        serializer = ComplaintTriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, data)
        data.pop("version", None)
        flags = data.pop("flags", {})
        updated = complaint_triage(
            complaint=complaint,
            actor=signed_in_user(request),
            expected_version=version,
            **data,
            **flags,
        )
        return complaint_response(request, updated)
