"""What the customer does on the public pages: add information, withdraw, answer the survey.

The customer has no account: the signed link (complaints.public_links) is their authority, and the
views only pass on the case it names. Their entries are written with no actor and the BY_CUSTOMER
marker (complaints.timeline), so the timeline says "the customer", never "the system". Changes of
state go through the one transition runner with `by_customer=True`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from complaints.errors import ConditionNotMet, InvalidInput, SurveyAnswered, SurveyClosed
from complaints.models import (
    CaseEvent,
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerText,
    EscalationLevel,
    FollowUp,
    FollowUpMethod,
    Notification,
    State,
)
from complaints.public_links import tracking_url
from complaints.selectors.public import web_survey_answered
from complaints.services.common import lock_for_change, save_change
from complaints.services.contacts import log_contact
from complaints.services.customer_emails import customer_email_send
from complaints.services.customer_texts import customer_text_on_commit
from complaints.services.evidence import (
    evidence_check_upload,
    evidence_store,
    kind_for_content_type,
)
from complaints.services.notifications import notifications_settle_case, notify
from complaints.services.transitions import complaint_transition
from complaints.timeline import BY_CUSTOMER, record_event
from config.dispatch import dispatch_after_commit
from sla.models import Stage
from sla.services.clocks import clocks_meet
from sla.services.escalation import Recipients
from sla.services.pauses import clocks_resume_waiting_on_customer

MESSAGE_MAX_LENGTH = 4000
MAX_FILES = 5
# complaints.tasks.send_tracking_link_task, queued by name (config.dispatch).
TRACKING_LINK_TASK = "complaints.tasks.send_tracking_link_task"


class Told:
    """What the staff notification about the customer's action says (a template code)."""

    MESSAGE = "message"
    EMAILED = "emailed"
    WITHDRAWN = "withdrawn"
    DISSATISFIED = "dissatisfied"
    SATISFIED = "satisfied"
    CLOSED = "closed"


@dataclass(frozen=True)
class Added:
    """What one "add information" brought: the customer's message entry and the files stored."""

    event: CaseEvent | None
    files: int
    resumed: int


def _handlers(complaint: Complaint, recipients: Recipients) -> list[User]:
    """Who works the case: its assignee, else the head of its department (else managers)."""
    if complaint.assignee is not None and complaint.assignee.is_active:
        return [complaint.assignee]
    return recipients.for_level(complaint=complaint, level=EscalationLevel.DEPARTMENT_HEAD)


def _tell_staff(
    *, complaint: Complaint, told: str, event: CaseEvent, managers: bool = False
) -> None:
    recipients = Recipients()
    people = _handlers(complaint, recipients)
    if managers:
        people += recipients.members(role=Role.COMPLAINT_MANAGER)
    notify(
        recipients=people,
        kind=Notification.Kind.CUSTOMER,
        complaint=complaint,
        key=f"customer:{told}:{event.pk}",
        template="customer_activity",
        context={"told": told, "event": event},
    )


