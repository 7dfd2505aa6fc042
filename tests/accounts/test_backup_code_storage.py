"""Backup codes are kept hashed (accounts.two_factor.backup_code_digest): shown once when made,
never in the database in clear, checked against the hash, good once; wrong ones still count towards
the sign-in lockout; the plain codes of before were hashed by a data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client, RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import User
from accounts.two_factor import Outcome, backup_code_digest, code_check
from tests.accounts.conftest import PASSWORD, english, enrol, send_code, sign_in

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0008_hash_backup_codes")


@pytest.fixture(autouse=True)
def _no_pause_after_a_wrong_code(settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def client(address: str = "198.51.100.70") -> Client:
    User.objects.exclude(language="en").update(language="en")
    return english(Client(REMOTE_ADDR=address))


def check(user: User, code: str) -> Outcome:
    request = RequestFactory().post("/accounts/login/code/", REMOTE_ADDR="198.51.100.72")
    return code_check(request=request, user=user, code=code, purpose="sign_in").outcome


def every_stored_text() -> str:
    """The backup code table as the database holds it, every column."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM otp_static_statictoken")
        return repr(cursor.fetchall())


def test_the_database_never_holds_a_code_in_clear(org):
    _device, codes = enrol(org.handler)

    stored = every_stored_text()

    assert len(codes) == 10
    assert not [code for code in codes if code in stored]
    assert StaticToken.objects.filter(device__user=org.handler).count() == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        backup_code_digest(code) for code in codes
    }


def test_a_code_signs_in_once_and_is_then_gone(org):
    _device, codes = enrol(org.handler)
    first = client()
    sign_in(first, "handler", PASSWORD)

    assert send_code(first, codes[3]).status_code == 302
    assert StaticToken.objects.filter(token=backup_code_digest(codes[3])).count() == 0
    assert StaticToken.objects.count() == 9

    again = client("198.51.100.71")
    sign_in(again, "handler", PASSWORD)
    assert send_code(again, codes[3]).status_code == 200
    assert "_auth_user_id" not in again.session


def test_wrong_backup_codes_count_towards_the_lockout(org):
    enrol(org.handler)
    c = client()
    sign_in(c, "handler", PASSWORD)

    answers = [send_code(c, f"aaaa{n}aaa").status_code for n in range(2, 7)]

    # The fifth failure locks the login name, as with passwords and authenticator codes.
    assert answers == [200, 200, 200, 200, 429]
    assert StaticToken.objects.count() == 10  # nothing used up
    elsewhere = client("203.0.113.19")
    assert sign_in(elsewhere, "handler", PASSWORD).status_code == 429


def test_a_hash_of_the_code_is_not_a_code(org):
    _device, codes = enrol(org.handler)

    # The stored value typed as a code is refused (it is not a code's shape, and no code's hash).
    assert check(org.handler, backup_code_digest(codes[0])) == Outcome.WRONG
    assert check(org.handler, codes[0]) == Outcome.BACKUP_CODE


def test_codes_hashed_with_a_rotated_key_still_work(org, settings):
    _device, codes = enrol(org.handler)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]

    assert check(org.handler, codes[0]) == Outcome.BACKUP_CODE

    settings.SECRET_KEY_FALLBACKS = []
    assert check(org.handler, codes[1]) == Outcome.WRONG


def test_the_migration_hashes_the_plain_codes_of_before(org):
    device = StaticDevice.objects.create(user=org.handler, name="backup", confirmed=True)
    plain = ["abcd2345", "zyxw7654"]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in plain)
    hashed_already = StaticToken.objects.create(device=device, token=backup_code_digest("qqqq2222"))

    migration.hash_plain_codes(apps, None)
    migration.hash_plain_codes(apps, None)  # a second run changes nothing

    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {backup_code_digest(code) for code in plain} | {hashed_already.token}
    assert not [code for code in plain if code in every_stored_text()]
    # The migrated codes work, once, through the same check as new ones.
    assert check(org.handler, "abcd-2345") == Outcome.BACKUP_CODE
    assert check(org.handler, "abcd2345") == Outcome.WRONG
    assert check(org.handler, "qqqq2222") == Outcome.BACKUP_CODE
