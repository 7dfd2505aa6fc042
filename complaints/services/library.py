"""The case library (案例库, issue 18 §2): every seed ends with 事后检讨、改善、避免再犯 and asks that
typical cases be shared in training (案例分享).

A closed case is proposed by someone who may read it and holds `propose_case_study` (its handler,
the department head, a complaint manager); a complaint manager (`review_case_study`) approves it
into the library, refuses it with a reason, or later withdraws it. The copy is built here, once:
- the proposer's words (title, story, what went well or wrong, lesson) are scrubbed of the
  customer's name, phone, e-mail, address and order reference, of the names of the staff on the
  case, and of anything shaped like an e-mail, a phone, ID-card, order or case number
  (complaints.domain.redaction);
- the facts are codes copied from the case: category, product, channel, severity, outcome and
  remedy of the last approved decision, the amount rounded to AMOUNT_STEP, working days from
  receipt to close, the quarter it closed in; never a date, a name or a reference;
- staff names only when the approver chooses to show them (then the handler's and department
  head's names, nothing of the customer).
The copy refers to no customer: the retention job and erasure requests leave it as it is.
Each step writes an internal entry on the source case's timeline (who, when, the copy's id and
status, a reviewer's reason as the comment), so the case shows its way into the library; nothing
goes the other way.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.people import person_name
from complaints.domain.redaction import redact_text
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import (
    CaseEvent,
    CaseParticipant,
    CaseStudy,
    Complaint,
    Decision,
    EscalationLevel,
    State,
)
from complaints.selectors.access import complaint_is_visible_to
from complaints.timeline import record_event
from sla.selectors import calendar_for_department

PROPOSE = "complaints.propose_case_study"
REVIEW = "complaints.review_case_study"
# Amounts in the library are rounded to this (yuan): 1,234.50 reads 1,200.
AMOUNT_STEP = Decimal(100)
TEXT_FIELDS = ("title", "story", "went_well", "went_wrong", "lesson")
REQUIRED_TEXT = ("title", "story", "lesson")
TITLE_MAX = CaseStudy._meta.get_field("title").max_length or 200


def may_propose(*, user: User, complaint: Complaint) -> bool:
    """Whether `user` may propose `complaint` for the library now (closed, theirs to read)."""
    return (
        complaint.state == State.CLOSED
        and user.is_active
        and user.has_perm(PROPOSE)
        and complaint_is_visible_to(user=user, complaint=complaint)
    )


def may_review(user: User) -> bool:
    return user.is_active and user.has_perm(REVIEW)


def case_people(complaint: Complaint) -> list[User]:
    """The staff on the case: who received, was assigned, worked on it, and the department's head."""
    ids = set(CaseParticipant.objects.filter(complaint=complaint).values_list("user_id", flat=True))
    ids |= {pk for pk in (complaint.assignee_id, complaint.received_by_id) if pk}
    department = complaint.department
    if department is not None and department.head_id:
        ids.add(department.head_id)
    return list(User.objects.filter(pk__in=ids))


def personal_values(complaint: Complaint, people: Iterable[User] = ()) -> list[str]:
    """Everything on the case that names or reaches a person: what the scrub removes by value."""
    customer = complaint.customer
    values = [
        customer.name,
        customer.phone,
        customer.email,
        customer.address,
        complaint.order_ref,
        complaint.reference,
    ]
    for person in people:
        values += [person_name(person), person.username, person.email]
    return [value for value in values if value]


