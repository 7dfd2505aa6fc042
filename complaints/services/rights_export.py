"""A person's data as a zip (个人信息保护法 §45: a copy of their personal information): `data.json`
and their evidence files under `evidence/<reference>/`.

What the person gets is what we hold about them and what they told us or were told: their customer
records; per complaint its facts, what they wrote, the approved outcome and its reasons, the
agreements they signed and the payments made to them, the logged contacts with them and the
e-mails sent to them, the follow-up visits, their consent on the customers' page and the evidence
files; and the e-mails received from their addresses that became no case (ignored or not handled:
when, to and from which address, the subject, what became of it and why). Not included: internal
notes, handoffs and the names of staff (other people's data and the company's internal
deliberation).

Written as it is read (complaints in chunks, files copied a megabyte at a time) into a temporary
file, then saved to the default storage: memory stays flat whatever the person's history holds.
Codes are given with their labels in the language of the handler who asked.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone, translation

from complaints.models import (
    Channel,
    Complaint,
    ContactDirection,
    Customer,
    EvidenceFile,
    FollowUpMethod,
    InboundEmail,
    Outcome,
    PaymentMethod,
    RejectionReason,
    Remedy,
    RightsRequest,
    State,
)
from complaints.selectors.rights import (
    rights_export_complaints,
    rights_export_files,
    rights_export_received_emails,
)

FORMAT_VERSION = 1
COPY_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def _coded(choices: type[models.Choices], value: str) -> dict[str, str] | None:
    if not value:
        return None
    try:
        return {"code": value, "label": str(choices(value).label)}
    except ValueError:
        return {"code": value, "label": value}


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def evidence_path(*, evidence_id: int, reference: str, original_name: str) -> str:
    """Where a file sits in the zip: by case, the row's id first so two files never collide."""
    name = _UNSAFE.sub("_", Path(original_name or "").name).strip("._") or "file"
    return f"evidence/{reference}/{evidence_id}-{name[:120]}"


def _customer(customer: Customer) -> dict[str, Any]:
    return {
        "record": customer.pk,
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "address": customer.address,
        "region": customer.region,
        "note": customer.note,
        "language": customer.language,
        "recorded_at": _when(customer.created_at),
    }


def _complaint(complaint: Complaint, *, files: dict[int, str]) -> dict[str, Any]:
    submission = getattr(complaint, "public_submission", None)
    return {
        "reference": complaint.reference,
        "customer_record": complaint.customer_id,
        "received_at": _when(complaint.received_at),
        "channel": _coded(Channel, complaint.channel),
        "stage": _coded(State, complaint.state),
        "subject": complaint.subject,
        "description": complaint.description,
        "product_or_service": complaint.product_or_service,
        "order_reference": complaint.order_ref,
        "expected_resolution": complaint.expected_resolution,
        "remedy_sought": _coded(Remedy, complaint.remedy_sought),
        "amount_claimed": complaint.amount_claimed,
        "region": complaint.region,
        "category": complaint.category.local_name if complaint.category else None,
        "findings": complaint.findings,
        "rejection_reason": _coded(RejectionReason, complaint.rejection_reason),
        "closed_at": _when(complaint.closed_at),
        "rejected_at": _when(complaint.rejected_at),
        "withdrawn_at": _when(complaint.withdrawn_at),
        "anonymised_at": _when(complaint.anonymised_at),
        "outcome": [
            {
                "remedy": _coded(Remedy, decision.remedy),
                "outcome": _coded(Outcome, decision.outcome),
                "amount": decision.amount,
                "reasons": decision.rationale,
                "approved_at": _when(decision.approved_at),
            }
            for decision in complaint.decisions.all()
        ],
        "agreements": [
            {
                "signed_on": agreement.signed_on.isoformat(),
                "amount": agreement.amount,
                "payments": [
                    {
                        "paid_on": payment.paid_on.isoformat(),
                        "amount": payment.amount,
                        "method": _coded(PaymentMethod, payment.method),
                    }
                    for payment in agreement.payments.all()
                ],
            }
            for agreement in complaint.agreements.all()
        ],
        "contacts": [
            {
                "at": _when(contact.at),
                "channel": _coded(Channel, contact.channel),
                "direction": _coded(ContactDirection, contact.direction),
                "summary": contact.summary,
                **(_email(contact.email) if hasattr(contact, "email") else {}),
            }
            for contact in complaint.contacts.all()
        ],
        "follow_ups": [
            {
                "at": _when(visit.at),
                "method": _coded(FollowUpMethod, visit.method),
                "reached": visit.reached,
                "satisfaction": visit.satisfaction,
                "resolved": visit.resolved,
                "comment": visit.comment,
            }
            for visit in complaint.follow_ups.all()
        ],
        "evidence": [
            {
                "kind": _coded(EvidenceFile.Kind, evidence.kind),
                "name": evidence.original_name,
                "description": evidence.description,
                "content_type": evidence.content_type,
                "size": evidence.size,
                "uploaded_at": _when(evidence.uploaded_at),
                # None: removed when the case was anonymised, or missing from the storage.
                "file": files.get(evidence.pk),
            }
            for evidence in complaint.evidence.all()
        ],
        "consent": {
            "given_at": _when(submission.consent_at),
            "privacy_notice_version": submission.notice_version,
            "privacy_notice_language": submission.notice_language,
        }
        if submission is not None
        else None,
    }


