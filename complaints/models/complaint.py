from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from complaints.domain.follow_ups import FollowUpSummary, summarize_follow_ups
from complaints.domain.limits import DESCRIPTION_MAX_LENGTH

from .choices import Channel, RejectionReason, Remedy, Severity


class State(models.TextChoices):
    INTAKE = "intake", _("Intake")
    TRIAGE = "triage", _("Triage")
    INVESTIGATION = "investigation", _("Investigation")
    DECISION = "decision", _("Decision")
    REPLY = "reply", _("Reply")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = [
    State.INTAKE,
    State.TRIAGE,
    State.INVESTIGATION,
    State.DECISION,
    State.REPLY,
    State.FOLLOW_UP,
]
FINAL_STATES = [State.CLOSED, State.REJECTED, State.WITHDRAWN]
# How a case ended → the field that says when: the retention period runs from it.
RETENTION_CLOCKS: dict[str, str] = {
    State.CLOSED: "closed_at",
    State.REJECTED: "rejected_at",
    State.WITHDRAWN: "withdrawn_at",
}


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    DEPARTMENT_HEAD = 1, _("Department head")
    COMPLAINT_MANAGER = 2, _("Complaint manager")
    SENIOR_MANAGEMENT = 3, _("Senior management")


def new_public_token() -> str:
    return secrets.token_urlsafe(24)


def condition(message: str):
    """Mark a transition condition with the sentence shown when it is not met."""

    def decorate(func):
        func.unmet_message = message
        return func

    return decorate


@condition(_("Set the category, severity and owning department first."))
def is_routed(complaint: Complaint) -> bool:
    return bool(complaint.category_id and complaint.severity and complaint.department_id)


@condition(_("An approved decision is needed first."))
def has_approved_decision(complaint: Complaint) -> bool:
    return complaint.current_decision() is not None


@condition(
    _(
        "Record a follow-up in which the customer is satisfied, or the set number of failed attempts."
    )
)
def follow_up_allows_close(complaint: Complaint) -> bool:
    summary = complaint.follow_up_summary()
    return summary.satisfied or summary.attempts_exhausted


@condition(_("Record a follow-up in which the customer is dissatisfied first."))
def customer_dissatisfied(complaint: Complaint) -> bool:
    return complaint.follow_up_summary().dissatisfied


def _perm(codename: str):
    # Role permission only; which cases a user may touch at all is decided by the access selector.
    def check(instance, user) -> bool:
        return user.has_perm(f"complaints.{codename}")

    # Read by complaints.services.transition_needs: the doors ask it before they read a body.
    check.codename = codename  # type: ignore[attr-defined]
    return check


