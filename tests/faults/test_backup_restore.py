"""Backups are proven to restore (issue 15 §4): scripts/backup.sh dumps the database and archives
the media folder; scripts/restore_check.sh restores them into a fresh database and compares every
table's rows, the sequences and the media files with the backup's manifest.

The scripts run as an operator runs them (other processes, on the test database and a scratch
media folder), on a small data set: cases with evidence files. A backup that does not hold what
its manifest says is refused with every difference named. PostgreSQL only (pg_dump/pg_restore);
on SQLite the commands refuse with the way to back up the embedded file instead.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import Complaint, EvidenceFile
from complaints.services import evidence_add
from health.backups import DUMP, MANIFEST, MEDIA, _sha256
from tests.complaints.test_evidence import png_bytes
from tests.processes import BASE_DIR, worker_env

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: backups are pg_dump and pg_restore (SQLite: see the refusal test)",
)


def run(script: str, *args: str, media_root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BASE_DIR / "scripts" / script), *args],
        env=worker_env(MEDIA_ROOT=str(media_root), PYTHON=sys.executable),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cases_with_evidence(org, new_complaint, settings):
    cases = [new_complaint(customer_email=f"c{index}@example.com") for index in range(3)]
    for index, case in enumerate(cases):
        evidence_add(
            complaint=case,
            actor=org.agent,
            kind=EvidenceFile.Kind.PHOTO,
            upload=SimpleUploadedFile(f"照片{index}.png", png_bytes(4 + index), "image/png"),
        )
    return cases


@pytest.fixture
def backup(cases_with_evidence, settings, tmp_path) -> Path:
    result = run("backup.sh", str(tmp_path / "backups"), media_root=settings.MEDIA_ROOT)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def rewrite_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest))


@postgresql_only
@pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows
class TestBackupAndRestore:
    def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(
        self, backup, settings
    ):
        assert sorted(path.name for path in backup.iterdir()) == [DUMP, MANIFEST, MEDIA]
        manifest = json.loads((backup / MANIFEST).read_text())
        tables = manifest["database"]["tables"]
        assert tables["complaints_complaint"]["rows"] == Complaint.objects.count() == 3
        assert tables["complaints_evidencefile"]["rows"] == 3
        assert len(manifest["media"]) == 3
        assert any(
            name.startswith("complaint_reference_") for name in manifest["database"]["sequences"]
        )

        result = run("restore_check.sh", str(backup), media_root=settings.MEDIA_ROOT)

        assert result.returncode == 0, result.stderr
        assert "3 media files match the manifest" in result.stdout
        assert f"{len(tables)} tables with" in result.stdout
        # and the scratch database is gone again
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE '%%_restore_%%'")
            assert cursor.fetchone()[0] == 0

    def test_rows_that_differ_from_the_manifest_are_named(self, backup):
        def other_rows(manifest):
            tables = manifest["database"]["tables"]
            tables["complaints_complaint"]["rows"] += 1
            tables["complaints_customer"]["md5"] = "0" * 32

        rewrite_manifest(backup, other_rows)

        with pytest.raises(CommandError) as refused:
            call_command("backup_verify", str(backup))

        assert "table complaints_complaint: 3 rows, 4 backed up" in str(refused.value)
        assert "table complaints_customer: the rows differ" in str(refused.value)

    def test_a_media_archive_missing_a_file_is_refused_naming_it_and_its_row(self, backup):
        # An archive consistent in itself (its checksum in the manifest) but one file short.
        with tarfile.open(backup / MEDIA) as archive:
            members = archive.getmembers()
            kept = {member.name: archive.extractfile(member).read() for member in members[1:]}
        with tarfile.open(backup / MEDIA, "w:gz") as archive:
            for member in members[1:]:
                archive.addfile(member, io.BytesIO(kept[member.name]))
        rewrite_manifest(backup, lambda m: m["files"].update({MEDIA: _sha256(backup / MEDIA)}))

        with pytest.raises(CommandError) as refused:
            call_command("backup_verify", str(backup))

        message = str(refused.value)
        assert f"media {members[0].name}: missing from the archive" in message
        assert f"complaints.EvidenceFile file {members[0].name}: named by a row" in message

    def test_a_damaged_dump_is_refused_before_anything_is_restored(self, backup):
        dump = backup / DUMP
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))

        with pytest.raises(CommandError) as refused:
            call_command("backup_verify", str(backup))

        assert "database.dump: its SHA-256 differs from the manifest's" in str(refused.value)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal on SQLite")
@pytest.mark.django_db
def test_on_the_embedded_sqlite_database_the_commands_say_how_to_back_up_instead(tmp_path):
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("backup_create", str(tmp_path))
