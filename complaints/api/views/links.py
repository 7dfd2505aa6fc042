"""Related and duplicate complaints (issue 18 §4): the possible duplicates of a case, its links,
linking as related and merging as a duplicate (complaints.services.duplicates)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import IF_MATCH, REFERENCE, errors
from complaints.api.serializers.complaints import ComplaintSerializer
from complaints.api.serializers.links import (
    LinkedComplaintSerializer,
    LinkInputSerializer,
    MergeInputSerializer,
    PossibleDuplicateSerializer,
)
from complaints.api.views.common import (
    ApiView,
    case_reference,
    complaint_response,
    expected_version,
    load_complaint,
    signed_in_user,
)
from complaints.models import Complaint
from complaints.selectors import complaint_get_for_user
from complaints.selectors.duplicates import linked_cases, possible_duplicates_of
from complaints.services.duplicates import (
    LINK_NEEDS,
    MERGE_NEEDS,
    complaint_link_related,
    complaint_merge_duplicate,
)


def _other(request: Request, reference: str) -> Complaint:
    return complaint_get_for_user(user=signed_in_user(request), reference=case_reference(reference))


class PossibleDuplicatesView(ApiView):
    @extend_schema(
        operation_id="complaints_possible_duplicates_list",
        summary="The complaints this one may repeat",
        description=(
            "Open complaints, or ended within COMPLAINTS_DUPLICATE_WINDOW_DAYS days, of the same "
            "customer (phone, e-mail) or with the same order number, that you may read; itself "
            "and those already linked to it left out. Newest first, at most 10."
        ),
        parameters=[REFERENCE],
        responses={200: PossibleDuplicateSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        found = possible_duplicates_of(user=signed_in_user(request), complaint=complaint)
        context = {"customer_id": complaint.customer_id}
        return Response(PossibleDuplicateSerializer(found, many=True, context=context).data)


class LinkListView(ApiView):
    @extend_schema(
        operation_id="complaints_links_list",
        summary="The complaints linked to this one",
        parameters=[REFERENCE],
        responses={200: LinkedComplaintSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        rows = linked_cases(user=signed_in_user(request), complaint=complaint)
        return Response(LinkedComplaintSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="complaints_links_create",
        summary="Link this complaint to another as related",
        description="Both complaints go on; the link shows on both, with a timeline entry on each.",
        parameters=[REFERENCE],
        request=LinkInputSerializer,
        responses={201: LinkedComplaintSerializer(many=True), **errors(400, 403, 404, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=LINK_NEEDS)
        serializer = LinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = signed_in_user(request)
        complaint_link_related(
            actor=user,
            complaint=complaint,
            other=_other(request, serializer.validated_data["other"]),
            comment=serializer.validated_data.get("comment", ""),
        )
        rows = linked_cases(user=user, complaint=complaint)
        return Response(
            LinkedComplaintSerializer(rows, many=True).data, status=status.HTTP_201_CREATED
        )


class MergeView(ApiView):
    @extend_schema(
        operation_id="complaints_merge",
        summary="Merge this complaint into another as a duplicate",
        description=(
            "This complaint (at intake or triage) ends as rejected with the ground `duplicate`; "
            "its evidence and the customer's messages are copied to the other, and the customer "
            "is told the one reference to follow. Two customers need `confirm_other_customer`. "
            "Answers this complaint as it is now."
        ),
        parameters=[REFERENCE, IF_MATCH],
        request=MergeInputSerializer,
        responses={200: ComplaintSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=MERGE_NEEDS)
        serializer = MergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = complaint_merge_duplicate(
            actor=signed_in_user(request),
            duplicate=complaint,
            survivor=_other(request, data["into"]),
            comment=data.get("comment", ""),
            confirm_other_customer=data.get("confirm_other_customer", False),
            expected_version=expected_version(request, data),
        )
        return complaint_response(request, result.duplicate)
