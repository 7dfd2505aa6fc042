"""Exports of complaints, one row per case: a CSV streamed to the browser, an XLSX built on the
`reports` queue and kept for download.

Both read `reports.selectors.exports.export_rows` (scope, masking, labels in the reader's
language) from the reports' read database (`read_alias`: the replica when there is one) in
chunks, and write each row as it comes: memory stays flat at any size. The XLSX's rows are
written as XML into a temporary file and spliced into a workbook XlsxWriter builds around them
(`reports.services.xlsx_sheet`: about 4× faster than XlsxWriter's own cells), then the file is
saved to the default storage.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User
from accounts.services import audit_record
from complaints.errors import InvalidInput, NotFound, PermissionDenied
from complaints.models import Channel, Severity
from config.dispatch import dispatch_after_commit
from reports.models import ExportJob
from reports.selectors.databases import read_alias
from reports.selectors.exports import (
    COLUMNS,
    DATETIME_COLUMNS,
    ExportSpec,
    export_headers,
    export_job_get_for_user,
    export_rows,
)
from reports.services.xlsx_sheet import MONEY, NUMBER, TEXT, WHEN, SheetColumn, write_sheet_xlsx

logger = logging.getLogger(__name__)

EXPORT = "reports.export_complaints"
BUILD_TASK = "reports.tasks.build_export_task"
# A job still "being built" this long after it started lost its worker (killed, redeployed): the
# redelivered message may claim it again.
STALE_AFTER = timedelta(hours=1)
# Rows per piece of the streamed CSV: large enough to keep the overhead small, small enough that
# the first bytes leave at once.
CSV_ROWS_PER_CHUNK = 500
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): such texts,
# which customers may have typed, are written with a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_ensure_allowed(*, user: User) -> None:
    """Only roles with the export permission export (heads, managers, senior management, auditors)."""
    if not (user.is_active and user.has_perm(EXPORT)):
        raise PermissionDenied(_("Your role does not allow exporting complaints."))


def export_spec_validate(spec: ExportSpec) -> None:
    errors: dict[str, list[str]] = {}
    if spec.date_from > spec.date_to:
        errors["date_to"] = [_("The end of the period is before its start.")]
    if spec.channel and spec.channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if spec.severity and spec.severity not in Severity.values:
        errors["severity"] = [_("Unknown severity.")]
    if errors:
        raise InvalidInput(errors)


# --- CSV, streamed -----------------------------------------------------------------------------


class _Echo:
    """csv.writer's file: hands each written line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return str(value)


def _audit(user: User, target: ExportJob | str, spec: ExportSpec, file_format: str) -> None:
    """Every export of cases is in the audit log (who, when, from where, which cases)."""
    details = {
        "format": file_format,
        "received_from": spec.date_from.isoformat(),
        "received_to": spec.date_to.isoformat(),
        **spec.filters(),
    }
    audit_record(user, AuditEntry.Action.EXPORT, target, details)


def export_csv_stream(*, user: User, spec: ExportSpec, language: str) -> Iterator[str]:
    """The CSV's pieces (UTF-8 with a byte-order mark, so Excel reads the Chinese): checked at
    once, the rows read as the response is sent."""
    export_ensure_allowed(user=user)
    export_spec_validate(spec)
    _audit(user, export_csv_filename(spec), spec, "csv")
    return _csv_pieces(user=user, spec=spec, language=language)


