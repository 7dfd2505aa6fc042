"""People's requests about their personal data (个人信息保护法 §45 copy, §47 erasure), handled by
holders of `complaints.handle_rights_request`. Each step is in the audit log.

Recorded with who asked and how their identity was checked; the customer records are found by the
phone or e-mail they gave; due a set number of working days later on the default business calendar
(COMPLAINTS_RIGHTS_REQUEST_WORKING_DAYS). An export is built as a zip on the `reports` queue and
downloaded through a checked view; an erasure anonymises every complaint of the person through the
one anonymisation service, all or nothing: a case still open or on legal hold refuses it, saying
which; the e-mails received from the person's addresses are cleared too, with or without a case.
Prepared exports are deleted after COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS (and at an erasure).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User
from accounts.services import audit_record
from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import Customer, RightsRequest
from complaints.selectors.rights import CaseFacts, rights_subject_cases
from complaints.services.retention import (
    CAUSE_ERASURE,
    complaints_anonymise,
    customers_anonymise,
    inbound_mail_forget_senders,
)
from complaints.services.rights_export import rights_export_save
from config.dispatch import dispatch_after_commit
from sla.selectors import working_calendar

logger = logging.getLogger(__name__)

HANDLE = "complaints.handle_rights_request"
BUILD_TASK = "complaints.tasks.build_rights_export_task"
# A build still running this long after it started lost its worker: a redelivery may take it.
STALE_AFTER = timedelta(hours=1)
NAME_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 2000

Status = RightsRequest.Status
ExportStatus = RightsRequest.ExportStatus


def can_handle_rights_requests(user: User) -> bool:
    return user.is_active and user.has_perm(HANDLE)


def rights_ensure_allowed(*, user: User) -> None:
    if not can_handle_rights_requests(user):
        raise PermissionDenied(_("Your role does not handle people's requests about their data."))


def rights_request_due(*, received_at: datetime) -> datetime:
    """The answer is due by the end of the Nth working day after the day it was received."""
    return working_calendar().add_working_days(
        received_at, settings.COMPLAINTS_RIGHTS_REQUEST_WORKING_DAYS
    )


@transaction.atomic
def rights_request_record(
    *,
    actor: User,
    kind: str,
    requester_name: str,
    requester_phone: str = "",
    requester_email: str = "",
    identity_check: str,
    received_at: datetime | None = None,
    note: str = "",
) -> RightsRequest:
    """Record a request and link the customer records its phone or e-mail finds."""
    rights_ensure_allowed(user=actor)
    now = timezone.now()
    received_at = received_at or now
    name, note = (requester_name or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in RightsRequest.Kind.values:
        errors["kind"] = [_("Choose what the person asks for.")]
    if not name:
        errors["requester_name"] = [_("Enter the name of the person asking.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["requester_name"] = [
            _("Keep it under %(count)d characters.") % {"count": NAME_MAX_LENGTH}
        ]
    phone = ""
    try:
        phone = normalize_phone(requester_phone)
    except InvalidInput as error:
        errors["requester_phone"] = error.fields.get("phone", [])
    email = normalize_email(requester_email)
    if "requester_phone" not in errors and not (phone or email):
        errors["requester_phone"] = [
            _("Give the phone number or the e-mail address the person used with us.")
        ]
    if identity_check not in RightsRequest.IdentityCheck.values:
        errors["identity_check"] = [_("Say how the person's identity was checked.")]
    elif identity_check == RightsRequest.IdentityCheck.OTHER and not note:
        errors["note"] = [_("Describe in the note how the identity was checked.")]
    if len(note) > TEXT_MAX_LENGTH:
        errors["note"] = [_("Keep it under %(count)d characters.") % {"count": TEXT_MAX_LENGTH}]
    if received_at > now + timedelta(minutes=5):
        errors["received_at"] = [_("The time received cannot be in the future.")]
    if errors:
        raise InvalidInput(errors)
    request = RightsRequest.objects.create(
        kind=kind,
        requester_name=name,
        requester_phone=phone,
        requester_email=email,
        identity_check=identity_check,
        received_at=received_at,
        due_at=rights_request_due(received_at=received_at),
        note=note,
        recorded_by=actor,
    )
    match = Q(pk__in=[])
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email=email)
    customers = list(
        Customer.objects.filter(match, anonymised_at__isnull=True).values_list("pk", flat=True)
    )
    request.customers.set(customers)
    audit_record(
        actor,
        AuditEntry.Action.RIGHTS_REQUEST_RECORDED,
        request,
        {"kind": kind, "customer_records": customers, "due_at": request.due_at},
    )
    return request


def _locked_open(*, request_id: int, kind: str | None = None) -> RightsRequest:
    request = RightsRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("No such request."))
    if request.status != Status.OPEN:
        raise ConditionNotMet([_("This request is answered already.")])
    if kind is not None and request.kind != kind:
        raise ConditionNotMet([_("This request does not ask for that.")])
    return request


@transaction.atomic
def rights_export_prepare(*, actor: User, request_id: int, language: str) -> RightsRequest:
    """Queue the building of the person's zip (again, if an earlier one failed)."""
    rights_ensure_allowed(user=actor)
    request = _locked_open(request_id=request_id, kind=RightsRequest.Kind.EXPORT)
    if request.export_status in (ExportStatus.PENDING, ExportStatus.RUNNING):
        raise ConditionNotMet([_("The export is being prepared already.")])
    request.export_status = ExportStatus.PENDING
    request.export_requested_at = timezone.now()
    request.export_language = language
    request.export_error = ""
    request.handled_by = actor
    request.save(
        update_fields=[
            "export_status",
            "export_requested_at",
            "export_language",
            "export_error",
            "handled_by",
        ]
    )
    audit_record(actor, AuditEntry.Action.RIGHTS_EXPORT_ASKED, request, {})
    dispatch_after_commit(BUILD_TASK, request.pk)
    return request


