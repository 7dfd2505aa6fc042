"""The customer adds a message and evidence from the tracking page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.errors import ConditionNotMet, InvalidInput
from complaints.models import CaseEvent, EvidenceFile, Notification
from complaints.services import complaint_assign
from complaints.services.customer_portal import customer_add_information
from sla.models import Clock, PauseReason
from sla.services.pauses import clocks_pause
from tests.public.tracking.conftest import track_url

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name: str = "receipt.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_a_message_and_a_photo_land_on_the_timeline_as_the_customers(client, customer_case, org):
    complaint = customer_case("investigation")
    complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)

    response = client.post(
        track_url(complaint) + "add/", {"message": "发票在附件里。", "files": [png()]}
    )

    assert response.status_code == 302
    contact = CaseEvent.objects.get(complaint=complaint, kind="contact", data__by="customer")
    assert contact.actor is None and contact.comment == "发票在附件里。"
    assert contact.customer_visible
    evidence = EvidenceFile.objects.get(complaint=complaint)
    assert evidence.uploaded_by is None and evidence.kind == "photo"
    assert evidence.content_type == "image/png"
    page = client.get(response["Location"]).content.decode()
    assert "Thank you. We have added this to your complaint." in page
    assert "发票在附件里。" in page and "You sent a file: receipt.png" in page


def test_the_assignee_is_told(customer_case, org):
    complaint = customer_case("investigation")
    complaint = complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)

    customer_add_information(complaint=complaint, message="补充：维修单号 R-88")

    notification = Notification.objects.get(kind=Notification.Kind.CUSTOMER)
    assert notification.recipient == org.handler
    assert "补充：维修单号 R-88" in notification.body
    assert complaint.reference in notification.subject


def test_without_an_assignee_the_department_head_is_told(customer_case, org):
    complaint = customer_case("investigation")
    assert complaint.assignee is None

    customer_add_information(complaint=complaint, message="还有一张照片")

    assert [n.recipient for n in Notification.objects.filter(kind="customer")] == [org.head]


def test_a_pause_waiting_on_the_customer_resumes_and_others_stay(customer_case, org):
    complaint = customer_case("investigation")
    clocks_pause(complaint=complaint, actor=org.head, reason=PauseReason.WAITING_CUSTOMER)
    complaint.refresh_from_db()
    paused = set(
        Clock.objects.filter(complaint=complaint, paused_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert paused

    added = customer_add_information(complaint=complaint, message="这是您要的发票")

    assert added.resumed == len(paused)
    assert not Clock.objects.filter(pk__in=paused, paused_at__isnull=False).exists()
    resumed = CaseEvent.objects.get(complaint=complaint, kind="clocks_resumed")
    assert resumed.actor is None and resumed.data["by"] == "customer"


def test_a_pause_for_an_outside_body_keeps_waiting(customer_case, org):
    complaint = customer_case("investigation")
    clocks_pause(complaint=complaint, actor=org.head, reason=PauseReason.TESTING_APPRAISAL)
    complaint.refresh_from_db()

    added = customer_add_information(complaint=complaint, message="补充说明")

    assert added.resumed == 0
    assert Clock.objects.filter(
        complaint=complaint, pause_reason=PauseReason.TESTING_APPRAISAL
    ).exists()


def test_the_staff_case_page_says_the_customer(client, customer_case, org):
    complaint = customer_case("investigation")
    customer_add_information(complaint=complaint, message="客户补充的话", uploads=[png()])
    client.force_login(org.head)

    html = client.get(f"/complaints/{complaint.reference}/").content.decode()

    assert "The customer added information on the tracking page." in html
    assert "The customer added evidence: receipt.png." in html
    assert "The system" not in html


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>\x00\x01"),
            "not accepted",
        ),
        (SimpleUploadedFile("empty.png", b""), "The file is empty."),
    ],
)
def test_bad_files_are_refused_whole_and_the_message_kept(client, customer_case, upload, expected):
    complaint = customer_case("investigation")

    response = client.post(
        track_url(complaint) + "add/", {"message": "我的补充说明", "files": [png(), upload]}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert expected in html
    assert "我的补充说明" in html  # what was typed is kept
    assert 'data-testid="attach-again"' in html
    assert not EvidenceFile.objects.filter(complaint=complaint).exists()
    assert not CaseEvent.objects.filter(complaint=complaint, data__by="customer").exists()


def test_an_oversized_file_is_refused(client, customer_case, settings):
    settings.COMPLAINTS_EVIDENCE_MAX_BYTES = 32
    complaint = customer_case("investigation")

    response = client.post(track_url(complaint) + "add/", {"files": [png()]})

    assert response.status_code == 400
    assert "the limit is 32" in response.content.decode()


def test_an_empty_submission_asks_for_something(client, customer_case):
    complaint = customer_case("investigation")

    response = client.post(track_url(complaint) + "add/", {"message": "  "})

    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()


def test_too_many_files_at_once(customer_case):
    complaint = customer_case("investigation")

    with pytest.raises(InvalidInput) as error:
        customer_add_information(
            complaint=complaint, message="", uploads=[png(f"{n}.png") for n in range(6)]
        )

    assert "files" in error.value.fields


def test_a_finished_case_takes_no_information(client, customer_case):
    complaint = customer_case("closed")

    with pytest.raises(ConditionNotMet):
        customer_add_information(complaint=complaint, message="还有问题")
    response = client.post(track_url(complaint) + "add/", {"message": "还有问题"}, follow=True)

    assert response.status_code == 200
    assert "no longer takes new information" in response.content.decode()


def test_posting_needs_the_csrf_token(customer_case):
    from django.test import Client

    complaint = customer_case("investigation")
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(track_url(complaint) + "add/", {"message": "hi"})

    assert response.status_code == 403
    assert not CaseEvent.objects.filter(complaint=complaint, data__by="customer").exists()


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(customer_case, settings):
    """Announced larger than the limit: answered 413 before the body is read — before even the
    CSRF check, which would read it to find its token (this request has none)."""
    from django.test import Client

    settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES = 500
    complaint = customer_case("investigation")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        track_url(complaint) + "add/", {"message": "x", "files": [png()]}, CONTENT_LENGTH="900"
    )

    assert response.status_code == 413
    assert 'data-testid="too-large"' in response.content.decode()
    assert not CaseEvent.objects.filter(complaint=complaint, data__by="customer").exists()
    assert not EvidenceFile.objects.filter(complaint=complaint).exists()


def test_within_the_limit_the_csrf_token_is_still_required(customer_case):
    from django.test import Client

    complaint = customer_case("investigation")
    client = Client(enforce_csrf_checks=True)

    response = client.post(track_url(complaint) + "add/", {"message": "发票在附件里。"})

    assert response.status_code == 403
    assert not CaseEvent.objects.filter(complaint=complaint, data__by="customer").exists()
