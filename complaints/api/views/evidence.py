"""Evidence: multipart upload, the list, one file's metadata, and the download of its bytes."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import REFERENCE, errors
from complaints.api.selectors import complaint_evidence, complaint_evidence_get
from complaints.api.serializers.evidence import EvidenceInputSerializer, EvidenceSerializer
from complaints.api.views.common import ApiView, load_complaint, signed_in_user
from complaints.downloads import SERVED_CONTENT_TYPES, evidence_file_response
from complaints.request_limits import FORM_OVERHEAD_BYTES, body_too_large
from complaints.services import Needs, evidence_add
from config.api_errors import ApiError


class EvidenceListView(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="complaints_evidence_list",
        summary="The case's evidence files",
        parameters=[REFERENCE],
        responses={200: EvidenceSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        context = {"request": request, "reference": complaint.reference}
        return Response(
            EvidenceSerializer(
                complaint_evidence(complaint=complaint), many=True, context=context
            ).data
        )

    @extend_schema(
        operation_id="complaints_evidence_create",
        summary="Upload an evidence file (multipart/form-data)",
        description="The type is recognised from the content, never from the name; a file of "
        "another type or over the size limit is a 400 with `fields.file`.",
        parameters=[REFERENCE],
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceSerializer, **errors(400, 403, 404, 409, 413, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.ADD_EVIDENCE)
        # One file per request: refused on its announced size before the body is received.
        limit = settings.COMPLAINTS_EVIDENCE_MAX_BYTES + FORM_OVERHEAD_BYTES
        if body_too_large(request, limit=limit):
            raise ApiError(
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                code="too_large",
                message=_("The request is over %(limit)s; the largest file taken is %(max)s.")
                % {
                    "limit": filesizeformat(limit),
                    "max": filesizeformat(settings.COMPLAINTS_EVIDENCE_MAX_BYTES),
                },
            )
        serializer = EvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evidence = evidence_add(
            complaint=complaint,
            actor=signed_in_user(request),
            kind=data["kind"],
            upload=data["file"],
            description=data["description"],
        )
        context = {"request": request, "reference": complaint.reference}
        return Response(
            EvidenceSerializer(evidence, context=context).data, status=status.HTTP_201_CREATED
        )


class EvidenceDetailView(ApiView):
    @extend_schema(
        operation_id="complaints_evidence_retrieve",
        summary="One evidence file's details",
        parameters=[REFERENCE],
        responses={200: EvidenceSerializer, **errors(404)},
    )
    def get(self, request: Request, reference: str, evidence_id: int) -> Response:
        complaint = load_complaint(request, reference)
        evidence = complaint_evidence_get(complaint=complaint, evidence_id=evidence_id)
        context = {"request": request, "reference": complaint.reference}
        return Response(EvidenceSerializer(evidence, context=context).data)


class JsonErrorsAnyAccept(BaseContentNegotiation):
    """A download answers with the file's own type whatever the client accepts; errors in JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class EvidenceDownloadView(ApiView):
    content_negotiation_class = JsonErrorsAnyAccept

    @extend_schema(
        operation_id="complaints_evidence_download",
        summary="Download an evidence file",
        description="Streams the stored bytes with their checked content type, as an attachment. "
        "Evidence of a kind restricted from you (medical records, identity documents) is a 404.",
        parameters=[REFERENCE],
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file; Content-Type is its checked type."
                )
                for content_type in sorted(SERVED_CONTENT_TYPES)
            },
            **errors(404),
        },
    )
    def get(self, request: Request, reference: str, evidence_id: int) -> HttpResponseBase:
        complaint = load_complaint(request, reference)
        evidence = complaint_evidence_get(complaint=complaint, evidence_id=evidence_id)
        # A missing stored file, or a kind restricted from this reader, is an Http404, which the
        # API answers as its JSON 404.
        return evidence_file_response(evidence, reader=request.user)
