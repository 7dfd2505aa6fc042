"""Related and duplicate complaints on the case page (issue 18 §4): link this case to another as
related, or merge it into another as a duplicate (complaints.services.duplicates)."""

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
from complaints.models import Complaint
from complaints.selectors import complaint_get_for_user
from complaints.services import ensure_role_may, ensure_workable
from complaints.services.duplicates import (
    LINK_NEEDS,
    MERGE_NEEDS,
    complaint_link_related,
    complaint_merge_duplicate,
)
from complaints.views.case.page import load_case
from complaints.views.case.perform import conflict_message

ANCHOR = "#links"


def _back(reference: str) -> HttpResponse:
    return redirect(reverse("case_detail", args=[reference]) + ANCHOR)


def _may(request: HttpRequest, complaint: Complaint, needs: tuple[str, ...]) -> None:
    """The role and the case are asked before the body is read (a 403 whatever was sent)."""
    try:
        ensure_workable(actor=request.user, complaint=complaint)  # type: ignore[arg-type]
        ensure_role_may(actor=request.user, perms=needs)  # type: ignore[arg-type]
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error


def _refused(request: HttpRequest, error: errors.ComplaintError) -> None:
    if isinstance(error, errors.InvalidInput):
        for problems in error.fields.values():
            for problem in problems:
                messages.error(request, str(problem))
        return
    messages.error(request, str(error.message))


def _other(request: HttpRequest, field: str):
    # The row's button sends `into`; the form by reference sends `other` for both actions.
    reference = (request.POST.get(field) or request.POST.get("other") or "").strip().upper()
    if not reference:
        raise errors.InvalidInput({field: [_("Give the reference of the other complaint.")]})
    return complaint_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]


@login_required
@require_POST
def case_link(request: HttpRequest, reference: str) -> HttpResponse:
    """Link this case to another (`other`: its reference) as related."""
    complaint = load_case(request, reference)
    _may(request, complaint, LINK_NEEDS)
    try:
        other = _other(request, "other")
        complaint_link_related(
            actor=request.user,  # type: ignore[arg-type]
            complaint=complaint,
            other=other,
            comment=request.POST.get("comment", ""),
        )
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error
    except errors.ComplaintError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Linked to %(other)s as related: both cases show the link.")
            % {"other": other.reference},
        )
    return _back(complaint.reference)


@login_required
@require_POST
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    """Merge this case into another (`into`: its reference) as a duplicate."""
    complaint = load_case(request, reference)
    _may(request, complaint, MERGE_NEEDS)
    version = request.POST.get("version", "")
    try:
        survivor = _other(request, "into")
        complaint_merge_duplicate(
            actor=request.user,  # type: ignore[arg-type]
            duplicate=complaint,
            survivor=survivor,
            comment=request.POST.get("comment", ""),
            confirm_other_customer=request.POST.get("confirm_other_customer") == "on",
            expected_version=int(version) if version.isdigit() else None,
        )
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error
    except errors.Conflict:
        messages.error(request, conflict_message())
    except errors.ComplaintError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "Merged into %(survivor)s: its evidence and the customer's messages are there now, "
                "and the customer is told to follow %(survivor)s."
            )
            % {"survivor": survivor.reference},
        )
        return redirect("case_detail", reference=survivor.reference)
    return _back(complaint.reference)
