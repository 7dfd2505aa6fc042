import mimetypes

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Handoff(models.Model):
    """交接: the case moved from one person or department to another."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="handoffs",
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("from department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("to department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("handoff note"))
    handed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed off by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}"


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    # The checksum names the file and the checked content type gives the extension: neither the
    # path nor the extension the uploader chose ever reaches the disk (a PNG named "x.html" must
    # not be stored, and perhaps served, as HTML).
    extension = (mimetypes.guess_extension(instance.content_type) or ".bin").lstrip(".")
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}.{extension}"


class EvidenceFile(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio recording")
        RECEIPT = "receipt", _("Receipt or invoice")
        CONTRACT = "contract", _("Contract")
        WITNESS_STATEMENT = "witness_statement", _("Witness statement")
        MEDICAL_RECORD = "medical_record", _("Medical record")
        IDENTITY_DOCUMENT = "identity_document", _("Identity document")
        POLICE_REPORT = "police_report", _("Police report")
        INSPECTION_REPORT = "inspection_report", _("Testing or appraisal report")
        AGREEMENT = "agreement", _("Agreement (协议书)")
        CORRESPONDENCE = "correspondence", _("Correspondence")
        OTHER = "other", _("Other")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        # Not the file's name: a medical record's or identity document's name is for the roles
        # that may read it (complaints.privacy), and the admin prints this in titles and menus.
        return f"{self.get_kind_display()} #{self.pk}"
