"""Sign-in lockout: per account and per address, on the staff page, the admin and the API, with
one answer for accounts that exist and accounts that do not (accounts.lockout, django-axes)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, SignInLock
from tests.accounts.conftest import PASSWORD, admin_sign_in, sign_in, token_exchange
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

PER_ACCOUNT = 5
PER_ADDRESS = 20


def _page(response) -> str:
    # The CSRF token and the CSP nonce differ on every page; nothing else may.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    page = re.sub(r'nonce="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


class TestStaffSignIn:
    @pytest.mark.parametrize("username", ["handler", "no-such-person"])
    def test_the_fifth_wrong_password_locks_the_login_name(self, org, web, username):
        client = web()

        answers = [sign_in(client, username, "wrong").status_code for _ in range(PER_ACCOUNT)]

        assert answers == [200] * (PER_ACCOUNT - 1) + [429]
        locked = sign_in(client, username, "wrong")
        assert locked.status_code == 429
        assert 'data-testid="locked-out"' in locked.content.decode()
        assert "15 minutes" in locked.content.decode()

    def test_an_existing_and_a_missing_account_get_the_same_answers(self, org, web):
        def answers(username: str, address: str) -> list[tuple[int, str]]:
            client = web(address)
            return [
                (response.status_code, _page(response).replace(username, "NAME"))
                for response in (sign_in(client, username, "wrong") for _ in range(PER_ACCOUNT + 1))
            ]

        assert answers("handler", "198.51.100.1") == answers("nobody42", "198.51.100.2")

    def test_an_existing_and_a_missing_account_cost_the_same_work(self, org, web, monkeypatch):
        """Timing: the same queries and the same number of password hashes for both, before
        and during the lockout (Django hashes the password of a missing account too)."""
        hashed = []
        original = MD5PasswordHasher.encode
        monkeypatch.setattr(
            MD5PasswordHasher,
            "encode",
            lambda self, password, salt: hashed.append(1) or original(self, password, salt),
        )

        def work(username: str, address: str) -> list[tuple[int, int]]:
            client = web(address)
            counts = []
            for _ in range(PER_ACCOUNT + 1):
                hashed.clear()
                with CaptureQueriesContext(connection) as queries:
                    sign_in(client, username, "wrong")
                counts.append((len(queries), len(hashed)))
            return counts

        existing = work("handler", "198.51.100.3")
        missing = work("nobody43", "198.51.100.4")

        assert existing == missing
        assert [hashes for _queries, hashes in existing] == [1] * (PER_ACCOUNT - 1) + [1, 0]

    def test_the_right_password_is_refused_while_locked(self, org, web):
        client = web()
        for _ in range(PER_ACCOUNT):
            sign_in(client, "handler", "wrong")

        response = sign_in(client, "handler", PASSWORD)

        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_lock_holds_from_another_address_and_browser(self, org, web):
        for _ in range(PER_ACCOUNT):
            sign_in(web("198.51.100.5"), "handler", "wrong")

        elsewhere = sign_in(web("203.0.113.77"), "handler", PASSWORD, HTTP_USER_AGENT="Other")

        assert elsewhere.status_code == 429

    def test_other_accounts_sign_in_while_one_is_locked(self, org, web):
        client = web()
        for _ in range(PER_ACCOUNT):
            sign_in(client, "handler", "wrong")

        assert sign_in(client, "agent", PASSWORD).status_code == 302

    def test_one_address_trying_many_names_is_locked(self, org, web):
        client = web("198.51.100.6")
        answers = [sign_in(client, f"guess{n}", "wrong").status_code for n in range(PER_ADDRESS)]

        assert answers == [200] * (PER_ADDRESS - 1) + [429]
        assert sign_in(client, "agent", PASSWORD).status_code == 429
        # The lock is the address's: the same people elsewhere are not held back.
        assert sign_in(web("198.51.100.7"), "agent", PASSWORD).status_code == 302

    def test_a_forged_forwarded_for_header_does_not_escape_the_address_lock(self, org, web):
        client = web("198.51.100.8")
        answers = [
            sign_in(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.{n}.1").status_code
            for n in range(PER_ADDRESS)
        ]

        assert answers[-1] == 429
        assert set(SignInLock.objects.values_list("ip_address", flat=True)) == {"198.51.100.8"}

    def test_behind_the_trusted_proxy_the_address_it_saw_counts(self, org, web, settings):
        settings.COMPLAINTS_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        proxy = web("10.0.0.2")
        for _ in range(PER_ACCOUNT):
            sign_in(proxy, "handler", "wrong", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9")

        assert set(SignInLock.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT).get()
        assert entry.ip_address == "203.0.113.9"

    def test_the_lock_ends_after_the_cool_off(self, org, web):
        client = web()
        for _ in range(PER_ACCOUNT):
            sign_in(client, "handler", "wrong")

        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            assert sign_in(client, "handler", PASSWORD).status_code == 302

    def test_attempts_while_locked_do_not_extend_the_lock(self, org, web):
        client = web()
        for _ in range(PER_ACCOUNT):
            sign_in(client, "handler", "wrong")
        with time_machine.travel(timezone.now() + timedelta(minutes=10)):
            assert sign_in(client, "handler", "wrong").status_code == 429

        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            assert sign_in(client, "handler", PASSWORD).status_code == 302

    def test_the_lockout_page_speaks_chinese_by_default(self, org, web):
        client = web()
        client.cookies.clear()
        for _ in range(PER_ACCOUNT):
            response = sign_in(client, "handler", "wrong")

        page = response.content.decode()
        assert response.status_code == 429
        assert "登录已暂停" in page
        assert "15 分钟" in page


class TestAdminSignIn:
    def test_the_admin_sign_in_is_locked_too_and_shares_the_count(self, org, web):
        client = web()
        for _ in range(PER_ACCOUNT - 1):
            assert admin_sign_in(client, "root", "wrong").status_code == 200
        assert sign_in(client, "root", "wrong").status_code == 429  # the fifth, on the staff page

        response = admin_sign_in(client, "root", "wrong")

        assert response.status_code == 429
        assert 'data-testid="locked-out"' in response.content.decode()


class TestApiTokenExchange:
    @pytest.mark.parametrize("username", ["agent", "nobody"])
    def test_the_token_exchange_locks_with_a_json_error(self, org, username):
        client = APIClient(REMOTE_ADDR="198.51.100.20", HTTP_ACCEPT_LANGUAGE="en")

        answers = [token_exchange(client, username, "wrong") for _ in range(PER_ACCOUNT)]

        assert [a.status_code for a in answers] == [400] * (PER_ACCOUNT - 1) + [429]
        error = error_of(answers[-1])
        assert error["code"] == "locked_out"
        assert "15 minutes" in error["message"]
        assert int(answers[-1]["Retry-After"]) == 15 * 60
        right = token_exchange(client, username, PASSWORD)
        assert right.status_code == 429
        assert "token" not in right.json()

    def test_existing_and_missing_accounts_get_the_same_api_answers(self, org):
        def answers(username: str, address: str) -> list[tuple[int, dict]]:
            client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
            return [
                (response.status_code, response.json())
                for response in (
                    token_exchange(client, username, "wrong") for _ in range(PER_ACCOUNT + 1)
                )
            ]

        assert answers("agent", "198.51.100.21") == answers("nobody", "198.51.100.22")

    def test_api_and_web_failures_count_together(self, org, web):
        client = web()
        for _ in range(PER_ACCOUNT - 1):
            sign_in(client, "agent", "wrong")

        response = token_exchange(APIClient(REMOTE_ADDR="203.0.113.50"), "agent", "wrong")

        assert response.status_code == 429


class TestLockInTheAdmin:
    def lock(self, web) -> None:
        client = web("198.51.100.30")
        for _ in range(PER_ACCOUNT):
            sign_in(client, "handler", "wrong")

    def test_a_lockout_is_listed_and_lifted_by_an_administrator(self, org, web, admin_client):
        self.lock(web)
        listing = admin_client.get(reverse("admin:accounts_signinlock_changelist"))
        assert listing.status_code == 200
        assert "handler" in listing.content.decode()
        attempt = SignInLock.objects.get()
        assert attempt.failures_since_start == PER_ACCOUNT

        lifted = admin_client.post(
            reverse("admin:accounts_signinlock_changelist"),
            {"action": "lift", "_selected_action": [attempt.pk]},
        )

        assert lifted.status_code == 302
        assert not SignInLock.objects.exists()
        assert sign_in(web("198.51.100.30"), "handler", PASSWORD).status_code == 302
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT_LIFTED).get()
        assert entry.actor_name == "admin"
        assert entry.target_label == "handler"
        assert entry.details == {"address": "198.51.100.30", "failures": PER_ACCOUNT}

    def test_deleting_the_row_lifts_it_too_and_is_audited(self, org, web, admin_client):
        self.lock(web)
        attempt = SignInLock.objects.get()

        response = admin_client.post(
            reverse("admin:accounts_signinlock_delete", args=[attempt.pk]), {"post": "yes"}
        )

        assert response.status_code == 302
        assert not SignInLock.objects.exists()
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT_LIFTED).count() == 1

    def test_an_auditor_reads_the_lockouts_in_the_audit_log_but_cannot_lift_them(
        self, org, web, client
    ):
        self.lock(web)
        org.auditor.is_staff = True
        org.auditor.save()
        client.force_login(org.auditor)

        assert client.get(reverse("admin:accounts_signinlock_changelist")).status_code == 403
        log = client.get(reverse("admin:accounts_auditentry_changelist"), {"action": "locked_out"})
        assert log.status_code == 200
        assert [entry.target_label for entry in log.context["cl"].result_list] == ["handler"]
