"""Sessions and API tokens end when they must: idle time, deactivation, a new password, age;
Django's password validators are on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    validate_password,
)
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.authentication import ExpiringTokenAuthentication
from accounts.models import AuditEntry
from tests.accounts.conftest import PASSWORD, sign_in, token_exchange
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")


def token_of(user) -> str:
    response = token_exchange(APIClient(), user.username, PASSWORD)
    assert response.status_code == 200
    return response.json()["token"]


class TestDeactivation:
    def test_a_deactivated_users_sessions_are_deleted_and_they_are_signed_out(self, org):
        first, second = signed_in(org.handler), signed_in(org.handler)
        other = signed_in(org.agent)
        assert first.get(reverse("notifications")).status_code == 200

        org.handler.is_active = False
        org.handler.save()

        assert Session.objects.count() == 1  # the agent's
        for client in (first, second):
            response = client.get(reverse("notifications"))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        assert other.get(reverse("notifications")).status_code == 200

    def test_reactivation_does_not_bring_an_old_session_back(self, org):
        client = signed_in(org.handler)
        org.handler.is_active = False
        org.handler.save()
        org.handler.is_active = True
        org.handler.save()

        assert client.get(reverse("notifications")).status_code == 302

    def test_a_deactivated_users_token_is_revoked(self, org):
        token = token_of(org.agent)

        org.agent.is_active = False
        org.agent.save()

        assert not Token.objects.filter(user=org.agent).exists()
        assert token_client(token).get(ME).status_code == 401

    def test_deactivation_in_the_admin_is_audited_with_who_did_it(self, org, admin_client):
        signed_in(org.handler)
        url = reverse("admin:accounts_user_change", args=[org.handler.pk])
        form = admin_client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in ("password", "last_login", "date_joined")
        }
        data.update(
            is_active="",
            groups=[g.pk for g in org.handler.groups.all()],
            user_permissions=[],
            department=org.handler.department_id,
            date_joined_0=timezone.localtime(org.handler.date_joined).strftime("%Y-%m-%d"),
            date_joined_1="00:00:00",
        )
        data = {k: v for k, v in data.items() if k != "is_active"}

        response = admin_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        entry = AuditEntry.objects.get(action=AuditEntry.Action.DEACTIVATED)
        assert entry.actor_name == "admin"
        assert entry.target_id == str(org.handler.pk)
        assert entry.details == {"sessions_ended": 1, "tokens_revoked": 0}


class TestPasswordChange:
    def test_a_token_stops_working_after_the_password_changes(self, org):
        token = token_of(org.agent)
        assert token_client(token).get(ME).status_code == 200

        org.agent.set_password("a-new-and-long-passphrase")
        org.agent.save()

        response = token_client(token).get(ME)
        assert response.status_code == 401
        assert error_of(response)["code"] == "authentication_failed"
        entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_CHANGED)
        assert entry.details == {"tokens_revoked": 1}

    def test_the_password_change_page_signs_out_other_sessions_and_keeps_this_one(self, org):
        here, elsewhere = signed_in(org.handler), signed_in(org.handler)
        token = token_of(org.handler)

        response = here.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Brand-new passphrase 42",
                "new_password2": "Brand-new passphrase 42",
            },
        )

        assert response.status_code == 302
        assert here.get(reverse("notifications")).status_code == 200
        assert elsewhere.get(reverse("notifications")).status_code == 302
        assert token_client(token).get(ME).status_code == 401

    def test_a_new_sign_in_after_the_change_gets_a_new_token(self, org):
        old = token_of(org.agent)
        org.agent.set_password("a-new-and-long-passphrase")
        org.agent.save()

        new = token_exchange(APIClient(), "agent", "a-new-and-long-passphrase").json()["token"]

        assert new != old
        assert token_client(new).get(ME).status_code == 200


class TestTokenExpiry:
    def test_a_token_expires_after_the_set_number_of_days(self, org, settings):
        settings.ACCOUNTS_API_TOKEN_MAX_AGE_DAYS = 30
        token = token_of(org.agent)

        with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
            assert token_client(token).get(ME).status_code == 200
        with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
            response = token_client(token).get(ME)
            assert response.status_code == 401
            assert error_of(response)["message"] == "The token has expired. Ask for a new one."
            renewed = token_exchange(APIClient(), "agent", PASSWORD).json()["token"]
            assert renewed != token
            assert token_client(renewed).get(ME).status_code == 200

    def test_a_valid_token_is_handed_out_again(self, org):
        assert token_of(org.agent) == token_of(org.agent)
        assert AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN_ISSUED).count() == 2

    def test_checking_the_age_costs_no_query(self, org, django_assert_num_queries):
        token = token_of(org.agent)

        with django_assert_num_queries(1):  # DRF's own lookup of the token with its user
            user, _token = ExpiringTokenAuthentication().authenticate_credentials(token)
        assert user == org.agent


class TestIdleSessions:
    def test_a_session_ends_after_the_idle_time(self, org, settings):
        settings.SESSION_COOKIE_AGE = 2 * 3600
        client = signed_in(org.handler)

        with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
            response = client.get(reverse("notifications"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_activity_keeps_it_alive(self, org, settings):
        settings.SESSION_COOKIE_AGE = 2 * 3600
        client = signed_in(org.handler)
        start = timezone.now()

        for hours in (1.5, 3, 4.5):
            with time_machine.travel(start + timedelta(hours=hours)):
                assert client.get(reverse("notifications")).status_code == 200

    def test_the_session_is_saved_again_at_most_once_per_refresh_interval(self, org, settings):
        settings.ACCOUNTS_SESSION_REFRESH_SECONDS = 300
        client = signed_in(org.handler)
        client.get(reverse("notifications"))

        def session_writes() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("notifications")).status_code == 200
            return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

        assert session_writes() == 0
        with time_machine.travel(timezone.now() + timedelta(minutes=6)):
            assert session_writes() == 1
            assert session_writes() == 0

    def test_the_default_idle_time_is_two_hours(self):
        from django.conf import settings

        assert settings.SESSION_COOKIE_AGE == 2 * 3600
        assert settings.ACCOUNTS_API_TOKEN_MAX_AGE_DAYS == 30


class TestPasswordValidators:
    def test_djangos_four_validators_are_on(self):
        names = {type(v).__name__ for v in get_default_password_validators()}

        assert names == {
            "UserAttributeSimilarityValidator",
            "MinimumLengthValidator",
            "CommonPasswordValidator",
            "NumericPasswordValidator",
        }

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("Ab3$xyz", "too short"),
            ("password123", "too common"),
            ("8273645190", "entirely numeric"),
            ("handler12", "too similar"),
        ],
    )
    def test_weak_passwords_are_refused(self, org, password, reason):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            validate_password(password, user=org.handler)
        assert reason in " ".join(refused.value.messages)

    def test_the_password_change_page_refuses_a_weak_password(self, org):
        client = signed_in(org.handler)

        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

        assert response.status_code == 200
        org.handler.refresh_from_db()
        assert org.handler.check_password(PASSWORD)

    def test_sign_in_records_who_signed_in(self, org):
        client = Client(REMOTE_ADDR="198.51.100.99")
        sign_in(client, "handler", PASSWORD)

        entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
        assert (entry.actor_name, entry.ip_address, entry.details) == (
            "handler",
            "198.51.100.99",
            {"door": "workspace", "second_factor": "none"},
        )