def _csv_pieces(*, user: User, spec: ExportSpec, language: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    keys = [key for key, _header in COLUMNS]
    yield "\ufeff" + writer.writerow(export_headers(language=language))
    piece: list[str] = []
    for row in export_rows(user=user, spec=spec, language=language, using=read_alias()):
        piece.append(writer.writerow([_csv_text(key, row[key]) for key in keys]))
        if len(piece) >= CSV_ROWS_PER_CHUNK:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def export_csv_filename(spec: ExportSpec) -> str:
    return f"complaints-{spec.date_from:%Y%m%d}-{spec.date_to:%Y%m%d}.csv"


# --- XLSX, built on the reports queue ----------------------------------------------------------


def export_job_request(*, user: User, spec: ExportSpec, language: str) -> ExportJob:
    """Record the request and queue the build after the commit; the page polls the job."""
    export_ensure_allowed(user=user)
    export_spec_validate(spec)
    job = ExportJob.objects.create(
        requested_by=user,
        format=ExportJob.Format.XLSX,
        date_from=spec.date_from,
        date_to=spec.date_to,
        filters=spec.filters(),
        language=language,
        created_at=timezone.now(),
    )
    _audit(user, job, spec, "xlsx")
    dispatch_after_commit(BUILD_TASK, job.pk)
    return job


def export_job_file(*, user: User, job_id: int) -> tuple[ExportJob, File]:
    """The built file of an export `user` may read (theirs, or any for a complaint manager), opened;
    NotFound otherwise or while it is not ready. A download by someone else than the requester is
    an export of its own in the audit log."""
    job = export_job_get_for_user(user=user, job_id=job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise NotFound(_("The export is not ready."))
    if job.requested_by_id != user.pk:
        spec = ExportSpec(date_from=job.date_from, date_to=job.date_to, **job.filters)
        _audit(user, job, spec, "xlsx")
    return job, job.file.open("rb")


def export_job_build(*, job_id: int) -> ExportJob | None:
    """Build the job's XLSX. A job already built, or being built by a live worker, is left alone
    (None): a message delivered twice builds one file."""
    now = timezone.now()
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportJob.Status.PENDING)
            | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER)
        )
        .update(status=ExportJob.Status.RUNNING, started_at=now, error="")
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    spec = ExportSpec.from_filters(
        date_from=job.date_from, date_to=job.date_to, filters=job.filters
    )
    try:
        with tempfile.TemporaryDirectory(prefix="export-") as folder:
            path = Path(folder) / "export.xlsx"
            rows = _write_xlsx(path, user=job.requested_by, spec=spec, language=job.language)
            with path.open("rb") as built:
                job.file.save(export_xlsx_filename(job), File(built), save=False)
    except Exception as error:
        logger.exception("Export %s failed", job_id)
        job.status = ExportJob.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.status = ExportJob.Status.DONE
    job.rows = rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows", "file", "finished_at"])
    return job


def export_files_purge(*, now: datetime | None = None) -> int:
    """Delete the built files older than REPORTS_EXPORT_KEEP_DAYS (nightly): they hold customers'
    names and contacts, which must not outlive the cases' retention. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REPORTS_EXPORT_KEEP_DAYS)
    # A few rows a day per exporting manager: no index needed for a nightly look.
    expired = list(
        ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff).exclude(
            file=""
        )
    )
    for job in expired:
        job.file.delete(save=False)
        job.status = ExportJob.Status.EXPIRED
        job.save(update_fields=["file", "status"])
    return len(expired)


def export_xlsx_filename(job: ExportJob) -> str:
    return f"complaints-{job.date_from:%Y%m%d}-{job.date_to:%Y%m%d}-{job.pk}.xlsx"


# Column widths in characters, by key; the rest get 14.
_WIDTHS = {"reference": 16, "category": 22, "product": 22, "department": 14, "customer": 12}
_NUMBER_COLUMNS = {"satisfaction", "reopen_count", "escalation_level"}


def _column_kind(key: str) -> str:
    if key in DATETIME_COLUMNS:
        return WHEN
    if key == "amount":
        return MONEY
    return NUMBER if key in _NUMBER_COLUMNS else TEXT


def _write_xlsx(path: Path, *, user: User, spec: ExportSpec, language: str) -> int:
    """Write the rows into a workbook at `path` (its folder takes the temporary files); returns
    how many. The rows are written by `reports.services.xlsx_sheet` (why, and how it keeps the
    file as XlsxWriter wrote it, in its docstring): texts are texts (a customer's "=…" is never
    a formula, "0012" never a number), times Excel dates in the reader's local time, amounts
    money, a bold wrapped header, the first row and column frozen, an autofilter."""
    export_ensure_allowed(user=user)
    keys = [key for key, _header in COLUMNS]
    columns = [
        SheetColumn(header=header, kind=_column_kind(key), width=_WIDTHS.get(key, 14))
        for key, header in zip(keys, export_headers(language=language), strict=True)
    ]
    with translation.override(language):
        sheet_name = _("Complaints")
    rows = export_rows(user=user, spec=spec, language=language, using=read_alias())
    return write_sheet_xlsx(
        path,
        sheet_name=sheet_name,
        columns=columns,
        rows=map(itemgetter(*keys), rows),
        workdir=path.parent,
    )
