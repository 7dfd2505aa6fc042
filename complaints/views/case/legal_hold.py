"""Legal hold on the case page: set or lifted, with a reason, by holders of the permission
(complaints.services.legal_hold)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import errors
from complaints.forms.privacy import LegalHoldForm
from complaints.services.legal_hold import can_set_legal_hold, legal_hold_lift, legal_hold_set
from complaints.views.case.page import load_case, render_case

ANCHOR = "#legal-hold"


@login_required
@require_POST
def case_legal_hold(request: HttpRequest, reference: str) -> HttpResponse:
    """Put the case on legal hold, or lift the hold it is under."""
    complaint = load_case(request, reference)
    if not can_set_legal_hold(request.user):  # type: ignore[arg-type]
        raise HttpForbidden()
    form = LegalHoldForm(request.POST)
    lifting = complaint.legal_hold
    if form.is_valid():
        change = legal_hold_lift if lifting else legal_hold_set
        try:
            change(
                actor=request.user,  # type: ignore[arg-type]
                reference=complaint.reference,
                reason=form.cleaned_data["reason"],
            )
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect(reverse("case_detail", args=[complaint.reference]) + ANCHOR)
        else:
            messages.success(
                request,
                _("The legal hold is lifted.")
                if lifting
                else _("The case is on legal hold: it will not be anonymised."),
            )
            return redirect(reverse("case_detail", args=[complaint.reference]) + ANCHOR)
    return render_case(
        request, load_case(request, reference), bound={"legal_hold": form}, status=422
    )
