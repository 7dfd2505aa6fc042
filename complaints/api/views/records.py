"""Timeline, notes, customer contacts, follow-up visits, handoffs, and pausing the clocks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import IF_MATCH, REFERENCE, errors
from complaints.api.selectors import complaint_events
from complaints.api.serializers.complaints import ComplaintSerializer
from complaints.api.serializers.records import (
    ChecklistStepSerializer,
    ChecklistTickInputSerializer,
    ContactInputSerializer,
    ContactSerializer,
    EventSerializer,
    FollowUpInputSerializer,
    FollowUpSerializer,
    HandoffInputSerializer,
    HandoffSerializer,
    NoteInputSerializer,
    PauseInputSerializer,
)
from complaints.api.views.common import (
    ApiView,
    complaint_response,
    expected_version,
    load_complaint,
    signed_in_user,
    validated,
)
from complaints.services import (
    Needs,
    complaint_add_note,
    complaint_hand_off,
    contact_record,
    follow_up_record,
)
from sla.models import CaseChecklistStep
from sla.services import checklist_step_tick, clocks_pause, clocks_resume
from sla.services.checklists import CHECKLIST_PERMISSIONS
from sla.services.pauses import PAUSE_PERMISSIONS


class EventListView(ApiView):
    @extend_schema(
        operation_id="complaints_events_list",
        summary="The case timeline, oldest first",
        parameters=[REFERENCE],
        responses={200: EventSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        events = complaint_events(complaint=complaint)
        return Response(EventSerializer(events, many=True, context={"request": request}).data)


class NoteCreateView(ApiView):
    @extend_schema(
        operation_id="complaints_notes_create",
        summary="Add an internal note",
        parameters=[REFERENCE],
        request=NoteInputSerializer,
        responses={201: EventSerializer, **errors(400, 403, 404, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.COMMENT)
        data = validated(NoteInputSerializer, request)
        event = complaint_add_note(
            complaint=complaint, actor=signed_in_user(request), text=data["text"]
        )
        return Response(
            EventSerializer(event, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ContactCreateView(ApiView):
    @extend_schema(
        operation_id="complaints_contacts_create",
        summary="Record a contact with the customer",
        description="The first outbound contact by staff meets the first-response deadline.",
        parameters=[REFERENCE],
        request=ContactInputSerializer,
        responses={201: ContactSerializer, **errors(400, 403, 404, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.CONTACT)
        data = validated(ContactInputSerializer, request)
        contact = contact_record(complaint=complaint, actor=signed_in_user(request), **data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class FollowUpCreateView(ApiView):
    @extend_schema(
        operation_id="complaints_follow_ups_create",
        summary="Record a follow-up visit (回访)",
        parameters=[REFERENCE],
        request=FollowUpInputSerializer,
        responses={201: FollowUpSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.FOLLOW_UP)
        data = validated(FollowUpInputSerializer, request)
        follow_up = follow_up_record(complaint=complaint, actor=signed_in_user(request), **data)
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class HandoffCreateView(ApiView):
    @extend_schema(
        operation_id="complaints_handoffs_create",
        summary="Hand the case to another department or person (交接)",
        parameters=[REFERENCE, IF_MATCH],
        request=HandoffInputSerializer,
        responses={201: HandoffSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.INVESTIGATE)
        data = validated(HandoffInputSerializer, request)
        handoff = complaint_hand_off(
            complaint=complaint,
            actor=signed_in_user(request),
            to_department=data["to_department"],
            to_user=data["to_user"],
            note=data["note"],
            expected_version=expected_version(request, data),
        )
        return Response(HandoffSerializer(handoff).data, status=status.HTTP_201_CREATED)


class PauseView(ApiView):
    @extend_schema(
        operation_id="complaints_pause",
        summary="Pause the running deadlines",
        description="While waiting on the customer or an outside body (testing, insurer, "
        "consumer association, regulator); resuming gives back the time that was left.",
        parameters=[REFERENCE],
        request=PauseInputSerializer,
        responses={200: ComplaintSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=PAUSE_PERMISSIONS)
        data = validated(PauseInputSerializer, request)
        clocks_pause(complaint=complaint, actor=signed_in_user(request), **data)
        return complaint_response(request, complaint)


class ResumeView(ApiView):
    @extend_schema(
        operation_id="complaints_resume",
        summary="Resume the paused deadlines",
        parameters=[REFERENCE],
        request=None,
        responses={200: ComplaintSerializer, **errors(403, 404, 409)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=PAUSE_PERMISSIONS)
        clocks_resume(complaint=complaint, actor=signed_in_user(request))
        return complaint_response(request, complaint)


class ChecklistView(ApiView):
    @extend_schema(
        operation_id="complaints_checklist_list",
        summary="The case's procedure checklist",
        description="The steps of the procedures of the case's category (e.g. a lost bag, a "
        "conflict, an alarm gate), each with who does it, when it is due and how it was ticked.",
        parameters=[REFERENCE],
        responses={200: ChecklistStepSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        steps = CaseChecklistStep.objects.filter(complaint=complaint).select_related("done_by")
        return Response(ChecklistStepSerializer(steps, many=True).data)


class ChecklistTickView(ApiView):
    @extend_schema(
        operation_id="complaints_checklist_tick",
        summary="Tick a step of the procedure checklist",
        description="Done (with `evidence_id` where the step needs evidence) or not applicable "
        "(with the reason in `note`). A step is ticked once.",
        parameters=[REFERENCE],
        request=ChecklistTickInputSerializer,
        responses={200: ChecklistStepSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, step_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=CHECKLIST_PERMISSIONS)
        data = validated(ChecklistTickInputSerializer, request)
        step = checklist_step_tick(
            complaint=complaint, step_id=step_id, actor=signed_in_user(request), **data
        )
        return Response(ChecklistStepSerializer(step).data)
