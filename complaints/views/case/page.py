"""The case page (/complaints/<reference>/): everything about one case and what this user may do.

The page shows only the actions this user may take now; the services still decide when a form is
posted. A refused form comes back bound (what was typed kept, errors on its fields) through
`render_case`, which every action view uses too.

Most actions are folded behind a button and their forms are built only when opened: with
JavaScript the button fetches the panel (`case_panel`, an htmx fragment); without it the button is
a link to this page with `?open=<key>`, which renders that one panel open. A page that never
builds the forms nobody opens renders in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import User
from complaints.errors import NotFound
from complaints.forms.base import ServiceForm
from complaints.forms.case import (
    ApproveForm,
    ChecklistStepForm,
    ContactForm,
    DecisionForm,
    EvidenceForm,
    FollowUpForm,
    HandoffForm,
    LinkForm,
    NoteForm,
    PauseForm,
    RefuseForm,
    TransitionForm,
    TriageForm,
)
from complaints.forms.injury import injury_form
from complaints.forms.outside_bodies import (
    BodyCloseForm,
    BodyDocumentForm,
    BodySignForm,
    OffSaleDoneForm,
    OffSaleForm,
    OutsideBodyForm,
)
from complaints.forms.privacy import LegalHoldForm, RevealForm
from complaints.forms.procedures import (
    AgreementForm,
    HandOverForm,
    PaymentForm,
    QualityAnswerForm,
    QualityReferralForm,
)
from complaints.models import (
    DOCUMENT_ITEMS,
    Agreement,
    AgreementPayment,
    Complaint,
    Decision,
    EvidenceFile,
    InjuryItem,
    OffSaleOrder,
    OutsideBody,
    QualityAnswer,
    QualityDepartment,
    QualityReferral,
    State,
)
from complaints.models.outside_bodies import ORDERING_KINDS
from complaints.privacy import (
    ContactDetails,
    contact_details,
    contact_details_of,
    evidence_restricted,
    may_reveal,
)
from complaints.selectors import (
    case_for_page,
    case_for_panel,
    complaint_is_workable_by,
    decision_eligible_approvers,
)
from complaints.selectors.case import signing_texts_active
from complaints.selectors.duplicates import (
    customer_repeat_standing,
    linked_cases,
    possible_duplicates_of,
)
from complaints.selectors.improvement import improvement_actions_of_case
from complaints.selectors.injury import InjuryCard, injury_card, injury_compensation_total
from complaints.selectors.library import case_study_of_complaint
from complaints.selectors.registers import VIEW_LOST, can_read_legal_register
from complaints.services import available_transitions, can_approve
from complaints.services.decisions import can_approve_amount
from complaints.services.duplicates import LINK_NEEDS, MERGE_NEEDS, MERGEABLE_STATES
from complaints.services.improvement import can_manage_actions
from complaints.services.injury import may_record_injury
from complaints.services.legal_documents import can_record_legal_documents
from complaints.services.legal_hold import can_set_legal_hold
from complaints.services.library import may_propose
from complaints.services.lost_property import can_record_lost_property
from complaints.services.outside_bodies import OUTSIDE_BODY_PERMISSIONS
from complaints.services.quality import quality_pending
from complaints.services.transitions import TransitionSpec
from complaints.views.case.timeline import timeline_entries
from sla.models import CaseChecklistStep
from sla.selectors import complaint_deadlines, complaint_escalation, deadline_calendar_names
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
    form: TransitionForm | None  # None: folded, the page shows the button that opens it
    danger: bool
    open: bool

    @property
    def key(self) -> str:
        return f"transition:{self.spec.name}"


# The folded panels other than the steps: key → the template that renders it open.
PANEL_TEMPLATES = {
    "triage": "staff/case/panels/triage.html",
    "handoff": "staff/case/panels/handoff.html",
    "evidence": "staff/case/panels/evidence.html",
    "decision": "staff/case/panels/decision.html",
    "contact": "staff/case/panels/contact.html",
    "pause": "staff/case/panels/pause.html",
    "legal_hold": "staff/case/panels/legal_hold.html",
    "outside_body": "staff/case/panels/outside_body.html",
    "link": "staff/case/panels/link.html",
}
STEP_TEMPLATE = "staff/case/panels/step.html"


@dataclass
class DecisionRow:
    decision: Decision
    current: bool
    pending: bool
    approvable: bool
    approve_form: ApproveForm | None
    refuse_form: RefuseForm | None
    refuse_open: bool


@dataclass
class ChecklistRow:
    step: CaseChecklistStep
    form: ChecklistStepForm | None  # None: ticked, or the reader may not tick it
    open: bool = False  # refused: shown unfolded with its errors


@dataclass
class OffSaleRow:
    order: OffSaleOrder
    done_form: OffSaleDoneForm | None


@dataclass
class OutsideBodyRow:
    """One outside body on the card, with the forms its open matter offers to those in charge."""

    body: OutsideBody
    orders: list[OffSaleRow]
    document_form: BodyDocumentForm | None = None
    sign_form: BodySignForm | None = None
    close_form: BodyCloseForm | None = None
    off_sale_form: OffSaleForm | None = None
    open_form: str = ""  # the form refused: shown unfolded with its errors


@dataclass
class AgreementRow:
    agreement: Agreement
    payments: list[AgreementPayment]
    paid: Decimal
    left: Decimal  # still payable: the agreed amount (within the approved one) less what was paid
    approved: bool  # its decision is still approved (payment follows approval)
    hand_over_form: HandOverForm | None
    payment_form: PaymentForm | None
    open: str = ""  # the form refused last: shown unfolded with its errors


@dataclass
class QualityRow:
    referral: QualityReferral
    answers: list[QualityAnswer]
    pending: list[str]  # the departments' names that have not answered yet
    answer_form: QualityAnswerForm | None
    open: bool = False


def register_context(user: User, complaint: Complaint) -> dict[str, Any]:
    """The registers' card: the case's legal documents and lost property (prefetched), and
    whether the reader may open the entries or record new ones."""
    return {
        "legal_documents": list(complaint.legal_documents.all()),
        "lost_property": list(complaint.lost_property.all()),
        "can_open_legal": can_read_legal_register(user),
        "can_record_legal": can_record_legal_documents(user),
        "can_record_lost": can_record_lost_property(user),
        "can_open_lost": user.has_perm(VIEW_LOST),
        # Improvement actions (issue 18 §1) following from the case.
        "improvement_actions": improvement_actions_of_case(complaint=complaint, user=user),
        "can_start_actions": can_manage_actions(user),
    }


# What the page offers to those in charge only (None or False for a read-only reader).
WRITE_CONTEXT = (
    "can_unmask",
    "reveal_form",
    "transitions",
    "note_form",
    "triage_form",
    "handoff_form",
    "evidence_form",
    "decision_form",
    "contact_form",
    "follow_up_form",
    "pause_form",
    "legal_hold_form",
    "outside_body_form",
    "can_resume",
    "agreement_form",
    "quality_form",
    "can_link",
    "can_merge",
    "possible_duplicates",
)


def _can(user: User, *perms: str) -> bool:
    return any(user.has_perm(f"complaints.{perm}") for perm in perms)


@dataclass
class InjuryPanel:
    card: InjuryCard
    # action → its form, for what this user may record now
    forms: dict[str, ServiceForm] = field(default_factory=dict)
    open: str = ""  # the action whose refused form is shown again
    # Each witness with their phone as this reader may see it (the customers' contact rule).
    witnesses: list[tuple[Any, ContactDetails]] = field(default_factory=list)


class CasePage:
    """Builds the template context; `bound` holds the submitted form of a refused action."""

    def __init__(
        self,
        request: HttpRequest,
        complaint: Complaint,
        *,
        bound: dict[str, ServiceForm] | None = None,
        revealed: tuple[str, ...] = (),
        opened: str = "",
    ) -> None:
        self.request = request
        self.user: User = request.user
        self.complaint = complaint
        self.bound = bound or {}
        # The contact details this user has just revealed (logged): shown in clear this once.
        self.revealed = revealed
        # The folded panel asked for (?open=<key>): rendered open, its form built.
        self.opened = opened
        self.open_keys = {opened} if opened else set()

    def form(self, key: str, factory) -> Any:
        return self.bound.get(key) or factory()

    def folded_form(self, key: str, factory) -> Any:
        """A folded panel's form: bound after a refusal, fresh when opened, else not built."""
        if key in self.bound:
            return self.bound[key]
        return factory() if key in self.open_keys else None

    def running_clocks(self) -> list:
        return [
            c for c in self.complaint.clocks.all() if c.met_at is None and c.cancelled_at is None
        ]

    @cached_property
    def workable(self) -> bool:
        """In charge of the case (may act on it), not only a reader who worked on it before."""
        return complaint_is_workable_by(user=self.user, complaint=self.complaint)

    def offered_panels(self) -> dict[str, Any]:
        """The folded panels this user may open now: key → the factory of its form."""
        complaint, user = self.complaint, self.user
        if not self.workable:
            return {}
        is_open = complaint.is_open
        running = self.running_clocks()
        offered: dict[str, Any] = {}
        if is_open and _can(user, "triage_complaint"):
            offered["triage"] = lambda: TriageForm(complaint=complaint)
        if is_open and _can(user, "investigate_complaint"):
            offered["handoff"] = lambda: HandoffForm(complaint=complaint)
        if is_open and _can(user, "receive_complaint", "investigate_complaint"):
            offered["evidence"] = EvidenceForm
        if complaint.state == State.DECISION and _can(user, "propose_decision"):
            offered["decision"] = self.decision_form
        if _can(user, "contact_customer"):
            offered["contact"] = lambda: ContactForm(complaint=complaint)
        if is_open and _can(user, *PAUSE_PERMISSIONS) and any(c.paused_at is None for c in running):
            offered["pause"] = PauseForm
        if complaint.anonymised_at is None and can_set_legal_hold(user):
            offered["legal_hold"] = LegalHoldForm
        if is_open and _can(user, *OUTSIDE_BODY_PERMISSIONS):
            offered["outside_body"] = lambda: OutsideBodyForm(user=user)
        if is_open and _can(user, *LINK_NEEDS):
            offered["link"] = LinkForm
        return offered

    def outside_body_rows(self, evidence: list) -> list[OutsideBodyRow]:
        """The case's outside bodies; an open one's forms for those in charge. The signing texts
        are read once (one query), only when someone may record a signature."""
        complaint, user = self.complaint, self.user
        bodies = list(complaint.outside_bodies.all())
        may_act = complaint.is_open and self.workable and _can(user, *OUTSIDE_BODY_PERMISSIONS)
        texts = (
            signing_texts_active()
            if may_act and any(body.is_open and body.signed_at is None for body in bodies)
            else []
        )
        files = [(item.pk, item.original_name) for item in evidence]
        bound_key = next((key for key in self.bound if key.startswith("body_")), "")
        bound = self.bound.get(bound_key)
        bound_id = str(bound.data.get("body") or bound.data.get("order") or "") if bound else ""
        rows = []
        for body in bodies:
            orders = []
            for order in body.off_sale_orders.all():
                done_form = None
                if may_act and order.done_at is None:
                    if bound_key == "body_off_sale_done" and bound_id == str(order.pk):
                        done_form = bound
                    else:
                        done_form = OffSaleDoneForm(
                            id_prefix=f"offsale{order.pk}", initial={"order": order.pk}
                        )
                orders.append(OffSaleRow(order, done_form))
            row = OutsideBodyRow(body, orders)
            rows.append(row)
            if not (may_act and body.is_open):
                continue

            def build(key: str, factory, body=body, row=row, **kwargs):
                if bound_key == key and bound_id == str(body.pk):
                    row.open_form = key
                    return bound
                return factory(id_prefix=f"{key}{body.pk}", initial={"body": body.pk}, **kwargs)

            row.document_form = build("body_document", BodyDocumentForm)
            if body.signed_at is None:
                offered = [text for text in texts if text.offered_for(body.kind)]
                row.sign_form = build("body_sign", BodySignForm, texts=offered)
            row.close_form = build("body_close", BodyCloseForm)
            if body.kind in ORDERING_KINDS:
                row.off_sale_form = build("body_off_sale", OffSaleForm, evidence=files)
        return rows

    def checklist_rows(self, evidence: list) -> list[ChecklistRow]:
        """The case's procedure steps, each open one with its tick form for those in charge."""
        complaint, user = self.complaint, self.user
        may_tick = (
            complaint.is_open
            and self.workable
            and _can(user, "receive_complaint", "investigate_complaint")
        )
        bound = self.bound.get("checklist")
        bound_step = bound.data.get("step") if bound is not None else None
        rows = []
        for step in complaint.checklist_steps.all():
            if not (may_tick and step.is_open):
                rows.append(ChecklistRow(step, None))
            elif bound is not None and bound_step == str(step.pk):
                rows.append(ChecklistRow(step, bound, open=True))
            else:
                form = ChecklistStepForm(
                    id_prefix=f"step{step.pk}", evidence=evidence, initial={"step": step.pk}
                )
                rows.append(ChecklistRow(step, form))
        return rows

    def _bound_for(self, key: str, field: str, pk: int) -> ServiceForm | None:
        bound = self.bound.get(key)
        return bound if bound is not None and bound.data.get(field) == str(pk) else None

    def agreement_rows(self) -> list[AgreementRow]:
        """The case's signed agreements (seed 004 §三.19), with their payments and, for those who
        may, the hand-over and payment forms (the services decide when a form is posted)."""
        may_record = self.workable and _can(self.user, "record_agreement")
        may_pay = self.workable and _can(self.user, "record_payment")
        rows = []
        for agreement in self.complaint.agreements.all():
            payments = list(agreement.payments.all())
            paid = sum((p.amount for p in payments), Decimal(0))
            approved = agreement.decision.state == Decision.Status.APPROVED
            left = max(min(agreement.amount, agreement.decision.amount) - paid, Decimal(0))
            pk = agreement.pk
            hand_over = None
            if may_record and not agreement.is_with_finance:
                hand_over = self._bound_for("hand_over", "agreement", pk) or HandOverForm(
                    id_prefix=f"handover{pk}", initial={"agreement": pk}
                )
            payment = None
            if may_pay and agreement.is_with_finance and approved and left > 0:
                payment = self._bound_for("payment", "agreement", pk) or PaymentForm(
                    id_prefix=f"payment{pk}", initial={"agreement": pk, "amount": left}
                )
            opened = next(
                (k for k in ("hand_over", "payment") if self._bound_for(k, "agreement", pk)), ""
            )
            rows.append(
                AgreementRow(agreement, payments, paid, left, approved, hand_over, payment, opened)
            )
        return rows

    def agreement_form(self, evidence: list[EvidenceFile]) -> AgreementForm | None:
        """The form for the signed original of an approved decision of this round that has none."""
        complaint = self.complaint
        if not (complaint.is_open and self.workable and _can(self.user, "record_agreement")):
            return None
        signed = {a.decision_id for a in complaint.agreements.all()}
        approved = [
            d
            for d in complaint.decisions.all()
            if d.state == Decision.Status.APPROVED
            and d.round == complaint.reopen_count
            and d.pk not in signed
        ]
        if not approved:
            return None
        return self.bound.get("agreement") or AgreementForm(
            decisions=[(d.pk, f"{d.get_remedy_display()} · {d.amount:,.2f}") for d in approved],
            evidence=[(e.pk, e.original_name) for e in evidence],
            initial={"decision": approved[-1].pk, "amount": approved[-1].amount},
        )

    def decision_form(self) -> DecisionForm:
        """The proposal form; a personal injury's amount starts at its breakdown's total (the
        service takes that total: seed 004 §三.17)."""
        complaint, user = self.complaint, self.user
        total = injury_compensation_total(complaint=complaint)
        if total is None:
            return DecisionForm(complaint=complaint, approvers=eligible_approvers(complaint, user))
        return DecisionForm(
            complaint=complaint,
            approvers=eligible_approvers(complaint, user, total),
            initial={"amount": total},
        )

    def injury_context(self) -> InjuryPanel | None:
        """The personal-injury card (issue 16 §1): what is done and what is missing and, for
        those who may, the forms of what can be recorded now (the services decide the rest)."""
        complaint, user = self.complaint, self.user
        card = injury_card(complaint=complaint, steps=list(complaint.checklist_steps.all()))
        if card is None:
            return None
        panel = InjuryPanel(card)
        panel.witnesses = [
            (witness, contact_details_of(phone=witness.phone, user=user))
            for witness in card.witnesses
        ]
        if not complaint.is_open:
            return panel
        record = card.record
        done = {row.item for row in card.items if row.done}

        def add(action: str, **kwargs: Any) -> None:
            bound = self.bound.get(f"injury:{action}")
            panel.forms[action] = bound or injury_form(action, complaint, **kwargs)
            if bound is not None:
                panel.open = action

        if may_record_injury(user=user, complaint=complaint):
            if record.accompany is None:
                add("accompany")
            if record.advance_approved_at is None:
                add(
                    "advance",
                    initial={
                        "advance": ""
                        if record.advance is None
                        else "yes"
                        if record.advance
                        else "no",
                        "amount": record.advance_amount,
                    },
                )
            if record.advance and record.advance_requested_at is None:
                add("advance_request")
            add("witness")
            if any(item not in done for item in DOCUMENT_ITEMS):
                add("document")
            if record.police_called_at is None or record.ambulance_called_at is None:
                add("call")
            if record.insurer_notified_on is None:
                add("insurer")
            elif record.insurer_opinion_id is None:
                add("insurer_opinion")
            add(
                "compensation",
                bases={row.head: row.basis for row in card.compensation},
                initial={row.head: row.amount for row in card.compensation},
            )
        pending = record.advance and record.advance_amount and record.advance_approved_at is None
        if (
            pending
            and record.advance_requested_at is not None
            and self.workable
            and can_approve_amount(user=user, complaint=complaint, amount=record.advance_amount)
        ):
            add("advance_approve")
        if (
            pending
            and not record.receipts_exception
            and InjuryItem.RECEIPTS_KEPT not in done
            and self.workable
            and _can(user, "waive_injury_receipts")
        ):
            add("receipts_exception")
        if (
            record.advance_approved_at is not None
            and record.advance_paid_on is None
            and self.workable
            and _can(user, "record_payment")
        ):
            add("advance_paid")
        return panel

    def quality_rows(self) -> list[QualityRow]:
        """The case's quality referrals (seed 004 §四.17): answers, who is still to answer, and
        the answer form for those who may record it."""
        may = self.workable and _can(self.user, "refer_to_quality")
        labels = dict(QualityDepartment.choices)
        rows = []
        for referral in self.complaint.quality_referrals.all():
            pending = quality_pending(referral)
            form = None
            bound = self._bound_for("quality_answer", "referral", referral.pk)
            if may:
                form = bound or QualityAnswerForm(
                    id_prefix=f"answer{referral.pk}",
                    initial={
                        "referral": referral.pk,
                        "department": pending[0] if pending else QualityDepartment.PURCHASING,
                    },
                )
            rows.append(
                QualityRow(
                    referral,
                    list(referral.answers.all()),
                    [str(labels[value]) for value in pending],
                    form,
                    open=bound is not None,
                )
            )
        return rows

    def quality_form(self) -> QualityReferralForm | None:
        """Passing an open case about a product to quality control and purchasing."""
        complaint = self.complaint
        if not (complaint.is_open and self.workable and _can(self.user, "refer_to_quality")):
            return None
        if not (complaint.product_or_service or complaint.quality_referrals.all()):
            return None
        return self.bound.get("quality") or QualityReferralForm(
            initial={"product": complaint.product_or_service}
        )

    def context(self) -> dict[str, Any]:
        complaint, user = self.complaint, self.user
        is_open = complaint.is_open
        contact = contact_details(customer=complaint.customer, user=user, revealed=self.revealed)
        running = self.running_clocks()
        # An anonymised case keeps its evidence rows (kind, size, date) without their files.
        evidence = [item for item in complaint.evidence.all() if item.file]
        follow_ups = [f for f in complaint.follow_ups.all() if f.round == complaint.reopen_count]
        offered = self.offered_panels()
        decisions = self.decision_rows()
        # A reopened case starts a new round: last round's decisions do not count for it.
        round_has_decision = any(row.current for row in decisions)
        if "decision" in offered and not round_has_decision:
            # The round's first decision is the step the case waits for: its form stands open.
            self.open_keys.add("decision")

        def folded(key: str) -> Any:
            return self.folded_form(key, offered[key]) if key in offered else None

        context = {
            "complaint": complaint,
            "customer": complaint.customer,
            **contact_card_context(user, contact, bound=self.bound.get("reveal")),
            "deadlines": (deadlines := complaint_deadlines(complaint=complaint)),
            "deadline_calendars": deadline_calendar_names(
                deadline for deadline in deadlines if deadline.round == complaint.reopen_count
            ),
            "escalation": complaint_escalation(complaint=complaint),
            "timeline": timeline_entries(complaint.events.all(), reader=user),
            "transitions": self.transition_panels(),
            "decisions": decisions,
            "round_has_decision": round_has_decision,
            **evidence_context(user, evidence),
            "evidence_count": len(evidence),
            "checklist": self.checklist_rows(evidence),
            "outside_bodies": self.outside_body_rows(evidence),
            "agreements": self.agreement_rows(),
            "agreement_form": self.agreement_form(evidence),
            "injury": self.injury_context(),
            "quality_referrals": self.quality_rows(),
            "quality_form": self.quality_form(),
            "follow_ups": follow_ups,
            "note_form": self.form("note", NoteForm)
            if _can(user, "comment_on_complaint")
            else None,
            "panels": set(offered),
            "triage_form": folded("triage"),
            "handoff_form": folded("handoff"),
            "evidence_form": folded("evidence"),
            "decision_form": folded("decision"),
            "contact_form": folded("contact"),
            "follow_up_form": self.form("follow_up", FollowUpForm)
            if complaint.state == State.FOLLOW_UP and _can(user, "follow_up_complaint")
            else None,
            "pause_form": folded("pause"),
            "can_resume": is_open
            and _can(user, *PAUSE_PERMISSIONS)
            and any(c.paused_at is not None for c in running),
            "open_panel": next(iter(self.bound), "") or self.opened,
            "can_set_legal_hold": can_set_legal_hold(user),
            "legal_hold_form": folded("legal_hold"),
            "outside_body_form": folded("outside_body"),
            "link_form": folded("link"),
            **register_context(user, complaint),
            **links_context(user, complaint, workable=self.workable),
            "library": self.library_context(),
        }
        if not self.workable:
            # Someone who worked on the case and passed it on reads it; no form, no button.
            context.update(
                dict.fromkeys(WRITE_CONTEXT), transitions=[], panels=set(), read_only=True
            )
            for row in context["decisions"]:
                row.approvable, row.approve_form, row.refuse_form = False, None, None
        return context

    def library_context(self) -> dict[str, Any]:
        """A closed case's place in the case library (issue 18 §2): its copy, or whether this
        user may propose it. Nothing (no query) for a case still open."""
        if self.complaint.state != State.CLOSED:
            return {}
        return {
            "study": case_study_of_complaint(complaint_id=self.complaint.pk),
            "can_propose": may_propose(user=self.user, complaint=self.complaint),
        }

    def transition_panels(self) -> list[TransitionPanel]:
        panels: list[TransitionPanel] = []
        if not self.workable:
            return panels
        current = self.current_decision()
        for spec in available_transitions(complaint=self.complaint, user=self.user):
            form = self.folded_form(
                f"transition:{spec.name}",
                lambda spec=spec: TransitionForm(
                    spec=spec, complaint=self.complaint, initial=self.reply_initial(spec, current)
                ),
            )
            panels.append(
                TransitionPanel(spec, form, spec.name in DANGER_TRANSITIONS, open=form is not None)
            )
        return panels

    def panel(self, key: str) -> tuple[str, dict[str, Any]]:
        """One folded panel, opened: its template and context (the htmx fragment).

        Raises Http404 for a panel this user may not open on this case now.
        """
        self.opened, self.open_keys = key, {key}
        context: dict[str, Any] = {"complaint": self.complaint, "open_panel": key, "focus": True}
        if key.startswith("transition:"):
            panel = next((p for p in self.transition_panels() if p.key == key), None)
            if panel is None:
                raise Http404(key)
            return STEP_TEMPLATE, {**context, "panel": panel}
        offered = self.offered_panels()
        if key not in offered or key not in PANEL_TEMPLATES:
            raise Http404(key)
        if key == "decision":
            context["round_has_decision"] = any(row.current for row in self.decision_rows())
        if key == "link":
            context["can_merge"] = may_merge(self.user, self.complaint, workable=True)
        return PANEL_TEMPLATES[key], {**context, f"{key}_form": offered[key]()}

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


