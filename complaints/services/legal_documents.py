"""The register of legal documents received (法律文件签收, seed 004 §九), written only here.

Recorded by holders of `complaints.record_legal_document`. The seed's rules, enforced:

- §九.1 a lawyer's letter is never signed for: left with us unsigned, or refused; never "signed"
  (also a database constraint);
- §九.2 papers are signed for only when the name on them is the company's exactly;
- §九.3 a court's, prosecutor's or police's papers are signed for only once the bearer's work ID was
  seen and by the designated person with the original in hand; a court's papers without the other
  side's evidence need what the judge said about it.

Every entry tells senior management at once (an urgent notification in each reader's language,
§九.1-3 "第一时间上报公司高层管理人员"); forwarding it to the legal department tells the person (or
the department's head) it went to. An entry linked to a case (when recorded, or later once the
case is known) is on its timeline; recording, linking, scans added and forwarding are in the
audit log. Scans are checked like evidence files.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, Department, User
from accounts.people import person_snapshot, snapshot
from accounts.roles import Role
from accounts.services import audit_record
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, LegalDocument, LegalDocumentFile, Notification
from complaints.models.registers import legal_scan_upload_to
from complaints.selectors import complaint_get_for_user, complaints_visible_to
from complaints.selectors.registers import legal_document_get_for_user
from complaints.services.evidence import evidence_check_upload, file_checksum, file_store_once
from complaints.services.notifications import notify, site_url
from complaints.timeline import record_event

RECORD = "complaints.record_legal_document"
TEXT_MAX_LENGTH = 2000
MAX_FILES = 10

Kind = LegalDocument.Kind
Receipt = LegalDocument.Receipt
IdentityCheck = LegalDocument.IdentityCheck
# Papers of an official body: the bearer shows their work ID, the original is signed for (§九.3).
OFFICIAL_KINDS = frozenset({Kind.COURT, Kind.PROCURATORATE, Kind.POLICE})


def can_record_legal_documents(user: User) -> bool:
    return user.is_active and user.has_perm(RECORD)


def _ensure_allowed(user: User) -> None:
    if not can_record_legal_documents(user):
        raise PermissionDenied(_("Your role does not record legal documents."))


def senior_management() -> list[User]:
    """Who is told of every legal document: the active members of the senior management role."""
    return list(
        User.objects.filter(is_active=True, groups__name=Role.EXECUTIVE.value)
        .distinct()
        .order_by("pk")
    )


def _linked_case(actor: User, reference: str, errors: dict[str, list[str]]) -> Complaint | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    try:
        return complaint_get_for_user(user=actor, reference=reference)
    except NotFound:
        errors["complaint"] = [_("No complaint you may read has this reference.")]
        return None


def _text(value: str, name: str, errors: dict[str, list[str]], *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [required]
    elif len(value) > TEXT_MAX_LENGTH:
        errors[name] = [_("Keep it under %(count)d characters.") % {"count": TEXT_MAX_LENGTH}]
    return value


def receipt_problems(
    *,
    kind: str,
    receipt: str,
    addressee_matches: bool,
    identity_check: str,
    signed_by: User | None,
    original_received: bool,
    evidence_enclosed: bool,
    evidence_inquiry: str,
) -> dict[str, list[str]]:
    """Why these papers may not be recorded as received this way (seed 004 §九), by field."""
    errors: dict[str, list[str]] = {}
    if receipt not in Receipt.values:
        errors["receipt"] = [_("Say whether the papers were signed for, left or refused.")]
        return errors
    if receipt != Receipt.SIGNED:
        return errors
    if kind == Kind.LAWYER_LETTER:
        errors["receipt"] = [
            _(
                "A lawyer's letter is never signed for (seed 004 §九.1): record it as left with "
                "us unsigned, or as refused."
            )
        ]
        return errors
    if not addressee_matches:
        errors["addressee_matches"] = [
            _("Papers are signed for only when the name on them is the company's exactly.")
        ]
    if signed_by is None:
        errors["signed_by"] = [_("Name the designated person who signed.")]
    if kind in OFFICIAL_KINDS:
        if identity_check == IdentityCheck.NOT_CHECKED:
            errors["identity_check"] = [
                _("Official papers are signed for only after the bearer showed their work ID.")
            ]
        if not original_received:
            errors["original_received"] = [_("Sign for official papers only with the original.")]
    if kind == Kind.COURT and not evidence_enclosed and not evidence_inquiry:
        errors["evidence_inquiry"] = [
            _(
                "No evidence enclosed: write what the judge said about the other side's evidence "
                "and how it is obtained."
            )
        ]
    return errors


@transaction.atomic
def legal_document_record(
    *,
    actor: User,
    kind: str,
    sender: str,
    delivered_by: str,
    identity_check: str,
    addressee: str,
    addressee_matches: bool,
    receipt: str,
    summary: str,
    received_at: datetime | None = None,
    received_by: User | None = None,
    their_reference: str = "",
    signed_by: User | None = None,
    original_received: bool = False,
    evidence_enclosed: bool = False,
    evidence_inquiry: str = "",
    complaint: str = "",
    note: str = "",
    files: Sequence[UploadedFile] = (),
) -> LegalDocument:
    """Record papers received, attach their scans, link the case (by reference) and tell senior
    management at once."""
    _ensure_allowed(actor)
    now = timezone.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Choose what kind of papers these are.")]
    if identity_check not in IdentityCheck.values:
        errors["identity_check"] = [_("Say whether and how the bearer's identity was checked.")]
    sender = _text(sender, "sender", errors, required=_("Who sent the papers?"))
    delivered_by = _text(
        delivered_by, "delivered_by", errors, required=_("Who brought the papers?")
    )
    addressee = _text(
        addressee, "addressee", errors, required=_("Copy the name the papers are addressed to.")
    )
    summary = _text(summary, "summary", errors, required=_("Say what the papers are about."))
    their_reference = _text(their_reference, "their_reference", errors)[:100]
    evidence_inquiry = _text(evidence_inquiry, "evidence_inquiry", errors)
    note = _text(note, "note", errors)
    if identity_check == IdentityCheck.OTHER and not note:
        errors["note"] = [_("Describe in the note how the identity was checked.")]
    if received_at > now + timedelta(minutes=5):
        errors["received_at"] = [_("The time received cannot be in the future.")]
    if len(files) > MAX_FILES:
        errors["files"] = [_("Attach at most %(count)d files.") % {"count": MAX_FILES}]
    checked: list[tuple[UploadedFile, str]] = []
    for upload in files[:MAX_FILES]:
        try:
            checked.append((upload, evidence_check_upload(upload)))
        except InvalidInput as error:
            errors.setdefault("files", []).extend(
                f"{upload.name}: {message}" for message in error.fields.get("file", [])
            )
    errors.update(
        {
            name: messages
            for name, messages in receipt_problems(
                kind=kind,
                receipt=receipt,
                addressee_matches=addressee_matches,
                identity_check=identity_check,
                signed_by=signed_by,
                original_received=original_received,
                evidence_enclosed=evidence_enclosed,
                evidence_inquiry=evidence_inquiry,
            ).items()
            if name not in errors
        }
    )
    case = _linked_case(actor, complaint, errors)
    if errors:
        raise InvalidInput(errors)
    document = LegalDocument.objects.create(
        kind=kind,
        received_at=received_at,
        received_by=received_by or actor,
        sender=sender,
        their_reference=their_reference,
        delivered_by=delivered_by,
        identity_check=identity_check,
        addressee=addressee,
        addressee_matches=addressee_matches,
        receipt=receipt,
        signed_by=signed_by if receipt == Receipt.SIGNED else None,
        original_received=original_received,
        evidence_enclosed=evidence_enclosed,
        evidence_inquiry=evidence_inquiry,
        summary=summary,
        complaint=case,
        note=note,
        recorded_by=actor,
        management_notified_at=now,
    )
    for upload, content_type in checked:
        _store_scan(document, actor=actor, upload=upload, content_type=content_type, at=now)
    if case is not None:
        record_event(
            complaint=case,
            kind=CaseEvent.Kind.LEGAL_DOCUMENT,
            actor=actor,
            at=now,
            data={
                "legal_document_id": document.pk,
                "code": document.code,
                "kind": kind,
                "receipt": receipt,
                "received_at": received_at,
            },
        )
    audit_record(
        actor,
        AuditEntry.Action.LEGAL_DOCUMENT_RECORDED,
        document,
        {"kind": kind, "receipt": receipt, "complaint_id": case.pk if case else None},
    )
    notify(
        recipients=senior_management(),
        kind=Notification.Kind.LEGAL_DOCUMENT,
        complaint=case,
        key=f"legal-document:{document.pk}",
        template="legal_document",
        context={"document": document, "document_url": legal_document_url(document)},
        urgent=True,
    )
    return document


def legal_document_url(document: LegalDocument) -> str:
    return site_url(reverse("legal_document_detail", args=[document.pk]))


def _store_scan(
    document: LegalDocument,
    *,
    actor: User,
    upload: UploadedFile,
    content_type: str,
    at: datetime,
) -> LegalDocumentFile:
    scan = LegalDocumentFile(
        document=document,
        original_name=(upload.name or "scan")[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=file_checksum(upload),
        uploaded_by=actor,
        uploaded_at=at,
    )
    file_store_once(
        scan.file,
        stored_name=legal_scan_upload_to(scan, scan.original_name),
        original_name=scan.original_name,
        upload=upload,
    )
    scan.save()
    return scan


@transaction.atomic
def legal_document_add_files(
    *, actor: User, document_id: int, files: Sequence[UploadedFile]
) -> list[LegalDocumentFile]:
    """Attach more scans (a page scanned later)."""
    _ensure_allowed(actor)
    document = legal_document_get_for_user(user=actor, pk=document_id)
    if not files:
        raise InvalidInput({"files": [_("Choose the scans to attach.")]})
    if document.files.count() + len(files) > MAX_FILES:
        raise InvalidInput({"files": [_("Attach at most %(count)d files.") % {"count": MAX_FILES}]})
    checked = []
    for upload in files:
        try:
            checked.append((upload, evidence_check_upload(upload)))
        except InvalidInput as error:
            raise InvalidInput(
                {"files": [f"{upload.name}: {m}" for m in error.fields.get("file", [])]}
            ) from error
    now = timezone.now()
    scans = [
        _store_scan(document, actor=actor, upload=upload, content_type=content_type, at=now)
        for upload, content_type in checked
    ]
    audit_record(
        actor,
        AuditEntry.Action.LEGAL_DOCUMENT_CHANGED,
        document,
        {"change": "files", "files": [scan.pk for scan in scans]},
    )
    return scans


@transaction.atomic
def legal_document_link(*, actor: User, document_id: int, complaint: str) -> LegalDocument:
    """Link an entry recorded without a case to the complaint it concerns (by reference), once:
    papers often come before the complaint is found, or the complaint after them. On the case's
    timeline and in the audit log."""
    _ensure_allowed(actor)
    legal_document_get_for_user(user=actor, pk=document_id)  # out of reach reads as missing
    document = LegalDocument.objects.select_for_update().get(pk=document_id)
    if document.complaint_id is not None:
        raise ConditionNotMet([_("These papers are linked to a complaint already.")])
    errors: dict[str, list[str]] = {}
    case = _linked_case(actor, complaint, errors)
    if case is None and not errors:
        errors["complaint"] = [_("Enter the complaint's reference.")]
    if errors:
        raise InvalidInput(errors)
    assert case is not None
    now = timezone.now()
    document.complaint = case
    document.save(update_fields=["complaint"])
    record_event(
        complaint=case,
        kind=CaseEvent.Kind.LEGAL_DOCUMENT,
        actor=actor,
        at=now,
        data={
            "legal_document_id": document.pk,
            "code": document.code,
            "kind": document.kind,
            "receipt": document.receipt,
            "received_at": document.received_at,
            "linked": True,
        },
    )
    audit_record(
        actor,
        AuditEntry.Action.LEGAL_DOCUMENT_CHANGED,
        document,
        {"change": "linked", "complaint": case.reference},
    )
    return document


def legal_document_file_get(*, user: User, document_id: int, file_id: int) -> LegalDocumentFile:
    """A scan, for those who may read its entry (the download view streams it)."""
    document = legal_document_get_for_user(user=user, pk=document_id)
    try:
        return document.files.get(pk=file_id)
    except LegalDocumentFile.DoesNotExist as missing:
        raise NotFound(_("No such file.")) from missing


@transaction.atomic
def legal_document_forward(
    *,
    actor: User,
    document_id: int,
    department: Department,
    person: User | None = None,
    forwarded_at: datetime | None = None,
) -> LegalDocument:
    """Record that the papers went to the department that deals with them (the legal
    department), and to whom; once. Tells the person, else the department's head."""
    _ensure_allowed(actor)
    legal_document_get_for_user(user=actor, pk=document_id)  # out of reach reads as missing
    document = LegalDocument.objects.select_for_update().get(pk=document_id)
    if document.is_forwarded:
        raise ConditionNotMet([_("These papers were forwarded already.")])
    now = timezone.now()
    forwarded_at = forwarded_at or now
    errors: dict[str, list[str]] = {}
    if not department.is_active:
        errors["department"] = [_("Choose an active department.")]
    if person is not None and (not person.is_active or person.department_id != department.pk):
        errors["person"] = [_("Choose someone of that department.")]
    if forwarded_at > now + timedelta(minutes=5):
        errors["forwarded_at"] = [_("The time forwarded cannot be in the future.")]
    elif forwarded_at < document.received_at:
        errors["forwarded_at"] = [_("The papers cannot be forwarded before they were received.")]
    if errors:
        raise InvalidInput(errors)
    document.forwarded_to_department = department
    document.forwarded_to = person
    document.forwarded_at = forwarded_at
    document.forwarded_by = actor
    document.save(
        update_fields=["forwarded_to_department", "forwarded_to", "forwarded_at", "forwarded_by"]
    )
    if document.complaint_id is not None:
        record_event(
            complaint=document.complaint,  # type: ignore[arg-type]
            kind=CaseEvent.Kind.LEGAL_DOCUMENT_FORWARDED,
            actor=actor,
            at=now,
            data={
                "legal_document_id": document.pk,
                "code": document.code,
                "department": snapshot(department),
                "person": person_snapshot(person),
                "forwarded_at": forwarded_at,
            },
        )
    audit_record(
        actor,
        AuditEntry.Action.LEGAL_DOCUMENT_FORWARDED,
        document,
        {"department_id": department.pk, "person_id": person.pk if person else None},
    )
    recipient = person or department.head
    if recipient is None or recipient.pk == actor.pk:
        return document
    # The case is named to them only when they may read it (else it is not said to exist).
    case = document.complaint
    if case is not None and not complaints_visible_to(user=recipient).filter(pk=case.pk).exists():
        case = None
    notify(
        recipients=[recipient],
        kind=Notification.Kind.LEGAL_DOCUMENT,
        complaint=case,
        key=f"legal-document-forwarded:{document.pk}",
        template="legal_document_forwarded",
        context={"document": document, "document_url": legal_document_url(document)},
        urgent=True,
    )
    return document
