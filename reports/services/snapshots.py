"""Report snapshots (issue 14, §5): last month's and last quarter's report, frozen and e-mailed.

`snapshot_build` counts the report once per language (labels of departments and categories are
read in the reader's language) and stores the documents. One snapshot per period and scope: a
second build finds it and changes nothing.

People's names are not frozen (issue 15, §3). A snapshot is kept without end, but the people it
names are anonymised after their retention period or on their request; a copy of their name in
the snapshot (its JSON, a stored XLSX, an e-mail) would outlive that. So the repeat complainants'
table stores customer ids and counts only, and `snapshot_document` reads the names when the
snapshot is read: an anonymised customer reads as the placeholder the rest of the product shows
("Anonymised"), whoever anonymised them and however (the retention job, an erasure, a future
path), with no hook to forget. The root causes (free text on decisions, which anonymisation
blanks too) are kept the same way, as the ids of the decisions that bear each text. The figures
stay frozen: the counts are stored, never recounted.
The XLSX is built from the read document each time it is downloaded or e-mailed (a few
milliseconds), never stored, so no file with an old name is left behind.
`snapshot_send` e-mails it once to every active complaint manager and member of senior management
with an address, each in their own language with the XLSX in that language attached: outbox
style, as the product's other e-mails (complaints.services.notifications.outbox_send_once): the
messages are written first, in one short transaction, then each is sent in its own, marked when
it went; a failure is collected and the others still go, and a retry (the task's, or the job run
again) sends only those not marked.
"""

from __future__ import annotations

import copy
import logging
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Department, User
from accounts.roles import Role
from complaints.models import Customer, Decision
from complaints.models.customers import ANONYMISED_TEXT
from complaints.services.notifications import Attachment, outbox_send_each, render_message
from reports.domain import ReportPeriod, last_full_month, last_full_quarter
from reports.models import ReportSnapshot, ReportSnapshotEmail
from reports.selectors.report import ReportFilters, report_figures, root_cause_decisions
from reports.selectors.scope import ReportScope
from reports.services.report_document import report_document
from reports.services.report_files import report_xlsx

logger = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.COMPLAINT_MANAGER, Role.EXECUTIVE)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _document(period: ReportPeriod, department: Department | None, now: datetime) -> dict:
    """The report of `period` in the active language, whole company or one department's tree,
    with the ids of the decisions behind each root cause (`decisions`, row by row)."""
    filters = ReportFilters(department=department.pk if department else None)
    report = report_figures(
        scope=ReportScope(departments=None), period=period, filters=filters, now=now
    )
    if department is None:
        scope_label = translation.gettext("Every department")
    else:
        scope_label = department.local_name
    document = report_document(report, scope_label=scope_label, filters=[])
    for table in _tables(document, "root-causes"):
        texts = [row[0] for row in table["rows"]]
        decisions = root_cause_decisions(
            scope=filters.narrow(ReportScope(departments=None)),
            span=report.current.span,
            texts=texts,
        )
        table["decisions"] = [decisions[text] for text in texts]
    return document


def _tables(document: dict, table_id: str) -> list[dict]:
    return [
        table
        for section in document["sections"]
        for table in section["tables"]
        if table["id"] == table_id
    ]


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
            figures[language] = names_removed(_document(period, department, moment))
    snapshot = ReportSnapshot(
        kind=period.kind,
        period_start=period.first,
        period_end=period.last,
        department=department,
        figures=figures,
        created_at=moment,
    )
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # another run built it meanwhile: theirs stands
        return ReportSnapshot.objects.get(
            kind=period.kind, period_start=period.first, department=department
        ), False
    return snapshot, True


def _file_name(snapshot: ReportSnapshot, language: str) -> str:
    return f"report-{snapshot.kind}-{snapshot.period_start:%Y%m%d}-{language}.xlsx"


def names_removed(document: dict) -> dict:
    """`document` as a snapshot stores it: the repeat complainants' names and the root causes'
    texts blanked, the customers' and decisions' ids and every figure kept."""
    for table in _tables(document, "repeat") + _tables(document, "root-causes"):
        for row in table["rows"]:
            row[0] = None
    return document


def snapshot_xlsx(snapshot: ReportSnapshot, language: str) -> tuple[str, bytes]:
    """The snapshot's XLSX in `language` (a site language; the default one otherwise) and its
    file name: built from the document as it reads now (names as they are now)."""
    language = snapshot_language(language)
    content = report_xlsx(snapshot_document(snapshot, language))
    return _file_name(snapshot, language), content


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
    """The frozen document in `language` (the active one by default), else the default one, with
    what people wrote and who they are read now: a repeat complainant's name, or the placeholder
    once they were anonymised (or are no longer found); a root cause's text as one of its
    decisions still bears it, or the placeholder once every one was anonymised. Two queries at
    most (none for a snapshot naming nobody)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    figures: dict[str, dict] = snapshot.figures
    stored = figures.get(language) or figures.get(language.lower())
    if stored is None:
        language, stored = settings.LANGUAGE_CODE, figures[settings.LANGUAGE_CODE]
    document = copy.deepcopy(stored)
    repeat = [t for t in _tables(document, "repeat") if "customers" in t]
    causes = [t for t in _tables(document, "root-causes") if "decisions" in t]
    customer_ids = {pk for table in repeat for pk in table["customers"] if pk is not None}
    decision_ids = {pk for table in causes for ids in table["decisions"] for pk in ids}
    with translation.override(language):
        placeholder = str(ANONYMISED_TEXT)
        names = (
            {
                customer.pk: customer.display_name or placeholder
                for customer in Customer.objects.filter(pk__in=customer_ids).only(
                    "pk", "name", "anonymised_at"
                )
            }
            if customer_ids
            else {}
        )
    texts = (
        dict(
            Decision.objects.filter(pk__in=decision_ids)
            .exclude(root_cause="")
            .values_list("pk", "root_cause")
        )
        if decision_ids
        else {}
    )
    for table in repeat:
        for row, pk in zip(table["rows"], table["customers"], strict=True):
            row[0] = names.get(pk, placeholder)
    for table in causes:
        for row, ids in zip(table["rows"], table["decisions"], strict=True):
            row[0] = next((texts[pk] for pk in ids if pk in texts), placeholder)
    return document


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
    # Each language's file built once for this sending, with the names as they read now.
    files: dict[str, tuple[str, bytes]] = {}

    def attachments(email: ReportSnapshotEmail) -> list[Attachment]:
        if email.language not in files:
            files[email.language] = snapshot_xlsx(snapshot, email.language)
        name, content = files[email.language]
        return [(name, content, XLSX_TYPE)]

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
