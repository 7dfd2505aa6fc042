"""Decisions: list, propose, approve, refuse (within the approver's authority limit)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import REFERENCE, errors
from complaints.api.selectors import complaint_decision_get, complaint_decisions
from complaints.api.serializers.decisions import (
    DecisionInputSerializer,
    DecisionSerializer,
    DecisionVerdictInputSerializer,
)
from complaints.api.views.common import ApiView, load_complaint, signed_in_user
from complaints.models import Complaint, Decision
from complaints.services import Needs, decision_approve, decision_propose, decision_refuse


def _decision_response(complaint: Complaint, decision: Decision, code: int = 200) -> Response:
    fresh = complaint_decision_get(complaint=complaint, decision_id=decision.pk)
    return Response(DecisionSerializer(fresh).data, status=code)


class DecisionListView(ApiView):
    @extend_schema(
        operation_id="complaints_decisions_list",
        summary="The case's decisions, every handling round, oldest first",
        parameters=[REFERENCE],
        responses={200: DecisionSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        return Response(
            DecisionSerializer(complaint_decisions(complaint=complaint), many=True).data
        )

    @extend_schema(
        operation_id="complaints_decisions_create",
        summary="Propose a decision",
        description="Within the proposer's approval limit it is approved at once; above it, it "
        "waits (`pending_approval`) for someone whose limit and position cover the amount.",
        parameters=[REFERENCE],
        request=DecisionInputSerializer,
        responses={201: DecisionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.PROPOSE)
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = decision_propose(
            complaint=complaint, actor=signed_in_user(request), **serializer.validated_data
        )
        return _decision_response(complaint, decision, status.HTTP_201_CREATED)


class DecisionApproveView(ApiView):
    @extend_schema(
        operation_id="complaints_decisions_approve",
        summary="Approve a pending decision",
        description="A 403 when the amount is above your approval limit or you are not in the "
        "owning department's chain (and never for your own proposal).",
        parameters=[REFERENCE],
        request=DecisionVerdictInputSerializer,
        responses={200: DecisionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, decision_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.APPROVE)
        decision = complaint_decision_get(complaint=complaint, decision_id=decision_id)
        serializer = DecisionVerdictInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approved = decision_approve(
            decision=decision,
            actor=signed_in_user(request),
            comment=serializer.validated_data["comment"],
        )
        return _decision_response(complaint, approved)


class DecisionRejectView(ApiView):
    @extend_schema(
        operation_id="complaints_decisions_reject",
        summary="Refuse a pending decision (comment required)",
        parameters=[REFERENCE],
        request=DecisionVerdictInputSerializer,
        responses={200: DecisionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, decision_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.APPROVE)
        decision = complaint_decision_get(complaint=complaint, decision_id=decision_id)
        serializer = DecisionVerdictInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refused = decision_refuse(
            decision=decision,
            actor=signed_in_user(request),
            comment=serializer.validated_data["comment"],
        )
        return _decision_response(complaint, refused)
