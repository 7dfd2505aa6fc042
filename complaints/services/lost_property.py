"""The lost-property register (顾客丢失物品登记表, seed 004 §五.3 H), written only here.

Filled in at the service centre once the search found nothing (§五.3 D-H), by holders of
`complaints.record_lost_property` (the service centre, risk control, the managers); its outcome is
recorded later (found and returned, not found, left to the police). The register promises the
customer nothing (§五.3 I): no compensation field, no certificate. An entry linked to a complaint
(when recorded, or later) is on that case's timeline; every entry and change is in the audit log. The month's figures are read by complaints.selectors.registers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, Department, User
from accounts.services import audit_record
from complaints.domain.contact_details import normalize_phone
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, LostProperty
from complaints.selectors import complaint_get_for_user
from complaints.selectors.registers import lost_property_get_for_user
from complaints.timeline import record_event

RECORD = "complaints.record_lost_property"
TEXT_MAX_LENGTH = 2000

Outcome = LostProperty.Outcome


def can_record_lost_property(user: User) -> bool:
    return user.is_active and user.has_perm(RECORD)


def _ensure_allowed(user: User) -> None:
    if not can_record_lost_property(user):
        raise PermissionDenied(_("Your role does not record lost property."))


def _limited(
    value: str, name: str, limit: int, errors: dict[str, list[str]], required: str = ""
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [required]
    elif len(value) > limit:
        errors[name] = [_("Keep it under %(count)d characters.") % {"count": limit}]
    return value


@transaction.atomic
def lost_property_record(
    *,
    actor: User,
    customer_name: str,
    lost_at: datetime,
    area: str,
    description: str,
    kind: str = LostProperty.Kind.LOST,
    customer_phone: str = "",
    department: Department | None = None,
    contents: str = "",
    police_report_number: str = "",
    complaint: str = "",
) -> LostProperty:
    """Record one line of the register; link the complaint by its reference when there is one."""
    _ensure_allowed(actor)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if kind not in LostProperty.Kind.values:
        errors["kind"] = [_("Say whether it was lost, stolen or snatched.")]
    customer_name = _limited(
        customer_name, "customer_name", 100, errors, _("Enter the customer's name.")
    )
    phone = ""
    try:
        phone = normalize_phone(customer_phone)
    except InvalidInput as error:
        errors["customer_phone"] = error.fields.get("phone", [])
    # One spelling per place, so the month's count by area adds up.
    area = " ".join(_limited(area, "area", 100, errors, _("Say where in the store.")).split())
    description = _limited(
        description, "description", 200, errors, _("Describe what was lost (a black handbag, ...).")
    )
    contents = _limited(contents, "contents", TEXT_MAX_LENGTH, errors)
    police_report_number = _limited(police_report_number, "police_report_number", 60, errors)
    if lost_at is None:
        errors["lost_at"] = [_("When was it lost?")]
    elif lost_at > now + timedelta(minutes=5):
        errors["lost_at"] = [_("The time lost cannot be in the future.")]
    if department is not None and not department.is_active:
        errors["department"] = [_("Choose an active department.")]
    case: Complaint | None = None
    reference = (complaint or "").strip()
    if reference:
        try:
            case = complaint_get_for_user(user=actor, reference=reference)
        except NotFound:
            errors["complaint"] = [_("No complaint you may read has this reference.")]
    if errors:
        raise InvalidInput(errors)
    entry = LostProperty.objects.create(
        kind=kind,
        customer_name=customer_name,
        customer_phone=phone,
        lost_at=lost_at,
        department=department,
        area=area,
        description=description,
        contents=contents,
        police_report_number=police_report_number,
        complaint=case,
        recorded_by=actor,
    )
    if case is not None:
        record_event(
            complaint=case,
            kind=CaseEvent.Kind.LOST_PROPERTY,
            actor=actor,
            at=now,
            data={
                "lost_property_id": entry.pk,
                "code": entry.code,
                "kind": kind,
                "lost_at": lost_at,
            },
        )
    audit_record(
        actor,
        AuditEntry.Action.LOST_PROPERTY_RECORDED,
        entry,
        {"kind": kind, "complaint": case.reference if case else None},
    )
    return entry


@transaction.atomic
def lost_property_set_outcome(
    *,
    actor: User,
    entry_id: int,
    outcome: str,
    note: str = "",
    police_report_number: str = "",
) -> LostProperty:
    """What came of it. May be recorded again (a bag found after "not found"), never back to
    "still looked for". Left to the police needs the police report number."""
    _ensure_allowed(actor)
    lost_property_get_for_user(user=actor, pk=entry_id)  # out of reach reads as missing
    entry = LostProperty.objects.select_for_update().get(pk=entry_id)
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values or outcome == Outcome.OPEN:
        errors["outcome"] = [_("Choose what came of it.")]
    note = _limited(note, "outcome_note", TEXT_MAX_LENGTH, errors)
    number = _limited(police_report_number, "police_report_number", 60, errors)
    if outcome == Outcome.WITH_POLICE and not (number or entry.police_report_number):
        errors["police_report_number"] = [_("Enter the police report number.")]
    if outcome == entry.outcome and note == entry.outcome_note:
        errors["outcome"] = [_("This is the outcome recorded already.")]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    previous = entry.outcome
    entry.outcome, entry.outcome_note = outcome, note
    entry.outcome_at, entry.outcome_by = now, actor
    fields = ["outcome", "outcome_note", "outcome_at", "outcome_by"]
    if number:
        entry.police_report_number = number
        fields.append("police_report_number")
    entry.save(update_fields=fields)
    if entry.complaint_id is not None:
        record_event(
            complaint=entry.complaint,  # type: ignore[arg-type]
            kind=CaseEvent.Kind.LOST_PROPERTY_OUTCOME,
            actor=actor,
            at=now,
            comment=note,
            data={
                "lost_property_id": entry.pk,
                "code": entry.code,
                "outcome": outcome,
                "previous": previous,
            },
        )
    audit_record(
        actor,
        AuditEntry.Action.LOST_PROPERTY_CHANGED,
        entry,
        {"change": "outcome", "outcome": outcome, "previous": previous},
    )
    return entry


@transaction.atomic
def lost_property_link(*, actor: User, entry_id: int, complaint: str) -> LostProperty:
    """Link an entry recorded without a complaint to the one the customer made later (by
    reference), once. On the case's timeline and in the audit log."""
    _ensure_allowed(actor)
    lost_property_get_for_user(user=actor, pk=entry_id)  # out of reach reads as missing
    entry = LostProperty.objects.select_for_update().get(pk=entry_id)
    if entry.complaint_id is not None:
        raise ConditionNotMet([_("This entry is linked to a complaint already.")])
    reference = (complaint or "").strip()
    if not reference:
        raise InvalidInput({"complaint": [_("Enter the complaint's reference.")]})
    try:
        case = complaint_get_for_user(user=actor, reference=reference)
    except NotFound as missing:
        raise InvalidInput(
            {"complaint": [_("No complaint you may read has this reference.")]}
        ) from missing
    now = timezone.now()
    entry.complaint = case
    entry.save(update_fields=["complaint"])
    record_event(
        complaint=case,
        kind=CaseEvent.Kind.LOST_PROPERTY,
        actor=actor,
        at=now,
        data={
            "lost_property_id": entry.pk,
            "code": entry.code,
            "kind": entry.kind,
            "lost_at": entry.lost_at,
            "linked": True,
        },
    )
    audit_record(
        actor,
        AuditEntry.Action.LOST_PROPERTY_CHANGED,
        entry,
        {"change": "linked", "complaint": case.reference},
    )
    return entry
