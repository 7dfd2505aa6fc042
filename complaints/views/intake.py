"""The intake page (/complaints/new/) and its customer look-up.

The page is a thin door onto complaints.services.intake_desk.complaint_intake: it records the
complaint, its evidence and an on-the-spot answer in one go, then opens the new case.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from complaints import errors
from complaints.forms.intake import IntakeForm
from complaints.selectors import customer_history
from complaints.selectors.duplicates import possible_duplicates
from complaints.services.intake_desk import can_answer_on_spot, complaint_intake
from complaints.views.case.files import refused_text
from config.api_errors import database_unavailable_message
from config.db_errors import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)

RECEIVE = "complaints.receive_complaint"


def _render(
    request: HttpRequest, form: IntakeForm, *, status: int = 200, unavailable: str = ""
) -> HttpResponse:
    phone = form["customer_phone"].value() or ""
    email = form["customer_email"].value() or ""
    history = (
        customer_history(user=request.user, phone=phone, email=email) if phone or email else None
    )
    order_ref = form["order_ref"].value() or ""
    context = {
        "form": form,
        "history": history,
        "duplicates": possible_duplicates(
            user=request.user, phone=phone, email=email, order_ref=order_ref
        ),
        "lookup_done": bool(phone or email),
        "unavailable": unavailable,
    }
    return render(request, "staff/intake/new.html", context, status=status)


@login_required
@permission_required(RECEIVE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    on_spot = can_answer_on_spot(request.user)
    if request.method == "GET":
        return _render(request, IntakeForm(can_answer_on_spot=on_spot))
    form = IntakeForm(request.POST, request.FILES, can_answer_on_spot=on_spot)
    if not form.is_valid():
        return _render(request, form, status=422)
    try:
        result = complaint_intake(actor=request.user, **form.service_arguments())
    except errors.InvalidInput as error:
        form.add_service_errors(error)
        return _render(request, form, status=422)
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error
    except DatabaseError as error:
        if not database_unavailable(error):
            raise
        # Rolled back: the form comes back as typed, to be sent again (a new connection renders
        # it; if the database is still away, the plain 503 page says the same).
        logger.warning("Database unavailable while recording a complaint", exc_info=error)
        response = _render(request, form, status=503, unavailable=database_unavailable_message())
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    complaint = result.complaint
    if result.answered_on_spot:
        messages.success(
            request,
            _(
                "Complaint %(reference)s is recorded and answered on the spot. Send the reply "
                "below to log how the customer was told."
            )
            % {"reference": complaint.reference},
        )
    else:
        messages.success(
            request, _("Complaint %(reference)s is recorded.") % {"reference": complaint.reference}
        )
    for refused in result.evidence.refused:
        messages.warning(request, refused_text(refused))
    return redirect("case_detail", reference=complaint.reference)


@login_required
@permission_required(RECEIVE, raise_exception=True)
@require_GET
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """htmx partial: the known customer behind the phone or e-mail being typed, their history,
    and the possible duplicates by those and the order number (issue 18 §4)."""
    phone = request.GET.get("customer_phone", "").strip()
    email = request.GET.get("customer_email", "").strip()
    order_ref = request.GET.get("order_ref", "").strip()
    history = (
        customer_history(user=request.user, phone=phone, email=email) if phone or email else None
    )
    duplicates = possible_duplicates(
        user=request.user, phone=phone, email=email, order_ref=order_ref
    )
    return render(
        request,
        "staff/intake/_customer_lookup.html",
        {"history": history, "duplicates": duplicates, "lookup_done": bool(phone or email)},
    )
