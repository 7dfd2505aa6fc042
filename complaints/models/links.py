from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CaseLink(models.Model):
    """Two complaints tied together (issue 18 §4), written by complaints.services.duplicates.

    related: the same matter seen twice, both cases go on; stored once, the lower id first, and
    read from both sides. duplicate: `from_complaint` was merged into `to_complaint` (it ended as
    rejected with the ground `duplicate`; its evidence and messages were copied to the survivor).
    """

    class Kind(models.TextChoices):
        RELATED = "related", _("Related complaint")
        DUPLICATE = "duplicate", _("Merged as a duplicate")

    from_complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="links_out",
    )
    to_complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("linked complaint"),
        on_delete=models.PROTECT,
        related_name="links_in",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("complaint link")
        verbose_name_plural = _("complaint links")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_complaint", "to_complaint", "kind"], name="caselink_once"
            ),
            models.CheckConstraint(
                condition=~Q(from_complaint=F("to_complaint")), name="caselink_not_itself"
            ),
            # A case is merged into one survivor, once.
            models.UniqueConstraint(
                fields=["from_complaint"],
                condition=Q(kind="duplicate"),
                name="caselink_merged_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_complaint_id} → {self.to_complaint_id} ({self.kind})"
