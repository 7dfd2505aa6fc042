from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicSubmission(models.Model):
    """How a complaint came through the customers' page: the consent to the privacy notice
    (个人信息保护法: what was agreed to, in which version and language, and when) and the one-time
    key the form carried.

    The key is rendered into the form when it is opened; a double-click or a browser retry sends
    it again, and the unique constraint turns the second send into the first one's answer instead
    of a second complaint.
    """

    complaint = models.OneToOneField(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="public_submission",
    )
    submission_key = models.CharField(_("submission key"), max_length=64, unique=True)
    consent_at = models.DateTimeField(_("consent given at"))
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    notice_language = models.CharField(_("privacy notice language"), max_length=10)

    class Meta:
        verbose_name = _("public submission")
        verbose_name_plural = _("public submissions")

    def __str__(self) -> str:
        return self.submission_key
