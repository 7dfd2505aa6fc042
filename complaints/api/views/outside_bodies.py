"""Outside bodies on a case (issue 16 §2): list and record them, their documents, what was signed,
closing, and off-sale orders; the signing texts of seed 004 §三.13."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.schema import REFERENCE, errors
from complaints.api.serializers.outside_bodies import (
    OffSaleDoneInputSerializer,
    OffSaleOrderInputSerializer,
    OffSaleOrderSerializer,
    OutsideBodyCloseInputSerializer,
    OutsideBodyDocumentInputSerializer,
    OutsideBodyDocumentSerializer,
    OutsideBodyInputSerializer,
    OutsideBodySerializer,
    OutsideBodySignInputSerializer,
    SigningTextSerializer,
)
from complaints.api.views.common import ApiView, load_complaint, signed_in_user, validated
from complaints.models import Complaint
from complaints.selectors.case import outside_bodies_with_records, signing_texts_active
from complaints.services.outside_bodies import (
    OUTSIDE_BODY_PERMISSIONS,
    off_sale_order_done,
    off_sale_order_record,
    outside_body_close,
    outside_body_document_add,
    outside_body_record,
    outside_body_sign,
)

BODY_ID = OpenApiParameter("body_id", int, OpenApiParameter.PATH)
ORDER_ID = OpenApiParameter("order_id", int, OpenApiParameter.PATH)


def _body_answer(complaint: Complaint, body_id: int, *, code: int = 200) -> Response:
    body = outside_bodies_with_records().get(complaint=complaint, pk=body_id)
    return Response(OutsideBodySerializer(body).data, status=code)


class OutsideBodyListView(ApiView):
    @extend_schema(
        operation_id="complaints_outside_bodies_list",
        summary="The outside bodies on the case",
        description="Regulator (12315), consumer association, insurer, police, court, media: how "
        "each came, its deadline, documents, what was signed, off-sale orders and the result.",
        parameters=[REFERENCE],
        responses={200: OutsideBodySerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference)
        bodies = outside_bodies_with_records().filter(complaint=complaint)
        return Response(OutsideBodySerializer(bodies, many=True).data)

    @extend_schema(
        operation_id="complaints_outside_bodies_create",
        summary="Record an outside body's referral",
        description="Its deadline counts like a clock on the business calendar (12315: 10 working "
        "days) unless `their_deadline` is given. A regulator, court, police or media matter puts "
        "the case on legal hold until it is closed.",
        parameters=[REFERENCE],
        request=OutsideBodyInputSerializer,
        responses={201: OutsideBodySerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_complaint(request, reference, needs=OUTSIDE_BODY_PERMISSIONS)
        data = validated(OutsideBodyInputSerializer, request)
        body = outside_body_record(
            complaint=complaint,
            actor=signed_in_user(request),
            kind=data["kind"],
            name=data["name"],
            channel=data["channel"],
            received_at=data["received_at"],
            contact_id=data["contact"].pk,
            their_reference=data["their_reference"],
            notice=data["notice"],
            their_deadline=data["their_deadline"],
        )
        return _body_answer(complaint, body.pk, code=status.HTTP_201_CREATED)


class OutsideBodyDocumentView(ApiView):
    @extend_schema(
        operation_id="complaints_outside_bodies_documents_create",
        summary="Add a document exchanged with the body",
        parameters=[REFERENCE, BODY_ID],
        request=OutsideBodyDocumentInputSerializer,
        responses={201: OutsideBodyDocumentSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, body_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=OUTSIDE_BODY_PERMISSIONS)
        data = validated(OutsideBodyDocumentInputSerializer, request)
        document = outside_body_document_add(
            complaint=complaint,
            body_id=body_id,
            actor=signed_in_user(request),
            direction=data["direction"],
            evidence_id=data["evidence_id"],
        )
        return Response(OutsideBodyDocumentSerializer(document).data, status=201)


class OutsideBodySignView(ApiView):
    @extend_schema(
        operation_id="complaints_outside_bodies_sign",
        summary="Record what the company wrote when signing the body's document",
        description="A signing text (its Chinese sentence, with the amount agreed) and/or text.",
        parameters=[REFERENCE, BODY_ID],
        request=OutsideBodySignInputSerializer,
        responses={200: OutsideBodySerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, body_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=OUTSIDE_BODY_PERMISSIONS)
        data = validated(OutsideBodySignInputSerializer, request)
        outside_body_sign(
            complaint=complaint,
            body_id=body_id,
            actor=signed_in_user(request),
            signing_text_code=data["signing_text"],
            text=data["text"],
            amount_agreed=data["amount_agreed"],
            signed_at=data["signed_at"],
        )
        return _body_answer(complaint, body_id)


class OutsideBodyCloseView(ApiView):
    @extend_schema(
        operation_id="complaints_outside_bodies_close",
        summary="Close the body's matter with its result",
        parameters=[REFERENCE, BODY_ID],
        request=OutsideBodyCloseInputSerializer,
        responses={200: OutsideBodySerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, body_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=OUTSIDE_BODY_PERMISSIONS)
        data = validated(OutsideBodyCloseInputSerializer, request)
        outside_body_close(
            complaint=complaint, body_id=body_id, actor=signed_in_user(request), **data
        )
        return _body_answer(complaint, body_id)


class OffSaleOrderCreateView(ApiView):
    @extend_schema(
        operation_id="complaints_off_sale_orders_create",
        summary="Record a written order to take a product off sale",
        description="A regulator's or court's order; the purchasing department is told at once.",
        parameters=[REFERENCE, BODY_ID],
        request=OffSaleOrderInputSerializer,
        responses={201: OffSaleOrderSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, body_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=OUTSIDE_BODY_PERMISSIONS)
        data = validated(OffSaleOrderInputSerializer, request)
        order = off_sale_order_record(
            complaint=complaint, body_id=body_id, actor=signed_in_user(request), **data
        )
        return Response(OffSaleOrderSerializer(order).data, status=201)


class OffSaleOrderDoneView(ApiView):
    @extend_schema(
        operation_id="complaints_off_sale_orders_done",
        summary="Record who took the product off sale and when",
        parameters=[REFERENCE, ORDER_ID],
        request=OffSaleDoneInputSerializer,
        responses={200: OffSaleOrderSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, reference: str, order_id: int) -> Response:
        complaint = load_complaint(request, reference, needs=OUTSIDE_BODY_PERMISSIONS)
        data = validated(OffSaleDoneInputSerializer, request)
        done_by = data["done_by"]
        order = off_sale_order_done(
            complaint=complaint,
            order_id=order_id,
            actor=signed_in_user(request),
            done_by_id=done_by.pk if done_by else None,
            done_at=data["done_at"],
            note=data["note"],
        )
        return Response(OffSaleOrderSerializer(order).data)


class SigningTextListView(ApiView):
    @extend_schema(
        operation_id="signing_texts_list",
        summary="The sentences offered when signing a body's document",
        description="Seed 004 §三.13: what to write when signing a consumer association's mediation "
        "record unless entirely sure of the facts; `text` in the reader's language.",
        parameters=[
            OpenApiParameter("kind", str, description="Only those offered for this kind of body.")
        ],
        responses={200: SigningTextSerializer(many=True), **errors(401)},
    )
    def get(self, request: Request) -> Response:
        signed_in_user(request)
        texts = signing_texts_active()
        kind = request.query_params.get("kind")
        if kind:
            texts = [text for text in texts if text.offered_for(kind)]
        return Response(SigningTextSerializer(texts, many=True).data)
