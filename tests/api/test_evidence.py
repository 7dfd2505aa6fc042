"""Evidence through the API: multipart upload, type and size checks, list, details, download."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.downloads import SERVED_CONTENT_TYPES
from complaints.models import EvidenceFile, State
from tests.api.conftest import error_of
from tests.complaints.test_evidence import ELF, MP4, PDF, png_bytes

pytestmark = pytest.mark.django_db


def photo(name: str = "damage.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or png_bytes(), content_type="image/png")


class TestUpload:
    def test_a_photo_is_stored_checked_and_checksummed(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)
        content = png_bytes()

        response = api_for(org.handler).upload(
            case_url(complaint, "evidence"),
            {"kind": "photo", "file": photo(content=content), "description": "故障照片"},
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        evidence = EvidenceFile.objects.get(complaint=complaint)
        assert body["id"] == evidence.pk
        assert (body["kind"], body["content_type"], body["size"]) == (
            "photo",
            "image/png",
            len(content),
        )
        assert body["sha256"] == hashlib.sha256(content).hexdigest()
        assert body["uploaded_by"] == "handler"
        assert body["download_url"].endswith(
            f"/api/v1/complaints/{complaint.reference}/evidence/{evidence.pk}/download/"
        )

    def test_a_program_disguised_as_a_photo_is_a_file_error(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).upload(
            case_url(complaint, "evidence"), {"kind": "photo", "file": photo("x.png", ELF)}
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"file"}
        assert not EvidenceFile.objects.exists()

    def test_a_text_file_named_like_a_photo_is_a_file_error_saying_what_it_is(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.INVESTIGATION)
        fake = SimpleUploadedFile("damage.jpg", "空调外壳凹陷".encode(), content_type="image/jpeg")

        response = api_for(org.handler).upload(
            case_url(complaint, "evidence"), {"kind": "photo", "file": fake}
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "file": ["This file is a plain-text file, not a photo."]
        }
        assert not EvidenceFile.objects.exists()

    def test_a_pdf_receipt_is_accepted_and_a_video_receipt_is_not(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.INVESTIGATION)
        url = case_url(complaint, "evidence")

        video = SimpleUploadedFile("receipt.pdf", MP4, content_type="application/pdf")
        refused = api_for(org.handler).upload(url, {"kind": "receipt", "file": video})
        accepted = api_for(org.handler).upload(
            url, {"kind": "receipt", "file": SimpleUploadedFile("receipt.pdf", PDF)}
        )

        assert refused.status_code == 400
        assert error_of(refused)["fields"]["file"] == [
            "This file is a video (MP4); for “Receipt or invoice” upload an image or a PDF."
        ]
        assert accepted.status_code == 201, accepted.json()
        assert accepted.json()["content_type"] == "application/pdf"

    def test_a_file_over_the_limit_is_a_file_error(
        self, org, api_for, complaint_in, case_url, settings
    ):
        settings.COMPLAINTS_EVIDENCE_MAX_BYTES = 20
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).upload(
            case_url(complaint, "evidence"), {"kind": "photo", "file": photo()}
        )

        assert response.status_code == 400
        assert "the limit is 20" in error_of(response)["fields"]["file"][0]

    def test_the_kind_and_the_file_are_required(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).upload(case_url(complaint, "evidence"), {})

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"kind", "file"}

    def test_json_is_not_an_upload(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(case_url(complaint, "evidence"), {"kind": "photo"})

        assert response.status_code == 415
        assert error_of(response)["code"] == "unsupported_media_type"

    def test_an_auditor_may_not_upload(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.auditor).upload(
            case_url(complaint, "evidence"), {"kind": "photo", "file": photo()}
        )

        assert response.status_code == 403

    def test_a_finished_case_takes_no_evidence(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.CLOSED)

        response = api_for(org.manager).upload(
            case_url(complaint, "evidence"), {"kind": "photo", "file": photo()}
        )

        assert response.status_code == 409


class TestRead:
    @pytest.fixture
    def evidence(self, org, api_for, complaint_in, case_url) -> EvidenceFile:
        complaint = complaint_in(State.INVESTIGATION)
        api_for(org.handler).upload(
            case_url(complaint, "evidence"), {"kind": "photo", "file": photo("门店.png")}
        )
        return EvidenceFile.objects.get(complaint=complaint)

    def test_the_list_and_one_files_details(self, org, api_for, evidence, case_url):
        api = api_for(org.auditor)

        listed = api.get(case_url(evidence.complaint, "evidence"))
        detail = api.get(case_url(evidence.complaint, "evidence", evidence.pk))

        assert listed.status_code == 200
        assert [e["id"] for e in listed.json()] == [evidence.pk]
        assert detail.status_code == 200
        assert detail.json() == listed.json()[0]
        assert detail.json()["original_name"] == "门店.png"

    def test_the_download_streams_the_stored_bytes_as_an_attachment(
        self, org, api_for, evidence, case_url
    ):
        response = api_for(org.head).get(
            case_url(evidence.complaint, "evidence", evidence.pk, "download")
        )

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == png_bytes()
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")

    def test_the_schema_documents_every_type_a_download_is_sent_as(self, client):
        # Found by the stateful schemathesis run: a PDF was sent as `application/pdf` where the
        # schema documented `application/octet-stream` alone.
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        download = schema["paths"][
            "/api/v1/complaints/{reference}/evidence/{evidence_id}/download/"
        ]["get"]["responses"]["200"]["content"]

        assert set(download) == SERVED_CONTENT_TYPES
        assert {"application/pdf", "image/png", "text/plain", "application/octet-stream"} <= set(
            download
        )
        assert {media["schema"]["format"] for media in download.values()} == {"binary"}

    def test_the_download_ignores_what_the_client_accepts(self, org, api_for, evidence, case_url):
        response = api_for(org.head).client.get(
            f"/api/v1/{case_url(evidence.complaint, 'evidence', evidence.pk, 'download')}",
            HTTP_ACCEPT="image/png",
        )

        assert response.status_code == 200

    def test_people_outside_the_cases_scope_get_404(self, org, api_for, evidence, case_url):
        api = api_for(org.other_handler)

        for path in (
            case_url(evidence.complaint, "evidence"),
            case_url(evidence.complaint, "evidence", evidence.pk),
            case_url(evidence.complaint, "evidence", evidence.pk, "download"),
        ):
            response = api.get(path)
            assert response.status_code == 404, path
            assert error_of(response)["code"] == "not_found"

    def test_a_file_of_another_case_is_not_found_under_this_one(
        self, org, api_for, evidence, new_complaint, case_url
    ):
        other = new_complaint(customer_phone="13900000000")

        response = api_for(org.manager).get(case_url(other, "evidence", evidence.pk, "download"))

        assert response.status_code == 404
        assert error_of(response)["message"] == "No such evidence file on this complaint."

    def test_anonymous_downloads_are_401(self, api_for, evidence, case_url):
        response = api_for(None).get(
            case_url(evidence.complaint, "evidence", evidence.pk, "download")
        )

        assert response.status_code == 401
