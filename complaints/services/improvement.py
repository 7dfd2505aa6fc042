"""Improvement actions (整改措施, issue 18 §1), written only here.

Who may do what:
- complaint managers and department heads (`complaints.manage_improvement_action`) start an
  action — from a case, from a recurring problem of the reports, or on its own — and link more
  cases to it; a head only for a department of theirs;
- the owner moves it: starts the work, records it done with the evidence of what was done;
- a complaint manager (`complaints.verify_improvement_action`) verifies its effect once the
  period after it is over: effective or not, with the figures the reports counted
  (reports.services.improvement gives them; this module never counts complaints).

Its due date runs on the owning department's business calendar like a stage clock: reminded at
a share of its working time, breached at the due time, escalated a level each level step later
(sla.services.clocks.Timed, sla.services.escalation_batch.clock_advance), by
`improvement_actions_remind` (beat, every minute). Each step is on the timeline of the linked
cases and in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, Department, User
from accounts.roles import Role
from accounts.selectors import department_scope_ids
from accounts.services import audit_record
from complaints.domain.improvement import MOVES, effect_periods
from complaints.errors import (
    ConditionNotMet,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from complaints.models import (
    ActionOrigin,
    ActionStatus,
    CaseEvent,
    Category,
    Complaint,
    ImprovementAction,
    ImprovementActionCase,
    ImprovementActionFile,
    Notification,
    RootCause,
)
from complaints.selectors import complaint_get_for_user
from complaints.selectors.improvement import (
    MANAGE_ACTIONS,
    VERIFY_ACTIONS,
    improvement_action_get_for_user,
)
from complaints.services.evidence import evidence_check_upload, file_checksum, file_store_once
from complaints.services.notifications import Message, notifications_settle, notify, notify_many
from complaints.services.notifications import site_url as _site_url
from complaints.timeline import new_event, record_events
from sla.calendar import END_OF_DAY, WorkingCalendar
from sla.models import EscalationSettings, Unit
from sla.selectors import calendar_for_deadline, working_calendar
from sla.services.clocks import Timed, deadline_schedule
from sla.services.escalation import LEVEL_ROLES, Recipients
from sla.services.escalation_batch import clock_advance

TEXT_MAX_LENGTH = 4000
REMIND_BATCH = 500
# Files showing what was done, per action (photos, the new rule as a PDF, a sign-in sheet).
MAX_FILES = 10


# --- who may ---------------------------------------------------------------------------------


def can_manage_actions(user: User) -> bool:
    return user.is_active and user.has_perm(MANAGE_ACTIONS)


def can_verify_actions(user: User) -> bool:
    return user.is_active and user.has_perm(VERIFY_ACTIONS)


def _may_own_department(actor: User, department: Department) -> bool:
    """A complaint manager starts actions for any department, a head for theirs (and below)."""
    if actor.has_perm("complaints.view_all_improvement_actions"):
        return True
    return department.pk in department_scope_ids(user=actor)


def may_make(*, user: User, action: ImprovementAction, move: str) -> bool:
    """Whether `user` is the one who makes `move` on `action`, whatever its status: a verifier
    verifies, the owner does the rest."""
    if not user.is_active:
        return False
    if move == "verify":
        return can_verify_actions(user)
    return action.owner_id == user.pk


def may_add_files(*, user: User, action: ImprovementAction) -> bool:
    """Whether `user` is one who attaches files showing what was done, whatever its status: the
    owner, or whoever starts actions (a head, a complaint manager) and reads this one."""
    return user.is_active and (action.owner_id == user.pk or can_manage_actions(user))


def may_attach(*, user: User, action: ImprovementAction) -> bool:
    """Whether `user` may attach files now: until the action's effect is verified."""
    verified = action.status in (ActionStatus.EFFECTIVE, ActionStatus.NOT_EFFECTIVE)
    return not verified and may_add_files(user=user, action=action)


def may_move(*, user: User, action: ImprovementAction, move: str) -> bool:
    """Whether `user` may make `move` on `action` now (its status allowing it)."""
    return action.status in MOVES[move][0] and may_make(user=user, action=action, move=move)


# --- the due date ------------------------------------------------------------------------------


def improvement_calendar(*, department_id: int | None) -> tuple[int | None, WorkingCalendar]:
    """The calendar an action of this department counts its due date on: the department's (the
    nearest up the tree that keeps one), else the default; as (its id or None, the calendar)."""
    chosen = calendar_for_deadline(policy=None, department_id=department_id, unit=Unit.WORKING_DAYS)
    return chosen.calendar_id, chosen.working


