"""Report snapshots (issue 14, §5): last month's and last quarter's report, frozen and e-mailed.

`snapshot_build` counts the report once per language (labels of departments and categories are
read in the reader's language) and stores the documents and an XLSX per language (each built
once). One snapshot per period and scope: a second build finds it and changes nothing.
`snapshot_send` e-mails it once to every active complaint manager and member of senior management
with an address, each in their own language with the XLSX in that language attached: outbox
style, as the product's other e-mails (complaints.services.notifications.outbox_send_once): the
messages are written first, in one short transaction, then each is sent in its own, marked when
it went; a failure is collected and the others still go, and a retry (the task's, or the job run
again) sends only those not marked.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Department, User
from accounts.roles import Role
from complaints.services.notifications import Attachment, outbox_send_each, render_message
from reports.domain import ReportPeriod, last_full_month, last_full_quarter
from reports.models import ReportSnapshot, ReportSnapshotEmail, ReportSnapshotFile
from reports.selectors.report import ReportFilters, report_figures
from reports.selectors.scope import ReportScope
from reports.services.report_document import report_document
from reports.services.report_files import report_xlsx

logger = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.COMPLAINT_MANAGER, Role.EXECUTIVE)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _document(period: ReportPeriod, department: Department | None, now: datetime) -> dict:
    """The report of `period` in the active language, whole company or one department's tree."""
    filters = ReportFilters(department=department.pk if department else None)
    report = report_figures(
        scope=ReportScope(departments=None), period=period, filters=filters, now=now
    )
    if department is None:
        scope_label = translation.gettext("Every department")
    else:
        scope_label = department.local_name
    return report_document(report, scope_label=scope_label, filters=[])


def snapshot_build(
    *, period: ReportPeriod, department: Department | None = None, now: datetime | None = None
) -> tuple[ReportSnapshot, bool]:
    """The snapshot of `period` (a month or a quarter) and scope: built now, or the one already
    there (False: nothing changed)."""
    if period.kind not in ReportSnapshot.Kind.values:
        raise ValueError(f"snapshots are monthly or quarterly, not {period.kind!r}")
    existing = ReportSnapshot.objects.filter(
        kind=period.kind, period_start=period.first, department=department
    ).first()
    if existing is not None:
        return existing, False
    moment = now or timezone.now()
    figures = {}
    for language in _languages():
        with translation.override(language):
            figures[language] = _document(period, department, moment)
    snapshot = ReportSnapshot(
        kind=period.kind,
        period_start=period.first,
        period_end=period.last,
        department=department,
        figures=figures,
        created_at=moment,
    )
    snapshot.file.save(
        _file_name(snapshot, settings.LANGUAGE_CODE),
        ContentFile(report_xlsx(figures[settings.LANGUAGE_CODE])),
        save=False,
    )
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # another run built it meanwhile: theirs stands
        snapshot.file.delete(save=False)
        return ReportSnapshot.objects.get(
            kind=period.kind, period_start=period.first, department=department
        ), False
    for language in _languages():
        snapshot_file(snapshot, language)
    return snapshot, True


def _file_name(snapshot: ReportSnapshot, language: str) -> str:
    return f"report-{snapshot.kind}-{snapshot.period_start:%Y%m%d}-{language}.xlsx"


