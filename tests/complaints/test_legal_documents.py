"""The register of legal documents received (issue 16 §4, seed 004 §九): who may record, the
seed's signing rules, the linked case's timeline, the scans, and senior management told at once
in their own language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import AuditEntry
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, LegalDocument, Notification
from complaints.selectors.registers import legal_document_get_for_user, legal_documents_list
from complaints.services.legal_documents import (
    legal_document_add_files,
    legal_document_forward,
    legal_document_link,
    legal_document_record,
)
from complaints.views.case.timeline import describe
from tests.complaints.test_evidence import png_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind, Receipt, Identity = LegalDocument.Kind, LegalDocument.Receipt, LegalDocument.IdentityCheck


def lawyer_letter(actor, **overrides):
    fields = {
        "actor": actor,
        "kind": Kind.LAWYER_LETTER,
        "sender": "上海某某律师事务所",
        "delivered_by": "张律师",
        "identity_check": Identity.LAWYER_LICENCE,
        "addressee": "某某家居广场有限公司",
        "addressee_matches": True,
        "receipt": Receipt.LEFT_UNSIGNED,
        "summary": "代王先生要求赔偿沙发质量问题损失",
    }
    fields.update(overrides)
    return legal_document_record(**fields)


def court_papers(actor, **overrides):
    fields = {
        "actor": actor,
        "kind": Kind.COURT,
        "sender": "某区人民法院",
        "their_reference": "(2026)沪0101民初123号",
        "delivered_by": "李法官",
        "identity_check": Identity.WORK_ID,
        "addressee": "某某家居广场有限公司",
        "addressee_matches": True,
        "receipt": Receipt.SIGNED,
        "signed_by": actor,
        "original_received": True,
        "evidence_enclosed": True,
        "summary": "起诉状副本及应诉通知书",
    }
    fields.update(overrides)
    return legal_document_record(**fields)


def test_an_agent_records_a_lawyers_letter_and_senior_management_hears_at_once(org):
    org.executive.language = "en"
    org.executive.save(update_fields=["language"])
    zh_executive = UserFactory(username="exec2", role="executive", language="zh-hans")

    document = lawyer_letter(org.agent)

    assert document.code == f"LD-{document.pk:05d}"
    assert document.received_by == org.agent and document.management_notified_at is not None
    told = {n.recipient_id: n for n in Notification.objects.filter(kind="legal_document")}
    assert set(told) == {org.executive.pk, zh_executive.pk}
    assert "Legal document received" in told[org.executive.pk].subject
    assert "收到法律文件" in told[zh_executive.pk].subject
    assert f"/registers/legal/{document.pk}/" in told[org.executive.pk].body
    assert AuditEntry.objects.filter(action="legal_document_recorded").count() == 1


def test_a_lawyers_letter_is_never_signed_for(org):
    with pytest.raises(InvalidInput) as refused:
        lawyer_letter(org.agent, receipt=Receipt.SIGNED, signed_by=org.manager)
    assert "§九.1" in refused.value.fields["receipt"][0]  # the seed rule, in either language
    assert not LegalDocument.objects.exists()
    # The database says the same to any other writer.
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalDocument.objects.create(
            kind=Kind.LAWYER_LETTER,
            received_at=timezone.now(),
            received_by=org.agent,
            recorded_by=org.agent,
            sender="x",
            delivered_by="y",
            identity_check=Identity.NOT_CHECKED,
            addressee="z",
            addressee_matches=True,
            receipt=Receipt.SIGNED,
            summary="s",
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"addressee_matches": False}, "addressee_matches"),
        ({"identity_check": Identity.NOT_CHECKED}, "identity_check"),
        ({"original_received": False}, "original_received"),
        ({"signed_by": None}, "signed_by"),
        ({"evidence_enclosed": False}, "evidence_inquiry"),
    ],
)
def test_court_papers_are_signed_for_only_as_the_seed_says(org, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        court_papers(org.manager, **overrides)
    assert field in refused.value.fields


def test_court_papers_without_evidence_record_what_the_judge_said(org):
    document = court_papers(
        org.manager, evidence_enclosed=False, evidence_inquiry="法官称原告将在举证期内提交"
    )
    assert document.receipt == Receipt.SIGNED and document.signed_by == org.manager


def test_refused_papers_need_no_signature_nor_matching_name(org):
    document = court_papers(
        org.agent,
        receipt=Receipt.REFUSED,
        addressee_matches=False,
        signed_by=org.agent,
        identity_check=Identity.NOT_CHECKED,
    )
    assert document.signed_by is None and not document.identity_checked


def test_roles_that_may_not_record(org):
    for user in (org.handler, org.auditor):
        with pytest.raises(PermissionDenied):
            lawyer_letter(user)


def test_a_linked_case_gets_the_entry_on_its_timeline(org, new_complaint):
    complaint = new_complaint()
    document = lawyer_letter(org.agent, complaint=complaint.reference)
    event = CaseEvent.objects.get(complaint=complaint, kind=CaseEvent.Kind.LEGAL_DOCUMENT)
    assert event.actor == org.agent
    assert event.data["legal_document_id"] == document.pk
    assert event.data["receipt"] == Receipt.LEFT_UNSIGNED
    # The notification names the case.
    assert Notification.objects.get(recipient=org.executive).complaint == complaint


def test_a_case_out_of_reach_reads_as_missing(org, new_complaint):
    complaint = new_complaint()
    with pytest.raises(InvalidInput) as refused:
        legal_head = UserFactory(username="legal_head", role="dept_head", department=org.legal)
        lawyer_letter(legal_head, complaint=complaint.reference)  # another department's case
    assert "complaint" in refused.value.fields
    with pytest.raises(InvalidInput):
        lawyer_letter(org.agent, complaint="TS-NOPE")


def test_scans_are_checked_like_evidence(org):
    scan = SimpleUploadedFile("律师函.png", png_bytes(), content_type="image/png")
    document = lawyer_letter(org.agent, files=[scan])
    stored = document.files.get()
    assert stored.content_type == "image/png" and stored.file.name.startswith("legal/")
    fake = SimpleUploadedFile(
        "x.pdf", b"\x00\x01\x02\x03 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(InvalidInput) as refused:
        legal_document_add_files(actor=org.agent, document_id=document.pk, files=[fake])
    assert "files" in refused.value.fields
    legal_document_add_files(
        actor=org.agent,
        document_id=document.pk,
        files=[SimpleUploadedFile("p2.png", png_bytes(), content_type="image/png")],
    )
    assert document.files.count() == 2


def test_papers_are_linked_to_their_complaint_later_once(org, new_complaint):
    document = lawyer_letter(org.agent)
    complaint = new_complaint()

    legal_document_link(actor=org.agent, document_id=document.pk, complaint=complaint.reference)

    document.refresh_from_db()
    assert document.complaint == complaint
    event = CaseEvent.objects.get(complaint=complaint, kind=CaseEvent.Kind.LEGAL_DOCUMENT)
    assert event.data["linked"] is True and event.data["code"] == document.code
    assert "linked legal papers received earlier" in english(event, org.manager)
    audit = AuditEntry.objects.get(action=AuditEntry.Action.LEGAL_DOCUMENT_CHANGED)
    assert audit.details == {"change": "linked", "complaint": complaint.reference}
    with pytest.raises(ConditionNotMet):
        legal_document_link(actor=org.agent, document_id=document.pk, complaint=complaint.reference)
    with pytest.raises(InvalidInput):
        legal_document_link(
            actor=org.agent, document_id=lawyer_letter(org.agent).pk, complaint="TS-NOPE"
        )


def test_scans_added_later_are_in_the_audit_log(org):
    document = lawyer_letter(org.agent)
    scans = legal_document_add_files(
        actor=org.agent,
        document_id=document.pk,
        files=[SimpleUploadedFile("p1.png", png_bytes(), content_type="image/png")],
    )
    audit = AuditEntry.objects.get(action=AuditEntry.Action.LEGAL_DOCUMENT_CHANGED)
    assert audit.details == {"change": "files", "files": [scans[0].pk]}


def test_forwarding_to_the_legal_department_once(org, new_complaint):
    complaint = new_complaint()
    document = lawyer_letter(org.agent, complaint=complaint.reference)

    forwarded = legal_document_forward(
        actor=org.agent, document_id=document.pk, department=org.legal, person=org.other_handler
    )

    assert forwarded.forwarded_to == org.other_handler and forwarded.forwarded_by == org.agent
    assert CaseEvent.objects.filter(
        complaint=complaint, kind=CaseEvent.Kind.LEGAL_DOCUMENT_FORWARDED
    ).exists()
    assert Notification.objects.filter(
        recipient=org.other_handler, key=f"legal-document-forwarded:{document.pk}"
    ).exists()
    # The legal handler reads what was forwarded to them, not the rest of the register.
    other = lawyer_letter(org.agent)
    assert legal_document_get_for_user(user=org.other_handler, pk=document.pk) == document
    with pytest.raises(NotFound):
        legal_document_get_for_user(user=org.other_handler, pk=other.pk)
    assert list(legal_documents_list(user=org.other_handler)) == [document]
    with pytest.raises(ConditionNotMet):
        legal_document_forward(actor=org.agent, document_id=document.pk, department=org.legal)


def test_forwarding_checks_the_person_and_the_time(org):
    document = lawyer_letter(org.agent)
    with pytest.raises(InvalidInput) as refused:
        legal_document_forward(
            actor=org.agent, document_id=document.pk, department=org.legal, person=org.handler
        )
    assert "person" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        legal_document_forward(
            actor=org.agent,
            document_id=document.pk,
            department=org.legal,
            forwarded_at=document.received_at - timedelta(hours=1),
        )
    assert "forwarded_at" in refused.value.fields
    with pytest.raises(PermissionDenied):
        legal_document_forward(actor=org.handler, document_id=document.pk, department=org.legal)


def english(event, reader) -> str:
    """The timeline's sentence for the event, as an English reader sees it."""
    with translation.override("en"):
        return describe(event, reader=reader).sentence