def may_merge(user: User, complaint: Complaint, *, workable: bool) -> bool:
    """Whether this user may merge this case into another now (its buttons are offered)."""
    return workable and complaint.state in MERGEABLE_STATES and _can(user, *MERGE_NEEDS)


def links_context(user: User, complaint: Complaint, *, workable: bool) -> dict[str, Any]:
    """The related complaints' card and the repeat badge (issue 18 §4): the linked cases; at
    intake and triage, the possible duplicates with what this user may do with them."""
    can_link = workable and complaint.is_open and _can(user, *LINK_NEEDS)
    can_merge = may_merge(user, complaint, workable=workable)
    duplicates = (
        possible_duplicates_of(user=user, complaint=complaint)
        if (can_link or can_merge) and complaint.state in MERGEABLE_STATES
        else []
    )
    linked = linked_cases(user=user, complaint=complaint)
    return {
        "linked": linked,
        "merged_into": next(
            (row.complaint for row in linked if row.kind == "duplicate" and not row.merged_here),
            None,
        ),
        "duplicate_window_days": settings.COMPLAINTS_DUPLICATE_WINDOW_DAYS,
        "possible_duplicates": duplicates,
        "repeat": customer_repeat_standing(customer_id=complaint.customer_id),
        "can_link": can_link,
        "can_merge": can_merge,
    }