def check_customer_files(uploads: Sequence[UploadedFile]) -> list[str]:
    """Every file's content type, or InvalidInput naming each bad file under "files"."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            {"files": [_("Send at most %(count)d files at a time.") % {"count": MAX_FILES}]}
        )
    types: list[str] = []
    problems: list[str] = []
    for upload in uploads:
        try:
            types.append(evidence_check_upload(upload))
        except InvalidInput as error:
            for message in error.fields.get("file", []):
                problems.append(f"{upload.name}: {message}")
    if problems:
        raise InvalidInput({"files": problems})
    return types


@transaction.atomic
def customer_add_information(
    *,
    complaint: Complaint,
    message: str,
    uploads: Sequence[UploadedFile] = (),
    channel: str = Channel.WEB,
) -> Added:
    """The customer adds a message and/or files to their open case (`channel`: on the tracking
    page, or by e-mail, complaints.services.mailboxes).

    Lands on the timeline as theirs, resumes the clocks stopped while waiting on them, and tells
    whoever works the case. Nothing is stored when any part is refused.
    """
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if not message and not uploads:
        errors["message"] = [_("Write a message or attach a file.")]
    elif len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = [
            _("Keep the message under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}
        ]
    try:
        types = check_customer_files(uploads)
    except InvalidInput as error:
        errors.update(error.fields)
        types = []
    if errors:
        raise InvalidInput(errors)
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet(
            [_("This complaint is finished; it no longer takes new information.")]
        )
    now = timezone.now()
    event = None
    if message:
        contact = log_contact(
            complaint=locked,
            actor=None,
            channel=channel,
            direction=ContactDirection.INBOUND,
            summary=message,
            at=now,
            by_customer=True,
        )
        event = locked.events.get(kind=CaseEvent.Kind.CONTACT, data__contact_id=contact.pk)
    for upload, content_type in zip(uploads, types, strict=True):
        stored = evidence_store(
            complaint=locked,
            actor=None,
            kind=kind_for_content_type(content_type),
            upload=upload,
            content_type=content_type,
            by_customer=True,
        )
        if event is None:
            event = locked.events.get(kind=CaseEvent.Kind.EVIDENCE, data__evidence_id=stored.pk)
    resumed = clocks_resume_waiting_on_customer(complaint=locked)
    if not resumed:
        save_change(locked, fields=[])
    assert event is not None
    told = Told.EMAILED if channel == Channel.EMAIL else Told.MESSAGE
    _tell_staff(complaint=locked, told=told, event=event)
    return Added(event=event, files=len(types), resumed=len(resumed))


@transaction.atomic
def customer_withdraw(*, complaint: Complaint, reason: str = "") -> Complaint:
    """The customer withdraws their open complaint (the workflow's `withdraw`, as theirs)."""
    reason = (reason or "").strip()
    if len(reason) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            {
                "reason": [
                    _("Keep the reason under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}
                ]
            }
        )
    withdrawn = complaint_transition(
        complaint=Complaint.objects.get(pk=complaint.pk),
        name="withdraw",
        actor=None,
        by_customer=True,
        data={"comment": reason},
    )
    event = withdrawn.events.filter(transition="withdraw").latest("at", "id")
    _tell_staff(complaint=withdrawn, told=Told.WITHDRAWN, event=event)
    return withdrawn


@transaction.atomic
def survey_answer(
    *,
    complaint: Complaint,
    handling_round: int,
    satisfaction: int | None,
    resolved: bool | None,
    comment: str = "",
) -> FollowUp:
    """The customer's answer to the satisfaction survey (回访), once per handling round.

    Recorded as a follow-up visit of method `web`. Dissatisfied (score 1–2 or not resolved): the
    case is reopened for a second handling and its handlers and the complaint managers are told.
    Satisfied: staff may close it; with COMPLAINTS_CLOSE_ON_SATISFIED_SURVEY it closes at once.
    """
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if satisfaction is None or not 1 <= satisfaction <= 5:
        errors["satisfaction"] = [_("Choose a score from 1 to 5.")]
    if resolved is None:
        errors["resolved"] = [_("Tell us whether the matter is resolved for you.")]
    if len(comment) > MESSAGE_MAX_LENGTH:
        errors["comment"] = [
            _("Keep the comment under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}
        ]
    locked = lock_for_change(complaint, must_be_current=False)
    if web_survey_answered(locked, handling_round=handling_round) is not None:
        raise SurveyAnswered()
    if locked.state != State.FOLLOW_UP or handling_round != locked.reopen_count:
        raise SurveyClosed()
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    follow_up = FollowUp.objects.create(
        complaint=locked,
        case_department_id=locked.department_id,
        case_assignee_id=locked.assignee_id,
        round=locked.reopen_count,
        method=FollowUpMethod.WEB,
        reached=True,
        satisfaction=satisfaction,
        resolved=resolved,
        comment=comment,
        by=None,
        at=now,
    )
    clocks_meet(complaint=locked, stages=[Stage.FOLLOW_UP], at=now)
    notifications_settle_case(complaint=locked, by=None, at=now)
    event = record_event(
        complaint=locked,
        kind=CaseEvent.Kind.FOLLOW_UP,
        actor=None,
        at=now,
        comment=comment,
        customer_visible=True,
        data={
            "follow_up_id": follow_up.pk,
            "method": FollowUpMethod.WEB,
            "reached": True,
            "satisfaction": satisfaction,
            "resolved": resolved,
            **BY_CUSTOMER,
        },
    )
    save_change(locked, fields=[])
    if follow_up.is_dissatisfied:
        moved = complaint_transition(complaint=locked, name="reopen", actor=None, by_customer=True)
        _tell_staff(complaint=moved, told=Told.DISSATISFIED, event=event, managers=True)
    elif settings.COMPLAINTS_CLOSE_ON_SATISFIED_SURVEY:
        moved = complaint_transition(complaint=locked, name="close", actor=None, by_customer=True)
        _tell_staff(complaint=moved, told=Told.CLOSED, event=event)
    else:
        _tell_staff(complaint=locked, told=Told.SATISFIED, event=event)
    return follow_up


def tracking_link_request(*, complaint: Complaint) -> None:
    """Send the customer a fresh tracking link, after the commit and off the request: the page
    answers alike (and as fast) whether or not the details matched a complaint."""
    # The request's own key: a retried task texts once, a second request texts again.
    dispatch_after_commit(TRACKING_LINK_TASK, complaint.pk, uuid.uuid4().hex)


@transaction.atomic
def tracking_link_send(*, complaint_id: int, request_key: str = "") -> bool:
    """E-mail the customer a fresh tracking link (the task queued by tracking_link_request), or
    text it to a customer with a mobile number and no e-mail address (customer_texts).

    Recorded as an automatic e-mail on the case (the text, once sent). False when it cannot go:
    no e-mail address nor mobile number, or automatic messages switched off.
    """
    complaint = Complaint.objects.select_related("customer").filter(pk=complaint_id).first()
    if complaint is None:
        return False
    locked = lock_for_change(complaint, must_be_current=False)
    email = customer_email_send(
        complaint=locked,
        purpose=ContactPurpose.TRACKING_LINK,
        template="customer_tracking_link",
        context={"tracking_url": tracking_url(locked)},
    )
    if email is not None:
        return True
    return customer_text_on_commit(
        complaint=complaint,
        kind=CustomerText.Kind.TRACKING_LINK,
        key=f"tracking_link:{complaint_id}:{request_key or uuid.uuid4().hex}",
    )
