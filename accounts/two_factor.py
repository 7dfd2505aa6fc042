"""Two-factor sign-in: an authenticator app (TOTP) and one-time backup codes, on django-otp.

A person has at most one confirmed authenticator (a TOTPDevice) and one set of backup codes (a
StaticDevice of BACKUP_CODE_COUNT codes, each good once). A backup code is shown once, when it is
made; the database keeps only a keyed hash of it (`backup_code_digest`), so a copy of the database
alone does not sign anyone in. While they enrol, an unconfirmed
authenticator holds the secret their page shows; it becomes theirs when they type a code from it.

Who must use it is decided in one place, `two_factor_required`: superusers (when
COMPLAINTS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS) and holders of a role named in
COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES. Everyone else may turn it on.

Every code typed after a sign-in password, and every current code asked before a change to these
settings, goes through `code_check`: a wrong one is a failed sign-in for the lockout (django-axes:
per login name and per address, accounts.lockout) and an entry in the audit log.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, User
from accounts.services import audit_record, user_sessions_end, user_tokens_revoke

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
BACKUP_NAME = "backup"

# Annotations that the signed-in user (accounts.backends) and an API token's user
# (accounts.authentication) are read with, so that the gate costs no query of its own.
ENROLLED = "two_factor_enrolled"
ROLE_REQUIRED = "two_factor_role_required"

_TOTP_CODE = re.compile(r"^\d{6}$")
_BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")
# Keeps the hashes of backup codes apart from any other use of the site's secret key. The data
# migration accounts/0008 hashed the plain codes with the same recipe.
BACKUP_CODE_KEY_SALT = "accounts.two_factor.backup_code"


class Outcome(StrEnum):
    TOTP = "totp"  # a code from the authenticator app
    BACKUP_CODE = "backup_code"  # one of the backup codes (now used up)
    WRONG = "wrong"
    WAIT = "wait"  # django-otp's pause after a wrong code: not tried, not counted
    LOCKED = "locked"  # the login name or the address is locked (accounts.lockout)


@dataclass(frozen=True)
class CodeResult:
    outcome: Outcome
    device: TOTPDevice | StaticDevice | None = None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.TOTP, Outcome.BACKUP_CODE)


# --- policy and reads -------------------------------------------------------------------------


def required_roles() -> list[str]:
    return list(settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES)


def user_two_factor_annotations(user_field: str = "pk") -> dict[str, Any]:
    """Annotations for a query of users (or of rows with a user, `user_field="user_id"`): whether
    the person has a confirmed authenticator, and whether a role of theirs requires one."""
    annotations: dict[str, Any] = {
        ENROLLED: Exists(TOTPDevice.objects.filter(user_id=OuterRef(user_field), confirmed=True))
    }
    roles = required_roles()
    if roles:
        annotations[ROLE_REQUIRED] = Exists(
            User.groups.through.objects.filter(user_id=OuterRef(user_field), group__name__in=roles)
        )
    return annotations


def two_factor_enrolled(*, user: User) -> bool:
    """Whether the person has a confirmed authenticator (a sign-in then asks for a code)."""
    annotated = getattr(user, ENROLLED, None)
    if annotated is not None:
        return bool(annotated)
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def two_factor_required(*, user: User) -> bool:
    """Whether the person must use two-factor sign-in: superusers and the roles the setting names."""
    if user.is_superuser and settings.COMPLAINTS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS:
        return True
    roles = required_roles()
    if not roles:
        return False
    annotated = getattr(user, ROLE_REQUIRED, None)
    if annotated is not None:
        return bool(annotated)
    return user.groups.filter(name__in=roles).exists()


def authenticator_of(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def backup_codes_left(*, user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def backup_code_for_reading(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def backup_code_digest(code: str, *, secret: str | None = None) -> str:
    """What is stored for a backup code (in django-otp's StaticToken.token, 16 characters): an
    HMAC-SHA256 of it keyed with the site's SECRET_KEY, base32, its first 16 characters (80 bits).

    A keyed hash rather than a slow salted one: a code is checked by one indexed lookup of its
    hash, and the code's 40 random bits cannot be searched for without the key, which is not in
    the database. Codes hashed with a key since rotated into SECRET_KEY_FALLBACKS still work."""
    mac = salted_hmac(BACKUP_CODE_KEY_SALT, code, secret=secret, algorithm="sha256").digest()
    return b32encode(mac).decode("ascii").lower()[:16]


def _backup_code_digests(code: str) -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [backup_code_digest(code, secret=key) for key in keys]


def _backup_code_use(device: StaticDevice, code: str) -> bool:
    """django-otp's StaticDevice.verify_token, matching the code's hash instead of the code: a
    match is deleted (good once) and resets the device's pause; a miss lengthens it."""
    match = device.token_set.filter(token__in=_backup_code_digests(code)).first()
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


def normalise_code(code: str) -> str:
    """What people type, as stored: no spaces or hyphens, lower case; in a backup code (base32:
    no 0, 1 or 8) a 0 read for an o, a 1 for an l and an 8 for a b."""
    code = re.sub(r"[\s\-]", "", code or "").lower()
    if code.isdigit():
        return code
    return code.translate(str.maketrans("018", "olb"))


# --- enrolment --------------------------------------------------------------------------------


def authenticator_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator whose secret the enrolment page shows: the same one until it
    is confirmed, so that reloading the page does not undo a scan already made."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def authenticator_restart(*, user: User) -> TOTPDevice:
    """A new secret for enrolling (replacing a phone): any earlier unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return authenticator_pending(user=user)


def _new_backup_codes(user: User) -> list[str]:
    """Replace the person's backup codes. The device itself stays: a session that signed in with a
    backup code is verified by it (django-otp keeps its id in the session) and stays so."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_digest(code)) for code in codes
    )
    return codes


