"""The case page's evidence form refuses a request by its announced size before reading it, and
still checks the CSRF token of one it reads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse

from complaints.models import EvidenceFile, State
from tests.complaints.test_evidence import png_bytes

pytestmark = pytest.mark.django_db

BOUNDARY = "BoUnDaRy"


def post_upload(client: Client, complaint, *, length: str | None = None, **data):
    body = encode_multipart(
        BOUNDARY,
        {
            "kind": "photo",
            "files": SimpleUploadedFile("damage.png", png_bytes(), content_type="image/png"),
            "expected_version": complaint.version,
            **data,
        },
    )
    extra = {} if length is None else {"CONTENT_LENGTH": length}
    return client.generic(
        "POST",
        reverse("case_evidence", args=[complaint.reference]),
        body,
        f"multipart/form-data; boundary={BOUNDARY}",
        **extra,
    )


@pytest.fixture
def case(complaint_in):
    return complaint_in(State.INVESTIGATION)


def test_an_upload_announced_over_the_limit_is_refused_unread_with_a_clear_page(
    client_for, org, case, settings
):
    settings.COMPLAINTS_UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024
    # The body is small: had the view read it up to the announced 80 MB, the client would fail.
    response = post_upload(client_for(org.handler), case, length=str(80 * 1024 * 1024))

    assert response.status_code == 413
    assert "The files were not sent: together they are over 1.0\xa0MB." in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_an_upload_without_a_length_is_refused(client_for, org, case):
    response = post_upload(client_for(org.handler), case, length="")

    assert response.status_code == 413
    assert not EvidenceFile.objects.exists()


def test_someone_outside_the_case_gets_404_not_the_size_answer(client_for, org, case):
    response = post_upload(client_for(org.other_handler), case, length=str(10**12))

    assert response.status_code == 404


def test_an_upload_within_the_limit_is_taken(client_for, org, case):
    response = post_upload(client_for(org.handler), case)

    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 1


def test_the_csrf_token_is_still_required_once_the_size_is_known(org, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.handler)

    response = post_upload(client, case)

    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()
