"""Evidence files: checked by size and by their actual content, checksummed, stored by checksum."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from complaints.errors import ConditionNotMet, InvalidInput
from complaints.models import CaseEvent, Complaint, EvidenceFile
from complaints.models.investigation import evidence_upload_to
from complaints.services.common import Needs, ensure_can_act
from complaints.timeline import BY_CUSTOMER, record_event

# Types recognised from the file's first bytes; the name's extension is never trusted.
ALLOWED_CONTENT_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/bmp",
    "image/tiff",
    "application/pdf",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/3gpp",
    "audio/mpeg",
    "audio/mp4",
    "audio/x-wav",
    "audio/amr",
    "audio/aac",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword",
    "application/vnd.ms-excel",
}
TEXT_CONTENT_TYPE = "text/plain"

IMAGE = frozenset(t for t in ALLOWED_CONTENT_TYPES if t.startswith("image/"))
VIDEO = frozenset(t for t in ALLOWED_CONTENT_TYPES if t.startswith("video/"))
AUDIO = frozenset(t for t in ALLOWED_CONTENT_TYPES if t.startswith("audio/"))
PDF = frozenset({"application/pdf"})
WORD = frozenset(
    {
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
TEXT = frozenset({TEXT_CONTENT_TYPE})
ANY = frozenset(ALLOWED_CONTENT_TYPES | TEXT)


@dataclass(frozen=True)
class KindRule:
    """What a declared kind of evidence may be, and how to say it: `expected` reads after
    "not" for a kind that is one sort of file ("not a photo"), after "upload" otherwise."""

    types: frozenset[str]
    expected: Promise
    single: bool = False


_IMAGE_OR_PDF = KindRule(IMAGE | PDF, gettext_lazy("an image or a PDF"))
_DOCUMENT = KindRule(IMAGE | PDF | WORD, gettext_lazy("an image, a PDF or a Word document"))

# Photos are images, videos videos; papers (receipts, records, reports, agreements) are scans,
# photos or PDFs; statements and correspondence may also be text or recordings. The reasons:
# a handler reading "photo" opens a picture, and an auditor trusts the kind in the case record.
KIND_RULES: dict[str, KindRule] = {
    EvidenceFile.Kind.PHOTO: KindRule(IMAGE, gettext_lazy("a photo"), single=True),
    EvidenceFile.Kind.VIDEO: KindRule(VIDEO, gettext_lazy("a video"), single=True),
    EvidenceFile.Kind.AUDIO: KindRule(AUDIO, gettext_lazy("an audio recording"), single=True),
    EvidenceFile.Kind.RECEIPT: _IMAGE_OR_PDF,
    EvidenceFile.Kind.MEDICAL_RECORD: _IMAGE_OR_PDF,
    EvidenceFile.Kind.IDENTITY_DOCUMENT: _IMAGE_OR_PDF,
    EvidenceFile.Kind.POLICE_REPORT: _IMAGE_OR_PDF,
    EvidenceFile.Kind.AGREEMENT: _IMAGE_OR_PDF,
    EvidenceFile.Kind.CONTRACT: _DOCUMENT,
    EvidenceFile.Kind.INSPECTION_REPORT: _DOCUMENT,
    EvidenceFile.Kind.WITNESS_STATEMENT: KindRule(
        IMAGE | PDF | WORD | TEXT | AUDIO | VIDEO,
        gettext_lazy("an image, a PDF, a Word document, plain text or a recording"),
    ),
    EvidenceFile.Kind.CORRESPONDENCE: KindRule(
        ANY - VIDEO, gettext_lazy("an image, a document, plain text or an audio recording")
    ),
    EvidenceFile.Kind.OTHER: KindRule(ANY, gettext_lazy("a file of an accepted type")),
}

# Short names of formats, for the file's description ("an image (PNG)").
FORMAT_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
    "video/webm": "WebM",
    "video/3gpp": "3GP",
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "audio/x-wav": "WAV",
    "audio/amr": "AMR",
    "audio/aac": "AAC",
}


def describe_content_type(content_type: str) -> str:
    """What a sniffed type is, in words for the person who uploaded it ("a plain-text file")."""
    name = FORMAT_NAMES.get(content_type, content_type.rsplit("/", 1)[-1].upper())
    if content_type in IMAGE:
        return _("an image (%(format)s)") % {"format": name}
    if content_type in VIDEO:
        return _("a video (%(format)s)") % {"format": name}
    if content_type in AUDIO:
        return _("an audio recording (%(format)s)") % {"format": name}
    if content_type in PDF:
        return _("a PDF document")
    if content_type in WORD:
        return _("a Word document")
    if content_type == TEXT_CONTENT_TYPE:
        return _("a plain-text file")
    return _("an Excel spreadsheet")


def kind_mismatch(*, kind: str, content_type: str) -> str | None:
    """Why a file of `content_type` cannot be evidence of `kind`, or None when it can."""
    rule = KIND_RULES.get(kind)
    if rule is None or content_type in rule.types:
        return None
    found = describe_content_type(content_type)
    if rule.single:
        return _("This file is %(found)s, not %(expected)s.") % {
            "found": found,
            "expected": rule.expected,
        }
    return _("This file is %(found)s; for “%(kind)s” upload %(expected)s.") % {
        "found": found,
        "kind": EvidenceFile.Kind(kind).label,
        "expected": rule.expected,
    }


def sniff_content_type(head: bytes) -> str | None:
    """The content type the bytes really are, or None if it is not one we accept."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_CONTENT_TYPES else None
    try:
        # Witness statements and chat transcripts often arrive as plain UTF-8 text. The head may
        # end inside a multi-byte character (Chinese text is 3 bytes a character): not final.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return TEXT_CONTENT_TYPE if b"\x00" not in head else None