def two_factor_enable(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> tuple[Outcome, list[str]]:
    """Confirm the pending authenticator with a code it shows; on success it replaces any earlier
    one, a new set of backup codes is made (returned, to be shown once) and the person's API token
    is revoked (it was issued without this factor). A wrong code here guesses nothing (the secret
    is on the person's own page), so it is not counted as a failed sign-in."""
    code = normalise_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        if device is None:  # confirmed or dropped meanwhile, in another tab
            return Outcome.WRONG, []
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return Outcome.WAIT, []
        if not _TOTP_CODE.match(code) or not device.verify_token(code):
            return Outcome.WRONG, []
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
        was_on = replaced.exists()
        replaced.delete()
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        tokens = user_tokens_revoke(user=user)
        audit_record(
            user,
            AuditEntry.Action.TWO_FACTOR_ENABLED,
            user,
            {"replaced": was_on, "backup_codes": len(codes), "tokens_revoked": tokens},
            request=request,
        )
    return Outcome.TOTP, codes


def backup_codes_renew(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """A new set of backup codes; the old ones stop working."""
    with transaction.atomic():
        codes = _new_backup_codes(user)
        audit_record(
            user,
            AuditEntry.Action.BACKUP_CODES_RENEWED,
            user,
            {"backup_codes": len(codes)},
            request=request,
        )
    return codes


def two_factor_disable(*, user: User, request: HttpRequest | None = None) -> None:
    """The person turns it off (refused by the view when their role requires it)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(user, AuditEntry.Action.TWO_FACTOR_DISABLED, user, request=request)


def two_factor_reset(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    """An administrator's reset (a lost phone and no backup code left): the authenticator and the
    backup codes are removed, every session of the person ends and their API token is revoked.
    Their next sign-in takes the password alone, then enrolment if their role requires it."""
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        sessions = user_sessions_end(user=user)
        tokens = user_tokens_revoke(user=user)
        audit_record(
            actor,
            AuditEntry.Action.TWO_FACTOR_RESET,
            user,
            {"authenticators": devices, "sessions_ended": sessions, "tokens_revoked": tokens},
            request=request,
        )


# --- checking a code --------------------------------------------------------------------------


def _credentials(user: User) -> dict[str, str]:
    return {getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"): user.get_username()}


def _refused(request: Any, user: User, purpose: str, actor: User | None) -> None:
    """Tell the lockout and the audit log (accounts.signals) about a refused code."""
    user_login_failed.send(
        sender=__name__,
        credentials=_credentials(user),
        request=request,
        two_factor_purpose=purpose,
        actor=actor,
    )


def code_check(*, request: Any, user: User, code: str, purpose: str) -> CodeResult:
    """Check a code from the person's authenticator, or one of their backup codes (used up).

    `purpose`: "sign_in" (after the password), or the change it guards ("backup_codes",
    "replace", "disable"). While the login name or the address is locked nothing is tried.
    A wrong code counts as a failed sign-in; if it reaches the limit the outcome is LOCKED (and
    `request.axes_locked_out` is set, as for a password). django-otp's own pause after a wrong
    code (1, 2, 4 ... s) answers WAIT: the code was not tried, so it is not counted.
    """
    actor = user if purpose != "sign_in" else None
    AxesProxyHandler.update_request(request)
    if AxesProxyHandler.is_locked(request, _credentials(user)):
        request.axes_locked_out = True
        _refused(request, user, purpose, actor)
        return CodeResult(Outcome.LOCKED)
    code = normalise_code(code)
    # Which device a code is for shows from its form: a code tried on the wrong kind of device
    # would count as that device's failure (and pause it) for nothing.
    model: type[TOTPDevice] | type[StaticDevice] | None = None
    if _TOTP_CODE.match(code):
        model, outcome = TOTPDevice, Outcome.TOTP
    elif _BACKUP_CODE.match(code):
        model, outcome = StaticDevice, Outcome.BACKUP_CODE
    if model is not None:
        with transaction.atomic():
            device = (
                model.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .order_by("-pk")
                .first()
            )
            if device is not None:
                allowed, info = device.verify_is_allowed()
                if not allowed:
                    until = (info or {}).get("locked_until") or timezone.now()
                    wait = max(1, int((until - timezone.now()).total_seconds() + 0.999))
                    return CodeResult(Outcome.WAIT, wait_seconds=wait)
                if isinstance(device, StaticDevice):
                    verified = _backup_code_use(device, code)
                else:
                    verified = device.verify_token(code)
                if verified:
                    return CodeResult(outcome, device=device)
    _refused(request, user, purpose, actor)
    if getattr(request, "axes_locked_out", False):
        return CodeResult(Outcome.LOCKED)
    return CodeResult(Outcome.WRONG)
