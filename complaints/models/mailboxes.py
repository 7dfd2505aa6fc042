"""Complaints by e-mail (投诉邮箱, issue 17 §1): the mailboxes polled, and every message read from
them. Written by the complaints.services.mailbox* services only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """An IMAP mailbox customers write to. Its password is never stored here: `password_name`
    names an environment variable (or a key of the MAILBOX_PASSWORDS setting) holding it."""

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS from the start (IMAPS, usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("None (only for a server on this machine)")

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(
        _("address"),
        unique=True,
        help_text=_("The address customers write to; mail from it is never taken as a complaint."),
    )
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("connection security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password_name = models.CharField(
        _("password variable"),
        max_length=100,
        help_text=_(
            "The name of the environment variable (or of the MAILBOX_PASSWORDS setting's key) "
            "that holds the password. The password itself is never stored in the database."
        ),
    )
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    processed_folder = models.CharField(
        _("folder for processed mail"),
        max_length=200,
        blank=True,
        help_text=_("Read messages are moved here; empty: they are marked read and stay."),
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("New complaints from this mailbox go to this department."),
    )
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("New complaints from this mailbox get this category (and its department)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # How it went: the last poll, the last one that reached the mailbox, and while it fails the
    # error, since when and how often in a row (the administrators are told once).
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last reached at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failure_told_at = models.DateTimeField(_("administrators told at"), null=True, blank=True)
    # The UID watermark: every message of the folder with a higher UID is read, even one a person
    # marked read. Only valid while the folder's UIDVALIDITY is the one stored (a recreated folder
    # numbers its messages anew: the watermark is set again, without reading its history).
    uid_validity = models.BigIntegerField(_("folder's UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("highest UID read"), default=0)
    # A poll holds the mailbox until then (compare-and-set): two polls never read it at once.
    polling_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaints mailbox")
        verbose_name_plural = _("complaints mailboxes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundEmail(models.Model):
    """One message read from a mailbox and what became of it; unique per mailbox and message, so
    a message is handled once however often it is read."""

    class Outcome(models.TextChoices):
        COMPLAINT = "complaint", _("New complaint")
        REPLY = "reply", _("Added to a case")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Could not be handled")

    class Reason(models.TextChoices):
        AUTO_SUBMITTED = "auto_submitted", _("Automatic message (Auto-Submitted)")
        PRECEDENCE = "precedence", _("Bulk or list mail (Precedence)")
        AUTO_REPLY = "auto_reply", _("Automatic reply (X-Autoreply)")
        BOUNCE = "bounce", _("Delivery failure report")
        OWN_ADDRESS = "own_address", _("Sent by this system (a loop)")
        NO_SENDER = "no_sender", _("No sender address")

    class Failure(models.TextChoices):
        """Why a message could not be handled (the error's text is kept beside the code)."""

        INVALID = "invalid", _("The intake refused its details")
        REFUSED = "refused", _("The intake refused it")
        ENCODING = "encoding", _("Unknown character set or broken text")
        UNUSABLE = "unusable", _("A value in it, or a setting it needs, cannot be used")

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.CASCADE, related_name="messages"
    )
    # The Message-ID, or "sha256:<hash of the message>" when it has none.
    message_key = models.CharField(_("message id"), max_length=255)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("handled as"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Attachments not accepted as evidence: [{"name": ..., "reasons": [...]}].
    refused_files = models.JSONField(_("attachments refused"), default=list, blank=True)
    error_code = models.CharField(
        _("error code"), max_length=20, choices=Failure.choices, blank=True
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_key"], name="inboundemail_once")
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
