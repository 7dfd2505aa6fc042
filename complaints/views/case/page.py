"""The case page (/complaints/<reference>/): everything about one case and what this user may do.

The page shows only the actions this user may take now; the services still decide when a form is
posted. A refused form comes back bound (what was typed kept, errors on its fields) through
`render_case`, which every action view uses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User
from complaints.errors import NotFound
from complaints.forms.base import ServiceForm
from complaints.forms.case import (
    ApproveForm,
    ContactForm,
    DecisionForm,
    EvidenceForm,
    FollowUpForm,
    HandoffForm,
    NoteForm,
    PauseForm,
    RefuseForm,
    TransitionForm,
    TriageForm,
)
from complaints.models import Complaint, Decision, State
from complaints.privacy import contact_details
from complaints.selectors import (
    case_for_page,
    complaint_is_workable_by,
    decision_eligible_approvers,
)
from complaints.services import available_transitions, can_approve
from complaints.services.transitions import TransitionSpec
from complaints.views.case.timeline import timeline_entries
from sla.selectors import complaint_deadlines, complaint_escalation
from sla.services.pauses import PAUSE_PERMISSIONS

# Transitions that end a case before its outcome: shown in red, confirmed in their own panel.
DANGER_TRANSITIONS = {"reject", "withdraw"}


def load_case(request: HttpRequest, reference: str) -> Complaint:
    try:
        return case_for_page(user=request.user, reference=reference)
    except NotFound as error:
        raise Http404(error.message) from error


@dataclass
class TransitionPanel:
    spec: TransitionSpec
    form: TransitionForm
    danger: bool
    open: bool


@dataclass
class DecisionRow:
    decision: Decision
    current: bool
    pending: bool
    approvable: bool
    approve_form: ApproveForm | None
    refuse_form: RefuseForm | None
    refuse_open: bool


# What the page offers to those in charge only (None or False for a read-only reader).
WRITE_CONTEXT = (
    "can_unmask",
    "transitions",
    "note_form",
    "triage_form",
    "handoff_form",
    "evidence_form",
    "decision_form",
    "contact_form",
    "follow_up_form",
    "pause_form",
    "can_resume",
)


def _can(user: User, *perms: str) -> bool:
    return any(user.has_perm(f"complaints.{perm}") for perm in perms)


class CasePage:
    """Builds the template context; `bound` holds the submitted form of a refused action."""

    def __init__(
        self,
        request: HttpRequest,
        complaint: Complaint,
        *,
        bound: dict[str, ServiceForm] | None = None,
        unmasked: bool = False,
    ) -> None:
        self.request = request
        self.user: User = request.user
        self.complaint = complaint
        self.bound = bound or {}
        self.unmasked = unmasked

    def form(self, key: str, factory) -> Any:
        return self.bound.get(key) or factory()

    def context(self) -> dict[str, Any]:
        complaint, user = self.complaint, self.user
        is_open = complaint.is_open
        contact = contact_details(customer=complaint.customer, user=user, unmasked=self.unmasked)
        clocks = list(complaint.clocks.all())
        running = [c for c in clocks if c.met_at is None and c.cancelled_at is None]
        evidence = list(complaint.evidence.all())
        follow_ups = [f for f in complaint.follow_ups.all() if f.round == complaint.reopen_count]
        context = {
            "complaint": complaint,
            "customer": complaint.customer,
            "contact": contact,
            "can_unmask": contact.masked and _can(user, "unmask_customer_pii"),
            "deadlines": complaint_deadlines(complaint=complaint),
            "escalation": complaint_escalation(complaint=complaint),
            "timeline": timeline_entries(complaint.events.all()),
            "transitions": self.transition_panels(),
            "decisions": (decisions := self.decision_rows()),
            # A reopened case starts a new round: last round's decisions do not count for it.
            "round_has_decision": any(row.current for row in decisions),
            "images": [e for e in evidence if e.content_type.startswith("image/")],
            "files": [e for e in evidence if not e.content_type.startswith("image/")],
            "evidence_count": len(evidence),
            "follow_ups": follow_ups,
            "note_form": self.form("note", NoteForm)
            if _can(user, "comment_on_complaint")
            else None,
            "triage_form": self.form("triage", lambda: TriageForm(complaint=complaint))
            if is_open and _can(user, "triage_complaint")
            else None,
            "handoff_form": self.form("handoff", lambda: HandoffForm(complaint=complaint))
            if is_open and _can(user, "investigate_complaint")
            else None,
            "evidence_form": self.form("evidence", EvidenceForm)
            if is_open and _can(user, "receive_complaint", "investigate_complaint")
            else None,
            "decision_form": self.decision_form(),
            "contact_form": self.form("contact", ContactForm)
            if _can(user, "contact_customer")
            else None,
            "follow_up_form": self.form("follow_up", FollowUpForm)
            if complaint.state == State.FOLLOW_UP and _can(user, "follow_up_complaint")
            else None,
            "pause_form": self.form("pause", PauseForm)
            if is_open
            and _can(user, *PAUSE_PERMISSIONS)
            and any(c.paused_at is None for c in running)
            else None,
            "can_resume": is_open
            and _can(user, *PAUSE_PERMISSIONS)
            and any(c.paused_at is not None for c in running),
            "open_panel": next(iter(self.bound), ""),
        }
        if not complaint_is_workable_by(user=user, complaint=complaint):
            # Someone who worked on the case and passed it on reads it; no form, no button.
            context.update(dict.fromkeys(WRITE_CONTEXT), transitions=[], read_only=True)
            for row in context["decisions"]:
                row.approvable, row.approve_form, row.refuse_form = False, None, None
        return context

    def transition_panels(self) -> list[TransitionPanel]:
        panels = []
        current = self.current_decision()
        for spec in available_transitions(complaint=self.complaint, user=self.user):
            key = f"transition:{spec.name}"
            bound = self.bound.get(key)
            form = bound or TransitionForm(
                spec=spec, complaint=self.complaint, initial=self.reply_initial(spec, current)
            )
            panels.append(
                TransitionPanel(spec, form, spec.name in DANGER_TRANSITIONS, open=bound is not None)
            )
        return panels

    def reply_initial(self, spec: TransitionSpec, decision: Decision | None) -> dict[str, str]:
        """The reply form starts from what was decided, in the channel the complaint came by."""
        if spec.name != "send_reply":
            return {}
        complaint = self.complaint
        text = decision.rationale if decision else complaint.findings
        return {"channel": complaint.channel, "content": text}

    def current_decision(self) -> Decision | None:
        approved = [
            d
            for d in self.complaint.decisions.all()
            if d.round == self.complaint.reopen_count and d.state == Decision.Status.APPROVED
        ]
        return approved[-1] if approved else None

    def decision_rows(self) -> list[DecisionRow]:
        complaint = self.complaint
        rows = []
        for decision in reversed(list(complaint.decisions.all())):
            pending = decision.state == Decision.Status.PENDING_APPROVAL
            current = decision.round == complaint.reopen_count
            approvable = (
                pending
                and current
                and complaint.state == State.DECISION
                and can_approve(user=self.user, decision=decision)
            )
            key = f"decision:{decision.pk}"
            approve_form, refuse_form = (
                self.approval_forms(key, decision) if approvable else (None, None)
            )
            rows.append(
                DecisionRow(
                    decision=decision,
                    current=current,
                    pending=pending,
                    approvable=approvable,
                    approve_form=approve_form,
                    refuse_form=refuse_form,
                    refuse_open=f"{key}:refuse" in self.bound,
                )
            )
        return rows

    def approval_forms(self, key: str, decision: Decision) -> tuple[ApproveForm, RefuseForm]:
        approve = self.bound.get(f"{key}:approve") or ApproveForm(id_prefix=f"approve{decision.pk}")
        refuse = self.bound.get(f"{key}:refuse") or RefuseForm(id_prefix=f"refuse{decision.pk}")
        return approve, refuse

    def decision_form(self) -> DecisionForm | None:
        complaint = self.complaint
        if complaint.state != State.DECISION or not _can(self.user, "propose_decision"):
            return None
        return self.form(
            "decision",
            lambda: DecisionForm(
                complaint=complaint, approvers=eligible_approvers(complaint, self.user)
            ),
        )


def eligible_approvers(complaint: Complaint, user: User, amount: Decimal = Decimal(0)):
    """Who could approve a proposal of `amount` by `user` on this case (before it exists)."""
    draft = Decision(complaint=complaint, amount=amount, proposed_by=user)
    return decision_eligible_approvers(decision=draft).select_related("department")


def render_case(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: dict[str, ServiceForm] | None = None,
    unmasked: bool = False,
    status: int = 200,
) -> HttpResponse:
    page = CasePage(request, complaint, bound=bound, unmasked=unmasked)
    return render(request, "staff/case/detail.html", page.context(), status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_case(request, load_case(request, reference))