def rights_export_build(*, request_id: int) -> RightsRequest | None:
    """Build the zip of a request waiting for it; completes the request. One already built, or
    being built by a live worker, is left alone (None): a message delivered twice builds once."""
    now = timezone.now()
    claimed = (
        RightsRequest.objects.filter(pk=request_id, status=Status.OPEN)
        .filter(
            Q(export_status=ExportStatus.PENDING)
            | Q(export_status=ExportStatus.RUNNING, export_started_at__lt=now - STALE_AFTER)
        )
        .update(export_status=ExportStatus.RUNNING, export_started_at=now)
    )
    if not claimed:
        return None
    request = RightsRequest.objects.get(pk=request_id)
    try:
        counts = rights_export_save(request)
    except Exception as error:
        logger.exception("Personal data export %s failed", request_id)
        request.export_status = ExportStatus.FAILED
        request.export_error = f"{type(error).__name__}: {error}"[:2000]
        request.export_finished_at = timezone.now()
        request.save(update_fields=["export_status", "export_error", "export_finished_at"])
        return request
    finished = timezone.now()
    request.export_status = ExportStatus.DONE
    request.export_finished_at = finished
    request.status, request.completed_at, request.result = Status.COMPLETED, finished, counts
    request.save(
        update_fields=[
            "export_status",
            "export_file",
            "export_size",
            "export_finished_at",
            "status",
            "completed_at",
            "result",
        ]
    )
    audit_record(None, AuditEntry.Action.RIGHTS_EXPORT_BUILT, request, counts)
    return request


def rights_export_download(*, actor: User, request_id: int) -> RightsRequest:
    """The request whose built zip `actor` is about to download (NotFound while there is none);
    every download is an export in the audit log."""
    rights_ensure_allowed(user=actor)
    request = RightsRequest.objects.filter(pk=request_id).first()
    if request is None or request.export_status != ExportStatus.DONE or not request.export_file:
        raise NotFound(_("The export is not ready."))
    audit_record(
        actor,
        AuditEntry.Action.EXPORT,
        request,
        {"rights_request": request.code, "format": "zip", "size": request.export_size},
    )
    return request


@dataclass(frozen=True)
class ErasureCheck:
    """What an erasure would do, and what stands in its way."""

    cases: list[CaseFacts]

    @property
    def still_open(self) -> list[str]:
        return [case.reference for case in self.cases if case.is_open]

    @property
    def on_hold(self) -> list[str]:
        return [case.reference for case in self.cases if case.legal_hold]

    @property
    def to_anonymise(self) -> list[CaseFacts]:
        return [case for case in self.cases if not case.anonymised]

    def reasons(self) -> list[str]:
        reasons = []
        if self.on_hold:
            reasons.append(
                _("On legal hold: %(references)s. Lift the hold first, or refuse the request.")
                % {"references": ", ".join(self.on_hold)}
            )
        if self.still_open:
            reasons.append(
                _(
                    "Still being handled: %(references)s. Close or withdraw them first, or "
                    "refuse the request."
                )
                % {"references": ", ".join(self.still_open)}
            )
        return reasons


def rights_erasure_check(*, request: RightsRequest) -> ErasureCheck:
    return ErasureCheck(
        rights_subject_cases(customer_ids=[customer.pk for customer in request.customers.all()])
    )


