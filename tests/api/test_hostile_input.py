"""Hostile or oversized input through the API: always the API's JSON error, never a 500 or an
HTML page; a description has one length limit at every door; an upload is refused by its
announced size before its body is read."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.test.client import encode_multipart
from rest_framework.test import APIClient

from complaints.api.views.reference import MeView
from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.errors import InvalidInput
from complaints.models import Complaint, EvidenceFile, State
from complaints.services import complaint_create
from tests.api.conftest import NEW_COMPLAINT, error_of
from tests.complaints.test_evidence import png_bytes

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000


def assert_json_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == code


class TestMalformedBodies:
    def test_deeply_nested_json_on_the_token_endpoint_is_a_400_unauthenticated(self, org):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)

        response = client.generic("POST", "/api/v1/auth/token/", DEEP, "application/json")

        assert_json_error(response, 400, "parse_error")
        assert "nested too deeply" in error_of(response)["message"]

    def test_deeply_nested_json_on_a_signed_in_endpoint_is_a_400(self, org, api_for):
        api = api_for(org.agent)

        response = api.client.generic("POST", "/api/v1/complaints/", DEEP, "application/json")

        assert_json_error(response, 400, "parse_error")
        assert not Complaint.objects.exists()

    def test_moderately_nested_json_is_still_read(self, org, api_for):
        body = dict(
            NEW_COMPLAINT, flags={"personal_injury": True}, extra=json.loads("[" * 50 + "]" * 50)
        )

        response = api_for(org.agent).post("complaints/", body)

        assert response.status_code == 201

    def test_a_body_over_the_size_limit_is_a_413_in_json(self, org, api_for, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
        body = json.dumps(dict(NEW_COMPLAINT, description="很" * 20_000))

        response = api_for(org.agent).client.generic(
            "POST", "/api/v1/complaints/", body, "application/json"
        )

        assert_json_error(response, 413, "too_large")
        assert not Complaint.objects.exists()


class TestAnswersOutsideTheViews:
    def test_an_unknown_api_path_is_a_json_404(self, org, api_for):
        for path in ("/api/v1/nothing/", "/api/nothing", "/api/v2/complaints/"):
            assert_json_error(api_for(org.agent).client.get(path), 404, "not_found")

    def test_an_unknown_api_path_is_a_json_404_with_debug_too(self, org, api_for, settings):
        settings.DEBUG = True  # Django's own 404 page would be HTML
        client = api_for(org.agent).client
        for path in ("/api/v1/complaints/CP/2026/", "/api/v1/complaints/CP-1/x/y/", "/api/"):
            assert_json_error(client.get(path), 404, "not_found")
        assert_json_error(client.post("/api/v1/nothing/", {}, format="json"), 404, "not_found")

    def test_a_route_without_its_final_slash_is_still_redirected(self, org, api_for):
        response = api_for(org.agent).client.get("/api/v1/complaints?page=2")

        assert response.status_code == 301
        assert response["Location"] == "/api/v1/complaints/?page=2"

    def test_an_unknown_page_is_still_an_html_404(self, client):
        response = client.get("/no-such-page/")

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_a_crash_inside_the_api_is_a_json_500_without_details(self, org, monkeypatch):
        def crash(self, request):
            raise RuntimeError("secret detail /srv/complaints/config")

        monkeypatch.setattr(MeView, "get", crash)
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
        client.force_authenticate(org.agent)

        response = client.get("/api/v1/users/me/")

        assert_json_error(response, 500, "server_error")
        assert b"secret detail" not in response.content


class TestDescriptionLimit:
    def test_the_api_takes_the_limit_and_refuses_one_character_more(self, org, api_for):
        api = api_for(org.agent)

        at_limit = api.post(
            "complaints/", dict(NEW_COMPLAINT, description="很" * DESCRIPTION_MAX_LENGTH)
        )
        over = api.post(
            "complaints/", dict(NEW_COMPLAINT, description="很" * (DESCRIPTION_MAX_LENGTH + 1))
        )

        assert at_limit.status_code == 201
        assert_json_error(over, 400, "invalid")
        assert "description" in error_of(over)["fields"]
        assert Complaint.objects.count() == 1

    def test_four_megabytes_are_refused_before_anything_is_stored(self, org, api_for, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

        response = api_for(org.agent).post(
            "complaints/", dict(NEW_COMPLAINT, description="x" * 4_000_000)
        )

        assert_json_error(response, 400, "invalid")
        assert not Complaint.objects.exists()

    def test_the_service_holds_the_limit_for_every_door(self, org):
        with pytest.raises(InvalidInput) as refused:
            complaint_create(
                actor=org.agent,
                channel="phone",
                subject="太长",
                description="x" * (DESCRIPTION_MAX_LENGTH + 1),
                customer_name="王先生",
                customer_phone="13812345678",
            )

        assert str(DESCRIPTION_MAX_LENGTH) in refused.value.fields["description"][0]

    def test_the_forms_and_the_model_use_the_same_number(self):
        from complaints.api.serializers.complaints import ComplaintCreateSerializer
        from complaints.forms.intake import IntakeForm
        from complaints.forms.public import PublicComplaintForm

        assert Complaint._meta.get_field("description").max_length == DESCRIPTION_MAX_LENGTH
        assert IntakeForm.base_fields["description"].max_length == DESCRIPTION_MAX_LENGTH
        assert PublicComplaintForm.base_fields["description"].max_length == DESCRIPTION_MAX_LENGTH
        assert (
            ComplaintCreateSerializer().fields["description"].max_length == DESCRIPTION_MAX_LENGTH
        )


class TestUploadSize:
    @pytest.fixture
    def case(self, complaint_in):
        return complaint_in(State.INVESTIGATION)

    def upload(self, user, case, *, length: str | None):
        """A small multipart upload announcing `length` bytes (None: its real length)."""
        body = encode_multipart("BoUnDaRy", {"kind": "photo", "file": _png()})
        extra = {} if length is None else {"CONTENT_LENGTH": length}
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client.generic(
            "POST",
            f"/api/v1/complaints/{case.reference}/evidence/",
            body,
            "multipart/form-data; boundary=BoUnDaRy",
            **extra,
        )

    def test_an_announced_size_over_the_limit_is_refused_unread(self, org, case, settings):
        settings.COMPLAINTS_EVIDENCE_MAX_BYTES = 1024 * 1024
        # The test client's body is small: had the view read it up to the announced length, the
        # test client would fail ("Cannot read more than the available bytes").
        response = self.upload(org.handler, case, length=str(50 * 1024 * 1024))

        assert_json_error(response, 413, "too_large")
        assert not EvidenceFile.objects.exists()

    def test_an_upload_without_a_length_is_refused(self, org, case):
        response = self.upload(org.handler, case, length="")

        assert_json_error(response, 413, "too_large")

    def test_an_upload_within_the_limit_is_taken(self, org, case):
        response = self.upload(org.handler, case, length=None)

        assert response.status_code == 201, response.content
        assert EvidenceFile.objects.count() == 1

    def test_a_role_that_may_not_upload_hears_403_first(self, org, case):
        response = self.upload(org.auditor, case, length=str(50 * 1024 * 1024))

        assert_json_error(response, 403, "permission_denied")


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("damage.png", png_bytes(), content_type="image/png")


def test_the_plain_django_client_gets_json_too(org):
    # No DRF client: what a browser or curl would see for an unknown API address.
    response = Client().get("/api/v1/does-not-exist/")

    assert_json_error(response, 404, "not_found")
