"""The staff intake desk: record a complaint, attach what the customer brought, and answer a simple
case on the spot (当场答复) — the steps an agent takes at one sitting, as one service.

The complaint and its on-the-spot answer commit together. Evidence files are added afterwards, one
transaction each: a refused file never costs the customer their complaint, and the agent is told
which file was refused and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import ComplaintError, InvalidInput, PermissionDenied
from complaints.models import Complaint, EvidenceFile
from complaints.services.customers import customer_details_errors
from complaints.services.evidence import evidence_add
from complaints.services.intake import complaint_create
from complaints.services.transitions import complaint_transition
from config.db_errors import database_unavailable

# Answering on the spot is two steps of the workflow: into triage, then straight to the reply.
ON_SPOT_PERMISSIONS = ("complaints.triage_complaint", "complaints.answer_on_spot")


@dataclass(frozen=True)
class EvidenceUpload:
    kind: str
    upload: UploadedFile
    description: str = ""


@dataclass(frozen=True)
class RefusedFile:
    name: str
    reasons: list[str]


@dataclass
class EvidenceOutcome:
    added: list[EvidenceFile] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)


@dataclass
class IntakeResult:
    complaint: Complaint
    evidence: EvidenceOutcome
    answered_on_spot: bool


def can_answer_on_spot(user: User) -> bool:
    return all(user.has_perm(perm) for perm in ON_SPOT_PERMISSIONS)


def evidence_add_each(
    *, complaint: Complaint, actor: User | None, uploads: Sequence[EvidenceUpload]
) -> EvidenceOutcome:
    """Add each file on its own; the refused ones are reported with the service's reasons.

    Only a file's own faults (type, size, kind) are collected; what concerns the case (the actor
    may not add evidence, the case is finished) is raised as it is, before any file is stored.
    """
    outcome = EvidenceOutcome()
    for item in uploads:
        try:
            outcome.added.append(
                evidence_add(
                    complaint=complaint,
                    actor=actor,
                    kind=item.kind,
                    upload=item.upload,
                    description=item.description,
                )
            )
        except InvalidInput as error:
            reasons = [message for messages in error.fields.values() for message in messages]
            outcome.refused.append(RefusedFile(item.upload.name or "", reasons or [error.message]))
        except DatabaseError as error:
            # The complaint is committed already: the person must not be told to send it again
            # (a second complaint), only to add this file later.
            if not database_unavailable(error):
                raise
            outcome.refused.append(
                RefusedFile(
                    item.upload.name or "",
                    [_("The file could not be stored just now; add it to the case again.")],
                )
            )
    return outcome


def complaint_intake(
    *,
    actor: User,
    evidence: Sequence[EvidenceUpload] = (),
    on_spot_answer: str | None = None,
    **details: Any,
) -> IntakeResult:
    """Record a complaint (`details` are complaint_create's arguments) with its evidence.

    `on_spot_answer` given: the agent answered the customer there and then; the case goes through
    triage straight to the reply stage with that answer as its findings. Raises what
    complaint_create raises (InvalidInput lists every field at once), and PermissionDenied when the
    actor's role may not answer on the spot; nothing is recorded then.
    """
    on_spot = on_spot_answer is not None
    if on_spot and not can_answer_on_spot(actor):
        raise PermissionDenied(_("Your role cannot answer complaints on the spot."))
    on_spot_errors: dict[str, list[str]] = {}
    if on_spot_answer is not None and not on_spot_answer.strip():
        on_spot_errors["on_spot_answer"] = [_("Write the answer given to the customer.")]

    with transaction.atomic():
        try:
            complaint = complaint_create(actor=actor, **details)
        except InvalidInput as error:
            # complaint_create stops at its own fields; the agent is told about the customer's
            # details in the same answer rather than one round later.
            customer_errors = customer_details_errors(
                name=details.get("customer_name", ""),
                phone=details.get("customer_phone", ""),
                email=details.get("customer_email", ""),
            )
            raise InvalidInput({**customer_errors, **error.fields, **on_spot_errors}) from error
        if on_spot_errors:
            raise InvalidInput(on_spot_errors)  # rolls the new complaint back with it
        if on_spot:
            complaint = complaint_transition(complaint=complaint, name="start_triage", actor=actor)
            complaint = complaint_transition(
                complaint=complaint,
                name="answer_on_spot",
                actor=actor,
                data={"findings": on_spot_answer},
            )
    try:
        outcome = evidence_add_each(complaint=complaint, actor=actor, uploads=evidence)
    except ComplaintError as error:
        # The complaint is recorded already; the files are reported refused, not the intake.
        refused = [RefusedFile(item.upload.name or "", [error.message]) for item in evidence]
        outcome = EvidenceOutcome(refused=refused)
    return IntakeResult(complaint=complaint, evidence=outcome, answered_on_spot=on_spot)