class Complaint(ConcurrentTransitionMixin, models.Model):
    """One complaint case. Transitions only change fields; services/transitions.py runs them."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    public_token = models.CharField(
        _("public link token"), max_length=64, unique=True, default=new_public_token, editable=False
    )
    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.INTAKE, protected=True
    )
    # Bumped by every change to the case so a stale form or API client is told, not overwritten.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    customer = models.ForeignKey(
        "complaints.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
        # complaint_customer_recv_idx (below) leads with the customer and serves its look-ups.
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_complaints",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what happened"), max_length=DESCRIPTION_MAX_LENGTH)
    product_or_service = models.CharField(_("product or service"), max_length=200, blank=True)
    order_ref = models.CharField(_("order reference"), max_length=100, blank=True)
    expected_resolution = models.TextField(_("expected resolution"), blank=True)
    remedy_sought = models.CharField(
        _("remedy sought"), max_length=30, choices=Remedy.choices, blank=True
    )
    amount_claimed = models.DecimalField(
        _("amount claimed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    region = models.CharField(_("region"), max_length=100, blank=True)

    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL
    )
    personal_injury = models.BooleanField(_("personal injury"), default=False)
    media_involved = models.BooleanField(_("media involved"), default=False)
    regulator_involved = models.BooleanField(_("regulator involved"), default=False)
    legal_risk = models.BooleanField(_("legal risk"), default=False)

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )

    # Earliest due time of the running clocks (sla keeps it in step); queues sort and filter by it.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)

    findings = models.TextField(_("investigation findings"), blank=True)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=30, choices=RejectionReason.choices, blank=True
    )
    reopen_count = models.PositiveIntegerField(_("reopen count"), default=0)

    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("triage started at"), null=True, blank=True)
    investigation_started_at = models.DateTimeField(
        _("investigation started at"), null=True, blank=True
    )
    investigation_completed_at = models.DateTimeField(
        _("investigation completed at"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    # 个人信息保护法 (issue 15 §3). While on legal hold (litigation, a regulator's inquiry) the case
    # is never anonymised, by the retention job or on a person's request; the reason says why.
    legal_hold = models.BooleanField(_("legal hold"), default=False, db_default=False)
    legal_hold_reason = models.TextField(_("legal hold reason"), blank=True, db_default="")
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal hold set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    legal_hold_at = models.DateTimeField(_("legal hold set at"), null=True, blank=True)
    # Set by the product itself (issue 16 §6): an outside body's matter or the case's facts;
    # empty when a person set it with a reason.
    legal_hold_cause = models.CharField(
        _("legal hold cause"),
        max_length=20,
        choices=[
            ("outside_body", _("An outside body's matter")),
            ("case_facts", _("Regulator or media involved")),
        ],
        blank=True,
        db_default="",
        default="",
    )
    # Set once its personal data was removed (complaints.services.retention); statistics stay.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["state", "received_at"], name="complaint_state_received_idx"),
            models.Index(fields=["department", "state"], name="complaint_dept_state_idx"),
            models.Index(fields=["assignee", "state"], name="complaint_assignee_state_idx"),
            models.Index(fields=["received_at"], name="complaint_received_idx"),
            models.Index(fields=["severity", "state"], name="complaint_severity_state_idx"),
            models.Index(fields=["escalation_level"], name="complaint_escalation_idx"),
            models.Index(fields=["channel"], name="complaint_channel_idx"),
            models.Index(fields=["next_due_at"], name="complaint_next_due_idx"),
            # The queues read open cases only (a fifth of the table and shrinking relative to it):
            # partial indexes serve their pages in their whole sort order (deadline, then receipt
            # and id: working-day deadlines all end at 23:59:59, so ties are many) and their capped
            # tab counts from the index alone (issue 12, §3).
            models.Index(
                fields=["assignee", "next_due_at", "received_at", "id"],
                name="complaint_open_asgn_due_idx",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["department", "next_due_at", "received_at", "id"],
                name="complaint_open_dept_due_idx",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["next_due_at", "received_at", "id"],
                name="complaint_open_due_idx",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            # Escalated open cases (few): the scope's columns ride along, so a department-scoped
            # user's count is read from the index alone.
            models.Index(
                fields=["next_due_at"],
                include=["department", "assignee", "received_by"],
                name="complaint_open_escalated_idx",
                condition=models.Q(escalation_level__gt=0, state__in=OPEN_STATES),
            ),
            # The dashboard's month (reports.selectors): cases answered, decided or closed in it,
            # with the columns its figures read, so that they come from the index alone.
            models.Index(
                fields=["first_response_at"],
                include=["received_at", "department"],
                condition=models.Q(first_response_at__isnull=False),
                name="complaint_first_response_idx",
            ),
            models.Index(
                fields=["decided_at"],
                include=["received_at", "department"],
                condition=models.Q(decided_at__isnull=False),
                name="complaint_decided_idx",
            ),
            models.Index(
                fields=["closed_at"],
                include=[
                    "received_at",
                    "department",
                    "assignee",
                    "state",
                    "reopen_count",
                    "escalation_level",
                ],
                condition=models.Q(closed_at__isnull=False),
                name="complaint_closed_idx",
            ),
            # The dashboard's counts by receipt (new cases, the twelve months' trend, the
            # breakdowns, rising problems, repeat complainants): every column they group or filter
            # by rides along, so a year of cases is counted from the index alone (issue 14).
            models.Index(
                fields=["received_at"],
                include=[
                    "department",
                    "assignee",
                    "customer",
                    "category",
                    "channel",
                    "severity",
                    "region",
                    "product_or_service",
                    "state",
                    "regulator_involved",
                ],
                name="complaint_received_report_idx",
            ),
            # The dashboard's backlog: the open cases' stage, level, age and deadline, by owner.
            models.Index(
                fields=["department"],
                include=["state", "escalation_level", "received_at", "next_due_at"],
                condition=models.Q(state__in=OPEN_STATES),
                name="complaint_open_report_idx",
            ),
            # Repeat and duplicate complaints (issue 18 §4): the same order or receipt number,
            # however its letters were cased.
            models.Index(Upper("order_ref"), name="complaint_order_ref_idx"),
            # A customer's cases newest first (their history, the possible duplicates): a scan
            # stops after the page, where the customer's own index read every case they ever had
            # (5,000 behind a switchboard); the id makes counts of them index-only.
            models.Index(
                fields=["customer", "received_at", "id"], name="complaint_customer_recv_idx"
            ),
            # "Handled by me": the person's participations merged with the open cases by id.
            models.Index(
                fields=["id"],
                name="complaint_open_id_idx",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            # The retention job's scan, one per way a case ends: the ended cases still holding
            # personal data and not on legal hold, by when they ended. Anonymised cases leave the
            # index, so a nightly run reads only what is due, however many years have gone by.
            *(
                models.Index(
                    fields=[ended_at],
                    name=f"complaint_retain_{state}_idx",
                    condition=models.Q(state=state, anonymised_at__isnull=True, legal_hold=False),
                )
                for state, ended_at in RETENTION_CLOCKS.items()
            ),
        ]
        permissions = [
            ("view_all_complaints", _("See every complaint")),
            ("view_department_complaints", _("See the complaints of one's own department")),
            ("receive_complaint", _("Record new complaints")),
            ("triage_complaint", _("Triage, route and assign complaints")),
            ("answer_on_spot", _("Answer simple complaints on the spot")),
            ("reject_complaint", _("Reject complaints (不予受理)")),
            ("investigate_complaint", _("Investigate complaints and hand them off")),
            ("comment_on_complaint", _("Add internal notes")),
            ("contact_customer", _("Record contacts with the customer")),
            ("propose_decision", _("Propose decisions")),
            ("approve_decision", _("Approve decisions within one's limit")),
            ("decide_complaint", _("Move a complaint from decision to reply")),
            ("reply_to_customer", _("Send the outcome to the customer")),
            ("follow_up_complaint", _("Record follow-up visits, close and reopen")),
            ("withdraw_complaint", _("Record a customer's withdrawal")),
            ("view_customer_pii", _("See customers' contact details unmasked")),
            ("unmask_customer_pii", _("Unmask customers' contact details (logged)")),
            ("set_legal_hold", _("Put complaints on legal hold and lift it")),
            ("record_agreement", _("Record signed agreements (协议书) and their hand-over")),
            ("record_payment", _("Record payments against approved agreements")),
            ("refer_to_quality", _("Pass quality complaints to quality control and purchasing")),
            ("record_injury", _("Record the personal-injury procedure (人身伤害)")),
            (
                "waive_injury_receipts",
                _("Approve an injury advance without the original receipts (senior management)"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def follow_up_summary(self) -> FollowUpSummary:
        """What the follow-up visits of the current handling round add up to."""
        return summarize_follow_ups(
            list(self.follow_ups.filter(round=self.reopen_count)),
            max_attempts=settings.COMPLAINTS_FOLLOW_UP_MAX_ATTEMPTS,
        )

    def current_decision(self):
        """The approved decision of the current handling round, if any."""
        return (
            self.decisions.filter(state="approved", round=self.reopen_count)
            .order_by("-created_at")
            .first()
        )

    # --- transitions: field changes only; checks, timeline and effects live in the runner ---

    @transition(
        field=state,
        source=State.INTAKE,
        target=State.TRIAGE,
        permission=_perm("triage_complaint"),
    )
    def start_triage(self, *, at: datetime) -> None:
        self.triaged_at = at

    @transition(
        field=state,
        source=State.TRIAGE,
        target=State.INVESTIGATION,
        conditions=[is_routed],
        permission=_perm("triage_complaint"),
    )
    def start_investigation(self, *, at: datetime) -> None:
        self.investigation_started_at = at

    @transition(
        field=state,
        source=State.TRIAGE,
        target=State.REPLY,
        permission=_perm("answer_on_spot"),
    )
    def answer_on_spot(self, *, at: datetime, findings: str) -> None:
        self.findings = findings
        self.decided_at = at

    @transition(
        field=state,
        source=[State.INTAKE, State.TRIAGE],
        target=State.REJECTED,
        permission=_perm("reject_complaint"),
    )
    def reject(self, *, at: datetime, reason: str) -> None:
        self.rejection_reason = reason
        self.rejected_at = at

    @transition(
        field=state,
        source=State.INVESTIGATION,
        target=State.DECISION,
        permission=_perm("investigate_complaint"),
    )
    def complete_investigation(self, *, at: datetime, findings: str) -> None:
        self.findings = findings
        self.investigation_completed_at = at

    @transition(
        field=state,
        source=State.DECISION,
        target=State.REPLY,
        conditions=[has_approved_decision],
        permission=_perm("decide_complaint"),
    )
    def decide(self, *, at: datetime) -> None:
        self.decided_at = at

    @transition(
        field=state,
        source=State.REPLY,
        target=State.FOLLOW_UP,
        permission=_perm("reply_to_customer"),
    )
    def send_reply(self, *, at: datetime) -> None:
        self.replied_at = at
        if self.first_response_at is None:
            self.first_response_at = at

    @transition(
        field=state,
        source=State.FOLLOW_UP,
        target=State.CLOSED,
        conditions=[follow_up_allows_close],
        permission=_perm("follow_up_complaint"),
    )
    def close(self, *, at: datetime) -> None:
        self.closed_at = at

    @transition(
        field=state,
        source=State.FOLLOW_UP,
        target=State.INVESTIGATION,
        conditions=[customer_dissatisfied],
        permission=_perm("follow_up_complaint"),
    )
    def reopen(self, *, at: datetime) -> None:
        self.reopen_count += 1
        self.investigation_started_at = at
        self.investigation_completed_at = None
        self.decided_at = None
        self.replied_at = None

    @transition(
        field=state,
        source=OPEN_STATES,
        target=State.WITHDRAWN,
        permission=_perm("withdraw_complaint"),
    )
    def withdraw(self, *, at: datetime) -> None:
        self.withdrawn_at = at


class ReferenceSequence(models.Model):
    """Last reference number handed out per year; locked row by row so numbers never repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
