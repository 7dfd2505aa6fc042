"""A stand-in for the tracking page until it lands (issue 13, tracking half): the signed tracking
link must open something. It shows the reference only; the real page replaces this module."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from complaints.public_links import LinkInvalid, read_tracking_token
from complaints.selectors.public_submissions import complaint_for_receipt


@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    try:
        public_token = read_tracking_token(token)
    except LinkInvalid as error:
        raise Http404 from error
    complaint = complaint_for_receipt(public_token=public_token)
    if complaint is None:
        raise Http404
    return render(request, "public/tracking_pending.html", {"complaint": complaint})
