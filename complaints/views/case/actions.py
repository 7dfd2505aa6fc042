"""The case page's work actions: workflow steps, triage, handoff, notes, contacts, follow-up
visits, pausing the deadlines and showing contact details. Decisions are in decisions.py, evidence
in files.py; all answer through perform.py.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.people import person_label
from complaints import errors
from complaints.forms.base import ServiceForm
from complaints.forms.case import (
    ChecklistStepForm,
    ContactForm,
    FollowUpForm,
    HandoffForm,
    NoteForm,
    PauseForm,
    TransitionForm,
    TriageForm,
)
from complaints.forms.privacy import RevealForm
from complaints.models import Complaint
from complaints.privacy import contact_details
from complaints.selectors import follow_up_summary
from complaints.services import (
    TRANSITIONS,
    Needs,
    complaint_add_note,
    complaint_hand_off,
    complaint_transition,
    complaint_triage,
    contact_record,
    contact_reveal,
    ensure_role_may,
    ensure_workable,
    follow_up_record,
    transition_needs,
)
from complaints.views.case.page import contact_card_context, load_case, render_case
from complaints.views.case.perform import Action, perform
from sla.services import checklist_step_tick, clocks_pause, clocks_resume
from sla.services.checklists import CHECKLIST_PERMISSIONS
from sla.services.pauses import PAUSE_PERMISSIONS


def _transition_action(name: str) -> Action:
    spec = TRANSITIONS[name]

    def run(request: HttpRequest, complaint: Complaint, form: ServiceForm) -> str:
        moved = complaint_transition(
            complaint=complaint,
            name=name,
            actor=request.user,
            data=form.service_data(),
            expected_version=form.cleaned_data["expected_version"],
        )
        return _("%(action)s: done. The case is now at the “%(stage)s” stage.") % {
            "action": spec.label,
            "stage": moved.get_state_display(),
        }

    return Action(
        key=f"transition:{name}",
        form=lambda complaint, data, files: TransitionForm(data, spec=spec, complaint=complaint),
        run=run,
        needs=transition_needs(name),
    )


@login_required
@require_POST
def case_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    if name not in TRANSITIONS:
        raise Http404(errors.UnknownTransition().message)
    return perform(request, reference, _transition_action(name))


def _triage(request: HttpRequest, complaint: Complaint, form: TriageForm) -> str:
    arguments = form.service_arguments()
    if len(arguments) == 1 and not arguments["comment"]:
        return _("Nothing was changed.")
    complaint_triage(
        complaint=complaint,
        actor=request.user,
        expected_version=form.cleaned_data["expected_version"],
        **arguments,
    )
    return _("The triage details are saved.")


@login_required
@require_POST
def case_triage(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "triage",
            lambda complaint, data, files: TriageForm(data, complaint=complaint),
            _triage,
            needs=Needs.TRIAGE,
        ),
    )


def _hand_off(request: HttpRequest, complaint: Complaint, form: HandoffForm) -> str:
    data = form.cleaned_data
    handoff = complaint_hand_off(
        complaint=complaint,
        actor=request.user,
        to_department=data["to_department"],
        to_user=data["to_user"],
        note=data["note"],
        expected_version=data["expected_version"],
    )
    return _("The case is handed over to %(to)s.") % {
        "to": person_label(handoff.to_user) or handoff.to_department.local_name
    }


@login_required
@require_POST
def case_handoff(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "handoff",
            lambda complaint, data, files: HandoffForm(data, complaint=complaint),
            _hand_off,
            needs=Needs.INVESTIGATE,
        ),
    )


def _note(request: HttpRequest, complaint: Complaint, form: NoteForm) -> str:
    complaint_add_note(complaint=complaint, actor=request.user, text=form.cleaned_data["text"])
    return _("The note is added.")


@login_required
@require_POST
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "note",
            lambda complaint, data, files: NoteForm(data),
            _note,
            anchor="#timeline",
            needs=Needs.COMMENT,
        ),
    )


def _contact(request: HttpRequest, complaint: Complaint, form: ContactForm) -> str:
    contact_record(complaint=complaint, actor=request.user, **form.cleaned_data)
    return _("The contact with the customer is logged.")


@login_required
@require_POST
def case_contact(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "contact",
            lambda c, data, files: ContactForm(data, complaint=c),
            _contact,
            needs=Needs.CONTACT,
        ),
    )


def _follow_up(request: HttpRequest, complaint: Complaint, form: FollowUpForm) -> str:
    visit = follow_up_record(complaint=complaint, actor=request.user, **form.cleaned_data)
    if not visit.reached:
        return _("The attempt is recorded.")
    summary = follow_up_summary(complaint=complaint)
    if summary.satisfied:
        return _("The visit is recorded. The customer is satisfied: the case can be closed now.")
    if summary.dissatisfied:
        return _(
            "The visit is recorded. The customer is not satisfied: the case can be reopened for "
            "a second handling."
        )
    return _("The visit is recorded.")


@login_required
@require_POST
def case_follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "follow_up",
            lambda c, data, files: FollowUpForm(data),
            _follow_up,
            "#next-steps",
            needs=Needs.FOLLOW_UP,
        ),
    )


def _pause(request: HttpRequest, complaint: Complaint, form: PauseForm) -> str:
    stopped = clocks_pause(complaint=complaint, actor=request.user, **form.cleaned_data)
    # A reason stops only the deadlines its targets name; the others keep running (timeline).
    return _("Paused until you resume them: %(stages)s.") % {
        "stages": ", ".join(str(clock.get_stage_display()) for clock in stopped)
    }


def _resume(request: HttpRequest, complaint: Complaint, form: ServiceForm) -> str:
    clocks_resume(complaint=complaint, actor=request.user)
    return _("The deadlines run again, with the time that was left.")


@login_required
@require_POST
def case_pause(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action("pause", lambda c, data, files: PauseForm(data), _pause, needs=PAUSE_PERMISSIONS),
    )


@login_required
@require_POST
def case_resume(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "resume", lambda c, data, files: ServiceForm(data), _resume, needs=PAUSE_PERMISSIONS
        ),
    )


@login_required
@require_POST
def case_unmask(request: HttpRequest, reference: str) -> HttpResponse:
    """Reveal masked contact details with a reason: a deliberate, logged act (never on a GET).

    The details are rendered, not redirected to: they show for this one look, which is what was
    logged. A refused form (no reason, nothing chosen) comes back with its errors (422).
    """
    complaint = load_case(request, reference)
    try:
        ensure_workable(actor=request.user, complaint=complaint)
        ensure_role_may(actor=request.user, perms=("unmask_customer_pii",))
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error
    except errors.NotFound as error:
        raise Http404(error.message) from error
    masked = contact_details(customer=complaint.customer, user=request.user).masked_fields
    form = RevealForm(request.POST, masked=masked)
    revealed: tuple[str, ...] = ()
    if form.is_valid():
        data = form.cleaned_data
        try:
            rows = contact_reveal(
                complaint=complaint,
                actor=request.user,
                fields=data["details"],
                reason=data["reason"],
                note=data["note"],
            )
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.NotFound as error:
            raise Http404(error.message) from error
        else:
            revealed = tuple(row.field for row in rows)
    if request.htmx:
        # Swapped in either way (htmx does not swap a 4xx): the card, or the card with the errors.
        details = contact_details(customer=complaint.customer, user=request.user, revealed=revealed)
        context = {
            "complaint": complaint,
            "customer": complaint.customer,
            **contact_card_context(request.user, details, bound=None if revealed else form),
        }
        return render(request, "staff/case/_contact.html", context)
    fresh = load_case(request, reference)
    if revealed:
        return render_case(request, fresh, revealed=revealed)
    return render_case(request, fresh, bound={"reveal": form}, status=422)


def _checklist_form(complaint: Complaint, data, files) -> ChecklistStepForm:
    # Any of the case's files may be chosen; the service checks the one chosen.
    return ChecklistStepForm(
        data, id_prefix=f"step{data.get('step', '')}", evidence=complaint.evidence.all()
    )


def _checklist_step(request: HttpRequest, complaint: Complaint, form: ChecklistStepForm) -> str:
    step = checklist_step_tick(
        complaint=complaint,
        step_id=form.cleaned_data["step"],
        actor=request.user,
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
        evidence_id=form.cleaned_data["evidence"],
    )
    if step.outcome == step.Outcome.NOT_APPLICABLE:
        return _("The step is marked not applicable.")
    return _("The step is ticked.")


@login_required
@require_POST
def case_checklist_step(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "checklist",
            _checklist_form,
            _checklist_step,
            anchor="#checklist",
            needs=CHECKLIST_PERMISSIONS,
        ),
    )
