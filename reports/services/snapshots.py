"""Report snapshots (issue 14, §5): last month's and last quarter's report, frozen and e-mailed.

`snapshot_build` counts the report once per language (labels of departments and categories are
read in the reader's language) and stores the documents, with the XLSX in the default language.
One snapshot per period and scope: a second build finds it and changes nothing.
`snapshot_send` e-mails it once to every active complaint manager and member of senior management
with an address, each in their own language with the XLSX in that language attached.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Department, User
from accounts.roles import Role
from complaints.services.notifications import render_message
from reports.domain import ReportPeriod, last_full_month, last_full_quarter
from reports.models import ReportSnapshot
from reports.selectors.report import ReportFilters, report_figures
from reports.selectors.scope import ReportScope
from reports.services.report_document import report_document
from reports.services.report_files import report_xlsx

logger = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.COMPLAINT_MANAGER, Role.EXECUTIVE)


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
    name = f"report-{period.kind}-{period.first:%Y%m%d}.xlsx"
    snapshot.file.save(name, ContentFile(report_xlsx(figures[settings.LANGUAGE_CODE])), save=False)
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # another run built it meanwhile: theirs stands
        snapshot.file.delete(save=False)
        return ReportSnapshot.objects.get(
            kind=period.kind, period_start=period.first, department=department
        ), False
    return snapshot, True


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


def snapshot_send(*, snapshot_id: int) -> int:
    """E-mail the snapshot to every recipient, once: returns how many messages went (0 when it
    had been sent already)."""
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update()
            .filter(pk=snapshot_id, emailed_at__isnull=True)
            .first()
        )
        if snapshot is None:
            return 0
        sent = 0
        for user in snapshot_recipients():
            language = user.language or settings.LANGUAGE_CODE
            document = snapshot_document(snapshot, language)
            subject, text, html = render_message(
                template="report_snapshot",
                context={"recipient": user, "document": document, "url": snapshot_url(snapshot)},
                language=language,
            )
            message = EmailMultiAlternatives(
                subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
            )
            message.attach_alternative(html, "text/html")
            message.attach(
                f"report-{snapshot.kind}-{snapshot.period_start:%Y%m%d}-{language}.xlsx",
                report_xlsx(document),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            message.send()
            sent += 1
        snapshot.emailed_at = timezone.now()
        snapshot.save(update_fields=["emailed_at"])
    logger.info("Report snapshot %s e-mailed to %s people", snapshot_id, sent)
    return sent


def snapshot_url(snapshot: ReportSnapshot) -> str:
    return settings.COMPLAINTS_SITE_URL.rstrip("/") + reverse(
        "reports:snapshot", kwargs={"pk": snapshot.pk}
    )


def snapshot_run(*, kind: str, today: date | None = None) -> ReportSnapshot:
    """The beat job: last month's or last quarter's company-wide snapshot, built if missing and
    e-mailed if not yet. Running it again changes nothing and sends nothing."""
    if kind not in ReportSnapshot.Kind.values:
        raise ValueError(f"snapshots are monthly or quarterly, not {kind!r}")
    today = today or timezone.localdate()
    period = last_full_month(today) if kind == "month" else last_full_quarter(today)
    snapshot, _created = snapshot_build(period=period)
    snapshot_send(snapshot_id=snapshot.pk)
    return snapshot
