#!/usr/bin/env bash
# Back up the database and the media folder: scripts/backup.sh [OUTPUT_DIR] (default var/backups).
# Reads DATABASE_URL and MEDIA_ROOT like the application; prints the backup folder it wrote.
# Run it from cron on the application host; copy the folder off the machine (README: Backups).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec "$PYTHON" manage.py backup_create "${1:-var/backups}"
