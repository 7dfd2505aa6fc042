"""Evidence leaves the server only through the checked views, as a download that can never run as a
page; a front proxy may send the bytes (X-Accel-Redirect, X-Sendfile); no URL serves MEDIA_ROOT."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from complaints.models import EvidenceFile, State
from complaints.services import evidence_add
from tests.api.conftest import Api, error_of
from tests.complaints.test_evidence import png_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(org, complaint_in) -> EvidenceFile:
    complaint = complaint_in(State.INVESTIGATION)
    return evidence_add(
        complaint=complaint,
        actor=org.handler,
        kind="witness_statement",
        upload=SimpleUploadedFile("statement.txt", "维修师傅承认未更换部件。".encode()),
    )


@pytest.fixture
def photo(org, complaint_in) -> EvidenceFile:
    complaint = complaint_in(State.INVESTIGATION)
    return evidence_add(
        complaint=complaint,
        actor=org.handler,
        kind="photo",
        upload=SimpleUploadedFile("damage.png", png_bytes()),
    )


def page_url(evidence: EvidenceFile, inline: bool = False) -> str:
    url = reverse("case_evidence_file", args=[evidence.complaint.reference, evidence.pk])
    return url + ("?inline=1" if inline else "")


def api_url(evidence: EvidenceFile) -> str:
    return reverse(
        "api-evidence-download",
        kwargs={"reference": evidence.complaint.reference, "evidence_id": evidence.pk},
    )


def assert_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")


def test_a_text_statement_is_a_plain_text_attachment_never_a_page(client_for, org, statement):
    response = client_for(org.handler).get(page_url(statement, inline=True))

    assert_download(response, "text/plain")
    assert "statement.txt" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == "维修师傅承认未更换部件。".encode()


@pytest.mark.parametrize("claimed", ["text/html", "image/svg+xml", "application/javascript"])
def test_a_row_claiming_a_dangerous_type_is_sent_as_bytes_to_save(client_for, org, photo, claimed):
    # A type no upload check can produce (a row edited by hand, an import): never shown inline.
    EvidenceFile.objects.filter(pk=photo.pk).update(content_type=claimed)
    photo.refresh_from_db()

    page = client_for(org.handler).get(page_url(photo, inline=True))
    api = Api(org.handler).client.get(api_url(photo))

    assert_download(page, "application/octet-stream")
    assert_download(api, "application/octet-stream")


def test_an_image_may_be_shown_inline_for_thumbnails_with_nosniff(client_for, org, photo):
    response = client_for(org.handler).get(page_url(photo, inline=True))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(
    COMPLAINTS_EVIDENCE_SERVE_WITH="x-accel-redirect",
    COMPLAINTS_EVIDENCE_ACCEL_PREFIX="/protected-evidence/",
)
def test_with_nginx_django_names_the_file_and_sends_no_bytes(client_for, org, statement):
    page = client_for(org.handler).get(page_url(statement))
    api = Api(org.handler).client.get(api_url(statement))
    outsider = client_for(org.other_handler).get(page_url(statement))

    for response in (page, api):
        assert_download(response, "text/plain")
        assert response["X-Accel-Redirect"] == f"/protected-evidence/{statement.file.name}"
        assert response.content == b""
    assert statement.file.name.startswith("evidence/")
    assert outsider.status_code == 404
    assert not outsider.has_header("X-Accel-Redirect")


@override_settings(COMPLAINTS_EVIDENCE_SERVE_WITH="x-sendfile")
def test_with_x_sendfile_django_names_the_files_path(client_for, org, statement, settings):
    response = client_for(org.handler).get(page_url(statement))

    assert_download(response, "text/plain")
    assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / statement.file.name)
    assert response.content == b""


def test_a_file_gone_from_the_disk_is_a_404_on_the_page_and_a_json_404_in_the_api(
    client_for, org, statement
):
    statement.file.storage.delete(statement.file.name)

    page = client_for(org.handler).get(page_url(statement))
    api = Api(org.handler).client.get(api_url(statement))

    assert page.status_code == 404
    assert api.status_code == 404
    assert error_of(api)["code"] == "not_found"


def test_no_url_serves_the_media_folder_even_with_debug(client_for, org, statement):
    import config.urls

    media_path = f"/media/{statement.file.name}"
    try:
        with override_settings(DEBUG=True):
            reloaded = importlib.reload(config.urls)
            with pytest.raises(Resolver404):
                resolve(media_path, urlconf=reloaded)
    finally:
        importlib.reload(config.urls)

    assert client_for(org.manager).get(media_path).status_code == 404


def test_the_admin_links_evidence_through_the_checked_view(client, org, statement):
    admin = UserFactory(
        username="admin", is_superuser=True, is_staff=True, approval_limit=Decimal(1000000)
    )
    client.force_login(admin)
    checked_url = page_url(statement)

    record = client.get(reverse("admin:complaints_evidencefile_change", args=[statement.pk]))
    case = client.get(reverse("admin:complaints_complaint_change", args=[statement.complaint_id]))

    for response in (record, case):
        html = response.content.decode()
        assert response.status_code == 200
        assert f'href="{checked_url}"' in html
        assert "/media/" not in html
    assert_download(client.get(checked_url), "text/plain")
