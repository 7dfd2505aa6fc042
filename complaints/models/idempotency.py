from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """An API client's `Idempotency-Key` and the answer its first request got.

    A client that retries a create after a timeout sends the same key and gets the stored answer
    back instead of a second complaint. Keys are per user; the unique constraint is what makes the
    check-and-create safe when two retries arrive at once (complaints/api/idempotency.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
        # The unique (user, key) index serves lookups by user; a second index would only cost writes.
        db_index=False,
    )
    key = models.CharField(_("key"), max_length=255)
    # SHA-256 of the method, path and body: the same key with another payload is a client error.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(
        _("response body"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]
        # Expired keys are purged by age.
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self) -> str:
        return self.key
