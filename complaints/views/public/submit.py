"""The customers' complaint form (/complaint/) and the receipt page shown after sending it.

A thin door onto complaints.services.public_intake. Before anything of the request is read, an
oversized one is answered with a clear page (413); then CSRF, the rate limits (per address and per
contact) and the honeypot; then the service. Success redirects to the receipt page by a signed
token (a reload or the back button never sends the form twice; a second send of the same form key
lands on the same receipt).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_address import client_ip
from complaints import errors
from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.forms.public import PublicComplaintForm
from complaints.public_links import (
    LinkInvalid,
    read_submitted_token,
    submitted_token,
    tracking_url,
)
from complaints.request_limits import body_too_large
from complaints.selectors.public_submissions import complaint_for_receipt
from complaints.services.customer_emails import promised_deadlines
from complaints.services.public_intake import (
    PRIVACY_NOTICE_VERSION,
    complaint_submit_public,
    submission_errors,
)
from complaints.views.public.abuse import client_ip_key, limited
from config.api_errors import database_unavailable_message
from config.db_errors import RETRY_AFTER_SECONDS, database_unavailable
from sla.models import Stage

logger = logging.getLogger(__name__)


def contact_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: one bucket per contact, the phone or e-mail as stored (normalised),
    so "138 1234 5678" and "+86 13812345678" count together; without either, the address."""
    try:
        phone = normalize_phone(request.POST.get("customer_phone", ""))
    except errors.InvalidInput:
        phone = ""
    if phone:
        return f"phone:{phone}"
    email = normalize_email(request.POST.get("customer_email", ""))
    return f"email:{email}" if email else f"ip:{client_ip(request)}"


def _page(
    request: HttpRequest, form: PublicComplaintForm, *, status: int = 200, **extra: object
) -> HttpResponse:
    context = {
        "form": form,
        "notice_template": f"public/privacy_notice/{PRIVACY_NOTICE_VERSION}.html",
        "notice_version": PRIVACY_NOTICE_VERSION,
        "privacy_contact": settings.COMPLAINTS_PRIVACY_CONTACT,
        "retention_years": settings.COMPLAINTS_PRIVACY_RETENTION_YEARS,
        "max_files": settings.COMPLAINTS_PUBLIC_MAX_FILES,
        "max_file_bytes": settings.COMPLAINTS_EVIDENCE_MAX_BYTES,
        "max_request_bytes": settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES,
        **extra,
    }
    return render(request, "public/submit.html", context, status=status)


@never_cache
@csrf_exempt  # checked by `_submit`, once the request is known to be small enough to read
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and body_too_large(
        request, limit=settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES
    ):
        limit = filesizeformat(settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES)
        return _page(request, PublicComplaintForm(), status=413, too_large=limit)
    return _submit(request)


@csrf_protect
@limited("public-submit", client_ip_key, method="POST")
@limited("public-submit-contact", contact_key, method="POST")
def _submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, PublicComplaintForm())
    form = PublicComplaintForm(request.POST, request.FILES)
    if form.is_robot:
        # Calm and indistinguishable from a success for the robot; nothing is recorded.
        return render(request, "public/received.html")
    # Files cannot be put back into a page sent back with errors: their names are listed instead.
    sent_files = [upload.name for upload in request.FILES.getlist("evidence_files")]
    if not form.is_valid():
        # Every problem at once: the service's rules on what was typed, too.
        raw = form.data
        for name, messages in submission_errors(
            customer_name=raw.get("customer_name", ""),
            customer_phone=raw.get("customer_phone", ""),
            customer_email=raw.get("customer_email", ""),
            description=raw.get("description", ""),
            remedy_sought=raw.get("remedy_sought", ""),
            consent=bool(form.cleaned_data.get("consent")),
            notice_version=raw.get("notice_version", ""),
        ).items():
            if not form.has_error(form.service_fields.get(name, name)):
                form.add_service_errors(errors.InvalidInput({name: messages}))
        return _page(request, form, status=422, attach_again=sent_files)
    try:
        result = complaint_submit_public(**form.service_arguments())
    except errors.InvalidInput as error:
        form.add_service_errors(error)
        return _page(request, form, status=422, attach_again=sent_files)
    except DatabaseError as error:
        if not database_unavailable(error):
            raise
        # Rolled back: the form comes back as typed, with its one-time key, to be sent again.
        logger.warning("Database unavailable while a customer sent a complaint", exc_info=error)
        response = _page(
            request,
            form,
            status=503,
            attach_again=sent_files,
            unavailable=database_unavailable_message(),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return redirect("public:submitted", token=submitted_token(result.complaint))


@never_cache
@require_GET
def submitted(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt: the reference, the promised dates and the tracking link."""
    try:
        public_token = read_submitted_token(token)
    except LinkInvalid as error:
        raise Http404 from error
    complaint = complaint_for_receipt(public_token=public_token)
    if complaint is None:
        raise Http404
    due = promised_deadlines(complaint)
    context = {
        "complaint": complaint,
        "first_response_due": due.get(Stage.FIRST_RESPONSE),
        "decision_due": due.get(Stage.DECISION),
        "tracking_url": tracking_url(complaint),
    }
    return render(request, "public/submitted.html", context)
