"""Backups that are proven to restore: a PostgreSQL dump and the media folder, with a manifest of
what they hold, and a check that restores them into a fresh database and compares.

A backup is a folder with three files:
- `database.dump`: `pg_dump --format=custom` of the whole database, taken in one snapshot;
- `media.tar.gz`: every file under MEDIA_ROOT (evidence, exports, report snapshots);
- `manifest.json`: per table its row count and a checksum of its rows, read in the dump's own
  snapshot (pg_dump --snapshot), per sequence its value, per media file its size and SHA-256,
  and the SHA-256 of the two archives.

The check (backup_verify) proves the backup can be used: the archives are unchanged, the dump
restores into a new database with every table's rows equal to the manifest's (count and checksum),
every sequence at least where it was (no key or complaint reference handed out twice), every media
file back with its checksum, and every file a row names (evidence, exports, snapshots) present, the
evidence with the checksum recorded at upload.

A table's checksum is the MD5 of its rows' MD5s, sorted: independent of the physical row order,
which a restore changes, and read with fixed output settings (UTC, ISO dates) so that the same
rows give the same text on any server.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import FileField

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
FORMAT = 1

# The text of a row must not depend on the session: the same row, the same checksum.
SESSION_SETTINGS = (
    "SET TIME ZONE 'UTC'",
    "SET datestyle = 'ISO, YMD'",
    "SET intervalstyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)


class BackupError(Exception):
    """The backup could not be made, or does not hold what its manifest says."""


@dataclass
class CheckReport:
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups use pg_dump and pg_restore: PostgreSQL only (set DATABASE_URL). The embedded "
            "SQLite database is one file under var/: copy it with the media folder while the "
            "processes are stopped."
        )


def _libpq_env(settings_dict: Mapping[str, Any], *, name: str | None = None) -> dict[str, str]:
    """The environment pg_dump and pg_restore read the connection from (no password on argv)."""
    env = dict(os.environ)
    values = {
        "PGDATABASE": name or settings_dict["NAME"],
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _connection_to(name: str) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own to database `name` on the same server, settings as for default."""
    default = connections[DEFAULT_DB_ALIAS]
    wrapper = type(default)({**default.settings_dict, "NAME": name}, alias=f"backup-{name}")
    try:
        wrapper.ensure_connection()
        yield wrapper
    finally:
        wrapper.close()


