"""Authentication, the one error shape for every failure, and the schema and docs endpoints."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints import errors
from config.api_errors import exception_handler, validation_fields
from tests.api.conftest import NEW_COMPLAINT, error_of

pytestmark = pytest.mark.django_db


class TestToken:
    def test_a_username_and_password_give_a_token_that_authenticates(self, org):
        client = APIClient()

        response = client.post(
            "/api/v1/auth/token/", {"username": "agent", "password": "demo1234"}, format="json"
        )

        assert response.status_code == 200
        token = response.json()["token"]
        assert token == Token.objects.get(user=org.agent).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/users/me/").json()["username"] == "agent"

    def test_a_plain_form_post_works_too_but_not_multipart(self, org):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "agent", "password": "demo1234"}, format="multipart"
        )

        assert response.status_code == 415  # multipart is not offered: JSON or a plain form
        form = APIClient().generic(
            "POST",
            "/api/v1/auth/token/",
            "username=agent&password=demo1234",
            content_type="application/x-www-form-urlencoded",
        )
        assert form.status_code == 200
        assert form.json()["token"] == Token.objects.get(user=org.agent).key

    def test_a_wrong_password_is_400_without_a_token(self, org):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/auth/token/", {"username": "agent", "password": "guess"}, format="json"
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "non_field_errors": ["Unable to log in with provided credentials."]
        }
        assert not Token.objects.exists()

    def test_the_token_exchange_is_throttled(self, org):
        client = APIClient()
        # Other login names each time: the lockout (5 per name) stays out of the way.
        answers = [
            client.post(
                "/api/v1/auth/token/",
                {"username": f"nobody{n}", "password": "guess"},
                format="json",
            ).status_code
            for n in range(11)
        ]

        assert answers == [400] * 10 + [429]
        last = client.post("/api/v1/auth/token/", {"username": "agent", "password": "demo1234"})
        assert last.status_code == 429
        assert error_of(last)["code"] == "throttled"
        assert int(last["Retry-After"]) > 0


class TestAuthentication:
    def test_no_credentials_is_401_with_a_challenge(self, api_for):
        response = api_for(None).get("complaints/")

        assert response.status_code == 401
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"

    def test_a_bad_token_is_401(self):
        client = APIClient(HTTP_AUTHORIZATION="Token nope")

        response = client.get("/api/v1/complaints/")

        assert response.status_code == 401
        assert error_of(response)["code"] == "authentication_failed"

    def test_a_signed_in_browser_session_works(self, org, client):
        client.force_login(org.manager)

        response = client.get("/api/v1/users/me/")

        assert response.status_code == 200
        assert response.json()["username"] == "manager"

    def test_an_inactive_users_token_stops_working(self, org, api_for):
        api = api_for(org.agent)
        org.agent.is_active = False
        org.agent.save()

        assert api.get("complaints/").status_code == 401


class TestErrorShape:
    def test_malformed_json_is_400_parse_error(self, org, api_for):
        response = api_for(org.agent).client.post(
            "/api/v1/complaints/", '{"subject": ', content_type="application/json"
        )

        assert response.status_code == 400
        assert error_of(response)["code"] == "parse_error"

    @pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "42"])
    def test_json_that_is_not_an_object_is_400(self, org, api_for, body):
        response = api_for(org.agent).client.post(
            "/api/v1/complaints/", body, content_type="application/json"
        )

        assert response.status_code == 400
        assert error_of(response)["code"] in {"invalid", "parse_error"}

    def test_a_form_post_to_a_json_endpoint_is_415(self, org, api_for):
        response = api_for(org.agent).client.post("/api/v1/complaints/", {"subject": "x"})

        assert response.status_code == 415
        assert error_of(response)["code"] == "unsupported_media_type"

    def test_a_wrong_method_is_405(self, org, api_for):
        response = api_for(org.agent).client.delete("/api/v1/complaints/")

        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"

    def test_unknown_urls_under_the_api_are_plain_404s(self, org, api_for):
        assert api_for(org.agent).get("nothing-here/").status_code == 404

    @pytest.mark.parametrize(
        ("exc", "status", "code", "extra"),
        [
            (errors.NotFound(), 404, "not_found", {}),
            (errors.UnknownTransition(), 404, "unknown_transition", {}),
            (errors.PermissionDenied(), 403, "permission_denied", {}),
            (errors.InvalidInput({"a": ["bad"]}), 400, "invalid", {"fields": {"a": ["bad"]}}),
            (
                errors.TransitionNotAllowed(name="close", state="intake", allowed=["withdraw"]),
                409,
                "transition_not_allowed",
                {"allowed": ["withdraw"]},
            ),
            (errors.ConditionNotMet(["x"]), 409, "condition_not_met", {"reasons": ["x"]}),
            (errors.Conflict(), 409, "conflict", {}),
            (Http404(), 404, "not_found", {}),
            (DjangoPermissionDenied(), 403, "permission_denied", {}),
            (exceptions.NotAuthenticated(), 401, "not_authenticated", {}),
            (exceptions.ParseError(), 400, "parse_error", {}),
            (exceptions.UnsupportedMediaType("text/xml"), 415, "unsupported_media_type", {}),
            (exceptions.Throttled(wait=3), 429, "throttled", {}),
        ],
    )
    def test_every_known_error_maps_to_one_shape(self, exc, status, code, extra):
        response = exception_handler(exc, {})

        assert response.status_code == status
        assert set(response.data) == {"error"}
        assert response.data["error"]["code"] == code
        assert response.data["error"]["message"]
        assert {
            k: v for k, v in response.data["error"].items() if k not in {"code", "message"}
        } == (extra)

    def test_anything_else_is_left_to_django(self):
        assert exception_handler(ValueError("boom"), {}) is None

    def test_nested_validation_errors_are_flattened(self):
        detail = {
            "customer": {"phone": ["Too long."]},
            "flags": [{"a": ["x"]}, {}],
            "subject": ["Required."],
        }

        assert validation_fields(detail) == {
            "customer.phone": ["Too long."],
            "flags.0.a": ["x"],
            "subject": ["Required."],
        }


class TestSchemaAndDocs:
    def test_the_openapi_schema_is_served(self, client):
        response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        assert "/api/v1/complaints/{reference}/transitions/{name}/" in schema["paths"]
        reference = schema["paths"]["/api/v1/complaints/{reference}/"]["get"]["parameters"][0]
        assert (reference["name"], reference["schema"]["type"]) == ("reference", "string")
        assert "Error" in schema["components"]["schemas"]

    def test_one_english_schema_whatever_the_accept_language(self, client):
        def schema(**headers: str) -> bytes:
            return client.get(
                "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json", **headers
            ).content

        english = schema(HTTP_ACCEPT_LANGUAGE="en")
        assert schema(HTTP_ACCEPT_LANGUAGE="zh-hans") == english
        assert schema() == english  # the site's default language is Chinese
        # Translated descriptions for people: a second document, asked for by name.
        translated = client.get(
            "/api/schema/?lang=zh-hans", HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
        assert translated["Content-Language"] == "zh-hans"
        assert translated.content != english

    def test_the_token_operation_takes_json_only_and_the_scheme_names_its_prefix(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

        body = schema["paths"]["/api/v1/auth/token/"]["post"]["requestBody"]
        assert list(body["content"]) == ["application/json"]
        token = schema["components"]["securitySchemes"]["tokenAuth"]
        assert "Authorization: Token <token>" in token["description"]

    def test_the_headers_sent_are_declared(self, client):
        paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
            "paths"
        ]

        created = paths["/api/v1/complaints/"]["post"]["responses"]["201"]["headers"]
        assert set(created) == {"Location", "Idempotent-Replayed"}
        case = "/api/v1/complaints/{reference}/"
        assert "ETag" in paths[case]["get"]["responses"]["200"]["headers"]
        assert "ETag" in paths[case]["patch"]["responses"]["200"]["headers"]
        token = paths["/api/v1/auth/token/"]["post"]["responses"]["429"]["headers"]
        assert "Retry-After" in token

    def test_every_component_is_described(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

        bare = [
            name
            for name, component in schema["components"]["schemas"].items()
            if not component.get("description")
        ]
        assert not bare, f"components without a description: {bare}"
        # Every property of every component (the webhooks' bodies too), and not just its name again.
        undescribed = [
            f"{name}.{key}"
            for name, component in schema["components"]["schemas"].items()
            for key, prop in component.get("properties", {}).items()
            if len(prop.get("description", "").strip(" .").split()) < 2
            or prop["description"].strip(" .").lower() == key.replace("_", " ")
        ]
        assert not undescribed, f"properties without a description: {undescribed}"

    def test_swagger_ui_comes_from_the_sidecar_not_a_cdn(self, client):
        response = client.get("/api/docs/")

        assert response.status_code == 200
        html = response.content.decode()
        assert "drf_spectacular_sidecar/swagger-ui-dist" in html
        assert "cdn" not in html.lower()

    def test_idempotent_create_is_documented(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        create = schema["paths"]["/api/v1/complaints/"]["post"]

        assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
        assert {"201", "400", "401", "403", "422"} <= set(create["responses"])

    def test_a_create_body_is_json(self, org, api_for):
        response = api_for(org.agent).post("complaints/", NEW_COMPLAINT)

        assert response["Content-Type"] == "application/json"
