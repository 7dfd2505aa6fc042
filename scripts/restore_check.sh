#!/usr/bin/env bash
# Prove a backup restores: scripts/restore_check.sh BACKUP_FOLDER [--keep-as NAME]
# Restores it into a new database on the DATABASE_URL server, compares every table's row count
# and checksum, the sequences and the media files with the backup's manifest, drops the database
# again (unless --keep-as), and exits non-zero listing every difference.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec "$PYTHON" manage.py backup_verify "$@"