def database_contents(cursor: Any) -> dict[str, Any]:
    """Per table of the current schema its row count and checksum, and every sequence's value."""
    for statement in SESSION_SETTINGS:
        cursor.execute(statement)
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    tables: dict[str, dict[str, Any]] = {}
    for (table,) in cursor.fetchall():
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), md5('')) "
            f"FROM (SELECT md5(t::text) AS h FROM {quoted} t) rows"  # a table name, quoted
        )
        count, checksum = cursor.fetchone()
        tables[table] = {"rows": count, "md5": checksum}
    cursor.execute(
        "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
        "WHERE schemaname = current_schema() ORDER BY sequencename"
    )
    sequences = dict(cursor.fetchall())
    return {"tables": tables, "sequences": sequences}


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def backup_create(*, output: Path, media_root: Path) -> Path:
    """Write a backup folder under `output`; returns its path."""
    _require_postgresql()
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            raise BackupError(
                f"{tool} is not installed (Debian: apt-get install postgresql-client)."
            )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = output / f"complaints-{stamp}"
    folder.mkdir(parents=True)
    settings_dict = connection.settings_dict

    with _connection_to(settings_dict["NAME"]) as snapshot:
        snapshot.set_autocommit(False)
        with snapshot.cursor() as cursor:
            # One snapshot for the manifest and the dump: what one counts, the other holds.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            contents = database_contents(cursor)
            result = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={folder / DUMP}",
                ],
                env=_libpq_env(settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
        snapshot.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")

    media: dict[str, dict[str, Any]] = {}
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        for name, path in _media_files(media_root):
            media[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
            archive.add(path, arcname=name, recursive=False)

    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": contents,
        "media": media,
        "files": {DUMP: _sha256(folder / DUMP), MEDIA: _sha256(folder / MEDIA)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return folder


def backup_verify(*, folder: Path, keep_database: str | None = None) -> CheckReport:
    """Restore the backup in `folder` into a fresh database and compare it with its manifest.

    The new database is dropped afterwards unless `keep_database` names it (it must not exist).
    """
    _require_postgresql()
    report = CheckReport()
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"No readable {MANIFEST} in {folder}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown manifest format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        if not (folder / name).exists():
            raise BackupError(f"{name} is missing from {folder}.")
        if _sha256(folder / name) != expected:
            report.problems.append(f"{name}: its SHA-256 differs from the manifest's (changed?)")
    if not report.ok:
        return report

    settings_dict = connection.settings_dict
    name = keep_database or f"{settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
    try:
        result = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={name}",
                str(folder / DUMP),
            ],
            env=_libpq_env(settings_dict, name=name),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            report.problems.append(f"pg_restore failed: {result.stderr.strip()}")
            return report
        with _connection_to(name) as restored, restored.cursor() as cursor:
            _compare_database(manifest["database"], database_contents(cursor), report)
            with tempfile.TemporaryDirectory(prefix="restore-media-") as scratch:
                media_root = Path(scratch)
                _compare_media(folder / MEDIA, manifest["media"], media_root, report)
                _compare_named_files(cursor, media_root, report)
    finally:
        if not keep_database:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    return report


def _compare_database(expected: dict[str, Any], found: dict[str, Any], report: CheckReport) -> None:
    for table in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(table), found["tables"].get(table)
        if want is None or got is None:
            where = "the manifest" if want is None else "the restored database"
            report.problems.append(f"table {table}: missing from {where}")
        elif want["rows"] != got["rows"]:
            report.problems.append(f"table {table}: {got['rows']} rows, {want['rows']} backed up")
        elif want["md5"] != got["md5"]:
            report.problems.append(f"table {table}: the rows differ from those backed up")
        else:
            report.tables += 1
            report.rows += got["rows"]
    for sequence, value in expected["sequences"].items():
        restored = found["sequences"].get(sequence)
        if restored is None or restored < value:
            report.problems.append(
                f"sequence {sequence}: at {restored}, below {value} when backed up (numbers "
                "would be handed out twice)"
            )


def _compare_media(
    archive_path: Path, expected: dict[str, dict[str, Any]], root: Path, report: CheckReport
) -> None:
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(root, filter="data")  # no absolute paths, links out or devices
    found = dict(_media_files(root))
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            report.problems.append(f"media {name}: missing from the archive")
        elif name not in expected:
            report.problems.append(f"media {name}: in the archive but not in the manifest")
        elif _sha256(found[name]) != expected[name]["sha256"]:
            report.problems.append(f"media {name}: its SHA-256 differs from the manifest's")
        else:
            report.media_files += 1


def _compare_named_files(cursor: Any, root: Path, report: CheckReport) -> None:
    """Every file a restored row names is in the restored media (evidence: with its checksum)."""
    evidence = apps.get_model("complaints", "EvidenceFile")
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, FileField) or model_field.column is None:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(model_field.column)
            checksum = "sha256" if model is evidence else "NULL"
            cursor.execute(
                f"SELECT {column}, {checksum} FROM {table} "  # model names, quoted
                f"WHERE {column} IS NOT NULL AND {column} <> ''"
            )
            for name, sha256 in cursor.fetchall():
                path = root / name
                label = f"{model._meta.label} file {name}"
                if not path.is_file():
                    report.problems.append(f"{label}: named by a row, missing from the media")
                elif sha256 and _sha256(path) != sha256:
                    report.problems.append(f"{label}: differs from its checksum at upload")
