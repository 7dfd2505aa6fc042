"""The case page's doors for the personal-injury record (issue 16 §1): the path names the action;
its door is checked before the form is read, the form is validated, one service of complaints.services.injury called, and the answer
given through perform.py like every other action of the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from complaints.forms.injury import InjuryForm, injury_form
from complaints.models import Complaint
from complaints.services import injury as services
from complaints.services.common import Needs, ensure_role_may, ensure_workable
from complaints.views.case.perform import Action, perform

INJURY_ANCHOR = "#injury"


def _role_door(perms: tuple[str, ...]) -> Callable[[User, Complaint], None]:
    def door(user: User, complaint: Complaint) -> None:
        ensure_workable(actor=user, complaint=complaint)
        ensure_role_may(actor=user, perms=perms)

    return door


def _writer_door(user: User, complaint: Complaint) -> None:
    services.ensure_injury_writer(actor=user, complaint=complaint)


# action → (the service, its success message, the door)
RUNS: dict[str, tuple[Callable[..., Any], Any, Callable[[User, Complaint], None]]] = {
    "accompany": (
        services.injury_accompany_decide,
        lambda: _("The decision on accompanying the customer is recorded."),
        _writer_door,
    ),
    "advance": (
        services.injury_advance_decide,
        lambda: _("The decision on advancing the medical costs is recorded."),
        _writer_door,
    ),
    "advance_request": (
        services.injury_advance_request,
        lambda: _("The advance is requested from finance; the approvers are told."),
        _writer_door,
    ),
    "advance_approve": (
        services.injury_advance_approve,
        lambda: _("The advance is approved."),
        _role_door(Needs.APPROVE),
    ),
    "advance_paid": (
        services.injury_advance_paid,
        lambda: _("The advance is recorded as paid."),
        _role_door(Needs.PAYMENT),
    ),
    "receipts_exception": (
        services.injury_receipts_exception,
        lambda: _("The exception to the original receipts is recorded."),
        _role_door(services.WAIVE_RECEIPTS),
    ),
    "witness": (
        services.injury_witness_add,
        lambda: _("The witness is recorded."),
        _writer_door,
    ),
    "document": (
        services.injury_document_record,
        lambda: _("The paper is recorded."),
        _writer_door,
    ),
    "call": (services.injury_call_record, lambda: _("The call is recorded."), _writer_door),
    "insurer": (
        services.injury_insurer_notify,
        lambda: _("The insurer's notification is recorded."),
        _writer_door,
    ),
    "insurer_opinion": (
        services.injury_insurer_opinion,
        lambda: _("The insurer's written opinion is recorded."),
        _writer_door,
    ),
    "compensation": (
        services.injury_compensation_set,
        lambda: _("The compensation breakdown is saved."),
        _writer_door,
    ),
}


@login_required
@require_POST
def case_injury(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One of the card's actions, named in the path (`RUNS`)."""
    if action not in RUNS:
        raise Http404(action)
    service, message, door = RUNS[action]

    def run(request: HttpRequest, complaint: Complaint, form: InjuryForm) -> str:
        service(complaint=complaint, actor=request.user, **form.service_arguments())
        return str(message())

    return perform(
        request,
        reference,
        Action(
            f"injury:{action}",
            lambda complaint, data, files: injury_form(action, complaint, data),
            run,
            INJURY_ANCHOR,
            door=door,
        ),
    )