def improvement_default_due(*, department_id: int | None, now: datetime | None = None) -> date:
    """The due date a new action is offered: IMPROVEMENT_DUE_WORKING_DAYS working days on."""
    _id, calendar = improvement_calendar(department_id=department_id)
    due = calendar.add_working_days(now or timezone.now(), settings.IMPROVEMENT_DUE_WORKING_DAYS)
    return calendar.local_date(due)


def _schedule(action: ImprovementAction, calendar: WorkingCalendar) -> None:
    deadline_schedule(
        cast(Timed, action),
        calendar=calendar,
        unit=Unit.WORKING_DAYS,
        percent=action.reminder_percent,
        start=action.created_at,
    )


# --- recording ---------------------------------------------------------------------------------


def _text(
    value: str, name: str, errors: dict[str, list[str]], *, limit: int, required: str = ""
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [required]
    elif len(value) > limit:
        errors[name] = [_("Keep it under %(count)d characters.") % {"count": limit}]
    return value


def _case(actor: User, reference: str, errors: dict[str, list[str]]) -> Complaint | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    try:
        return complaint_get_for_user(user=actor, reference=reference)
    except NotFound:
        errors["complaint"] = [_("No complaint you may read has this reference.")]
        return None


def _facts(action: ImprovementAction) -> dict:
    return {"action_id": action.pk, "title": action.title, "status": action.status}


def _case_events(
    action: ImprovementAction,
    *,
    what: str,
    actor: User | None,
    at: datetime,
    comment: str = "",
    cases: list[Complaint] | None = None,
    **data: object,
) -> None:
    """One timeline entry on each linked case (or on `cases`)."""
    if cases is None:
        cases = [link.complaint for link in action.case_links.select_related("complaint")]
    record_events(
        events=[
            new_event(
                complaint=case,
                kind=CaseEvent.Kind.IMPROVEMENT_ACTION,
                actor=actor,
                at=at,
                comment=comment,
                data={**_facts(action), "what": what, **data},
            )
            for case in cases
        ]
    )


def action_url(action: ImprovementAction) -> str:
    return _site_url(reverse("reports:improvement_detail", args=[action.pk]))


@transaction.atomic
def improvement_action_record(
    *,
    actor: User,
    title: str,
    root_cause: str,
    department: Department | None,
    owner: User | None,
    due_date: date | None,
    description: str = "",
    category: Category | None = None,
    product: str = "",
    complaint: str = "",
    from_report: bool = False,
    check_days: int | None = None,
    now: datetime | None = None,
) -> ImprovementAction:
    """Start an action: what is to change, the root cause category, the owning department and
    person, the due date (a working day of that department's calendar, after today), and what
    its effect is counted on (a category and/or a product). `complaint`: the reference of the
    case it follows from (linked, on its timeline); `from_report`: started from a recurring
    problem of the reports. The owner is told."""
    if not can_manage_actions(actor):
        raise PermissionDenied(_("Your role does not start improvement actions."))
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", errors, limit=200, required=_("Say what is to change."))
    description = _text(description, "description", errors, limit=TEXT_MAX_LENGTH)
    product = " ".join(_text(product, "product", errors, limit=200).split())
    if root_cause not in RootCause.values:
        errors["root_cause"] = [_("Choose the root cause category.")]
    if department is None or not department.is_active:
        errors["department"] = [_("Choose the owning department.")]
    elif not _may_own_department(actor, department):
        errors["department"] = [_("You start actions for your own department only.")]
    if owner is None or not owner.is_active:
        errors["owner"] = [_("Choose the person who owns the action.")]
    days = settings.IMPROVEMENT_CHECK_DAYS if check_days is None else check_days
    if not 7 <= days <= 366:
        errors["check_days"] = [_("Compare between 7 and 366 days.")]
    case = _case(actor, complaint, errors)
    calendar_id, calendar = improvement_calendar(
        department_id=department.pk if department is not None else None
    )
    if due_date is None:
        errors["due_date"] = [_("Choose the due date.")]
    elif due_date <= calendar.local_date(now):
        errors["due_date"] = [_("The due date is after today.")]
    elif not calendar.is_working_day(due_date):
        errors["due_date"] = [_("The due date is not a working day of the business calendar.")]
    if errors:
        raise InvalidInput(errors)
    assert department is not None and owner is not None and due_date is not None
    origin = ActionOrigin.CASE if case else ActionOrigin.REPORT if from_report else ActionOrigin.OWN
    action = ImprovementAction(
        title=title,
        description=description,
        root_cause=root_cause,
        origin=origin,
        category=category,
        product=product,
        department=department,
        owner=owner,
        calendar_id=calendar_id,
        due_at=datetime.combine(due_date, END_OF_DAY, tzinfo=calendar.time_zone),
        check_days=days,
        created_by=actor,
        created_at=now,
    )
    _schedule(action, calendar)
    action.save()
    if case is not None:
        ImprovementActionCase.objects.create(
            action=action, complaint=case, linked_by=actor, linked_at=now
        )
        _case_events(action, what="created", actor=actor, at=now, cases=[case])
    notify(
        recipients=[owner],
        kind=Notification.Kind.IMPROVEMENT,
        complaint=case,
        key=f"improvement:{action.pk}:owner:{owner.pk}",
        template="improvement_owner",
        context={"action": action, "action_url": action_url(action)},
    )
    audit_record(
        actor,
        AuditEntry.Action.IMPROVEMENT_ACTION_RECORDED,
        action,
        {"origin": origin, "complaint": case.reference if case else None, "owner": owner.pk},
    )
    return action


def _locked(actor: User, action_id: int) -> ImprovementAction:
    improvement_action_get_for_user(user=actor, pk=action_id)  # out of reach reads as missing
    return ImprovementAction.objects.select_for_update().get(pk=action_id)


def _check_move(actor: User, action: ImprovementAction, move: str) -> None:
    sources, _targets = MOVES[move]
    if action.status not in sources:
        raise ConditionNotMet(
            [
                _("Not possible while the action is “%(status)s”.")
                % {"status": ActionStatus(action.status).label}
            ]
        )
    if not may_make(user=actor, action=action, move=move):
        if move == "verify":
            raise PermissionDenied(_("Your role does not verify improvement actions."))
        raise PermissionDenied(_("Only the action's owner moves it on."))


@transaction.atomic
def improvement_action_link(
    *, actor: User, action_id: int, complaint: str, now: datetime | None = None
) -> ImprovementAction:
    """Link another case to the action (one the actor may read), once; on its timeline."""
    if not can_manage_actions(actor):
        raise PermissionDenied(_("Your role does not start improvement actions."))
    action = _locked(actor, action_id)
    errors: dict[str, list[str]] = {}
    case = _case(actor, complaint, errors)
    if case is None and not errors:
        errors["complaint"] = [_("Enter the complaint's reference.")]
    if errors:
        raise InvalidInput(errors)
    assert case is not None
    if ImprovementActionCase.objects.filter(action=action, complaint=case).exists():
        raise ConditionNotMet([_("This complaint is linked to the action already.")])
    now = now or timezone.now()
    ImprovementActionCase.objects.create(
        action=action, complaint=case, linked_by=actor, linked_at=now
    )
    _case_events(action, what="linked", actor=actor, at=now, cases=[case])
    audit_record(
        actor,
        AuditEntry.Action.IMPROVEMENT_ACTION_CHANGED,
        action,
        {"change": "linked", "complaint": case.reference},
    )
    return action


def _settle_reminders(action: ImprovementAction, actor: User, at: datetime) -> None:
    keys = [f"improvement:{action.pk}:{step}" for step in ("reminder", "late")]
    keys += [f"improvement:{action.pk}:level:{level}" for level in (1, 2, 3)]
    notifications_settle(keys=keys, reason=Notification.Settled.ACTION_DONE, by=actor, at=at)


@transaction.atomic
def improvement_action_start(
    *, actor: User, action_id: int, note: str = "", now: datetime | None = None
) -> ImprovementAction:
    """The owner starts the work (open → in progress); the due date keeps running."""
    action = _locked(actor, action_id)
    _check_move(actor, action, "start")
    errors: dict[str, list[str]] = {}
    note = _text(note, "note", errors, limit=TEXT_MAX_LENGTH)
    if errors:
        raise InvalidInput(errors)
    now = now or timezone.now()
    action.status, action.started_at = ActionStatus.IN_PROGRESS, now
    action.save(update_fields=["status", "started_at"])
    _case_events(action, what="started", actor=actor, at=now, comment=note)
    audit_record(actor, AuditEntry.Action.IMPROVEMENT_ACTION_CHANGED, action, {"change": "started"})
    return action


@transaction.atomic
def improvement_action_complete(
    *,
    actor: User,
    action_id: int,
    evidence: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> ImprovementAction:
    """The owner records the action done, with the evidence of what was done (what changed,
    where it is written down, who was trained) and optionally files showing it (checked before
    anything is written: a refused file leaves the action as it was). Its due date stops (late if past it), its
    reminders are settled, and the period after it for the effect check starts."""
    action = _locked(actor, action_id)
    _check_move(actor, action, "complete")
    errors: dict[str, list[str]] = {}
    evidence = _text(
        evidence,
        "evidence",
        errors,
        limit=TEXT_MAX_LENGTH,
        required=_("Describe what was done and where it can be seen."),
    )
    checked = _checked_files(action, files, errors) if files else []
    if errors:
        raise InvalidInput(errors)
    now = now or timezone.now()
    late = action.due_at < now
    action.status, action.done_at, action.done_by = ActionStatus.DONE, now, actor
    action.evidence, action.next_action_at = evidence, None
    action.save(update_fields=["status", "done_at", "done_by", "evidence", "next_action_at"])
    _settle_reminders(action, actor, now)
    stored = [
        _store_file(action, actor=actor, upload=u, content_type=t, at=now) for u, t in checked
    ]
    _case_events(action, what="done", actor=actor, at=now, comment=evidence, late=late)
    audit_record(
        actor,
        AuditEntry.Action.IMPROVEMENT_ACTION_CHANGED,
        action,
        {"change": "done", "late": late, "files": [f.pk for f in stored]},
    )
    return action


# --- files showing what was done ---------------------------------------------------------


def _checked_files(
    action: ImprovementAction, files: Sequence[UploadedFile], errors: dict[str, list[str]]
) -> list[tuple[UploadedFile, str]]:
    """Each file through the evidence checks (size, content sniffed), with its real type."""
    if action.files.count() + len(files) > MAX_FILES:
        errors["files"] = [_("Attach at most %(count)d files.") % {"count": MAX_FILES}]
        return []
    checked, refused = [], []
    for upload in files:
        try:
            checked.append((upload, evidence_check_upload(upload)))
        except InvalidInput as error:
            refused += [f"{upload.name}: {m}" for m in error.fields.get("file", [])]
    if refused:
        errors["files"] = refused
    return checked


def _store_file(
    action: ImprovementAction,
    *,
    actor: User,
    upload: UploadedFile,
    content_type: str,
    at: datetime,
) -> ImprovementActionFile:
    stored = ImprovementActionFile(
        action=action,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=file_checksum(upload),
        uploaded_by=actor,
        uploaded_at=at,
    )
    file_store_once(
        stored.file,
        stored_name=stored.file.field.generate_filename(stored, stored.original_name),
        original_name=stored.original_name,
        upload=upload,
    )
    stored.save()
    return stored


@transaction.atomic
def improvement_action_add_files(
    *,
    actor: User,
    action_id: int,
    files: Sequence[UploadedFile],
    now: datetime | None = None,
) -> list[ImprovementActionFile]:
    """Attach files showing what was done (before, with or after the done step), checked like
    evidence files; all or none. In the audit log."""
    action = _locked(actor, action_id)
    if not may_add_files(user=actor, action=action):
        raise PermissionDenied(_("Only the action's owner or a manager of actions adds files."))
    if not may_attach(user=actor, action=action):
        raise ConditionNotMet([_("The action's effect is verified; its files are final.")])
    errors: dict[str, list[str]] = {}
    if not files:
        errors["files"] = [_("Choose the files to attach.")]
    checked = _checked_files(action, files, errors) if files else []
    if errors:
        raise InvalidInput(errors)
    now = now or timezone.now()
    stored = [
        _store_file(action, actor=actor, upload=u, content_type=t, at=now) for u, t in checked
    ]
    audit_record(
        actor,
        AuditEntry.Action.IMPROVEMENT_ACTION_CHANGED,
        action,
        {"change": "files", "files": [f.pk for f in stored]},
    )
    return stored


@transaction.atomic
def improvement_action_verify(
    *,
    actor: User,
    action_id: int,
    effective: bool | None,
    note: str,
    before: int | None,
    after: int | None,
    now: datetime | None = None,
) -> ImprovementAction:
    """Record the check of effect once the period after the action is over: effective or not,
    why, and the figures counted (complaints of its category/product before and after; None
    when it names neither). Called by reports.services.improvement, which counts them."""
    action = _locked(actor, action_id)
    _check_move(actor, action, "verify")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if effective is None:
        errors["effective"] = [_("Say whether the action was effective.")]
    note = _text(
        note,
        "note",
        errors,
        limit=TEXT_MAX_LENGTH,
        required=_("Say what the check found."),
    )
    if errors:
        raise InvalidInput(errors)
    assert action.done_at is not None
    periods = effect_periods(done_on=timezone.localdate(action.done_at), days=action.check_days)
    if not periods.check_possible_on(timezone.localdate(now)):
        raise ConditionNotMet(
            [
                _("The effect can be checked from %(day)s, after the period compared.")
                % {"day": periods.after_last.isoformat()}
            ]
        )
    action.status = ActionStatus.EFFECTIVE if effective else ActionStatus.NOT_EFFECTIVE
    action.verified_at, action.verified_by, action.verification_note = now, actor, note
    action.effect_before, action.effect_after = before, after
    action.save(
        update_fields=[
            "status",
            "verified_at",
            "verified_by",
            "verification_note",
            "effect_before",
            "effect_after",
        ]
    )
    _case_events(
        action, what="verified", actor=actor, at=now, comment=note, before=before, after=after
    )
    audit_record(
        actor,
        AuditEntry.Action.IMPROVEMENT_ACTION_CHANGED,
        action,
        {"change": "verified", "status": action.status, "before": before, "after": after},
    )
    return action


# --- reminders and escalation --------------------------------------------------------------


def improvement_actions_remind(*, now: datetime | None = None, batch: int = REMIND_BATCH) -> int:
    """Do what is due on the running due dates of improvement actions, by the stage clocks' rule
    (sla.services.escalation_batch.clock_advance): the reminder at its share of the working time
    and the breach go to the owner (else the head nearest the owning department); each level
    after it to the head of the owning department (1), the complaint managers (2), senior
    management (3). Returns how many actions were acted on.

    Exactly once: the due actions are locked, skipping those another run or a user holds, and
    their fields moved on in the same transaction; a second run finds nothing due, and the
    notifications' unique keys would refuse a double."""
    now = now or timezone.now()
    with transaction.atomic():
        actions = list(
            ImprovementAction.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
                next_action_at__lte=now,
            )
            .select_related("owner", "department")
            .order_by("next_action_at", "pk")[:batch]
        )
        if not actions:
            return 0
        step = EscalationSettings.current().level_step_working_days
        calendars: dict[int | None, WorkingCalendar] = {}
        recipients = Recipients()
        messages: list[Message] = []
        acted = 0
        for action in actions:
            if action.calendar_id not in calendars:
                calendars[action.calendar_id] = working_calendar(calendar_id=action.calendar_id)
            steps = clock_advance(
                cast(Timed, action),
                calendar=calendars[action.calendar_id],
                level_step_working_days=step,
                now=now,
            )
            acted += bool(steps.done())
            context = {"action": action, "action_url": action_url(action)}
            if steps.reminder or steps.breach:
                person = (
                    action.owner
                    if action.owner.is_active
                    else recipients.department_head(department_id=action.department_id)
                )
                messages.append(
                    Message(
                        recipients=[person],
                        kind=Notification.Kind.REMINDER,
                        complaint=None,
                        key=f"improvement:{action.pk}:{'late' if steps.breach else 'reminder'}",
                        template="improvement_reminder",
                        context={**context, "late": steps.breach},
                    )
                )
            for level in steps.levels:
                head = recipients.department_head(department_id=action.department_id)
                people = (
                    [head]
                    if level <= 1 and head is not None
                    else recipients.members(role=LEVEL_ROLES.get(level, Role.COMPLAINT_MANAGER))
                )
                messages.append(
                    Message(
                        recipients=people,
                        kind=Notification.Kind.ESCALATION,
                        complaint=None,
                        key=f"improvement:{action.pk}:level:{level}",
                        template="improvement_escalation",
                        context={**context, "level": level},
                        urgent=level >= 3,
                    )
                )
        ImprovementAction.objects.bulk_update(
            actions, ["reminded_at", "breached_at", "escalated_level", "next_action_at"]
        )
        notify_many(messages=messages)
    return acted