def _received_email(row: InboundEmail) -> dict[str, Any]:
    # The error's text is left out: the system's own words, already given by its code.
    return {
        "received_at": _when(row.received_at),
        "to": row.mailbox.address,
        "from": row.sender,
        "subject": row.subject,
        "handled_as": _coded(InboundEmail.Outcome, row.outcome),
        "reason": _coded(InboundEmail.Reason, row.reason),
        "error": _coded(InboundEmail.Failure, row.error_code),
    }


def _email(email: Any) -> dict[str, Any]:
    return {
        "email": {
            "to": email.to,
            "subject": email.subject,
            "text": email.body,
            "sent_at": _when(email.emailed_at),
        }
    }


class _JsonStream:
    """Writes a JSON document to a binary stream piece by piece."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def raw(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))

    def value(self, value: Any) -> None:
        self.raw(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def items(self, values: Iterable[Any], each: Callable[[Any], Any]) -> int:
        self.raw("[")
        count = 0
        for count, value in enumerate(values, start=1):
            self.raw(",\n" if count > 1 else "\n")
            self.value(each(value))
        self.raw("\n]")
        return count


def rights_export_write(request: RightsRequest, folder: Path) -> tuple[Path, dict[str, int]]:
    """Build the zip of `request`'s customer records in `folder`; returns its path and counts."""
    customers = list(request.customers.order_by("pk"))
    customer_ids = [customer.pk for customer in customers]
    path = folder / "export.zip"
    files: dict[int, str] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The files first: data.json then says which ones made it.
        for evidence_id, reference, original_name, stored in rights_export_files(
            customer_ids=customer_ids
        ):
            inside = evidence_path(
                evidence_id=evidence_id, reference=reference, original_name=original_name
            )
            try:
                source = default_storage.open(stored, "rb")
            except FileNotFoundError:
                continue
            # Photos, videos and PDFs are compressed already: stored as they are.
            info = zipfile.ZipInfo(inside, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with source, archive.open(info, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, COPY_CHUNK)
            files[evidence_id] = inside
        language = translation.override(request.export_language or None)
        with language, archive.open("data.json", "w") as out:
            stream = _JsonStream(out)
            stream.raw("{\n")
            stream.raw('"format": ')
            stream.value(FORMAT_VERSION)
            stream.raw(',\n"request": ')
            stream.value(
                {
                    "code": request.code,
                    "kind": _coded(RightsRequest.Kind, request.kind),
                    "received_at": _when(request.received_at),
                    "generated_at": _when(timezone.now()),
                }
            )
            stream.raw(',\n"customer_records": ')
            stream.items(customers, _customer)
            stream.raw(',\n"complaints": ')
            complaints = stream.items(
                rights_export_complaints(customer_ids=customer_ids),
                lambda complaint: _complaint(complaint, files=files),
            )
            stream.raw(',\n"received_emails_without_case": ')
            addresses = {customer.email for customer in customers} | {request.requester_email}
            received = stream.items(
                rights_export_received_emails(addresses=addresses), _received_email
            )
            stream.raw("\n}\n")
    counts = {"customers": len(customers), "complaints": complaints, "files": len(files)}
    return path, {**counts, "received_emails": received}


def rights_export_save(request: RightsRequest) -> dict[str, int]:
    """Build the zip and store it on the request (not saved: the caller saves the row)."""
    with tempfile.TemporaryDirectory(prefix="rights-export-") as folder:
        path, counts = rights_export_write(request, Path(folder))
        with path.open("rb") as built:
            request.export_file.save(f"{request.code}.zip", File(built), save=False)
        request.export_size = path.stat().st_size
    return counts
