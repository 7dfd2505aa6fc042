"""The case page's actions on outside bodies (complaints.services.outside_bodies): each a form,
one service call, a message and back to the card (complaints.views.case.perform)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.forms.outside_bodies import (
    BodyCloseForm,
    BodyDocumentForm,
    BodySignForm,
    OffSaleDoneForm,
    OffSaleForm,
    OutsideBodyForm,
)
from complaints.models import Complaint
from complaints.selectors.case import signing_texts_active
from complaints.services.outside_bodies import (
    OUTSIDE_BODY_PERMISSIONS,
    off_sale_order_done,
    off_sale_order_record,
    outside_body_close,
    outside_body_document_add,
    outside_body_record,
    outside_body_sign,
)
from complaints.views.case.perform import Action, perform

ANCHOR = "#outside-bodies"


def _record(request: HttpRequest, complaint: Complaint, form) -> str:
    data = form.cleaned_data
    body = outside_body_record(
        complaint=complaint,
        actor=request.user,  # type: ignore[arg-type]
        kind=data["kind"],
        name=data["name"],
        channel=data["channel"],
        received_at=data["received_at"],
        contact_id=data["contact"].pk,
        their_reference=data["their_reference"],
        notice=data["notice"],
        their_deadline=data["their_deadline"],
    )
    if body.complaint.legal_hold and body.holds_evidence:
        return _("The outside body is recorded; the case's evidence is on legal hold.")
    return _("The outside body is recorded.")


def _document(request: HttpRequest, complaint: Complaint, form) -> str:
    data = form.cleaned_data
    outside_body_document_add(
        complaint=complaint,
        body_id=data["body"],
        actor=request.user,  # type: ignore[arg-type]
        direction=data["direction"],
        upload=data["file"],
        evidence_kind=data["evidence_kind"],
        description=data["description"],
    )
    return _("The document is added to the case's evidence.")


def _sign(request: HttpRequest, complaint: Complaint, form) -> str:
    data = form.cleaned_data
    outside_body_sign(
        complaint=complaint,
        body_id=data["body"],
        actor=request.user,  # type: ignore[arg-type]
        signing_text_code=data["signing_text"],
        text=data["text"],
        amount_agreed=data["amount_agreed"],
        signed_at=data["signed_at"],
    )
    return _("What was signed is recorded.")


def _close(request: HttpRequest, complaint: Complaint, form) -> str:
    data = form.cleaned_data
    outside_body_close(
        complaint=complaint,
        body_id=data["body"],
        actor=request.user,  # type: ignore[arg-type]
        result=data["result"],
        note=data["note"],
        amount_agreed=data["amount_agreed"],
    )
    return _("The outside body's matter is closed.")


def _off_sale(request: HttpRequest, complaint: Complaint, form) -> str:
    data = form.cleaned_data
    off_sale_order_record(
        complaint=complaint,
        body_id=data["body"],
        actor=request.user,  # type: ignore[arg-type]
        product=data["product"],
        ordered_on=data["ordered_on"],
        order_reference=data["order_reference"],
        evidence_id=data["evidence"],
    )
    return _("The order is recorded; the purchasing department is told.")


def _off_sale_done(request: HttpRequest, complaint: Complaint, form) -> str:
    data = form.cleaned_data
    off_sale_order_done(
        complaint=complaint,
        order_id=data["order"],
        actor=request.user,  # type: ignore[arg-type]
        done_at=data["done_at"],
        note=data["note"],
    )
    return _("The product is recorded as taken off sale.")


def _files(complaint: Complaint) -> list[tuple[int, str]]:
    return [(item.pk, item.original_name) for item in complaint.evidence.all() if item.file]


def _item_prefix(key: str, data) -> str:
    return f"{key}{data.get('body') or data.get('order') or ''}"


ACTIONS = {
    "outside_body": Action(
        "outside_body",
        lambda complaint, data, files: OutsideBodyForm(data),
        _record,
        anchor=ANCHOR,
        needs=OUTSIDE_BODY_PERMISSIONS,
    ),
    "body_document": Action(
        "body_document",
        lambda complaint, data, files: BodyDocumentForm(
            data, files, id_prefix=_item_prefix("body_document", data)
        ),
        _document,
        anchor=ANCHOR,
        needs=OUTSIDE_BODY_PERMISSIONS,
    ),
    "body_sign": Action(
        "body_sign",
        lambda complaint, data, files: BodySignForm(
            data,
            id_prefix=_item_prefix("body_sign", data),
            texts=signing_texts_active(),
        ),
        _sign,
        anchor=ANCHOR,
        needs=OUTSIDE_BODY_PERMISSIONS,
    ),
    "body_close": Action(
        "body_close",
        lambda complaint, data, files: BodyCloseForm(
            data, id_prefix=_item_prefix("body_close", data)
        ),
        _close,
        anchor=ANCHOR,
        needs=OUTSIDE_BODY_PERMISSIONS,
    ),
    "body_off_sale": Action(
        "body_off_sale",
        lambda complaint, data, files: OffSaleForm(
            data, id_prefix=_item_prefix("body_off_sale", data), evidence=_files(complaint)
        ),
        _off_sale,
        anchor=ANCHOR,
        needs=OUTSIDE_BODY_PERMISSIONS,
    ),
    "body_off_sale_done": Action(
        "body_off_sale_done",
        lambda complaint, data, files: OffSaleDoneForm(
            data, id_prefix=f"offsale{data.get('order') or ''}"
        ),
        _off_sale_done,
        anchor=ANCHOR,
        needs=OUTSIDE_BODY_PERMISSIONS,
    ),
}


@login_required
@require_POST
def case_outside_body(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One of the card's actions, named in the path (`ACTIONS`)."""
    if action not in ACTIONS:
        raise Http404(action)
    return perform(request, reference, ACTIONS[action])