def file_checksum(upload: UploadedFile) -> str:
    """The upload's SHA-256 (hex), read in chunks; the upload is rewound for storing."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def file_store_once(
    file: FieldFile, *, stored_name: str, original_name: str, upload: UploadedFile
) -> None:
    """Point `file` at `stored_name` (named by checksum) if that content is stored already, else
    store the upload there. The same content is stored once, and an upload whose transaction rolls
    back leaves at most one unreferenced copy, never a stream of them."""
    if file.storage.exists(stored_name):
        file.name = stored_name
    else:
        file.save(original_name, upload, save=False)


@transaction.atomic
def evidence_add(
    *,
    complaint: Complaint,
    actor: User | None,
    kind: str,
    upload: UploadedFile,
    description: str = "",
) -> EvidenceFile:
    """Check a file and attach it to the case. `actor` None: the customer sent it from the
    public pages (the caller has established that the case is theirs); the entry is theirs."""
    if actor is not None:
        ensure_can_act(actor=actor, complaint=complaint, perms=Needs.ADD_EVIDENCE)
    if not complaint.is_open:
        raise ConditionNotMet([_("Evidence can only be added while the complaint is open.")])
    errors: dict[str, list[str]] = {}
    if kind not in EvidenceFile.Kind.values:
        errors["kind"] = [_("Choose what kind of evidence this is.")]
    size_error = _size_error(upload)
    if size_error:
        errors["file"] = [size_error]
    if errors:
        raise InvalidInput(errors)
    content_type = _sniffed(upload)
    mismatch = kind_mismatch(kind=kind, content_type=content_type)
    if mismatch:
        raise InvalidInput({"file": [mismatch]})
    return evidence_store(
        complaint=complaint,
        actor=actor,
        kind=kind,
        upload=upload,
        content_type=content_type,
        description=description,
        by_customer=actor is None,
    )


def evidence_check_upload(upload: UploadedFile) -> str:
    """The checks every evidence file passes (size, content sniffed from its first bytes);
    returns its real content type or raises InvalidInput({"file": [...]})."""
    size_error = _size_error(upload)
    if size_error:
        raise InvalidInput({"file": [size_error]})
    return _sniffed(upload)


def kind_for_content_type(content_type: str) -> str:
    """The evidence kind a file the customer sent is filed under (they are not asked to choose)."""
    if content_type in IMAGE:
        return EvidenceFile.Kind.PHOTO
    if content_type in VIDEO:
        return EvidenceFile.Kind.VIDEO
    if content_type in AUDIO:
        return EvidenceFile.Kind.AUDIO
    return EvidenceFile.Kind.OTHER


def _size_error(upload: UploadedFile) -> str | None:
    max_bytes = settings.COMPLAINTS_EVIDENCE_MAX_BYTES
    # Django's upload handlers always set the size; a file without one reads as empty.
    size = upload.size or 0
    if size == 0:
        return _("The file is empty.")
    if size > max_bytes:
        return _("The file is %(size)s; the limit is %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(max_bytes),
        }
    return None


def _sniffed(upload: UploadedFile) -> str:
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise InvalidInput(
            {
                "file": [
                    _(
                        "This type of file is not accepted. Use a photo, video, audio recording, "
                        "PDF, Word or Excel document, or plain text."
                    )
                ]
            }
        )
    return content_type


def evidence_store(
    *,
    complaint: Complaint,
    actor: User | None,
    kind: str,
    upload: UploadedFile,
    content_type: str,
    description: str = "",
    by_customer: bool = False,
) -> EvidenceFile:
    """Store a checked file (evidence_check_upload) and its timeline entry; the caller has
    decided who may add it. `by_customer`: the customer sent it from the public pages (`actor`
    None), and the entry is shown to them."""
    evidence = EvidenceFile(
        complaint=complaint,
        kind=kind,
        original_name=(upload.name or "upload")[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=file_checksum(upload),
        description=description,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    file_store_once(
        evidence.file,
        stored_name=evidence_upload_to(evidence, evidence.original_name),
        original_name=evidence.original_name,
        upload=upload,
    )
    evidence.save()
    record_event(
        complaint=complaint,
        kind=CaseEvent.Kind.EVIDENCE,
        actor=actor,
        at=evidence.uploaded_at,
        comment=description,
        customer_visible=by_customer,
        data={
            "evidence_id": evidence.pk,
            "name": evidence.original_name,
            "kind": kind,
            "content_type": content_type,
            "size": evidence.size,
            "sha256": evidence.sha256,
            **(BY_CUSTOMER if by_customer else {}),
        },
    )
    return evidence