def rounded_amount(amount: Decimal | None) -> Decimal | None:
    if amount is None:
        return None
    return (amount / AMOUNT_STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * AMOUNT_STEP


def quarter_of(complaint: Complaint) -> str:
    if complaint.closed_at is None:
        return ""
    local = timezone.localtime(complaint.closed_at)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def working_days_to_close(complaint: Complaint) -> int | None:
    if complaint.closed_at is None:
        return None
    calendar = calendar_for_department(department_id=complaint.department_id)
    return calendar.working_days_between(
        calendar.local_date(complaint.received_at), calendar.local_date(complaint.closed_at)
    )


def _last_decision(complaint: Complaint) -> Decision | None:
    return (
        complaint.decisions.filter(state=Decision.Status.APPROVED).order_by("-created_at").first()
    )


def case_facts(complaint: Complaint) -> dict[str, object]:
    """The coded facts the library shows beside the story, taken from the case."""
    decision = _last_decision(complaint)
    return {
        "category_id": complaint.category_id,
        # The product is a free text of the case: scrubbed like the story.
        "product": redact_text(complaint.product_or_service, known=personal_values(complaint)),
        "channel": complaint.channel,
        "severity": complaint.severity,
        "outcome": decision.outcome if decision else "",
        "remedy": decision.remedy if decision else "",
        "amount": rounded_amount(decision.amount) if decision and decision.amount else None,
        "working_days": working_days_to_close(complaint),
        "reopened": complaint.reopen_count > 0,
        "escalated": complaint.escalation_level > EscalationLevel.NONE,
        "personal_injury": complaint.personal_injury,
        "outside_body": complaint.regulator_involved
        or complaint.media_involved
        or complaint.legal_risk,
        "period": quarter_of(complaint),
    }


def _clean_texts(texts: dict[str, str], known: list[str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_TEXT:
        if not (texts.get(name) or "").strip():
            errors[name] = [_("This field is required.")]
    if len((texts.get("title") or "").strip()) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(limit)d characters.") % {"limit": TITLE_MAX}]
    if errors:
        raise InvalidInput(errors)
    return {
        name: redact_text((texts.get(name) or "").strip(), known=known)[:TITLE_MAX]
        if name == "title"
        else redact_text((texts.get(name) or "").strip(), known=known)
        for name in TEXT_FIELDS
    }


@transaction.atomic
def case_study_propose(
    *,
    complaint: Complaint,
    actor: User,
    title: str,
    story: str,
    lesson: str,
    went_well: str = "",
    went_wrong: str = "",
) -> CaseStudy:
    """Propose the closed case as a teaching case: an anonymised copy awaiting a manager's review.

    Raises PermissionDenied (role, or a case they may not read), ConditionNotMet (not closed, or
    already proposed or in the library), InvalidInput (a text missing).
    """
    if not actor.has_perm(PROPOSE) or not complaint_is_visible_to(user=actor, complaint=complaint):
        raise PermissionDenied()
    # Only the case's row is locked (its department is an outer join PostgreSQL cannot lock).
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("customer", "department")
        .get(pk=complaint.pk)
    )
    if locked.state != State.CLOSED:
        raise ConditionNotMet([_("Only a closed case can be proposed for the library.")])
    if CaseStudy.objects.filter(source=locked, status__in=LIVE).exists():
        raise ConditionNotMet([_("This case is already proposed or in the library.")])
    known = personal_values(locked, case_people(locked))
    texts = _clean_texts(
        {
            "title": title,
            "story": story,
            "lesson": lesson,
            "went_well": went_well,
            "went_wrong": went_wrong,
        },
        known,
    )
    try:
        with transaction.atomic():
            study = CaseStudy.objects.create(
                source=locked,
                status=CaseStudy.Status.PROPOSED,
                proposed_by=actor,
                proposed_at=timezone.now(),
                **texts,
                **case_facts(locked),
            )
    except IntegrityError as error:  # a second proposal committed first
        raise ConditionNotMet([_("This case is already proposed or in the library.")]) from error
    _record_on_case(study, actor=actor)
    return study


LIVE = (CaseStudy.Status.PROPOSED, CaseStudy.Status.PUBLISHED)


def _lock_study(study: CaseStudy, *, status: str) -> CaseStudy:
    locked = CaseStudy.objects.select_for_update().filter(pk=study.pk).first()
    if locked is None:
        raise NotFound(_("No such library case."))
    if locked.status != status:
        raise ConditionNotMet([_("This library case has changed meanwhile: look again.")])
    return locked


def _staff_names(study: CaseStudy) -> str:
    """The handler's and the department head's names, for an approver who chose to show them."""
    complaint = study.source
    if complaint is None:
        return ""
    people = [complaint.assignee]
    department = complaint.department
    if department is not None and department.head_id:
        people.append(department.head)
    names: list[str] = []
    for person in people:
        if person is not None and person_name(person) not in names:
            names.append(person_name(person))
    return "、".join(names)


@transaction.atomic
def case_study_approve(*, study: CaseStudy, actor: User, show_staff: bool = False) -> CaseStudy:
    """Publish a proposed library case; `show_staff`: with the handler's and head's names."""
    if not may_review(actor):
        raise PermissionDenied()
    locked = _lock_study(study, status=CaseStudy.Status.PROPOSED)
    now = timezone.now()
    locked.status = CaseStudy.Status.PUBLISHED
    locked.reviewed_by, locked.reviewed_at, locked.published_at = actor, now, now
    locked.review_reason = ""
    locked.show_staff = show_staff
    locked.staff_names = _staff_names(locked)[:300] if show_staff else ""
    locked.save()
    _record_on_case(locked, actor=actor, show_staff=show_staff)
    return locked


@transaction.atomic
def case_study_refuse(*, study: CaseStudy, actor: User, reason: str) -> CaseStudy:
    """Refuse a proposal, saying why (the proposer reads it and may propose again)."""
    return _close(
        study=study,
        actor=actor,
        reason=reason,
        status=CaseStudy.Status.PROPOSED,
        to=CaseStudy.Status.REFUSED,
    )


@transaction.atomic
def case_study_unpublish(*, study: CaseStudy, actor: User, reason: str) -> CaseStudy:
    """Take a published case out of the library, saying why."""
    return _close(
        study=study,
        actor=actor,
        reason=reason,
        status=CaseStudy.Status.PUBLISHED,
        to=CaseStudy.Status.UNPUBLISHED,
    )


def _close(*, study: CaseStudy, actor: User, reason: str, status: str, to: str) -> CaseStudy:
    if not may_review(actor):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Say why.")]})
    locked = _lock_study(study, status=status)
    kept = reason
    if locked.source is not None:
        # The reason is kept with the copy: scrubbed like the story.
        kept = redact_text(reason, known=personal_values(locked.source, case_people(locked.source)))
    locked.status = to
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.review_reason = kept
    locked.save()
    # The case's own timeline keeps the words as written: it may name the people of the case, and
    # its comments go when the case is anonymised.
    _record_on_case(locked, actor=actor, reason=reason)
    return locked


def _record_on_case(study: CaseStudy, *, actor: User, reason: str = "", **codes: object) -> None:
    """The step on the source case's timeline, internal: the study's id and new status (codes),
    the reviewer's reason as the comment. Only this way round: the copy names no case."""
    source = study.source
    if source is None:
        return  # the case is gone; the copy stays
    record_event(
        complaint=source,
        kind=CaseEvent.Kind.CASE_STUDY,
        actor=actor,
        comment=reason,
        data={"status": study.status, "study": study.pk, **codes},
        customer_visible=False,
    )
