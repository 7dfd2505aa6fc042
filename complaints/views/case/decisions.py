"""Decisions on the case page: proposing one, approving or refusing it, and the approver choices."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaints import errors
from complaints.forms.base import ServiceForm
from complaints.forms.case import ApproveForm, DecisionForm, RefuseForm
from complaints.models import Complaint, Decision
from complaints.services import Needs, decision_approve, decision_propose, decision_refuse
from complaints.views.case.page import eligible_approvers, load_case
from complaints.views.case.perform import Action, Runner, perform


def _propose(request: HttpRequest, complaint: Complaint, form: DecisionForm) -> str:
    # The service compares the version of the copy it is given: make it the one the user saw.
    complaint.version = form.cleaned_data["expected_version"]
    decision = decision_propose(complaint=complaint, actor=request.user, **form.service_arguments())
    if decision.state == Decision.Status.APPROVED:
        return _("The decision is recorded and approved within your limit.")
    return _("The decision is proposed and waits for approval.")


def _decision_form(complaint: Complaint, data, files, user) -> DecisionForm:
    return DecisionForm(data, complaint=complaint, approvers=eligible_approvers(complaint, user))


@login_required
@require_POST
def case_decision(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "decision",
            lambda complaint, data, files: _decision_form(complaint, data, files, request.user),
            _propose,
            needs=Needs.PROPOSE,
        ),
    )


def _pending_decision(complaint: Complaint, pk: int) -> Decision:
    decision = next((d for d in complaint.decisions.all() if d.pk == pk), None)
    if decision is None:
        raise errors.NotFound()
    # Approve and refuse are only offered on a decision awaiting approval: the user saw it so.
    # If it was approved or refused since, the service answers with a conflict.
    decision.state = Decision.Status.PENDING_APPROVAL
    return decision


def _approve(pk: int) -> Runner:
    def run(request: HttpRequest, complaint: Complaint, form: ServiceForm) -> str:
        decision_approve(
            decision=_pending_decision(complaint, pk),
            actor=request.user,
            comment=form.cleaned_data["comment"],
        )
        return _("The decision is approved.")

    return run


def _refuse(pk: int) -> Runner:
    def run(request: HttpRequest, complaint: Complaint, form: ServiceForm) -> str:
        decision_refuse(
            decision=_pending_decision(complaint, pk),
            actor=request.user,
            comment=form.cleaned_data["comment"],
        )
        return _("The decision is refused; the handler is to propose another.")

    return run


@login_required
@require_POST
def case_decision_approve(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            f"decision:{pk}:approve",
            lambda c, data, files: ApproveForm(data, id_prefix=f"approve{pk}"),
            _approve(pk),
            needs=Needs.APPROVE,
        ),
    )


@login_required
@require_POST
def case_decision_refuse(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            f"decision:{pk}:refuse",
            lambda c, data, files: RefuseForm(data, id_prefix=f"refuse{pk}"),
            _refuse(pk),
            needs=Needs.APPROVE,
        ),
    )


@login_required
@require_GET
def case_decision_approvers(request: HttpRequest, reference: str) -> HttpResponse:
    """htmx partial: the approver choices for the amount being typed in the decision form."""
    complaint = load_case(request, reference)
    try:
        amount = max(Decimal(request.GET.get("amount") or 0), Decimal(0))
    except InvalidOperation:
        amount = Decimal(0)
    within_limit = amount <= request.user.approval_limit
    approvers = [] if within_limit else list(eligible_approvers(complaint, request.user, amount))
    return render(
        request,
        "staff/case/_approver_options.html",
        {"approvers": approvers, "within_limit": within_limit, "amount": amount},
    )