def snapshot_file(snapshot: ReportSnapshot, language: str) -> FieldFile:
    """The snapshot's XLSX in `language` (a site language; the default one otherwise): the
    snapshot's own file for the default language, else its language file, built from the frozen
    document the first time it is needed (snapshots built before there were language files)."""
    language = snapshot_language(language)
    if language == settings.LANGUAGE_CODE:
        return snapshot.file
    existing = ReportSnapshotFile.objects.filter(snapshot=snapshot, language=language).first()
    if existing is not None:
        return existing.file
    built = ReportSnapshotFile(snapshot=snapshot, language=language)
    content = report_xlsx(snapshot_document(snapshot, language))
    built.file.save(_file_name(snapshot, language), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            built.save()
    except IntegrityError:  # built meanwhile by another worker: theirs stands
        built.file.delete(save=False)
        return ReportSnapshotFile.objects.get(snapshot=snapshot, language=language).file
    return built.file


def snapshot_language(language: str | None) -> str:
    """`language` as one of the site's language codes (the default one if it is none)."""
    codes = {code.lower(): code for code in _languages()}
    return codes.get((language or "").lower(), settings.LANGUAGE_CODE)


def snapshot_recipients() -> list[User]:
    """Active complaint managers and senior management with an e-mail address."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=[str(r) for r in RECIPIENT_ROLES])
        .exclude(email="")
        .distinct()
        .order_by("id")
    )


def snapshot_document(snapshot: ReportSnapshot, language: str | None = None) -> dict:
    """The frozen document in `language` (the active one by default), else the default one."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    figures: dict[str, dict] = snapshot.figures
    return figures.get(language) or figures.get(language.lower()) or figures[settings.LANGUAGE_CODE]


def snapshot_emails_prepare(*, snapshot_id: int) -> list[int]:
    """Write the snapshot's e-mails (one per recipient, in their language) unless it was sent
    already; returns the ids of those not sent yet. One short transaction, no sending in it."""
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update()
            .filter(pk=snapshot_id, emailed_at__isnull=True)
            .first()
        )
        if snapshot is None:
            return []
        if not snapshot.emails.exists():
            now = timezone.now()
            url = snapshot_url(snapshot)
            rows = []
            for user in snapshot_recipients():
                language = snapshot_language(user.language)
                subject, text, html = render_message(
                    template="report_snapshot",
                    context={
                        "recipient": user,
                        "document": snapshot_document(snapshot, language),
                        "url": url,
                    },
                    language=language,
                )
                rows.append(
                    ReportSnapshotEmail(
                        snapshot=snapshot,
                        recipient=user,
                        language=language,
                        subject=subject[:200],
                        body=text,
                        body_html=html,
                        created_at=now,
                    )
                )
            ReportSnapshotEmail.objects.bulk_create(rows)
        return list(
            snapshot.emails.filter(emailed_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def snapshot_send(*, snapshot_id: int) -> tuple[int, list[Exception]]:
    """E-mail the snapshot to every recipient, each once, with its XLSX in their language
    attached (each language's file built once); returns how many went now and what failed.
    When none is left unsent, the snapshot is marked e-mailed and a later call does nothing."""
    ids = snapshot_emails_prepare(snapshot_id=snapshot_id)
    if not ids:
        return 0, []
    snapshot = ReportSnapshot.objects.get(pk=snapshot_id)
    files: dict[str, bytes] = {}

    def attachments(email: ReportSnapshotEmail) -> list[Attachment]:
        if email.language not in files:
            with snapshot_file(snapshot, email.language).open("rb") as built:
                files[email.language] = built.read()
        return [(_file_name(snapshot, email.language), files[email.language], XLSX_TYPE)]

    sent, failures = outbox_send_each(
        ReportSnapshotEmail.objects.select_related("recipient"),
        ids,
        recipient=lambda email: email.recipient.email,
        what="report snapshot e-mail",
        attachments=attachments,
    )
    if not failures:
        ReportSnapshot.objects.filter(pk=snapshot_id, emailed_at__isnull=True).exclude(
            emails__emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
    logger.info("Report snapshot %s: %s e-mails sent, %s failed", snapshot_id, sent, len(failures))
    return sent, failures


def snapshot_url(snapshot: ReportSnapshot) -> str:
    return settings.COMPLAINTS_SITE_URL.rstrip("/") + reverse(
        "reports:snapshot", kwargs={"pk": snapshot.pk}
    )


def snapshot_run(*, kind: str, today: date | None = None) -> tuple[ReportSnapshot, list[Exception]]:
    """The beat job: last month's or last quarter's company-wide snapshot, built if missing and
    e-mailed to those not sent it yet; returns it and the e-mails that failed (the task retries
    them). Running it again changes nothing and sends nothing."""
    if kind not in ReportSnapshot.Kind.values:
        raise ValueError(f"snapshots are monthly or quarterly, not {kind!r}")
    today = today or timezone.localdate()
    period = last_full_month(today) if kind == "month" else last_full_quarter(today)
    snapshot, _created = snapshot_build(period=period)
    _sent, failures = snapshot_send(snapshot_id=snapshot.pk)
    return snapshot, failures
