"""Tracking a complaint: by its signed link or by reference and contact; adding information and
withdrawing from the tracking page. Unknown, wrong and tampered all answer alike."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from complaints import errors
from complaints.forms.public_tracking import AddInformationForm, TrackLookupForm, WithdrawForm
from complaints.models import Complaint, ContactField
from complaints.privacy import contact_masker
from complaints.public_links import (
    LinkExpired,
    LinkInvalid,
    read_expired_tracking_token,
    read_tracking_token,
    survey_token,
    tracking_token,
)
from complaints.request_limits import body_too_large
from complaints.selectors.public import (
    TRACKING_PAGE_FIELDS,
    complaint_for_contact,
    complaint_for_link,
    tracking_for,
)
from complaints.services.customer_portal import (
    customer_add_information,
    customer_withdraw,
    tracking_link_request,
)
from complaints.views.public.abuse import client_ip_key, limited, link_key
from complaints.views.public.progress import STAGE_WORDS, public_entries, steps_for

TRACK = "public-track"
LOOKUP = "public-track-lookup"


def _reference_key(group: str, request: HttpRequest) -> str:
    """A second bucket per complaint reference: guessing one case's contact from many addresses."""
    return "ref:" + request.POST.get("reference", "").strip().upper()[:20]


def _not_found_message() -> str:
    return _(
        "We could not find a complaint with this reference and contact. Check both against "
        "our acknowledgment and try again."
    )


@require_http_methods(["GET", "POST"])
@limited(LOOKUP, client_ip_key, _reference_key, method="POST")
def track_lookup(request: HttpRequest) -> HttpResponse:
    """Reference + the phone or e-mail given → the tracking page (a fresh signed link)."""
    form = TrackLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_for_contact(
                reference=form.cleaned_data["reference"], contact=form.cleaned_data["contact"]
            )
        except errors.InvalidInput:
            complaint = None
        if complaint is not None:
            return redirect("public:track", token=tracking_token(complaint))
        form.add_error(None, _not_found_message())
    return render(request, "public/track_lookup.html", {"form": form})


@require_POST
@limited(LOOKUP, client_ip_key, _reference_key, method="POST")
def resend_link(request: HttpRequest) -> HttpResponse:
    """A fresh tracking link to the contact on file, for an expired link (its token) or for a
    reference + contact. The same answer whether or not anything matched."""
    complaint: Complaint | None = None
    if request.POST.get("token"):
        try:
            complaint = complaint_for_link(
                public_token=read_expired_tracking_token(request.POST["token"])
            )
        except LinkInvalid:
            complaint = None
    else:
        form = TrackLookupForm(request.POST)
        if not form.is_valid():
            return render(request, "public/track_lookup.html", {"form": form}, status=200)
        try:
            complaint = complaint_for_contact(
                reference=form.cleaned_data["reference"], contact=form.cleaned_data["contact"]
            )
        except errors.InvalidInput:
            complaint = None
    if complaint is not None:
        tracking_link_request(complaint=complaint)
    return render(request, "public/link_sent.html")


def _open(
    request: HttpRequest, token: str, *, fields: tuple[str, ...] = ()
) -> Complaint | HttpResponse:
    """The case the link names (only `fields` of it, if given), or the page that says why not."""
    try:
        complaint = complaint_for_link(public_token=read_tracking_token(token), fields=fields)
    except LinkExpired:
        return render(request, "public/link_expired.html", {"token": token}, status=410)
    except LinkInvalid:
        complaint = None
    if complaint is None:
        return render(request, "public/track_unknown.html", status=404)
    return complaint


def _page(
    request: HttpRequest,
    complaint: Complaint,
    token: str,
    *,
    add_form: AddInformationForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    files_dropped: bool = False,
    too_large: str = "",
    status: int = 200,
) -> HttpResponse:
    tracking = tracking_for(complaint=complaint)
    title, explanation = STAGE_WORDS[complaint.state]
    # The customer's own contacts, masked: whoever holds the link sees no more than that.
    customer, show = complaint.customer, contact_masker(user=AnonymousUser())
    context = {
        "complaint": complaint,
        "token": token,
        "tracking": tracking,
        "stage_title": title,
        "stage_text": explanation,
        "steps": steps_for(complaint.state),
        "entries": public_entries(tracking.events),
        "first_response": tracking.promises.get("first_response"),
        "decision": tracking.promises.get("decision"),
        "masked_phone": show(ContactField.PHONE, customer.phone),
        "masked_email": show(ContactField.EMAIL, customer.email),
        "survey_url": (
            reverse("public:survey", kwargs={"token": survey_token(complaint)})
            if tracking.survey_open
            else ""
        ),
        "add_form": add_form or AddInformationForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "files_dropped": files_dropped,
        "too_large": too_large,
    }
    return render(request, "public/track.html", context, status=status)


@require_http_methods(["GET"])
@limited(TRACK, client_ip_key, link_key)
def track(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token, fields=TRACKING_PAGE_FIELDS)
    if isinstance(opened, HttpResponse):
        return opened
    return _page(request, opened, token)


@csrf_exempt  # checked by `_track_add`, once the request is known to be small enough to read
@require_POST
@limited(TRACK, client_ip_key, link_key)
def track_add(request: HttpRequest, token: str) -> HttpResponse:
    limit = settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES
    if not body_too_large(request, limit=limit):
        return _track_add(request, token)
    # Refused by its announced size, before a byte of it is read (request_limits).
    opened = _open(request, token, fields=TRACKING_PAGE_FIELDS)
    if isinstance(opened, HttpResponse):
        return opened
    return _page(request, opened, token, too_large=filesizeformat(limit), status=413)


@csrf_protect
def _track_add(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    form = AddInformationForm(request.POST)
    uploads = request.FILES.getlist("files")
    if form.is_valid():
        try:
            customer_add_information(
                complaint=opened, message=form.cleaned_data["message"], uploads=uploads
            )
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except errors.ComplaintError as error:  # finished in the meantime: the page says so
            messages.error(request, error.message)
            return redirect("public:track", token=token)
        else:
            messages.success(request, _("Thank you. We have added this to your complaint."))
            return redirect(reverse("public:track", kwargs={"token": token}) + "#progress")
    # Browsers never re-fill a file field: say so when files were chosen.
    return _page(request, opened, token, add_form=form, files_dropped=bool(uploads), status=400)


@require_POST
@limited(TRACK, client_ip_key, link_key)
def track_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            customer_withdraw(complaint=opened, reason=form.cleaned_data["reason"])
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except errors.Conflict:
            form.add_error(None, _("Your complaint changed a moment ago. Please try again."))
        except errors.ComplaintError:  # not open any more
            messages.error(request, _("This complaint can no longer be withdrawn."))
            return redirect("public:track", token=token)
        else:
            messages.success(request, _("Your complaint is withdrawn."))
            return redirect("public:track", token=token)
    return _page(request, opened, token, withdraw_form=form, status=400)
