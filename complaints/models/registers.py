"""The two registers of seed 004 that stand beside the cases: legal documents received (§九,
法律文件签收) and customers' lost property (§五.3 H, 顾客丢失物品登记表). Each entry may name the
complaint it belongs to; both are written only by their services (complaints.services.
legal_documents, complaints.services.lost_property), which also write the case's timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.investigation import evidence_upload_to


class LegalDocument(models.Model):
    """A lawyer's letter or a court's, prosecutor's or police's papers delivered to the store.

    Seed 004 §九: a lawyer's letter is never signed for (left with us unsigned at most) and goes
    to senior management at once; other papers are signed for only when the name on them is the
    company's exactly and, for official papers, the bearer's identity was checked and the original
    is in hand; a court's papers are checked for the other side's evidence. Senior management
    hears of every entry when it is recorded; the papers are forwarded to the legal department.
    """

    class Kind(models.TextChoices):
        LAWYER_LETTER = "lawyer_letter", _("Lawyer's letter (律师函)")
        COURT = "court", _("Court papers")
        PROCURATORATE = "procuratorate", _("Procuratorate papers")
        POLICE = "police", _("Police papers")
        OTHER_LETTER = "other_letter", _("Other formal letter")

    class IdentityCheck(models.TextChoices):
        NOT_CHECKED = "not_checked", _("Not checked")
        WORK_ID = "work_id", _("Official work ID seen (工作证件)")
        LAWYER_LICENCE = "lawyer_licence", _("Lawyer's practising certificate seen")
        ID_CARD = "id_card", _("Identity card seen")
        OTHER = "other", _("Other (see the note)")

    class Receipt(models.TextChoices):
        SIGNED = "signed", _("Signed for")
        LEFT_UNSIGNED = "left_unsigned", _("Not signed; left with us")
        REFUSED = "refused", _("Refused; taken back")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender = models.CharField(
        _("sent by"), max_length=200, help_text=_("The court, police station or law firm.")
    )
    their_reference = models.CharField(
        _("their reference"),
        max_length=100,
        blank=True,
        help_text=_("The case number or letter number printed on the papers."),
    )
    delivered_by = models.CharField(_("delivered by"), max_length=100)
    identity_check = models.CharField(
        _("bearer's identity"), max_length=20, choices=IdentityCheck.choices
    )
    addressee = models.CharField(_("addressed to"), max_length=200)
    addressee_matches = models.BooleanField(
        _("addressee is the company's exact name"),
        help_text=_("Checked letter by letter against the company's registered name."),
    )
    receipt = models.CharField(_("signed for?"), max_length=20, choices=Receipt.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The person the company designated, with the original in hand."),
    )
    original_received = models.BooleanField(_("original in hand"), default=False)
    evidence_enclosed = models.BooleanField(_("the other side's evidence enclosed"), default=False)
    evidence_inquiry = models.TextField(
        _("asked about the evidence"),
        blank=True,
        help_text=_(
            "Court papers without evidence: what the judge said the other side holds and how "
            "it is obtained."
        ),
    )
    summary = models.TextField(_("what it is about"))
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_documents",
    )
    note = models.TextField(_("note"), blank=True)
    management_notified_at = models.DateTimeField(
        _("senior management told at"), null=True, blank=True
    )
    forwarded_to_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("forwarded to department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forwarded_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # The complaint's reference as the reader may see it (complaints.selectors.registers.
    # with_case_references): "" when there is none or the reader may not read it.
    case_reference: str = ""

    class Meta:
        verbose_name = _("legal document received")
        verbose_name_plural = _("legal documents received")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="legaldoc_received_idx"),
            # The register's "not forwarded yet" list.
            models.Index(
                fields=["received_at"],
                condition=models.Q(forwarded_at__isnull=True),
                name="legaldoc_unforwarded_idx",
            ),
        ]
        constraints = [
            # Seed 004 §九.1: a lawyer's letter is never signed for.
            models.CheckConstraint(
                condition=~models.Q(kind="lawyer_letter", receipt="signed"),
                name="legaldoc_lawyer_letter_not_signed",
            ),
        ]
        permissions = [
            ("record_legal_document", _("Record legal documents received and forward them")),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.get_kind_display()}"

    @property
    def code(self) -> str:
        return f"LD-{self.pk:05d}" if self.pk else "LD-new"

    @property
    def identity_checked(self) -> bool:
        return self.identity_check != self.IdentityCheck.NOT_CHECKED

    @property
    def is_forwarded(self) -> bool:
        return self.forwarded_at is not None


def legal_scan_upload_to(instance: LegalDocumentFile, filename: str) -> str:
    # Named by checksum like evidence, in their own folder.
    return "legal/" + evidence_upload_to(instance, filename).removeprefix("evidence/")  # type: ignore[arg-type]


class LegalDocumentFile(models.Model):
    """A scan of the papers, checked like evidence (complaints.services.evidence)."""

    document = models.ForeignKey(
        LegalDocument,
        verbose_name=_("legal document"),
        on_delete=models.PROTECT,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=legal_scan_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("legal document scan")
        verbose_name_plural = _("legal document scans")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.document.code} #{self.pk}"


class LostProperty(models.Model):
    """One line of the lost-property register (顾客丢失物品登记表, seed 004 §五.3 H): filled in at
    the service centre when the search found nothing, to contact the customer later and for the
    risk-control department's monthly figures (§五.2 F: how many, where, at what time)."""

    class Kind(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        SNATCHED = "snatched", _("Snatched or robbed")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Still looked for")
        RETURNED = "returned", _("Found and returned")
        NOT_FOUND = "not_found", _("Not found")
        WITH_POLICE = "with_police", _("Left to the police")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOST)
    customer_name = models.CharField(_("customer"), max_length=100)
    # Normalised like customers' phones (E.164): the register is for calling them back.
    customer_phone = models.CharField(_("customer's phone"), max_length=32, blank=True)
    lost_at = models.DateTimeField(
        _("lost at"), help_text=_("When the customer last had it, as near as they can say.")
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The store department where it happened, when known."),
    )
    area = models.CharField(
        _("place in the store"),
        max_length=100,
        help_text=_("Floor and area, e.g. “2F sofas”, “car park B1”, “checkout 3”."),
    )
    description = models.CharField(_("what was lost"), max_length=200)
    contents = models.TextField(_("items inside"), blank=True)
    police_report_number = models.CharField(_("police report number"), max_length=60, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lost_property",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    case_reference: str = ""  # as on LegalDocument

    class Meta:
        verbose_name = _("lost property entry")
        verbose_name_plural = _("lost property register")
        ordering = ["-lost_at", "-id"]
        indexes = [
            # The list and the month's statistics read by the time it was lost.
            models.Index(fields=["-lost_at", "-id"], name="lostproperty_lost_at_idx"),
        ]
        permissions = [
            ("record_lost_property", _("Record lost property and its outcome")),
            ("view_lost_property_statistics", _("See the monthly lost property statistics")),
        ]

    def __str__(self) -> str:
        # No name: this is what the audit log shows as the target.
        return f"{self.code} · {self.get_kind_display()}"

    @property
    def code(self) -> str:
        return f"LP-{self.pk:05d}" if self.pk else "LP-new"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN
