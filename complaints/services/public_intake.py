"""The customers' door to intake: a complaint sent from the public page (网络平台投诉入口).

It is recorded by the same `complaint_create` as staff intake (channel web, no staff actor), so the
customer is matched or created, the category routes it, urgent facts escalate it and the
acknowledgment e-mail goes out exactly as for a complaint taken by phone. What this door adds:

- the consent to the privacy notice (个人信息保护法), stored with the complaint: when, which version
  of the notice, in which language;
- one complaint per form: the form carries a one-time key, stored unique with the complaint, and a
  second send of that key (a double-click, a browser retry) is answered with the first complaint;
- files checked before anything is recorded (a customer cannot be asked afterwards which file was
  wrong), then added one transaction each by the evidence service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.errors import InvalidInput
from complaints.models import Channel, Complaint, EvidenceFile, PublicSubmission
from complaints.selectors.public_submissions import submission_find
from complaints.services.customers import customer_details_errors
from complaints.services.evidence import IMAGE, PDF, VIDEO, evidence_check_upload
from complaints.services.intake import complaint_create
from complaints.services.intake_desk import EvidenceOutcome, EvidenceUpload, evidence_add_each

# The privacy notice in force; its text is templates/public/privacy_notice/<version>.html. A new
# text gets a new version (and file), so every stored consent still names the words agreed to.
PRIVACY_NOTICE_VERSION = "2026-12"

# What customers may send: photos, PDF documents and (short, by the size limit) videos.
PUBLIC_EVIDENCE_KINDS = (
    (IMAGE, EvidenceFile.Kind.PHOTO),
    (VIDEO, EvidenceFile.Kind.VIDEO),
    (PDF, EvidenceFile.Kind.OTHER),
)
SUBJECT_LENGTH = 60


@dataclass(frozen=True)
class PublicSubmitResult:
    complaint: Complaint
    # The form's key was sent before: this is the first send's complaint, nothing new was made.
    repeated: bool
    evidence: EvidenceOutcome


def subject_from(description: str) -> str:
    """The case's one-line subject: the start of the customer's own first line."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(first_line) <= SUBJECT_LENGTH:
        return first_line
    return first_line[: SUBJECT_LENGTH - 1].rstrip() + "…"


def public_evidence_kind(upload: UploadedFile) -> str:
    """The evidence kind of a customer's file, from what it really is; raises InvalidInput."""
    content_type = evidence_check_upload(upload)
    for types, kind in PUBLIC_EVIDENCE_KINDS:
        if content_type in types:
            return kind
    raise InvalidInput({"file": [_("Send photos, PDF documents or videos only.")]})


def public_evidence_check(
    uploads: Sequence[UploadedFile],
) -> tuple[list[EvidenceUpload], list[str]]:
    """The files as evidence to add, and what is wrong with them ("name: reason" each)."""
    problems: list[str] = []
    limit = settings.COMPLAINTS_PUBLIC_MAX_FILES
    if len(uploads) > limit:
        problems.append(_("Send at most %(limit)d files.") % {"limit": limit})
    checked = []
    for upload in uploads:
        try:
            kind = public_evidence_kind(upload)
        except InvalidInput as error:
            reasons = " ".join(
                message for messages in error.fields.values() for message in messages
            )
            problems.append(f"{upload.name}: {reasons}")
        else:
            checked.append(EvidenceUpload(kind=kind, upload=upload))
    return checked, problems


def submission_errors(
    *,
    customer_name: str,
    customer_phone: str,
    customer_email: str,
    description: str,
    remedy_sought: str,
    consent: bool,
    notice_version: str,
) -> dict[str, list[str]]:
    """What this door requires besides complaint_create's rules: the customer's details, what
    happened, the remedy sought (ISO 10002 records it) and the consent to the notice in force.
    Also used to tell the customer everything at once when the form itself was malformed."""
    errors = customer_details_errors(name=customer_name, phone=customer_phone, email=customer_email)
    # The customer reads these: about themselves, not about "the customer".
    if "name" in errors:
        errors["name"] = [_("Enter your name.")]
    if "phone" in errors and not (customer_phone or "").strip():
        errors["phone"] = [_("Give a phone number or an e-mail address so that we can reach you.")]
    if not (description or "").strip():
        errors["description"] = [_("Tell us what happened.")]
    if not remedy_sought:
        errors["remedy_sought"] = [_("Choose what you would like us to do.")]
    if not consent:
        errors["consent"] = [_("Agree to the privacy notice so that we can handle your complaint.")]
    elif notice_version != PRIVACY_NOTICE_VERSION:
        errors["consent"] = [_("The privacy notice has changed. Please read it and agree again.")]
    return errors


def complaint_submit_public(
    *,
    submission_key: str,
    consent: bool,
    notice_version: str,
    language: str,
    customer_name: str,
    customer_phone: str = "",
    customer_email: str = "",
    description: str,
    remedy_sought: str,
    evidence: Sequence[UploadedFile] = (),
    **details: Any,
) -> PublicSubmitResult:
    """Record a complaint the customer sent (`details`: complaint_create's other arguments).

    Raises InvalidInput listing every field at once (the customer's details, the complaint's,
    the consent, the files); nothing is recorded then. A key seen before returns its complaint.
    """
    submission_key = (submission_key or "").strip()
    if not submission_key or len(submission_key) > 64:
        # Not a field the customer can correct: said above the form.
        raise InvalidInput({"form": [_("The form has expired. Please send it again.")]})
    existing = submission_find(submission_key=submission_key)
    if existing is not None:
        return PublicSubmitResult(complaint=existing, repeated=True, evidence=EvidenceOutcome())

    errors = submission_errors(
        customer_name=customer_name,
        customer_phone=customer_phone,
        customer_email=customer_email,
        description=description,
        remedy_sought=remedy_sought,
        consent=consent,
        notice_version=notice_version,
    )
    uploads, problems = public_evidence_check(evidence)
    if problems:
        errors["evidence_files"] = problems
    if errors:
        # Nothing is written for a form that is refused anyway (the form checks the shapes
        # complaint_create would refuse: a negative amount, a choice not on the list).
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            complaint = complaint_create(
                actor=None,
                channel=Channel.WEB,
                subject=subject_from(description),
                description=description,
                customer_name=customer_name,
                customer_phone=customer_phone,
                customer_email=customer_email,
                customer_language=language,
                remedy_sought=remedy_sought,
                **details,
            )
            PublicSubmission.objects.create(
                complaint=complaint,
                submission_key=submission_key,
                consent_at=timezone.now(),
                notice_version=notice_version,
                notice_language=language,
            )
    except IntegrityError:
        # The same key arrived twice at once and the other send committed first: its answer.
        existing = submission_find(submission_key=submission_key)
        if existing is None:
            raise
        return PublicSubmitResult(complaint=existing, repeated=True, evidence=EvidenceOutcome())
    outcome = evidence_add_each(complaint=complaint, actor=None, uploads=uploads)
    return PublicSubmitResult(complaint=complaint, repeated=False, evidence=outcome)
