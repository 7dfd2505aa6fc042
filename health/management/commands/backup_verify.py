"""Restore a backup into a fresh database and compare it with its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from health.backups import BackupError, backup_verify


class Command(BaseCommand):
    help = (
        "Restore the backup FOLDER (from backup_create) into a new database on the same server, "
        "compare every table's rows, the sequences and the media files with its manifest, then "
        "drop that database. Exits with an error listing every difference."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="A folder written by backup_create.")
        parser.add_argument(
            "--keep-as",
            metavar="NAME",
            help="Keep the restored database under this name (it must not exist yet).",
        )

    def handle(self, *args, folder: Path, keep_as: str | None, **options) -> None:
        try:
            report = backup_verify(folder=folder, keep_database=keep_as)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not report.ok:
            raise CommandError(
                f"The backup in {folder} does not restore as it should:\n- "
                + "\n- ".join(report.problems)
            )
        self.stdout.write(
            f"Backup {folder} restores: {report.tables} tables with {report.rows} rows, the "
            f"sequences and {report.media_files} media files match the manifest."
        )
