"""Files showing what was done on an improvement action's page (issue 18 §1): attached with the
done step or on their own, checked like evidence files, listed with links that ask who reads."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import AuditEntry
from complaints.models import ActionStatus
from complaints.services.improvement import improvement_action_record
from tests.complaints.test_evidence import png_bytes, zip_bytes

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(datetime(2026, 11, 16, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def action(org, monday):
    return improvement_action_record(
        actor=org.manager,
        title="货架加装防倾倒挡板",
        root_cause="equipment",
        department=org.service,
        owner=org.handler,
        due_date=date(2026, 11, 27),
        category=org.category,
    )


def png(name: str = "挡板.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_the_owner_attaches_files_and_readers_download_them(org, client_for, action) -> None:
    owner = client_for(org.handler)
    files_url = reverse("reports:improvement_files", args=[action.pk])
    response = owner.post(files_url, {"files": [png()]})
    assert response.status_code == 302 and response["Location"].endswith("#files")
    stored = action.files.get()
    assert stored.content_type == "image/png" and stored.uploaded_by == org.handler
    assert stored.file.name.startswith("improvement/")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.IMPROVEMENT_ACTION_CHANGED, details__change="files"
    ).exists()
    page = owner.get(reverse("reports:improvement_detail", args=[action.pk])).content.decode()
    download = reverse("reports:improvement_file", args=[action.pk, stored.pk])
    assert download in page and "挡板.png" in page
    got = client_for(org.auditor).get(download)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == png_bytes()
    # Out of reach (another department's handler): missing.
    assert client_for(org.other_handler).get(download).status_code == 404
    # A file of another action under this one's address: missing.
    assert (
        client_for(org.handler)
        .get(reverse("reports:improvement_file", args=[action.pk, stored.pk + 999]))
        .status_code
        == 404
    )


def test_files_with_the_done_step(org, client_for, action) -> None:
    response = client_for(org.handler).post(
        reverse("reports:improvement_complete", args=[action.pk]),
        {"evidence": "已加装挡板并拍照", "files": [png("前.png"), png("后.png")]},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert sorted(action.files.values_list("original_name", flat=True)) == ["前.png", "后.png"]


def test_a_disguised_file_is_refused_and_nothing_changes(org, client_for, action) -> None:
    disguised = SimpleUploadedFile("照片.jpg", zip_bytes(), content_type="image/jpeg")
    response = client_for(org.handler).post(
        reverse("reports:improvement_complete", args=[action.pk]),
        {"evidence": "已完成", "files": [png(), disguised]},
    )
    assert response.status_code == 422
    assert "照片.jpg" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN and not action.files.exists()


@override_settings(COMPLAINTS_EVIDENCE_MAX_BYTES=50)
def test_an_oversized_file_is_refused(org, client_for, action) -> None:
    big = SimpleUploadedFile("大图.png", png_bytes(40, 40), content_type="image/png")
    response = client_for(org.handler).post(
        reverse("reports:improvement_files", args=[action.pk]), {"files": [big]}
    )
    assert response.status_code == 422 and not action.files.exists()


def test_who_may_attach(org, client_for, action) -> None:
    files_url = reverse("reports:improvement_files", args=[action.pk])
    # A reader who is neither its owner nor a manager of actions: 403, no form on the page.
    assert client_for(org.auditor).post(files_url, {"files": [png()]}).status_code == 403
    page = client_for(org.auditor).get(reverse("reports:improvement_detail", args=[action.pk]))
    assert 'data-testid="action-files-form"' not in page.content.decode()
    assert client_for(org.other_handler).post(files_url, {"files": [png()]}).status_code == 404
    # A head of the department attaches.
    assert client_for(org.head).post(files_url, {"files": [png()]}).status_code == 302
    assert action.files.count() == 1
