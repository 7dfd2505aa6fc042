"""Seed 004's procedures on a case: agreements (协议书) and payments against them (issue 16 §3),
quality referrals to quality control and purchasing and their answers (§7). Each write calls one
service; the answers are read back through the selectors the case page uses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import REFERENCE, errors
from complaints.api.serializers.procedures import (
    AgreementInputSerializer,
    AgreementSerializer,
    HandOverInputSerializer,
    PaymentInputSerializer,
    QualityAnswerInputSerializer,
    QualityReferralInputSerializer,
    QualityReferralSerializer,
)
from complaints.api.views.common import ApiView, load_complaint, signed_in_user, validated
from complaints.models import Complaint
from complaints.selectors.procedures import agreements_with_payments, quality_referrals_with_answers
from complaints.services.agreements import (
    agreement_hand_over,
    agreement_payment_record,
    agreement_record,
)
from complaints.services.common import Needs
from complaints.services.quality import quality_answer_record, quality_refer

_WRITE_ERRORS = errors(400, 403, 404, 409, 415)


def _agreement(complaint: Complaint, agreement_id: int, code: int = 200) -> Response:
    agreement = agreements_with_payments().get(pk=agreement_id, complaint=complaint)
    return Response(AgreementSerializer(agreement).data, status=code)


def _referral(complaint: Complaint, referral_id: int, code: int = 200) -> Response:
    referral = quality_referrals_with_answers().get(pk=referral_id, complaint=complaint)
    return Response(QualityReferralSerializer(referral).data, status=code)


class AgreementListView(ApiView):
    @extend_schema(
        operation_id="complaints_agreements_list",
        summary="The case's signed agreements (协议书) with their payments",
        parameters=[REFERENCE],
        responses={200: AgreementSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        agreements = agreements_with_payments().filter(complaint=complaint)
        return Response(AgreementSerializer(agreements, many=True).data)

    @extend_schema(
        operation_id="complaints_agreements_create",
        summary="Record the signed agreement of an approved decision",
        description="The one signed original, collected back from the customer by the caller; "
        "for an approved decision of the current round and at most its amount. One per decision.",
        parameters=[REFERENCE],
        request=AgreementInputSerializer,
        responses={201: AgreementSerializer, **_WRITE_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.AGREEMENT)
        data = validated(AgreementInputSerializer, request)
        agreement = agreement_record(complaint=complaint, actor=signed_in_user(request), **data)
        return _agreement(complaint, agreement.pk, status.HTTP_201_CREATED)


class AgreementHandOverView(ApiView):
    @extend_schema(
        operation_id="complaints_agreements_hand_over",
        summary="Hand the signed original to the finance cash office",
        description="The cash office keeps it as the payment voucher from then on. Once.",
        parameters=[REFERENCE],
        request=HandOverInputSerializer,
        responses={200: AgreementSerializer, **_WRITE_ERRORS},
    )
    def post(self, request: Request, reference: str, agreement_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.AGREEMENT)
        data = validated(HandOverInputSerializer, request)
        agreement_hand_over(
            complaint=complaint, agreement_id=agreement_id, actor=signed_in_user(request), **data
        )
        return _agreement(complaint, agreement_id)


class AgreementPaymentView(ApiView):
    @extend_schema(
        operation_id="complaints_agreements_payments_create",
        summary="Record a payment against a kept agreement",
        description="Payment follows approval: refused with `payment_not_approved` (409) unless "
        "the agreement's decision is approved and all payments together stay within the approved "
        "(and the agreed) amount; the original must be with the finance cash office.",
        parameters=[REFERENCE],
        request=PaymentInputSerializer,
        responses={201: AgreementSerializer, **_WRITE_ERRORS},
    )
    def post(self, request: Request, reference: str, agreement_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.PAYMENT)
        data = validated(PaymentInputSerializer, request)
        agreement_payment_record(
            complaint=complaint, agreement_id=agreement_id, actor=signed_in_user(request), **data
        )
        return _agreement(complaint, agreement_id, status.HTTP_201_CREATED)


class QualityReferralListView(ApiView):
    @extend_schema(
        operation_id="complaints_quality_referrals_list",
        summary="The case's quality referrals with their answers and who is still to answer",
        parameters=[REFERENCE],
        responses={200: QualityReferralSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        referrals = quality_referrals_with_answers().filter(complaint=complaint)
        return Response(QualityReferralSerializer(referrals, many=True).data)

    @extend_schema(
        operation_id="complaints_quality_referrals_create",
        summary="Pass the quality problem to quality control and purchasing",
        description="With the product and the supplier; both departments are notified.",
        parameters=[REFERENCE],
        request=QualityReferralInputSerializer,
        responses={201: QualityReferralSerializer, **_WRITE_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.QUALITY)
        data = validated(QualityReferralInputSerializer, request)
        referral = quality_refer(complaint=complaint, actor=signed_in_user(request), **data)
        return _referral(complaint, referral.pk, status.HTTP_201_CREATED)


class QualityAnswerView(ApiView):
    @extend_schema(
        operation_id="complaints_quality_referrals_answers_create",
        summary="Record the answer of quality control or purchasing",
        description="The finding, whether the supplier was contacted, the product taken off "
        "sale, returned to or compensated by the supplier, with notes and the day. A department "
        "may answer again as the matter goes on.",
        parameters=[REFERENCE],
        request=QualityAnswerInputSerializer,
        responses={201: QualityReferralSerializer, **_WRITE_ERRORS},
    )
    def post(self, request: Request, reference: str, referral_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=Needs.QUALITY)
        data = validated(QualityAnswerInputSerializer, request)
        quality_answer_record(
            complaint=complaint, referral_id=referral_id, actor=signed_in_user(request), **data
        )
        return _referral(complaint, referral_id, status.HTTP_201_CREATED)
