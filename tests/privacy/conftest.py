"""A customer with known contact details, on a case every role can see, with evidence of an
ordinary and of a sensitive kind: the ground the privacy tests walk."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import Role
from complaints.models import Complaint, Customer, EvidenceFile, State
from complaints.services import complaint_add_note, complaint_triage, contact_record, evidence_add
from tests.complaints.conftest import complaint_in, flow, user_of  # noqa: F401  (fixtures)
from tests.complaints.test_evidence import PDF, png_bytes
from tests.conftest import Org
from tests.pages.conftest import client_for  # noqa: F401  (fixture)

PHONE = "+8613812345678"
EMAIL = "wang.wei@example.com"
ADDRESS = "北京市朝阳区建国路88号"
# The forms a leak of each detail could take on a page, in a file or in JSON.
CLEAR_FORMS = {
    "phone": ("+8613812345678", "13812345678", "138 1234 5678", "138-1234-5678"),
    "email": ("wang.wei@example.com", "wang.wei@", "wang.wei"),
    "address": ("建国路88号", "北京市朝阳区建国路", "朝阳区建国路"),
}
MASKED = {"phone": "138****5678", "email": "w***@example.com", "address": "***"}
ROLES = list(Role)


def leaks(text: str, field: str) -> list[str]:
    """The clear forms of `field` found in `text`."""
    return [form for form in CLEAR_FORMS[field] if form in text]


@dataclass
class World:
    org: Org
    customer: Customer
    complaint: Complaint
    photo: EvidenceFile
    medical: EvidenceFile
    identity: EvidenceFile

    def user(self, role: Role) -> User:
        return user_of(self.org, role)


@pytest.fixture
def world(org: Org, new_complaint, flow) -> World:  # noqa: F811  (the fixture)
    complaint = new_complaint(
        customer_phone="138 1234 5678",
        customer_email=EMAIL,
        customer_address=ADDRESS,
        customer_region="北京",
    )
    complaint = flow.advance(complaint, State.INVESTIGATION)
    complaint = complaint_triage(complaint=complaint, actor=org.head, assignee=org.handler)
    complaint_add_note(complaint=complaint, actor=org.handler, text="已联系客户，约定上门检测。")
    contact_record(
        complaint=complaint,
        actor=org.handler,
        channel="phone",
        direction="outbound",
        summary="告知检测时间",
    )

    def add(kind: str, name: str, content: bytes, content_type: str, description: str):
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        return evidence_add(
            complaint=complaint,
            actor=org.handler,
            kind=kind,
            upload=upload,
            description=description,
        )

    photo = add("photo", "空调外机.png", png_bytes(), "image/png", "外机照片")
    medical = add("medical_record", "诊断证明-王伟.pdf", PDF, "application/pdf", "烫伤诊断证明")
    identity = add("identity_document", "身份证-王伟.png", png_bytes(), "image/png", "身份证正面")
    complaint.refresh_from_db()
    customer = complaint.customer
    assert (customer.phone, customer.email, customer.address) == (PHONE, EMAIL, ADDRESS)
    return World(org, customer, complaint, photo, medical, identity)
