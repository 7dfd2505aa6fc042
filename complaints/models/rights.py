from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RightsRequest(models.Model):
    """A person's request about their personal data (个人信息保护法 §45, §47): a copy of it (export)
    or its erasure. Tracked like a case: received, due on the business calendar, handled by a
    holder of `handle_rights_request`, every step in the audit log (complaints.services.rights).

    The request itself is the record that it was answered, so it keeps who asked; their contact
    details are dropped once an erasure is done.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("Copy of their data")
        ERASURE = "erasure", _("Erasure of their data")

    class Status(models.TextChoices):
        OPEN = "open", _("To answer")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    class IdentityCheck(models.TextChoices):
        ID_DOCUMENT = "id_document", _("Identity document seen")
        CALL_BACK = "call_back", _("Called back on the number we hold")
        KNOWN_EMAIL = "known_email", _("Answered from the e-mail address we hold")
        OTHER = "other", _("Other (see the note)")

    class ExportStatus(models.TextChoices):
        NONE = "", _("Not asked for")
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted after its keeping time")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    requester_name = models.CharField(_("requester's name"), max_length=100)
    # As given, normalised the way customers are stored (E.164, lower case): they find the records.
    requester_phone = models.CharField(_("requester's phone"), max_length=32, blank=True)
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    identity_check = models.CharField(
        _("identity checked by"), max_length=20, choices=IdentityCheck.choices
    )
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due by"))
    # The customer records found by the requester's phone or e-mail when it was recorded.
    customers = models.ManyToManyField(
        "complaints.Customer",
        verbose_name=_("customer records"),
        related_name="rights_requests",
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    # What an erasure removed (complaints, customers, files), or what an export held.
    result = models.JSONField(_("result"), default=dict, blank=True)

    export_status = models.CharField(
        _("export"), max_length=10, choices=ExportStatus.choices, blank=True, default=""
    )
    export_file = models.FileField(_("export file"), upload_to="rights/%Y/%m/", blank=True)
    export_size = models.PositiveBigIntegerField(_("export size (bytes)"), null=True, blank=True)
    export_error = models.TextField(_("export error"), blank=True)
    # The labels' language in the export: the handler's when they asked for it.
    export_language = models.CharField(_("export language"), max_length=10, blank=True)
    export_requested_at = models.DateTimeField(_("export asked at"), null=True, blank=True)
    export_started_at = models.DateTimeField(_("export started at"), null=True, blank=True)
    export_finished_at = models.DateTimeField(_("export finished at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The list: open requests by due date first (overdue on top), then the rest.
            models.Index(fields=["status", "due_at", "id"], name="rightsrequest_status_due_idx"),
            models.Index(fields=["-received_at", "-id"], name="rightsrequest_received_idx"),
            # The nightly clean-up of prepared exports past COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS.
            models.Index(
                fields=["export_finished_at"],
                condition=models.Q(export_status="done"),
                name="rightsrequest_export_done_idx",
            ),
        ]
        permissions = [
            (
                "handle_rights_request",
                _("Handle people's requests for a copy or the erasure of their data"),
            ),
        ]

    def __str__(self) -> str:
        # No name: this is what the audit log shows as the target.
        return f"{self.code} · {self.get_kind_display()}"

    @property
    def code(self) -> str:
        return f"PD-{self.pk:05d}" if self.pk else "PD-new"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
