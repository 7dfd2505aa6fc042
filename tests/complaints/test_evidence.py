"""Evidence files: checked by content and size, checksummed (complaints/services/evidence.py)."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, EvidenceFile, State
from complaints.services import evidence_add


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A real, decodable RGB PNG: signature, IHDR, one zlib-compressed IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n"
    b"%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoice.txt", "发票")
    return buffer.getvalue()


def upload(content: bytes, name: str, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(complaint_in) -> Complaint:
    return complaint_in(State.INVESTIGATION)


def add(
    case,
    actor,
    content: bytes,
    name: str,
    kind: str = "photo",
    content_type: str = "application/octet-stream",
    description: str = "",
) -> EvidenceFile:
    return evidence_add(
        complaint=case,
        actor=actor,
        kind=kind,
        upload=upload(content, name, content_type),
        description=description,
    )


# --- accepted files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "kind", "content_type", "extension"),
    [
        (png_bytes(), "空调铭牌.PNG", "photo", "image/png", "png"),
        (PDF, "维修单.pdf", "receipt", "application/pdf", "pdf"),
        (
            "证人陈述：师傅未更换零件。".encode(),
            "证言.txt",
            "witness_statement",
            "text/plain",
            "txt",
        ),
    ],
    ids=["png", "pdf", "text"],
)
def test_an_accepted_file_is_stored_with_its_checksum_size_and_real_type(
    org, case, content, name, kind, content_type, extension, settings
):
    # when the handler attaches the file
    evidence = add(case, org.handler, content, name, kind=kind, description="现场照片")

    # then the facts are taken from the bytes, and the file is stored under its checksum
    checksum = hashlib.sha256(content).hexdigest()
    assert (evidence.sha256, evidence.size, evidence.content_type) == (
        checksum,
        len(content),
        content_type,
    )
    assert (evidence.original_name, evidence.uploaded_by) == (name, org.handler)
    assert evidence.file.name == f"evidence/{checksum[:2]}/{checksum}.{extension}"
    assert (settings.MEDIA_ROOT / evidence.file.name).read_bytes() == content
    event = case.events.get(kind=CaseEvent.Kind.EVIDENCE)
    assert (event.actor, event.comment) == (org.handler, "现场照片")
    assert event.data["sha256"] == checksum
    assert event.data["evidence_id"] == evidence.pk


def test_the_name_and_declared_type_are_not_trusted(org, case):
    # given a real PNG uploaded as "receipt.html", declared as HTML by the browser
    evidence = add(case, org.agent, png_bytes(), "receipt.html", content_type="text/html")

    # then it is stored and described as the PNG it is
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")
    assert evidence.original_name == "receipt.html"


def test_a_long_chinese_text_is_accepted(org, case):
    # The type check reads the first 8 KB, which may end in the middle of a character.
    statement = ("证人陈述：维修师傅当天未更换任何零件。" * 500).encode()
    assert len(statement) > 8192

    evidence = add(case, org.handler, statement, "证言.txt", kind="witness_statement")

    assert evidence.content_type == "text/plain"


def test_the_same_content_is_stored_once(org, case):
    first = add(case, org.handler, png_bytes(), "a.png")
    second = add(case, org.agent, png_bytes(), "b.png")

    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert EvidenceFile.objects.filter(complaint=case).count() == 2


def test_a_file_of_exactly_the_limit_is_accepted(org, case, settings):
    content = png_bytes()
    settings.COMPLAINTS_EVIDENCE_MAX_BYTES = len(content)

    assert add(case, org.handler, content, "a.png").size == len(content)


# --- refused files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (ELF, "photo.png", "image/png"),
        (WINDOWS_EXE, "invoice.pdf", "application/pdf"),
        (zip_bytes(), "evidence.zip", "application/zip"),
        (b"\x00\x01\x02\x03binary\x00junk", "data.bin", "application/octet-stream"),
        ("证人陈述".encode("gbk") + b"\xff\xfe", "statement.txt", "text/plain"),
    ],
    ids=["elf-as-png", "exe-as-pdf", "zip", "unknown-binary", "not-utf8"],
)
def test_a_file_of_a_type_we_do_not_accept_is_refused(org, case, content, name, content_type):
    with pytest.raises(InvalidInput) as refused:
        add(case, org.handler, content, name, content_type=content_type)

    assert "file" in refused.value.fields
    assert not EvidenceFile.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.EVIDENCE).exists()


def test_an_oversize_file_is_refused(org, case, settings):
    content = png_bytes()
    settings.COMPLAINTS_EVIDENCE_MAX_BYTES = len(content) - 1

    with pytest.raises(InvalidInput) as refused:
        add(case, org.handler, content, "big.png")

    assert "file" in refused.value.fields
    assert not EvidenceFile.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists()


def test_an_empty_file_is_refused(org, case):
    with pytest.raises(InvalidInput) as refused:
        add(case, org.handler, b"", "empty.png")

    assert "file" in refused.value.fields
    assert not EvidenceFile.objects.exists()


def test_an_unknown_kind_is_refused(org, case):
    with pytest.raises(InvalidInput) as refused:
        add(case, org.handler, png_bytes(), "a.png", kind="selfie")

    assert "kind" in refused.value.fields


def test_evidence_needs_the_role_the_scope_and_an_open_case(org, case, complaint_in):
    with pytest.raises(PermissionDenied):
        add(case, org.auditor, png_bytes(), "a.png")
    with pytest.raises(PermissionDenied):
        add(case, org.executive, png_bytes(), "a.png")
    with pytest.raises(NotFound):
        add(case, org.other_handler, png_bytes(), "a.png")
    with pytest.raises(ConditionNotMet):
        add(complaint_in(State.CLOSED), org.handler, png_bytes(), "a.png")
    assert not EvidenceFile.objects.exists()


# --- the declared kind must match the content (issue 12 §1.6) ----------------------------------

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64


@pytest.mark.parametrize(
    ("content", "name", "kind", "content_type"),
    [
        (png_bytes(), "铭牌.png", "photo", "image/png"),
        (MP4, "现场.mp4", "video", "video/mp4"),
        (png_bytes(), "发票.png", "receipt", "image/png"),
        (PDF, "发票.pdf", "receipt", "application/pdf"),
        (PDF, "病历.pdf", "medical_record", "application/pdf"),
        (PDF, "报警回执.pdf", "police_report", "application/pdf"),
        (png_bytes(), "协议书.png", "agreement", "image/png"),
        (PDF, "协议书.pdf", "agreement", "application/pdf"),
        ("证人陈述".encode(), "证言.txt", "witness_statement", "text/plain"),
        (MP4, "其他.mp4", "other", "video/mp4"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() else None,
)
def test_a_file_that_is_what_its_kind_says_is_accepted(
    org, case, content, name, kind, content_type
):
    evidence = add(case, org.handler, content, name, kind=kind)

    assert (evidence.kind, evidence.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    ("content", "name", "kind", "message"),
    [
        (
            "这不是照片".encode(),
            "photo.jpg",
            "photo",
            "This file is a plain-text file, not a photo.",
        ),
        (PDF, "scan.png", "photo", "This file is a PDF document, not a photo."),
        (png_bytes(), "clip.mp4", "video", "This file is an image (PNG), not a video."),
        (
            MP4,
            "invoice.pdf",
            "receipt",
            "This file is a video (MP4); for “Receipt or invoice” upload an image or a PDF.",
        ),
        (
            "诊断".encode(),
            "record.pdf",
            "medical_record",
            "This file is a plain-text file; for “Medical record” upload an image or a PDF.",
        ),
        (
            MP4,
            "report.pdf",
            "police_report",
            "This file is a video (MP4); for “Police report” upload an image or a PDF.",
        ),
        (
            "协议".encode(),
            "agreement.png",
            "agreement",
            "This file is a plain-text file; for “Agreement (协议书)” upload an image or a PDF.",
        ),
    ],
    ids=[
        "text-as-photo",
        "pdf-as-photo",
        "png-as-video",
        "mp4-receipt",
        "text-record",
        "mp4-police",
        "text-agreement",
    ],
)
def test_a_file_that_is_not_what_its_kind_says_is_refused_naming_what_it_is(
    org, case, content, name, kind, message
):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        add(case, org.handler, content, name, kind=kind)

    assert refused.value.fields == {"file": [message]}
    assert not EvidenceFile.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.EVIDENCE).exists()
