"""Signed, expiring links the customer receives: tracking and the satisfaction survey.

A link signs the complaint's random `public_token` (never the reference or the row id) with a
timestamp; the purpose is the salt, so a tracking link cannot be replayed as a survey link. The
survey link also carries the handling round (`reopen_count`), so each round is answered once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from complaints.models import Complaint

TRACKING_SALT = "complaints.public.tracking"
SURVEY_SALT = "complaints.public.survey"
SUBMITTED_SALT = "complaints.public.submitted"


class LinkInvalid(Exception):
    """Tampered with, made for another purpose, or not a link of ours."""


class LinkExpired(LinkInvalid):
    """Genuine but older than COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS."""


@dataclass(frozen=True)
class SurveyLink:
    public_token: str
    handling_round: int


def _max_age_seconds() -> int:
    return int(settings.COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS) * 24 * 3600


def _load(token: str, *, salt: str) -> dict:
    try:
        value = signing.loads(token, salt=salt, max_age=_max_age_seconds())
    except signing.SignatureExpired as exc:
        raise LinkExpired() from exc
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    if not isinstance(value, dict) or not isinstance(value.get("t"), str):
        raise LinkInvalid()
    return value


def tracking_token(complaint: Complaint) -> str:
    return signing.dumps({"t": complaint.public_token}, salt=TRACKING_SALT, compress=True)


def read_tracking_token(token: str) -> str:
    """The complaint's public_token; raises LinkExpired or LinkInvalid."""
    return _load(token, salt=TRACKING_SALT)["t"]


def read_expired_tracking_token(token: str) -> str:
    """The public_token of a genuine tracking link, however old (to send a fresh one to the
    contact on file, never to show the case); raises LinkInvalid."""
    try:
        value = signing.loads(token, salt=TRACKING_SALT)
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    if not isinstance(value, dict) or not isinstance(value.get("t"), str):
        raise LinkInvalid()
    return value["t"]


def survey_token(complaint: Complaint) -> str:
    return signing.dumps(
        {"t": complaint.public_token, "r": complaint.reopen_count}, salt=SURVEY_SALT, compress=True
    )


def read_survey_token(token: str) -> SurveyLink:
    value = _load(token, salt=SURVEY_SALT)
    handling_round = value.get("r")
    if not isinstance(handling_round, int):
        raise LinkInvalid()
    return SurveyLink(public_token=value["t"], handling_round=handling_round)


def public_url(path: str) -> str:
    """An absolute address on the customers' site (COMPLAINTS_PUBLIC_URL, else the staff site)."""
    base = settings.COMPLAINTS_PUBLIC_URL or settings.COMPLAINTS_SITE_URL
    return base.rstrip("/") + path


def tracking_url(complaint: Complaint) -> str:
    return public_url(reverse("public:track", kwargs={"token": tracking_token(complaint)}))


def survey_url(complaint: Complaint) -> str:
    return public_url(reverse("public:survey", kwargs={"token": survey_token(complaint)}))


def submitted_token(complaint: Complaint) -> str:
    """Opens the page shown right after sending the form (the receipt), never the case itself."""
    return signing.dumps({"t": complaint.public_token}, salt=SUBMITTED_SALT, compress=True)


def read_submitted_token(token: str) -> str:
    """The complaint's public_token; raises LinkExpired or LinkInvalid."""
    return _load(token, salt=SUBMITTED_SALT)["t"]
