"""Text messages (SMS): the short links they carry, and the provider's callback with the
customers' replies (STOP / 退订)."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from complaints.models import CustomerText
from complaints.public_links import survey_url, tracking_url
from complaints.selectors.public import text_for_link
from complaints.services.customer_texts import sms_reply_record
from complaints.views.public.abuse import client_ip_key, limited
from complaints.views.public.tracking import TRACK

# The largest reply batch read (the provider pushes at most a few hundred short replies at once).
REPLIES_MAX_BYTES = 256 * 1024


@require_GET
@limited(TRACK, client_ip_key)
def text_link(request: HttpRequest, code: str) -> HttpResponse:
    """A text's short link → a freshly signed tracking link, or the survey for a reply notice.
    An unknown or expired code goes to the page where the customer asks for a new link."""
    text = text_for_link(code=code)
    if text is None:
        return redirect("public:track_lookup")
    if text.kind == CustomerText.Kind.REPLY:
        return redirect(survey_url(text.complaint))
    return redirect(tracking_url(text.complaint))


@csrf_exempt  # the provider's server posts here, authenticated by the secret in the address
@require_POST
def sms_replies(request: HttpRequest, secret: str) -> HttpResponse:
    """Alibaba Cloud's push of replies (上行短信, HTTP batch): a JSON list of
    {"phone_number", "content", "send_time", ...}. Answers as the provider expects."""
    expected = settings.COMPLAINTS_SMS_INBOUND_SECRET
    # Constant time; without a configured secret nothing is taken.
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404
    if int(request.headers.get("Content-Length") or 0) > REPLIES_MAX_BYTES:
        return JsonResponse({"code": 1, "msg": "too large"}, status=413)
    try:
        replies = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"code": 1, "msg": "not JSON"}, status=400)
    if isinstance(replies, dict):
        replies = [replies]
    if not isinstance(replies, list):
        return JsonResponse({"code": 1, "msg": "not a list"}, status=400)
    for reply in replies:
        if isinstance(reply, dict):
            sms_reply_record(
                phone=str(reply.get("phone_number", "")), content=str(reply.get("content", ""))
            )
    return JsonResponse({"code": 0, "msg": "成功"})
