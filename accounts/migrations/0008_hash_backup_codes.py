"""Backup codes were kept in clear in django-otp's StaticToken.token; keep only their keyed hash.

The recipe is accounts.two_factor.backup_code_digest, written out here so that this migration
keeps doing what it did if that function changes (tests/accounts/test_backup_code_storage.py
checks they agree). A stored value of 16 characters is already a hash (the codes are 8); anything
else is hashed, so no clear code is left. There is no way back: reversing leaves the hashes, and
people make new codes.
"""

from base64 import b32encode

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

KEY_SALT = "accounts.two_factor.backup_code"
DIGEST_LENGTH = 16


def digest(code: str) -> str:
    mac = salted_hmac(KEY_SALT, code, secret=settings.SECRET_KEY, algorithm="sha256").digest()
    return b32encode(mac).decode("ascii").lower()[:DIGEST_LENGTH]


def hash_plain_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    plain = [token for token in StaticToken.objects.all() if len(token.token) != DIGEST_LENGTH]
    for token in plain:
        token.token = digest(token.token.lower())
    StaticToken.objects.bulk_update(plain, ["token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_audit_actions_for_personal_data"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