def evidence_context(user: User, evidence: list[EvidenceFile]) -> dict[str, Any]:
    """The evidence card: images and files this user may open, and the items of a kind restricted
    to other roles (complaints.privacy), listed by kind and date only."""
    restricted = [e for e in evidence if evidence_restricted(user=user, kind=e.kind)]
    shown = [e for e in evidence if e not in restricted]
    return {
        "images": [e for e in shown if e.content_type.startswith("image/")],
        "files": [e for e in shown if not e.content_type.startswith("image/")],
        "restricted_evidence": restricted,
    }


def contact_card_context(
    user: User, contact: ContactDetails, *, bound: ServiceForm | None = None
) -> dict[str, Any]:
    """The customer card's context: the details as this user reads them and, while some are
    masked and the role may reveal them, the reveal form (bound after a refusal)."""
    can_unmask = contact.masked and may_reveal(user=user)
    form = bound or (RevealForm(masked=contact.masked_fields) if can_unmask else None)
    return {"contact": contact, "can_unmask": can_unmask, "reveal_form": form}


def eligible_approvers(complaint: Complaint, user: User, amount: Decimal = Decimal(0)):
    """Who could approve a proposal of `amount` by `user` on this case (before it exists)."""
    draft = Decision(complaint=complaint, amount=amount, proposed_by=user)
    return decision_eligible_approvers(decision=draft).select_related("department")


def render_case(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: dict[str, ServiceForm] | None = None,
    revealed: tuple[str, ...] = (),
    opened: str = "",
    status: int = 200,
) -> HttpResponse:
    page = CasePage(request, complaint, bound=bound, revealed=revealed, opened=opened)
    return render(request, "staff/case/detail.html", page.context(), status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_case(request, load_case(request, reference), opened=request.GET.get("open", ""))


@login_required
@require_GET
def case_panel(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """One folded action panel, opened: the htmx fragment its button fetches.

    Without htmx (a link followed, a bookmark) it is the case page with that panel open.
    """
    try:
        complaint = case_for_panel(user=request.user, reference=reference)
    except NotFound as error:
        raise Http404(error.message) from error
    if not request.htmx:
        url = reverse("case_detail", args=[reference])
        return redirect(f"{url}?{urlencode({'open': key})}")
    template, context = CasePage(request, complaint).panel(key)
    return render(request, template, context)
