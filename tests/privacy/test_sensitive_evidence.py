"""Sensitive evidence (medical records, identity documents): listed to everyone who sees the case,
named, described and sent only to the roles COMPLAINTS_SENSITIVE_EVIDENCE_ROLES names; a 404 for
everyone else, on the case page, the API and the admin alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from complaints.errors import InvalidInput
from complaints.models import CaseEvent, EvidenceFile
from complaints.privacy import SENSITIVE_EVIDENCE_KINDS, sees_sensitive_evidence
from complaints.services import evidence_add
from tests.privacy.conftest import ROLES, World

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The default: those who investigate and decide injury cases.
ALLOWED = {Role.HANDLER, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER}
SECRETS = ("诊断证明-王伟.pdf", "烫伤诊断证明", "身份证-王伟.png", "身份证正面")


def test_medical_records_and_identity_documents_are_the_sensitive_kinds() -> None:
    assert {"medical_record", "identity_document"} == SENSITIVE_EVIDENCE_KINDS
    assert "identity_document" in EvidenceFile.Kind.values


@pytest.mark.parametrize("role", ROLES)
def test_the_default_roles(world: World, role: Role) -> None:
    assert sees_sensitive_evidence(user=world.user(role)) == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_the_case_page_lists_the_item_and_names_it_only_to_the_roles_allowed(
    world: World, client_for, role: Role
) -> None:
    html = (
        client_for(world.user(role))
        .get(reverse("case_detail", args=[world.complaint.reference]))
        .content.decode()
    )

    assert "外机照片" in html  # an ordinary photo: for everyone who sees the case
    if role in ALLOWED:
        assert all(secret in html for secret in SECRETS)
        assert 'data-testid="evidence-restricted"' not in html
    else:
        assert not any(secret in html for secret in SECRETS), role
        assert html.count('data-testid="evidence-restricted-item"') == 2
        # The timeline says evidence came, of which kind, and nothing of the file.
        assert "added evidence of a restricted kind: Medical record." in html


@pytest.mark.parametrize("role", ROLES)
def test_the_download_is_a_404_to_the_others(world: World, client_for, role: Role) -> None:
    client = client_for(world.user(role))

    def status(item: EvidenceFile) -> int:
        url = reverse("case_evidence_file", args=[world.complaint.reference, item.pk])
        return client.get(url).status_code

    assert status(world.photo) == 200
    expected = 200 if role in ALLOWED else 404
    assert (status(world.medical), status(world.identity)) == (expected, expected)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_the_same(world: World, role: Role) -> None:
    client = APIClient()
    client.force_authenticate(world.user(role))
    base = f"/api/v1/complaints/{world.complaint.reference}"

    listed = {item["id"]: item for item in client.get(f"{base}/evidence/").json()}
    detail = client.get(f"{base}/evidence/{world.medical.pk}/").json()
    download = client.get(f"{base}/evidence/{world.medical.pk}/download/")
    events = client.get(f"{base}/events/").content.decode()

    assert set(listed) == {world.photo.pk, world.medical.pk, world.identity.pk}
    assert listed[world.photo.pk]["restricted"] is False
    assert listed[world.photo.pk]["original_name"] == "空调外机.png"
    if role in ALLOWED:
        assert detail["original_name"] == "诊断证明-王伟.pdf" and not detail["restricted"]
        assert download.status_code == 200
        assert "诊断证明-王伟.pdf" in events
    else:
        for item in (listed[world.medical.pk], detail):
            assert item["restricted"] is True
            assert item["kind"] == "medical_record"
            assert (item["original_name"], item["description"], item["sha256"]) == ("", "", "")
            assert item["download_url"] is None
        assert download.status_code == 404
        assert download.json()["error"]["code"] == "not_found"
        assert not any(secret in events for secret in SECRETS)
        assert '"restricted":true' in events.replace(" ", "")


def test_the_admin_lists_restricted_items_without_name_and_cannot_be_searched_for_them(
    world: World, client_for
) -> None:
    agent = world.org.agent
    agent.is_staff = True
    agent.save()
    client = client_for(agent)
    changelist = reverse("admin:complaints_evidencefile_changelist")

    listed = client.get(changelist).content.decode()
    change = client.get(
        reverse("admin:complaints_evidencefile_change", args=[world.medical.pk])
    ).content.decode()
    events = client.get(
        reverse("admin:complaints_caseevent_change", args=[event_of(world.medical).pk])
    ).content.decode()
    searched = client.get(changelist, {"q": "诊断证明"})
    by_case = client.get(changelist, {"q": world.complaint.reference})

    assert "空调外机.png" in listed and "restricted" in listed
    for page in (listed, change, events):
        assert not any(secret in page for secret in SECRETS)
    assert list(searched.context["cl"].result_list) == []
    assert len(by_case.context["cl"].result_list) == 3


def test_the_admin_names_them_to_the_roles_allowed(world: World, client_for) -> None:
    head = world.org.head
    head.is_staff = True
    head.save()

    listed = client_for(head).get(reverse("admin:complaints_evidencefile_changelist"))

    assert all(secret in listed.content.decode() for secret in SECRETS[::2])


def event_of(evidence: EvidenceFile) -> CaseEvent:
    return evidence.complaint.events.get(kind="evidence", data__evidence_id=evidence.pk)


def test_the_setting_names_the_roles(world: World, settings, client_for) -> None:
    settings.COMPLAINTS_SENSITIVE_EVIDENCE_ROLES = ["auditor"]
    url = reverse("case_evidence_file", args=[world.complaint.reference, world.medical.pk])

    assert client_for(world.org.auditor).get(url).status_code == 200
    assert client_for(world.org.handler).get(url).status_code == 404


def test_the_setting_comes_from_the_environment_and_a_typo_is_an_error(settings) -> None:
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.COMPLAINTS_SENSITIVE_EVIDENCE_ROLES)"
    )
    env = {**os.environ, "COMPLAINTS_SENSITIVE_EVIDENCE_ROLES": "complaint_manager, executive"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['complaint_manager', 'executive']"

    settings.COMPLAINTS_SENSITIVE_EVIDENCE_ROLES = ["complaint_manger"]
    errors = [m for m in run_checks(tags=["complaints"]) if m.id == "complaints.E001"]
    assert errors and "complaint_manger" in errors[0].msg


def test_an_identity_document_is_a_scan_or_a_pdf(world: World) -> None:
    with pytest.raises(InvalidInput):
        evidence_add(
            complaint=world.complaint,
            actor=world.org.handler,
            kind="identity_document",
            upload=SimpleUploadedFile("id.txt", "身份证号".encode(), content_type="text/plain"),
        )
    assert world.identity.content_type == "image/png"


def test_the_uploader_of_a_restricted_kind_is_told_it_was_added(world: World) -> None:
    """An agent at intake may file a medical record they will not be able to open again."""
    client = APIClient()
    client.force_authenticate(world.org.agent)
    response = client.post(
        f"/api/v1/complaints/{world.complaint.reference}/evidence/",
        {
            "kind": "medical_record",
            "file": SimpleUploadedFile("病历.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, json.dumps(response.json())
    assert response.json()["restricted"] is True
