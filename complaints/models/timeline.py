from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a case event."""


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TimelineIsAppendOnly("Case events cannot be changed.")

    def delete(self):
        raise TimelineIsAppendOnly("Case events cannot be deleted.")

    def redact(self, *, data: dict[int, dict]) -> int:
        """The one change the timeline allows: when a case is anonymised, its events lose their
        free text. Every event here gets an empty comment; those named in `data` get that as
        their data, which may only drop keys of what they had (on PostgreSQL the trigger of
        migration 0027 refuses any other change; call it through complaints.timeline).
        Returns how many rows were changed."""
        changed = models.QuerySet.update(self.exclude(comment=""), comment="")
        for pk, kept in data.items():
            changed += models.QuerySet.update(self.filter(pk=pk), comment="", data=kept)
        return changed


class CaseEvent(models.Model):
    """One entry of a case's timeline. Append-only: written by complaints.timeline.record_event."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Complaint received")
        TRANSITION = "transition", _("Stage changed")
        TRIAGED = "triaged", _("Triage details changed")
        ASSIGNED = "assigned", _("Assigned")
        HANDOFF = "handoff", _("Handed off")
        NOTE = "note", _("Internal note")
        EVIDENCE = "evidence", _("Evidence added")
        DECISION_PROPOSED = "decision_proposed", _("Decision proposed")
        DECISION_APPROVED = "decision_approved", _("Decision approved")
        DECISION_REJECTED = "decision_rejected", _("Decision refused")
        CONTACT = "contact", _("Customer contact")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        ESCALATED = "escalated", _("Escalated")
        REMINDER = "reminder", _("Deadline reminder")
        PII_UNMASKED = "pii_unmasked", _("Contact details unmasked")
        CLOCKS_PAUSED = "clocks_paused", _("Deadlines paused")
        CLOCKS_RESUMED = "clocks_resumed", _("Deadlines resumed")
        DEADLINES_REPLANNED = "deadlines_replanned", _("Deadlines re-planned")
        LEGAL_HOLD_SET = "legal_hold_set", _("Put on legal hold")
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Legal hold lifted")
        ANONYMISED = "anonymised", _("Personal data removed")
        CHECKLIST_STEP = "checklist_step", _("Checklist step ticked")
        OUTSIDE_BODY = "outside_body", _("Outside body involved")
        OUTSIDE_BODY_DOCUMENT = (
            "outside_body_document",
            _("Document exchanged with an outside body"),
        )
        OUTSIDE_BODY_SIGNED = "outside_body_signed", _("Outside body's document signed")
        OUTSIDE_BODY_CLOSED = "outside_body_closed", _("Outside body's matter closed")
        OFF_SALE_ORDERED = "off_sale_ordered", _("Order to take a product off sale")
        OFF_SALE_DONE = "off_sale_done", _("Product taken off sale")
        AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
        AGREEMENT_HANDED_OVER = "agreement_handed_over", _("Agreement handed to finance")
        PAYMENT = "payment", _("Payment made")
        QUALITY_REFERRED = "quality_referred", _("Passed to quality control and purchasing")
        QUALITY_ANSWERED = "quality_answered", _("Quality answer recorded")
        LEGAL_DOCUMENT = "legal_document", _("Legal document received")
        LEGAL_DOCUMENT_FORWARDED = "legal_doc_forwarded", _("Legal document forwarded")
        LOST_PROPERTY = "lost_property", _("Lost property recorded")
        LOST_PROPERTY_OUTCOME = "lost_property_outcome", _("Lost property outcome")
        INJURY = "injury", _("Personal-injury record")
        MAIL_FILES_REFUSED = "mail_files_refused", _("E-mail attachments not accepted")
        IMPROVEMENT_ACTION = "improvement_action", _("Improvement action")
        LINKED = "linked", _("Linked to a related complaint")
        MERGED_IN = "merged_in", _("Duplicate merged in")
        # The case drawn into the case library; data["what"] says which step (library.py).
        CASE_STUDY = "case_study", _("Case library")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    at = models.DateTimeField(_("at"))
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, blank=True)
    transition = models.CharField(_("transition"), max_length=40, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    customer_visible = models.BooleanField(_("visible to the customer"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        # Related-object access and Django internals use the base manager: make it refuse too.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["complaint", "at"], name="caseevent_complaint_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TimelineIsAppendOnly("Case events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TimelineIsAppendOnly("Case events cannot be deleted.")


# The timeline entries that are someone working on the case (their actor becomes a participant).
# Left out: reminders and escalations (the system acts; recipients are told, they did nothing yet),
# unmasking contact details (a read, audited), re-planning after a calendar change (the
# administrator edited a calendar, not this case) and the case library's steps (a copy of a closed
# case is proposed or reviewed: reading the library gives no claim on the case).
WORK_KINDS: frozenset[str] = frozenset(
    {
        CaseEvent.Kind.CREATED,
        CaseEvent.Kind.TRANSITION,
        CaseEvent.Kind.TRIAGED,
        CaseEvent.Kind.ASSIGNED,
        CaseEvent.Kind.HANDOFF,
        CaseEvent.Kind.NOTE,
        CaseEvent.Kind.EVIDENCE,
        CaseEvent.Kind.DECISION_PROPOSED,
        CaseEvent.Kind.DECISION_APPROVED,
        CaseEvent.Kind.DECISION_REJECTED,
        CaseEvent.Kind.CONTACT,
        CaseEvent.Kind.FOLLOW_UP,
        CaseEvent.Kind.CLOCKS_PAUSED,
        CaseEvent.Kind.CLOCKS_RESUMED,
        CaseEvent.Kind.AGREEMENT_SIGNED,
        CaseEvent.Kind.AGREEMENT_HANDED_OVER,
        CaseEvent.Kind.PAYMENT,
        CaseEvent.Kind.QUALITY_REFERRED,
        CaseEvent.Kind.QUALITY_ANSWERED,
        CaseEvent.Kind.INJURY,
        CaseEvent.Kind.LINKED,
        CaseEvent.Kind.MERGED_IN,
    }
)


class CaseParticipant(models.Model):
    """Someone who worked on a case: they keep reading it after it left their hands, never write.

    "Worked on" is read from the timeline: the actor of a WORK_KINDS entry (received it, moved it
    on, triaged, assigned or handed it off, wrote a note, added evidence, proposed or decided a
    decision, recorded a contact or a follow-up visit, paused or resumed its deadlines),
    everyone the case was assigned to, and the people an entry asked to act on it (quality control
    and purchasing, told of a referral or an off-sale order). A denormalised index of the timeline, kept by
    `complaints.timeline.record_event` in the same transaction, so that "cases I worked on" is one
    indexed lookup instead of a scan of the timeline.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (user, complaint) index serves lookups by person
    )

    class Meta:
        verbose_name = _("case participant")
        verbose_name_plural = _("case participants")
        constraints = [
            models.UniqueConstraint(fields=["user", "complaint"], name="caseparticipant_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.complaint_id}"
