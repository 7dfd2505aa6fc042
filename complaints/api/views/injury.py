"""The personal-injury record on a case (人身伤害, issue 16 §1; seed 004 §三). Each write calls one
service of complaints.services.injury and answers with the whole record as the case page shows it.

Who may write is checked at the door, before the body is read: the day's duty manager on a case
they can read, or those in charge whose role records injuries (a 403 for the others, e.g. the
auditor); approving the advance, waiving the receipts and paying it out have their own roles. A
case not flagged as an injury answers 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import REFERENCE, errors
from complaints.api.serializers.injury import (
    AccompanyInputSerializer,
    AdvanceInputSerializer,
    AdvancePaidInputSerializer,
    AdvanceRequestInputSerializer,
    CallInputSerializer,
    CompensationInputSerializer,
    DocumentInputSerializer,
    InjuryRecordSerializer,
    InsurerInputSerializer,
    InsurerOpinionInputSerializer,
    ReceiptsExceptionInputSerializer,
    WitnessInputSerializer,
)
from complaints.api.views.common import (
    ApiView,
    case_reference,
    load_complaint,
    signed_in_user,
    validated,
)
from complaints.errors import NotFound
from complaints.models import Complaint
from complaints.selectors import complaint_get_for_user
from complaints.selectors.injury import injury_card
from complaints.services import injury as services
from complaints.services.common import Needs
from sla.models import CaseChecklistStep

_WRITE_ERRORS = errors(400, 403, 404, 409, 415)


def _record_response(request: Request, complaint: Complaint, code: int = 200) -> Response:
    complaint.refresh_from_db(fields=["personal_injury", "version"])
    steps = list(CaseChecklistStep.objects.filter(complaint=complaint).exclude(injury_item=""))
    card = injury_card(complaint=complaint, steps=steps)
    if card is None:
        raise NotFound()
    return Response(
        InjuryRecordSerializer(card.record, context={"card": card, "request": request}).data,
        status=code,
    )


def _load_for_writing(request: Request, reference: str) -> Complaint:
    """The case for a write of the record: the duty manager of the day may write a case they only
    read, so the generic "in charge of it" door does not apply (the service's rule does)."""
    user = signed_in_user(request)
    complaint = complaint_get_for_user(user=user, reference=case_reference(reference))
    services.ensure_may_record_injury(actor=user, complaint=complaint)
    return complaint


class InjuryRecordView(ApiView):
    @extend_schema(
        operation_id="complaints_injury_retrieve",
        summary="The case's personal-injury record (人身伤害)",
        description="The duty manager's decisions, the advance of the medical costs, the "
        "procedure's items (done, not applicable or missing, with their deadlines), the "
        "witnesses and the compensation breakdown by the heads of seed 004 §三.17. 404 for a "
        "case not flagged as a personal injury.",
        parameters=[REFERENCE],
        responses={200: InjuryRecordSerializer, **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        return _record_response(request, load_complaint(request, reference))


def _write_view(
    *,
    operation: str,
    summary: str,
    description: str,
    serializer: type[serializers.Serializer] | None,
    write: Callable[[Complaint, Any, dict[str, Any]], object],
    load: Callable[[Request, str], Complaint] = _load_for_writing,
    method: str = "post",
    code: int = status.HTTP_200_OK,
) -> type[ApiView]:
    """One write of the record: the door's check, the body, the service, the record back."""

    def handler(self: ApiView, request: Request, reference: str) -> Response:
        complaint = load(request, reference)
        data = validated(serializer, request) if serializer is not None else {}
        write(complaint, signed_in_user(request), data)
        return _record_response(request, complaint, code)

    decorated = extend_schema(
        operation_id=operation,
        summary=summary,
        description=description,
        parameters=[REFERENCE],
        request=serializer,
        responses={code: InjuryRecordSerializer, **_WRITE_ERRORS},
    )(handler)
    return type(f"Injury_{operation}", (ApiView,), {method: decorated})


def _needs(perms: tuple[str, ...]) -> Callable[[Request, str], Complaint]:
    def load(request: Request, reference: str) -> Complaint:
        return load_complaint(request, reference, needs=perms)

    return load


AccompanyView = _write_view(
    operation="complaints_injury_accompany",
    summary="Decide whether someone accompanies the customer to hospital",
    description="`staff` (a username) or `name`; seed 004 §三.1.",
    serializer=AccompanyInputSerializer,
    write=lambda c, user, data: services.injury_accompany_decide(
        complaint=c,
        actor=user,
        accompany=data["accompany"],
        staff_id=data["staff"].pk if data["staff"] else None,
        name=data["name"],
    ),
)
AdvanceView = _write_view(
    operation="complaints_injury_advance",
    summary="Decide whether the medical costs are advanced, and how much",
    description="Changed until the advance is approved (409 after); a change asks finance anew.",
    serializer=AdvanceInputSerializer,
    write=lambda c, user, data: services.injury_advance_decide(complaint=c, actor=user, **data),
)
AdvanceRequestView = _write_view(
    operation="complaints_injury_advance_request",
    summary="Record that the advance was requested from finance",
    description="Those whose approval limit covers the amount are notified at once.",
    serializer=AdvanceRequestInputSerializer,
    write=lambda c, user, data: services.injury_advance_request(complaint=c, actor=user, **data),
)
AdvanceApproveView = _write_view(
    operation="complaints_injury_advance_approve",
    summary="Approve the requested advance within one's approval limit",
    description="The decision approval rules (limit, department chain or an org-wide role; 403 "
    "otherwise). Refused (409) unless the original receipts are recorded as kept or senior "
    "management approved the exception.",
    serializer=None,
    write=lambda c, user, data: services.injury_advance_approve(complaint=c, actor=user),
    load=_needs(Needs.APPROVE),
)
AdvancePaidView = _write_view(
    operation="complaints_injury_advance_paid",
    summary="Record that the approved advance was paid",
    description="Payment follows approval (409 before it).",
    serializer=AdvancePaidInputSerializer,
    write=lambda c, user, data: services.injury_advance_paid(complaint=c, actor=user, **data),
    load=_needs(Needs.PAYMENT),
)
ReceiptsExceptionView = _write_view(
    operation="complaints_injury_receipts_exception",
    summary="Let the advance go without the original receipts (senior management)",
    description="Seed 004 §三.9; with the reason.",
    serializer=ReceiptsExceptionInputSerializer,
    write=lambda c, user, data: services.injury_receipts_exception(complaint=c, actor=user, **data),
    load=_needs(services.WAIVE_RECEIPTS),
)
WitnessView = _write_view(
    operation="complaints_injury_witnesses_create",
    summary="Record a witness",
    description="Name, phone and the written statement (one of the case's evidence files).",
    serializer=WitnessInputSerializer,
    write=lambda c, user, data: services.injury_witness_add(complaint=c, actor=user, **data),
    code=status.HTTP_201_CREATED,
)
DocumentView = _write_view(
    operation="complaints_injury_documents_create",
    summary="Record one of the procedure's papers",
    description="The accident report, the transfer or discharge certificate, the original "
    "receipts: one of the case's evidence files, once each.",
    serializer=DocumentInputSerializer,
    write=lambda c, user, data: services.injury_document_record(complaint=c, actor=user, **data),
    code=status.HTTP_201_CREATED,
)
CallView = _write_view(
    operation="complaints_injury_calls_create",
    summary="Record that the police (110) or an ambulance (120) was called",
    description="Which and when; once each.",
    serializer=CallInputSerializer,
    write=lambda c, user, data: services.injury_call_record(complaint=c, actor=user, **data),
    code=status.HTTP_201_CREATED,
)
InsurerView = _write_view(
    operation="complaints_injury_insurer",
    summary="Record that the insurer was notified",
    description="The day, the insurer's claim number and, optionally, the insurer among the "
    "case's outside bodies (`body_id`).",
    serializer=InsurerInputSerializer,
    write=lambda c, user, data: services.injury_insurer_notify(complaint=c, actor=user, **data),
)
InsurerOpinionView = _write_view(
    operation="complaints_injury_insurer_opinion",
    summary="Record the insurer's written opinion",
    description="One of the case's evidence files, and whether the claim is covered.",
    serializer=InsurerOpinionInputSerializer,
    write=lambda c, user, data: services.injury_insurer_opinion(complaint=c, actor=user, **data),
)
CompensationView = _write_view(
    operation="complaints_injury_compensation",
    summary="Set the compensation breakdown",
    description="The whole breakdown by the heads of seed 004 §三.17; its total is the amount of "
    "the case's decision. Refused (409) while a decision of the current round rests on it "
    "(awaiting approval or approved).",
    serializer=CompensationInputSerializer,
    write=lambda c, user, data: services.injury_compensation_set(
        complaint=c,
        actor=user,
        heads={row["head"]: (row["amount"], row["basis"]) for row in data["heads"]},
    ),
    method="put",
)
