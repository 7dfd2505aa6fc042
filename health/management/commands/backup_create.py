"""Back up the database (pg_dump, one snapshot) and the media folder, with a manifest to check."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from health.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup folder (database.dump, media.tar.gz, manifest.json) under OUTPUT. "
        "Check it with `manage.py backup_verify FOLDER`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("output", type=Path, help="Where the backup folder is written.")

    def handle(self, *args, output: Path, **options) -> None:
        try:
            folder = backup_create(output=output, media_root=Path(settings.MEDIA_ROOT))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(folder))
