"""The case page's actions for seed 004's agreements (协议书) and quality referrals (issue 16 §3,
§7): each validates its form, calls one service and answers through perform.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.forms.procedures import (
    AgreementForm,
    HandOverForm,
    PaymentForm,
    QualityAnswerForm,
    QualityReferralForm,
)
from complaints.models import Complaint, Decision
from complaints.services.agreements import (
    agreement_hand_over,
    agreement_payment_record,
    agreement_record,
)
from complaints.services.common import Needs
from complaints.services.quality import quality_answer_record, quality_refer
from complaints.views.case.perform import Action, perform


def _agreement_form(complaint: Complaint, data, files) -> AgreementForm:
    # Any of the case's approved decisions and files may be named; the service checks the choice.
    decisions = complaint.decisions.filter(state=Decision.Status.APPROVED)
    return AgreementForm(
        data,
        decisions=[(d.pk, str(d)) for d in decisions],
        evidence=[(e.pk, e.original_name) for e in complaint.evidence.all()],
    )


def _agreement(request: HttpRequest, complaint: Complaint, form: AgreementForm) -> str:
    agreement_record(complaint=complaint, actor=request.user, **form.service_arguments())
    return _(
        "The signed agreement is recorded. Keep the one original: hand it to the finance cash "
        "office, never to the customer."
    )


@login_required
@require_POST
def case_agreement(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action("agreement", _agreement_form, _agreement, "#agreements", Needs.AGREEMENT),
    )


def _hand_over(request: HttpRequest, complaint: Complaint, form: HandOverForm) -> str:
    data = form.cleaned_data
    agreement_hand_over(
        complaint=complaint,
        agreement_id=data["agreement"],
        actor=request.user,
        received_by_name=data["received_by_name"],
        handed_over_at=data["handed_over_at"],
    )
    return _("The agreement is with the finance cash office.")


@login_required
@require_POST
def case_agreement_hand_over(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "hand_over",
            lambda complaint, data, files: HandOverForm(
                data, id_prefix=f"handover{data.get('agreement', '')}"
            ),
            _hand_over,
            "#agreements",
            Needs.AGREEMENT,
        ),
    )


def _payment(request: HttpRequest, complaint: Complaint, form: PaymentForm) -> str:
    data = form.cleaned_data
    agreement_payment_record(
        complaint=complaint,
        agreement_id=data["agreement"],
        actor=request.user,
        amount=data["amount"],
        paid_on=data["paid_on"],
        method=data["method"],
        reference=data["reference"],
        note=data["note"],
    )
    return _("The payment is recorded.")


@login_required
@require_POST
def case_agreement_payment(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "payment",
            lambda complaint, data, files: PaymentForm(
                data, id_prefix=f"payment{data.get('agreement', '')}"
            ),
            _payment,
            "#agreements",
            Needs.PAYMENT,
        ),
    )


def _refer(request: HttpRequest, complaint: Complaint, form: QualityReferralForm) -> str:
    quality_refer(complaint=complaint, actor=request.user, **form.cleaned_data)
    return _("Passed to quality control and purchasing; both are told.")


@login_required
@require_POST
def case_quality_refer(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "quality",
            lambda complaint, data, files: QualityReferralForm(data),
            _refer,
            "#quality",
            Needs.QUALITY,
        ),
    )


def _answer(request: HttpRequest, complaint: Complaint, form: QualityAnswerForm) -> str:
    data = dict(form.cleaned_data)
    quality_answer_record(
        complaint=complaint, referral_id=data.pop("referral"), actor=request.user, **data
    )
    return _("The answer is recorded.")


@login_required
@require_POST
def case_quality_answer(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "quality_answer",
            lambda complaint, data, files: QualityAnswerForm(
                data, id_prefix=f"answer{data.get('referral', '')}"
            ),
            _answer,
            "#quality",
            Needs.QUALITY,
        ),
    )
