"""Two-factor sign-in (accounts.two_factor, two_factor_gate, two_factor_views): enrolment, the code
step of every door, backup codes, wrong codes and the lockout, the roles that must use it, the
admin's reset, and the audit log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from accounts.roles import Role
from accounts.two_factor import authenticator_pending, backup_code_digest
from accounts.two_factor_views import qr_code_svg
from tests.accounts.conftest import (
    CODE_URL,
    PASSWORD,
    TWO_FACTOR_URL,
    admin_sign_in,
    english,
    enrol,
    send_code,
    sign_in,
    token_exchange,
    totp_code,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PAGE = "/notifications/"  # a page every role opens


@pytest.fixture(autouse=True)
def _no_pause_after_a_wrong_code(settings):
    # django-otp's back-off (1, 2, 4 ... s after a wrong code) is tested on its own below.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def required(settings):
    """The production defaults: superusers and the two roles must use two-factor sign-in."""
    settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = ["complaint_manager", "executive"]
    settings.COMPLAINTS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True


def client(address: str = "198.51.100.60") -> Client:
    # Signing in sets the language saved on the user (accounts.signals): the org's users read
    # English in these tests, as the client does.
    User.objects.exclude(language="en").update(language="en")
    return english(Client(REMOTE_ADDR=address))


def actions(**filters) -> list[str]:
    return list(
        AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def signed_in(c: Client) -> bool:
    return "_auth_user_id" in c.session


def failures(username: str) -> int:
    return sum(
        AccessAttempt.objects.filter(username=username).values_list(
            "failures_since_start", flat=True
        )
    )


# --- enrolment ----------------------------------------------------------------------------------


class TestEnrolment:
    def test_the_page_shows_a_qr_code_and_the_key_and_keeps_them_across_reloads(self, org):
        c = client()
        c.force_login(org.handler)

        first = c.get(TWO_FACTOR_URL).content.decode()
        again = c.get(TWO_FACTOR_URL).content.decode()

        device = TOTPDevice.objects.get(user=org.handler, confirmed=False)
        assert str(qr_code_svg(device)) in first
        secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', first).group(1)
        assert len(secret.replace(" ", "")) == 32 and secret in again
        # Inline SVG only: nothing for the Content-Security-Policy to refuse.
        svg = re.search(r"<svg.*?</svg>", first, re.S).group(0)
        assert "style" not in svg and "<script" not in svg and "href" not in svg
        assert TOTPDevice.objects.filter(user=org.handler).count() == 1

    def test_the_qr_code_carries_the_otpauth_address_with_the_issuer(self, org):
        device = authenticator_pending(user=org.handler)

        assert device.config_url.startswith("otpauth://totp/Complaint%20handling%3Ahandler?")
        assert "issuer=Complaint%20handling" in device.config_url

    def test_a_right_code_turns_it_on_and_shows_ten_backup_codes_once(self, org):
        c = client()
        c.force_login(org.handler)
        c.get(TWO_FACTOR_URL)
        device = TOTPDevice.objects.get(user=org.handler)

        response = c.post(TWO_FACTOR_URL, {"enable": "1", "code": totp_code(device)})

        page = response.content.decode()
        shown = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
        assert len(shown) == 10
        assert "no-store" in response["Cache-Control"]
        stored = set(
            StaticToken.objects.filter(device__user=org.handler).values_list("token", flat=True)
        )
        # Only their hashes are kept (tests/accounts/test_backup_code_storage.py).
        assert {backup_code_digest(code.replace("-", "")) for code in shown} == stored
        device.refresh_from_db()
        assert device.confirmed
        # This session proved the new factor; it stays signed in and verified.
        assert c.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        later = c.get(TWO_FACTOR_URL).content.decode()
        assert 'data-testid="two-factor-on"' in later and shown[0] not in later
        assert "10 backup codes left" in later
        entry = AuditEntry.objects.get(action=AuditEntry.Action.TWO_FACTOR_ENABLED)
        assert (entry.actor, entry.details["replaced"], entry.details["backup_codes"]) == (
            org.handler,
            False,
            10,
        )

    def test_a_wrong_code_keeps_it_off_and_is_not_a_failed_sign_in(self, org):
        c = client()
        c.force_login(org.handler)
        c.get(TWO_FACTOR_URL)

        response = c.post(TWO_FACTOR_URL, {"enable": "1", "code": "000000"})

        assert 'data-testid="enrol-error"' in response.content.decode()
        assert not TOTPDevice.objects.filter(user=org.handler, confirmed=True).exists()
        assert failures("handler") == 0
        assert actions(action=AuditEntry.Action.TWO_FACTOR_ENABLED) == []

    def test_turning_it_on_revokes_the_api_token_and_signs_out_older_sessions(self, org):
        token = Token.objects.create(user=org.handler)
        elsewhere = client("203.0.113.5")
        elsewhere.force_login(org.handler)
        assert elsewhere.get(PAGE).status_code == 200

        enrol(org.handler)

        assert not Token.objects.filter(pk=token.pk).exists()
        # Signed in without the code the account now asks for: signed out, sent to sign in.
        response = elsewhere.get(PAGE)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert not signed_in(elsewhere)


# --- signing in -----------------------------------------------------------------------------------


class TestSignInWithACode:
    def test_the_password_alone_does_not_sign_in(self, org):
        enrol(org.handler)
        c = client()

        response = sign_in(c, "handler", PASSWORD)

        assert (response.status_code, response["Location"]) == (302, CODE_URL)
        assert not signed_in(c)
        assert c.get(PAGE)["Location"].startswith("/accounts/login/")
        page = c.get(CODE_URL).content.decode()
        assert 'data-testid="code-form"' in page and "handler" in page

    def test_the_code_signs_in_and_the_audit_log_names_it(self, org):
        device, _codes = enrol(org.handler)
        c = client()
        sign_in(c, "handler", PASSWORD)

        response = send_code(c, totp_code(device))

        assert (response.status_code, response["Location"]) == (302, "/")
        assert signed_in(c) and c.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert c.get(PAGE).status_code == 200
        entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
        assert (entry.actor, entry.ip_address, entry.details) == (
            org.handler,
            "198.51.100.60",
            {"door": "workspace", "second_factor": "totp"},
        )

    def test_where_the_person_was_going_is_kept(self, org):
        device, _codes = enrol(org.handler)
        c = client()
        c.post(
            reverse("login"),
            {"username": "handler", "password": PASSWORD, "next": "/notifications/"},
        )

        assert send_code(c, totp_code(device))["Location"] == "/notifications/"

    def test_a_backup_code_signs_in_once(self, org):
        _device, codes = enrol(org.handler)
        first = client()
        sign_in(first, "handler", PASSWORD)

        response = send_code(first, codes[0].upper()[:4] + "-" + codes[0][4:])

        assert response.status_code == 302 and signed_in(first)
        assert "9 backup codes are left" in first.get(PAGE).content.decode()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
        assert entry.details["second_factor"] == "backup_code"
        again = client("198.51.100.61")
        sign_in(again, "handler", PASSWORD)
        assert send_code(again, codes[0]).status_code == 200
        assert not signed_in(again)

    def test_a_wrong_code_is_refused_counted_and_recorded(self, org):
        enrol(org.handler)
        c = client()
        sign_in(c, "handler", PASSWORD)

        response = send_code(c, "123456")

        assert response.status_code == 200
        assert "That code is not right" in response.content.decode()
        assert not signed_in(c)
        assert failures("handler") == 1
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CODE_FAILED)
        assert (entry.target_label, entry.actor, entry.details) == (
            "handler",
            None,
            {"door": "workspace", "purpose": "sign_in"},
        )
        assert "123456" not in str(entry.details)
        assert "123456" not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))

    def test_a_code_used_once_cannot_be_used_again(self, org):
        device, _codes = enrol(org.handler)
        code = totp_code(device)
        first, second = client(), client("198.51.100.62")
        sign_in(first, "handler", PASSWORD)
        sign_in(second, "handler", PASSWORD)

        assert send_code(first, code).status_code == 302
        assert send_code(second, code).status_code == 200
        assert not signed_in(second)

    def test_the_fifth_wrong_code_locks_the_login_name(self, org):
        enrol(org.handler)
        c = client()
        sign_in(c, "handler", PASSWORD)

        answers = [send_code(c, f"00000{n}").status_code for n in range(5)]

        assert answers == [200, 200, 200, 200, 429]
        assert not signed_in(c)
        assert actions(action__in=["code_failed", "locked_out"]) == ["code_failed"] * 4 + [
            "locked_out"
        ]
        # The right password, then the right code, are refused while the lock lasts.
        elsewhere = client("203.0.113.9")
        assert sign_in(elsewhere, "handler", PASSWORD).status_code == 429
        assert not signed_in(elsewhere)

    def test_wrong_passwords_and_wrong_codes_share_one_count(self, org):
        device, _codes = enrol(org.handler)
        c = client()
        for _ in range(3):
            sign_in(c, "handler", "wrong")
        sign_in(c, "handler", PASSWORD)

        answers = [send_code(c, "000000").status_code for _ in range(2)]
        late = send_code(c, totp_code(device))

        # The fifth failure (the second code) locked the name; the right code comes too late.
        assert answers == [200, 429]
        assert late["Location"] == "/accounts/login/"
        assert not signed_in(c)
        assert failures("handler") == 5

    def test_the_code_step_waits_ten_minutes_at_most(self, org):
        device, _codes = enrol(org.handler)
        c = client()
        sign_in(c, "handler", PASSWORD)

        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            response = send_code(c, totp_code(device))

        assert response["Location"] == reverse("login")
        assert not signed_in(c)

    def test_the_pause_after_a_wrong_code_is_not_counted_as_a_guess(self, org, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = 1
        device, _codes = enrol(org.handler)
        c = client()
        sign_in(c, "handler", PASSWORD)
        send_code(c, "000000")

        paused = send_code(c, totp_code(device))

        assert "wait 1 second" in paused.content.decode()
        assert not signed_in(c) and failures("handler") == 1
        with time_machine.travel(timezone.now() + timedelta(seconds=2)):
            assert send_code(c, totp_code(device)).status_code == 302
        assert signed_in(c)

    def test_the_admin_sign_in_asks_for_the_code_too(self, org):
        superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
        device, _codes = enrol(superuser)
        c = client()

        response = admin_sign_in(c, "root", PASSWORD)

        assert (response.status_code, response["Location"]) == (302, CODE_URL)
        assert c.get("/admin/")["Location"].startswith("/admin/login/")
        assert send_code(c, totp_code(device))["Location"] == "/admin/"
        assert c.get("/admin/").status_code == 200
        entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
        assert entry.details == {"door": "admin", "second_factor": "totp"}

    def test_a_session_that_skipped_the_code_is_signed_out(self, org):
        enrol(org.handler)
        c = client()
        c.force_login(org.handler)  # a door that asked no code (none exists in the product)

        response = c.get(PAGE)

        assert response["Location"] == "/accounts/login/?next=/notifications/"
        assert not signed_in(c)
        api = c.get("/api/v1/complaints/")
        assert api.status_code in (401, 403)


# --- the API's token exchange ---------------------------------------------------------------------


class TestApiTokens:
    def test_an_enrolled_person_needs_the_code_for_a_token(self, org):
        device, _codes = enrol(org.handler)
        api = APIClient(REMOTE_ADDR="198.51.100.70")

        missing = token_exchange(api, "handler", PASSWORD)
        wrong = api.post(
            "/api/v1/auth/token/",
            {"username": "handler", "password": PASSWORD, "otp_token": "000000"},
            format="json",
        )
        right = api.post(
            "/api/v1/auth/token/",
            {"username": "handler", "password": PASSWORD, "otp_token": totp_code(device)},
            format="json",
        )

        assert (missing.status_code, missing.json()["error"]["code"]) == (400, "otp_required")
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "otp_invalid")
        assert right.status_code == 200 and right.json()["token"]
        assert failures("handler") == 1
        entry = AuditEntry.objects.get(action=AuditEntry.Action.API_TOKEN_ISSUED)
        assert entry.details == {"second_factor": "totp"}
        failed = AuditEntry.objects.get(action=AuditEntry.Action.CODE_FAILED)
        assert failed.details == {"door": "api", "purpose": "sign_in"}

    def test_wrong_codes_lock_the_token_exchange(self, org):
        enrol(org.handler)
        api = APIClient(REMOTE_ADDR="198.51.100.71")
        body = {"username": "handler", "password": PASSWORD, "otp_token": "000000"}

        answers = [
            api.post("/api/v1/auth/token/", body, format="json").json()["error"]["code"]
            for _ in range(5)
        ]

        assert answers == ["otp_invalid"] * 4 + ["locked_out"]


# --- roles that must use it -----------------------------------------------------------------------


class TestRequired:
    def test_a_manager_without_an_authenticator_is_sent_to_enrolment(self, org, required):
        c = client()

        response = sign_in(c, "manager", PASSWORD)
        assert signed_in(c)
        page = c.get(response["Location"], follow=True)

        assert page.redirect_chain[-1][0] == f"{TWO_FACTOR_URL}?next=/"
        body = page.content.decode()
        assert 'data-testid="two-factor-required"' in body and 'data-testid="qr-code"' in body
        # Only the sign-out and the languages: the workspace's links are not offered yet.
        assert 'data-testid="nav-logout"' in body and 'data-testid="nav-dashboard"' not in body
        entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
        assert entry.details == {"door": "workspace", "second_factor": "none"}

    @pytest.mark.parametrize(
        "path",
        ["/", "/notifications/", "/dashboard/", "/queues/all/", "/admin/", "/accounts/password/"],
    )
    def test_no_page_opens_before_enrolment(self, org, required, path):
        c = client()
        sign_in(c, "manager", PASSWORD)

        response = c.get(path)

        assert response.status_code == 302
        assert response["Location"].startswith(TWO_FACTOR_URL)

    def test_a_write_posted_before_enrolment_is_refused(self, org, required, new_complaint):
        case = new_complaint()
        c = client()
        sign_in(c, "manager", PASSWORD)

        response = c.post(reverse("case_note", args=[case.reference]), {"text": "x"})

        assert response.status_code == 302 and response["Location"] == TWO_FACTOR_URL

    def test_the_api_refuses_the_session_and_the_token_exchange(self, org, required):
        c = client()
        sign_in(c, "manager", PASSWORD)

        by_session = c.get("/api/v1/complaints/")
        exchange = token_exchange(APIClient(REMOTE_ADDR="198.51.100.72"), "manager", PASSWORD)

        assert (by_session.status_code, by_session.json()["error"]["code"]) == (
            403,
            "two_factor_required",
        )
        assert (exchange.status_code, exchange.json()["error"]["code"]) == (
            403,
            "two_factor_required",
        )
        assert not Token.objects.filter(user=org.manager).exists()

    def test_a_token_issued_before_the_requirement_is_refused(self, org, settings):
        token = Token.objects.create(user=org.manager)
        api = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get("/api/v1/complaints/").status_code == 200

        settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = ["complaint_manager"]
        refused = api.get("/api/v1/complaints/")

        assert (refused.status_code, refused.json()["error"]["code"]) == (
            403,
            "two_factor_required",
        )

    def test_after_enrolment_everything_opens(self, org, required):
        c = client()
        sign_in(c, "manager", PASSWORD)
        c.get(TWO_FACTOR_URL)
        device = TOTPDevice.objects.get(user=org.manager)

        c.post(TWO_FACTOR_URL, {"enable": "1", "code": totp_code(device), "next": "/"})

        assert c.get(PAGE).status_code == 200
        assert c.get("/dashboard/").status_code == 200

    def test_a_role_given_later_holds_a_signed_in_session_at_enrolment(self, org, required):
        c = client()
        sign_in(c, "agent", PASSWORD)
        assert c.get(PAGE).status_code == 200

        org.agent.groups.add(Group.objects.get(name=Role.EXECUTIVE.value))

        assert c.get(PAGE)["Location"].startswith(TWO_FACTOR_URL)

    def test_a_superuser_must_enrol_through_the_admin_sign_in_too(self, org, required):
        UserFactory(username="root", is_staff=True, is_superuser=True)
        c = client()

        admin_sign_in(c, "root", PASSWORD)

        assert c.get("/admin/")["Location"].startswith(TWO_FACTOR_URL)

    def test_a_required_person_cannot_turn_it_off(self, org, required):
        device, _codes = enrol(org.manager)
        c = client()
        sign_in(c, "manager", PASSWORD)
        send_code(c, totp_code(device))

        response = c.post(
            TWO_FACTOR_URL, {"action": "disable", "code": totp_code(device, steps_ahead=1)}
        )

        assert "cannot be turned off" in response.content.decode()
        assert TOTPDevice.objects.filter(user=org.manager, confirmed=True).exists()

    def test_other_roles_are_not_held(self, org, required):
        c = client()
        sign_in(c, "handler", PASSWORD)

        assert c.get(PAGE).status_code == 200


# --- changes on the person's own page -------------------------------------------------------------


@pytest.fixture
def verified(org):
    """The handler, enrolled and signed in with a code: (client, device, backup codes)."""
    device, codes = enrol(org.handler)
    c = client()
    sign_in(c, "handler", PASSWORD)
    assert send_code(c, totp_code(device)).status_code == 302
    return c, device, codes


class TestChanges:
    def test_new_backup_codes_need_a_current_code_and_replace_the_old_ones(self, org, verified):
        c, _device, old = verified

        refused = c.post(TWO_FACTOR_URL, {"action": "backup_codes", "code": "000000"})
        response = c.post(TWO_FACTOR_URL, {"action": "backup_codes", "code": old[0]})

        assert 'data-testid="current-code-error"' in refused.content.decode()
        new = re.findall(r"<code>([a-z2-7-]{9})</code>", response.content.decode())
        stored = set(
            StaticToken.objects.filter(device__user=org.handler).values_list("token", flat=True)
        )
        assert len(new) == 10
        assert {backup_code_digest(code.replace("-", "")) for code in new} == stored
        assert not stored & {backup_code_digest(code) for code in old}
        assert actions(action="backup_codes_renewed") == ["backup_codes_renewed"]
        # The session verified by the (kept) backup device is still signed in and verified.
        assert c.get(PAGE).status_code == 200

    def test_moving_to_a_new_phone_keeps_the_old_one_until_the_new_one_is_confirmed(
        self, org, verified
    ):
        c, old_device, _codes = verified
        c.post(TWO_FACTOR_URL, {"action": "replace", "code": totp_code(old_device, steps_ahead=1)})
        page = c.get(TWO_FACTOR_URL).content.decode()
        assert 'data-testid="replacing"' in page
        new_device = TOTPDevice.objects.get(user=org.handler, confirmed=False)
        assert TOTPDevice.objects.filter(pk=old_device.pk, confirmed=True).exists()

        response = c.post(TWO_FACTOR_URL, {"enable": "1", "code": totp_code(new_device)})

        assert "You have moved to the new phone" in response.content.decode()
        assert list(TOTPDevice.objects.filter(user=org.handler).values_list("pk", flat=True)) == [
            new_device.pk
        ]
        assert c.get(PAGE).status_code == 200  # verified again, by the new authenticator
        entry = AuditEntry.objects.filter(action="two_factor_enabled").order_by("-id").first()
        assert entry.details["replaced"] is True

    def test_turning_it_off_takes_a_current_code(self, org, verified):
        c, device, _codes = verified

        c.post(TWO_FACTOR_URL, {"action": "disable", "code": totp_code(device, steps_ahead=1)})

        assert not TOTPDevice.objects.filter(user=org.handler).exists()
        assert not StaticDevice.objects.filter(user=org.handler).exists()
        assert c.get(PAGE).status_code == 200
        assert actions(action="two_factor_disabled") == ["two_factor_disabled"]

    def test_wrong_current_codes_count_towards_the_lockout_and_end_the_session(self, org, verified):
        c, _device, _codes = verified

        answers = [
            c.post(TWO_FACTOR_URL, {"action": "disable", "code": f"00000{n}"}).status_code
            for n in range(5)
        ]

        assert answers == [200, 200, 200, 200, 429]
        assert not signed_in(c)
        assert TOTPDevice.objects.filter(user=org.handler, confirmed=True).exists()
        entries = AuditEntry.objects.filter(action__in=["code_failed", "locked_out"])
        assert {(e.actor_id, e.details["purpose"]) for e in entries} == {
            (org.handler.pk, "disable")
        }


# --- the administrator's reset --------------------------------------------------------------------


class TestAdminReset:
    def test_an_administrator_resets_it_and_the_person_is_signed_out(
        self, org, verified, admin_client, admin_user
    ):
        c, _device, _codes = verified
        token = Token.objects.create(user=org.handler)

        response = admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_two_factor", "_selected_action": [org.handler.pk]},
            follow=True,
        )

        assert response.status_code == 200
        assert not TOTPDevice.objects.filter(user=org.handler).exists()
        assert not StaticDevice.objects.filter(user=org.handler).exists()
        assert not Token.objects.filter(pk=token.pk).exists()
        assert c.get(PAGE)["Location"].startswith("/accounts/login/")
        entry = AuditEntry.objects.get(action=AuditEntry.Action.TWO_FACTOR_RESET)
        assert (entry.actor, entry.target_id, entry.details["sessions_ended"]) == (
            admin_user,
            str(org.handler.pk),
            1,
        )
        # Their next sign-in takes the password alone.
        fresh = client("198.51.100.80")
        assert sign_in(fresh, "handler", PASSWORD)["Location"] == "/"

    def test_the_people_list_and_the_form_show_it(self, org, admin_client, settings):
        settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = ["complaint_manager"]
        english(admin_client)
        enrol(org.handler)

        listing = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
        form = admin_client.get(
            reverse("admin:accounts_user_change", args=[org.manager.pk])
        ).content.decode()

        assert re.search(
            r"handler</a></th>.*?<td class=\"field-two_factor\">on</td>", listing, re.S
        )
        assert re.search(
            r"manager</a></th>.*?<td class=\"field-two_factor\">required, not set up</td>",
            listing,
            re.S,
        )
        assert "Required for this person, not set up yet" in form

    def test_django_otp_s_own_device_screens_are_not_offered(self):
        assert not admin.site.is_registered(TOTPDevice)
        assert not admin.site.is_registered(StaticDevice)


# --- the setting ----------------------------------------------------------------------------------


DUMP = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps([settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES,"
    " settings.COMPLAINTS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS]))"
)


def _settings(**env: str) -> list:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMPLAINTS_"))}
    result = subprocess.run(
        [sys.executable, "-c", DUMP],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestTheSetting:
    def test_a_deployment_requires_it_of_superusers_managers_and_executives(self):
        assert _settings(DJANGO_SECRET_KEY="x" * 50) == [["complaint_manager", "executive"], True]

    def test_the_embedded_demo_requires_it_of_no_one(self):
        assert _settings() == [[], False]

    def test_the_roles_are_set_by_the_environment(self):
        assert _settings(
            DJANGO_SECRET_KEY="x" * 50, COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES="dept_head,auditor"
        ) == [["dept_head", "auditor"], True]
        assert _settings(DJANGO_SECRET_KEY="x" * 50, COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES="-") == [
            [],
            True,
        ]

    def test_an_unknown_role_stops_the_checks(self, settings):
        settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = ["manager"]

        with pytest.raises(SystemCheckError, match=r"accounts\.E001"):
            call_command("check")


# --- what it costs, and small rules -----------------------------------------------------------


def test_the_gate_costs_a_page_no_query_of_its_own(org, settings):
    """Whether the person has an authenticator and whether a role requires one come with the
    signed-in user's own query (accounts.backends): requiring it of other roles adds nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        c = client()
        c.force_login(org.manager)
        c.get(PAGE)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(PAGE).status_code == 200
        return len(queries)

    settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = []
    without = count()
    settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = ["executive", "auditor"]

    assert count() == without


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (" 123 456 ", "123456"),
        ("ABCD-EFGH", "abcdefgh"),
        ("h0l1-b8zz", "hollbbzz"),  # base32 has no 0, 1 or 8
        ("2345 6723", "23456723"),
    ],
)
def test_codes_are_read_as_people_type_them(typed, read):
    from accounts.two_factor import normalise_code

    assert normalise_code(typed) == read
