"""Workflow transitions: what the user may do now, and doing it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import IF_MATCH, REFERENCE, TRANSITION_NAME, errors
from complaints.api.serializers.complaints import ComplaintSerializer
from complaints.api.serializers.records import TransitionInputSerializer, TransitionSerializer
from complaints.api.views.common import (
    ApiView,
    complaint_response,
    expected_version,
    load_complaint,
    signed_in_user,
)
from complaints.models import Complaint
from complaints.services import available_transitions, complaint_transition, transition_needs


def transition_target(complaint: Complaint, name: str) -> str:
    """The state the transition leads to from the case's current state (django-fsm's table)."""
    target: str = getattr(complaint, name)._django_fsm.get_transition(complaint.state).target
    return target


class TransitionListView(ApiView):
    @extend_schema(
        operation_id="complaints_transitions_list",
        summary="Transitions you may perform now",
        parameters=[REFERENCE],
        responses={200: TransitionSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        specs = available_transitions(complaint=complaint, user=signed_in_user(request))
        return Response(
            TransitionSerializer(
                [
                    {
                        "name": spec.name,
                        "target": transition_target(complaint, spec.name),
                        "label": str(spec.label),
                        "inputs": list(spec.inputs),
                    }
                    for spec in specs
                ],
                many=True,
            ).data
        )


class TransitionRunView(ApiView):
    @extend_schema(
        operation_id="complaints_transitions_perform",
        summary="Perform a transition",
        description="Unknown transition names are a 404 `unknown_transition`; a transition that "
        "does not start from the current state is a 409 `transition_not_allowed` listing the "
        "`allowed` ones; an unmet condition is a 409 `condition_not_met` with its `reasons`.",
        parameters=[REFERENCE, TRANSITION_NAME, IF_MATCH],
        request=TransitionInputSerializer,
        responses={200: ComplaintSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, name: str) -> Response:
        # The step's role permission is asked before the body is read or the state looked at.
        complaint = load_complaint(request, reference, needs=transition_needs(name))
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, data)
        data.pop("version", None)
        moved = complaint_transition(
            complaint=complaint,
            name=name,
            actor=signed_in_user(request),
            data=data,
            expected_version=version,
        )
        return complaint_response(request, moved)
