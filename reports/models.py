"""What the reports app stores: export files built in the background, and who asked for them;
and the holder of the dashboard permission."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Holder of the reports permissions (no table): who may open the managers' dashboard."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report access")
        verbose_name_plural = _("report access")
        permissions = [("view_dashboard", _("See the complaint dashboards of one's scope"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ExportJob(models.Model):
    """One one-row-per-complaint XLSX asked for by a person, built by the `reports` queue.

    The file is built with the requester's scope and masking as they were when it ran, so only
    they (or someone who may read every export) download it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        # The file held people's names and contacts: deleted after REPORTS_EXPORT_KEEP_DAYS.
        EXPIRED = "expired", _("Deleted after its keeping time")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # Local dates (the calendar's time zone), both included: cases received in between.
    date_from = models.DateField(_("received from"))
    date_to = models.DateField(_("received until"))
    # department, category (ids), channel, region, severity: only those given.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # The labels' language: the requester's when they asked.
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_requester_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")),
                name="exportjob_period_in_order",
            ),
        ]
        permissions = [
            ("export_complaints", _("Export complaints, one row per case, within one's scope")),
            ("view_any_export", _("Download exports other people asked for")),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.date_from}–{self.date_to}"


class ReportSnapshot(models.Model):
    """A report frozen as it read when it was built: the monthly one on the 1st, the quarterly
    one after each quarter (beat jobs on the `reports` queue), or one built by hand.

    One per period and scope (the whole company, or one department with those below it): a second
    run finds it and changes nothing. `figures` holds the report document
    (reports.services.report_document) once per language, so it reads in each reader's language
    without being counted again; the customers it names are stored by id, their names read when
    it is read (anonymisation reaches it: reports.services.snapshots). Its XLSX is built when it
    is downloaded or e-mailed, never stored. `emailed_at`: when the last of its e-mails
    (`emails`, one per recipient) went.
    """

    class Kind(models.TextChoices):
        MONTH = "month", _("Monthly")
        QUARTER = "quarter", _("Quarterly")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    # None: every department.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    figures = models.JSONField(_("figures"))
    created_at = models.DateTimeField(_("built at"))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["-period_start", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=models.Q(department__isnull=True),
                name="snapshot_one_per_period_company",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start", "department"],
                condition=models.Q(department__isnull=False),
                name="snapshot_one_per_period_department",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="snapshot_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"


class ReportSnapshotEmail(models.Model):
    """One snapshot e-mail to one person, kept like the product's other e-mails (an outbox row:
    written first, sent after on its own, marked when it went), so one failure stops no other
    and each goes once. Its XLSX in `language` is attached when it is sent."""

    snapshot = models.ForeignKey(
        ReportSnapshot,
        verbose_name=_("report snapshot"),
        on_delete=models.CASCADE,
        related_name="emails",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report snapshot e-mail")
        verbose_name_plural = _("report snapshot e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "recipient"], name="snapshot_email_one_per_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["snapshot"],
                condition=models.Q(emailed_at__isnull=True),
                name="snapshot_email_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} → {self.recipient_id}"


class DailyFigure(models.Model):
    """One count of the daily rollup (reports.services.rollup): how many of one thing (a
    `measure`) happened on one local day to the cases of one owner (their department and handler
    at the time of the build), with the measure's `key` (a state, a stage, a channel...) and, for
    some measures, a sum (`total`) or a duration (`working_days`, `calendar_days`) or a second
    day (`other_day`). The report page reads whole days of these instead of the cases
    (reports.selectors.rollup); the build replaces every row at once.

    Owners are plain ids, not foreign keys: the rows are rebuilt from the cases every few
    minutes and never joined; a department or user deleted since simply has no rows next time.
    """

    # The build the row belongs to: a build's rows become visible with it, at its commit; the
    # rows of older builds are deleted after (no foreign-key cascade: a million rows).
    build = models.ForeignKey(
        "DailyFigureBuild", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    measure = models.CharField(max_length=24)
    key = models.CharField(max_length=200, blank=True, default="")
    other_day = models.DateField(null=True)
    working_days = models.IntegerField(null=True)
    calendar_days = models.IntegerField(null=True)
    department_id = models.IntegerField(null=True)
    assignee_id = models.IntegerField(null=True)
    n = models.BigIntegerField()
    total = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [
            # A report reads a range of days, every column: the index alone answers it.
            models.Index(
                fields=["build", "day", "measure"],
                include=[
                    "key",
                    "other_day",
                    "working_days",
                    "calendar_days",
                    "department_id",
                    "assignee_id",
                    "n",
                    "total",
                ],
                name="dailyfigure_day_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} {self.key}: {self.n}"


class DailyFigureBuild(models.Model):
    """One build of the daily figures: every event from `first_day` up to `as_of` is counted.
    The report reads the latest; older ones are deleted once a newer one is in."""

    as_of = models.DateTimeField(_("counted up to"))
    first_day = models.DateField(_("first day counted"))
    finished_at = models.DateTimeField(_("finished at"))
    seconds = models.FloatField(_("seconds taken"))
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        default_permissions = ()
        verbose_name = _("daily figures build")
        verbose_name_plural = _("daily figures builds")

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d %H:%M}"