@transaction.atomic
def rights_erase(*, actor: User, request_id: int, confirmed: bool) -> RightsRequest:
    """Erase the person's data: every complaint of their customer records anonymised, the records
    blanked, their prepared exports deleted; the request completed. Refused, changing nothing,
    while any of their cases is open or on legal hold."""
    rights_ensure_allowed(user=actor)
    if not confirmed:
        raise InvalidInput({"confirm": [_("Confirm that the data is to be erased.")]})
    request = _locked_open(request_id=request_id, kind=RightsRequest.Kind.ERASURE)
    check = rights_erasure_check(request=request)
    reasons = check.reasons()
    if reasons:
        raise ConditionNotMet(reasons)
    customers = list(request.customers.all())
    customer_ids = [customer.pk for customer in customers]
    # Read before the records are blanked: the e-mails received from these addresses go too.
    addresses = {customer.email for customer in customers} | {request.requester_email}
    now = timezone.now()
    summary = complaints_anonymise(
        complaint_ids=[case.pk for case in check.to_anonymise],
        actor=actor,
        cause=CAUSE_ERASURE,
        now=now,
        data={"rights_request": request.code},
    )
    if summary.complaints != len(check.to_anonymise):
        # A hold or a reopening slipped in between the check and the locks: nothing is kept.
        raise ConditionNotMet([_("Some of the cases changed meanwhile; check them and try again.")])
    # Records without a complaint left holding data (or none at all) are blanked too.
    summary.customers += customers_anonymise(set(customer_ids), now=now)
    exports = _exports_delete(
        RightsRequest.objects.filter(customers__in=customer_ids, export_status=ExportStatus.DONE)
    )
    request.status, request.completed_at, request.handled_by = Status.COMPLETED, now, actor
    # Their contact details were only needed to find and answer them (here and in their earlier,
    # answered requests); the requests keep the name, the record that they were answered.
    request.requester_phone, request.requester_email = "", ""
    RightsRequest.objects.filter(customers__in=customer_ids).exclude(status=Status.OPEN).update(
        requester_phone="", requester_email=""
    )
    emails = inbound_mail_forget_senders(addresses)
    request.result = {
        **summary.as_details(),
        "exports_deleted": exports,
        "received_emails_cleared": emails,
    }
    request.save(
        update_fields=[
            "status",
            "completed_at",
            "handled_by",
            "requester_phone",
            "requester_email",
            "result",
        ]
    )
    audit_record(actor, AuditEntry.Action.RIGHTS_ERASED, request, request.result)
    return request


@transaction.atomic
def rights_request_refuse(*, actor: User, request_id: int, reason: str) -> RightsRequest:
    """Refuse a request, with the reason the person is given (identity not established, a case
    still under way or on legal hold, ...). A prepared export is deleted."""
    rights_ensure_allowed(user=actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Give the reason the person will be told.")]})
    if len(reason) > TEXT_MAX_LENGTH:
        raise InvalidInput(
            {"reason": [_("Keep it under %(count)d characters.") % {"count": TEXT_MAX_LENGTH}]}
        )
    request = _locked_open(request_id=request_id)
    if request.export_status in (ExportStatus.PENDING, ExportStatus.RUNNING):
        raise ConditionNotMet([_("The export is being prepared; wait until it is ready.")])
    now = timezone.now()
    request.status, request.completed_at, request.handled_by = Status.REFUSED, now, actor
    request.refusal_reason = reason
    request.save(update_fields=["status", "completed_at", "handled_by", "refusal_reason"])
    audit_record(actor, AuditEntry.Action.RIGHTS_REQUEST_REFUSED, request, {"reason": reason})
    return request


def rights_exports_purge(*, now: datetime | None = None) -> int:
    """Delete the prepared exports built more than COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS ago
    (nightly, with the retention job); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS)
    with transaction.atomic():
        return _exports_delete(
            RightsRequest.objects.filter(
                export_status=ExportStatus.DONE, export_finished_at__lt=cutoff
            )
        )


def _exports_delete(requests: QuerySet[RightsRequest]) -> int:
    """Delete these requests' zips (inside the caller's transaction; files go after the rows)."""
    ids = list(requests.values_list("pk", flat=True).distinct())
    rows = list(
        RightsRequest.objects.select_for_update()
        .filter(pk__in=ids, export_status=ExportStatus.DONE)
        .only("pk", "export_file")
    )
    names = [str(row.export_file.name) for row in rows if row.export_file]
    RightsRequest.objects.filter(pk__in=[row.pk for row in rows]).update(
        export_status=ExportStatus.EXPIRED, export_file=""
    )
    for name in names:
        default_storage.delete(name)
    return len(rows)
