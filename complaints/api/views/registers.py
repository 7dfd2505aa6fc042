"""The registers beside the cases (seed 004 §九, §五.3 H): list, record, read one, forward a legal
document, record a lost item's outcome, and the month's lost-property figures. The services decide
who may do what; a missing entry and one out of reach are the same 404."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import PermissionDenied as ApiForbidden
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Department, User
from complaints.api.parsers import JSONParser
from complaints.api.schema import errors
from complaints.api.serializers.registers import (
    LegalDocumentInputSerializer,
    LegalDocumentSerializer,
    LegalFilesInputSerializer,
    LegalForwardInputSerializer,
    LostOutcomeInputSerializer,
    LostPropertyInputSerializer,
    LostPropertyMonthSerializer,
    LostPropertySerializer,
    RegisterLinkInputSerializer,
)
from complaints.api.views.common import ApiView, signed_in_user, validated
from complaints.errors import InvalidInput
from complaints.models import LegalDocument, LostProperty
from complaints.request_limits import FORM_OVERHEAD_BYTES, body_too_large
from complaints.selectors.registers import (
    legal_document_get_for_user,
    legal_documents_list,
    lost_property_get_for_user,
    lost_property_list,
    lost_property_month,
    month_of,
    with_case_references,
)
from complaints.services.legal_documents import (
    MAX_FILES,
    can_record_legal_documents,
    legal_document_add_files,
    legal_document_forward,
    legal_document_link,
    legal_document_record,
)
from complaints.services.lost_property import (
    can_record_lost_property,
    lost_property_link,
    lost_property_record,
    lost_property_set_outcome,
)
from config.api_errors import ApiError

STATISTICS = "complaints.view_lost_property_statistics"
KIND = OpenApiParameter("kind", OpenApiTypes.STR, description="Only papers of this kind.")
UNFORWARDED = OpenApiParameter(
    "unforwarded", OpenApiTypes.BOOL, description="Only papers not forwarded yet."
)
SEARCH = OpenApiParameter("q", OpenApiTypes.STR, description="Words to look for.")
OPEN = OpenApiParameter("open", OpenApiTypes.BOOL, description="Only items still looked for.")
MONTH = OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; this month if absent.")


def _user_named(username: str, field: str) -> User | None:
    if not username:
        return None
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise InvalidInput({field: [_("No active user has this username.")]})
    return found


def _department_coded(code: str, field: str) -> Department | None:
    if not code:
        return None
    found = Department.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput({field: [_("No department has this code.")]})
    return found


def _legal_response(request: Request, pk: int, status: int = 200) -> Response:
    user = signed_in_user(request)
    document = legal_document_get_for_user(user=user, pk=pk)
    with_case_references(user=user, entries=[document])
    return Response(LegalDocumentSerializer(document).data, status=status)


class LegalDocumentListView(GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = LegalDocumentSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return LegalDocument.objects.none()
        user = signed_in_user(self.request)
        params = self.request.query_params
        return legal_documents_list(
            user=user,
            show="unforwarded" if params.get("unforwarded") in ("1", "true") else "all",
            kind=params.get("kind", "")[:20],
            search=params.get("q", "")[:100],
        ).prefetch_related("files")

    @extend_schema(
        operation_id="legal_documents_list",
        summary="Legal documents received",
        description="The register of lawyer's letters and court, prosecutor and police papers "
        "(seed 004 §九), newest first. Readers without the register see the papers forwarded "
        "to them or their department.",
        parameters=[KIND, UNFORWARDED, SEARCH],
        responses={200: LegalDocumentSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = with_case_references(user=signed_in_user(request), entries=page or [])
        return self.get_paginated_response(LegalDocumentSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="legal_documents_create",
        summary="Record legal papers received",
        description="Senior management is told at once. A lawyer's letter is never `signed`; "
        "other papers are `signed` only with `addressee_matches`, a `signed_by`, and for "
        "official papers a checked identity and `original_received`; court papers without "
        "`evidence_enclosed` need `evidence_inquiry`. Scans are attached afterwards (`files/`).",
        request=LegalDocumentInputSerializer,
        responses={201: LegalDocumentSerializer, **errors(400, 403, 415)},
    )
    def post(self, request: Request) -> Response:
        if not can_record_legal_documents(signed_in_user(request)):
            raise ApiForbidden(_("Your role does not record legal documents."))
        data = validated(LegalDocumentInputSerializer, request)
        data["received_by"] = _user_named(data["received_by"], "received_by")
        data["signed_by"] = _user_named(data["signed_by"], "signed_by")
        document = legal_document_record(actor=signed_in_user(request), **data)
        return _legal_response(request, document.pk, status=201)


class LegalDocumentDetailView(ApiView):
    @extend_schema(
        operation_id="legal_documents_retrieve",
        summary="One legal document received",
        responses={200: LegalDocumentSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _legal_response(request, pk)


class LegalDocumentForwardView(ApiView):
    @extend_schema(
        operation_id="legal_documents_forward",
        summary="Record that the papers were forwarded",
        description="To a department (usually the legal department) and optionally a person of "
        "it, once; they are told.",
        request=LegalForwardInputSerializer,
        responses={200: LegalDocumentSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not can_record_legal_documents(user):
            raise ApiForbidden(_("Your role does not record legal documents."))
        legal_document_get_for_user(user=user, pk=pk)
        data = validated(LegalForwardInputSerializer, request)
        department = _department_coded(data["department"], "department")
        assert department is not None  # the serializer requires it
        legal_document_forward(
            actor=user,
            document_id=pk,
            department=department,
            person=_user_named(data["person"], "person"),
            forwarded_at=data["forwarded_at"],
        )
        return _legal_response(request, pk)


class LegalDocumentFilesView(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="legal_documents_files",
        summary="Attach scans of the papers (multipart/form-data)",
        description="One or more `files`, checked by content like evidence files; at most "
        f"{MAX_FILES} scans per entry. In the audit log.",
        request={"multipart/form-data": LegalFilesInputSerializer},
        responses={200: LegalDocumentSerializer, **errors(400, 403, 404, 413, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not can_record_legal_documents(user):
            raise ApiForbidden(_("Your role does not record legal documents."))
        legal_document_get_for_user(user=user, pk=pk)
        # Refused on its announced size before the body is received.
        limit = settings.COMPLAINTS_EVIDENCE_MAX_BYTES * MAX_FILES + FORM_OVERHEAD_BYTES
        if body_too_large(request, limit=limit):
            raise ApiError(
                status_code=http_status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                code="too_large",
                message=_("The request is over %(limit)s.") % {"limit": filesizeformat(limit)},
            )
        data = validated(LegalFilesInputSerializer, request)
        legal_document_add_files(actor=user, document_id=pk, files=data["files"])
        return _legal_response(request, pk)


class LegalDocumentLinkView(ApiView):
    @extend_schema(
        operation_id="legal_documents_link",
        summary="Link the papers to a complaint",
        description="For papers recorded without one, once; on the case's timeline.",
        request=RegisterLinkInputSerializer,
        responses={200: LegalDocumentSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not can_record_legal_documents(user):
            raise ApiForbidden(_("Your role does not record legal documents."))
        legal_document_get_for_user(user=user, pk=pk)
        data = validated(RegisterLinkInputSerializer, request)
        legal_document_link(actor=user, document_id=pk, complaint=data["complaint"])
        return _legal_response(request, pk)


def _lost_response(request: Request, pk: int, status: int = 200) -> Response:
    user = signed_in_user(request)
    entry = lost_property_get_for_user(user=user, pk=pk)
    with_case_references(user=user, entries=[entry])
    return Response(LostPropertySerializer(entry, context={"request": request}).data, status=status)


class LostPropertyListView(GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = LostPropertySerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return LostProperty.objects.none()
        params = self.request.query_params
        return lost_property_list(
            user=signed_in_user(self.request),
            show="open" if params.get("open") in ("1", "true") else "all",
            search=params.get("q", "")[:100],
        ).select_related("recorded_by")

    @extend_schema(
        operation_id="lost_property_list",
        summary="The lost property register",
        description="Customers' lost or stolen belongings (seed 004 §五.3 H), by when they were "
        "lost, newest first.",
        parameters=[OPEN, SEARCH],
        responses={200: LostPropertySerializer(many=True), **errors(404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        user = signed_in_user(request)
        rows = with_case_references(user=user, entries=page or [])
        return self.get_paginated_response(
            LostPropertySerializer(rows, many=True, context={"request": request}).data
        )

    @extend_schema(
        operation_id="lost_property_create",
        summary="Record lost property",
        request=LostPropertyInputSerializer,
        responses={201: LostPropertySerializer, **errors(400, 403, 415)},
    )
    def post(self, request: Request) -> Response:
        if not can_record_lost_property(signed_in_user(request)):
            raise ApiForbidden(_("Your role does not record lost property."))
        data = validated(LostPropertyInputSerializer, request)
        data["department"] = _department_coded(data["department"], "department")
        entry = lost_property_record(actor=signed_in_user(request), **data)
        return _lost_response(request, entry.pk, status=201)


class LostPropertyDetailView(ApiView):
    @extend_schema(
        operation_id="lost_property_retrieve",
        summary="One lost property entry",
        responses={200: LostPropertySerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _lost_response(request, pk)


class LostPropertyOutcomeView(ApiView):
    @extend_schema(
        operation_id="lost_property_outcome",
        summary="Record what came of a lost item",
        description="Returned, not found, or left to the police (with the police report number).",
        request=LostOutcomeInputSerializer,
        responses={200: LostPropertySerializer, **errors(400, 403, 404, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not can_record_lost_property(user):
            raise ApiForbidden(_("Your role does not record lost property."))
        lost_property_get_for_user(user=user, pk=pk)
        data = validated(LostOutcomeInputSerializer, request)
        lost_property_set_outcome(actor=user, entry_id=pk, **data)
        return _lost_response(request, pk)


class LostPropertyStatisticsView(ApiView):
    @extend_schema(
        operation_id="lost_property_statistics",
        summary="The month's lost property figures",
        description="What risk control presents each month (seed 004 §五.2 F): the count by "
        "kind, department, place in the store and local hour of day, by when items were lost.",
        parameters=[MONTH],
        responses={200: LostPropertyMonthSerializer, **errors(403)},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not user.has_perm(STATISTICS):
            raise ApiForbidden(_("Your role does not see the lost property statistics."))
        year, month = month_of(request.query_params.get("month"), timezone.localdate())
        figures = lost_property_month(year=year, month=month)
        return Response(
            LostPropertyMonthSerializer(
                {
                    "month": f"{year}-{month:02d}",
                    "total": figures.total,
                    "returned": figures.returned,
                    "by_kind": [{"name": c, "count": n} for c, _l, n in figures.by_kind],
                    "by_department": [
                        {"name": label, "count": n} for _pk, label, n in figures.by_department
                    ],
                    "by_area": [{"name": a, "count": n} for a, n in figures.by_area],
                    "by_hour": figures.by_hour,
                }
            ).data
        )


class LostPropertyLinkView(ApiView):
    @extend_schema(
        operation_id="lost_property_link",
        summary="Link a lost item to a complaint",
        description="For an entry recorded without one, once; on the case's timeline.",
        request=RegisterLinkInputSerializer,
        responses={200: LostPropertySerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not can_record_lost_property(user):
            raise ApiForbidden(_("Your role does not record lost property."))
        lost_property_get_for_user(user=user, pk=pk)
        data = validated(RegisterLinkInputSerializer, request)
        lost_property_link(actor=user, entry_id=pk, complaint=data["complaint"])
        return _lost_response(request, pk)
