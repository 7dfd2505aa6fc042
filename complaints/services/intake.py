"""投诉接收: recording a complaint with its customer, reference number and first timeline entry."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.domain.references import format_reference
from complaints.errors import InvalidInput
from complaints.models import (
    CaseEvent,
    Category,
    Channel,
    Complaint,
    CustomerText,
    ReferenceSequence,
    Severity,
)
from complaints.services.common import Needs, ensure_role_may
from complaints.services.customer_emails import Delivery, acknowledge_receipt, delivery_for
from complaints.services.customer_texts import customer_text_on_commit, texts_customer
from complaints.services.customers import customer_get_or_create
from complaints.services.legal_hold import legal_hold_follow_facts
from complaints.timeline import new_event, record_events
from sla.models import EscalationSettings
from sla.services.checklists import checklist_attach
from sla.services.clocks import clocks_start_with_new_case
from sla.services.escalation import escalations_record, facts_planned


def description_too_long(length: int) -> str:
    return _(
        "Keep the description to %(limit)d characters (this one has %(length)d); attach longer "
        "material as evidence."
    ) % {"limit": DESCRIPTION_MAX_LENGTH, "length": length}


# A complaint may be entered after it arrived (a phone call yesterday), never before.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Flags:
    personal_injury: bool = False
    media_involved: bool = False
    regulator_involved: bool = False
    legal_risk: bool = False

    def names(self) -> list[str]:
        """The flags set, by field name, in the model's order."""
        return [flag.name for flag in fields(self) if getattr(self, flag.name)]


FLAG_NAMES = tuple(flag.name for flag in fields(Flags))

# The urgent fact a channel itself tells (seed rules: 12315 / market regulator, consumer
# association and government referrals go to senior management; a journalist's call is media
# involvement; a lawyer's letter or court papers are legal action). Social media is a customer
# posting, not the press: no flag.
CHANNEL_FLAGS: dict[str, str] = {
    Channel.REGULATOR_12315: "regulator_involved",
    Channel.CONSUMER_ASSOCIATION: "regulator_involved",
    Channel.GOVERNMENT: "regulator_involved",
    Channel.MEDIA: "media_involved",
    Channel.LEGAL_NOTICE: "legal_risk",
}


def flags_with_channel(*, flags: Flags, channel: str) -> tuple[Flags, list[str]]:
    """The flags given plus the one the channel tells; and that one, if it was not given."""
    name = CHANNEL_FLAGS.get(channel)
    if name is None or getattr(flags, name):
        return flags, []
    return replace(flags, **{name: True}), [name]


def minimum_severity(*, flags: Flags, amount: Decimal | None) -> str:
    """The least severity the facts allow: injuries, media and regulators are urgent at once.

    A large amount (大型投诉) uses the same threshold as the escalation to senior management.
    """
    if EscalationSettings.current().is_large_claim(amount):
        return Severity.MAJOR
    if flags.personal_injury or flags.media_involved or flags.regulator_involved:
        return Severity.URGENT
    if flags.legal_risk:
        return Severity.COMPLEX
    return Severity.GENERAL


def next_reference(*, received_at: datetime) -> str:
    """CP-<year>-<6 or more digits>, numbered per local year of receipt, never the same number twice.

    On PostgreSQL each year has a sequence: nextval() holds no lock until the intake commits, so
    intakes never queue behind one another (a row lock held to the commit allowed one intake at a
    time: about 50 a second). A number taken by an intake that then fails is not handed out again
    (a gap). Elsewhere (SQLite: one writer at a time anyway) the year's row in ReferenceSequence
    is counted up and locked in the intake's transaction.
    """
    year = timezone.localtime(received_at).year
    number = _sequence_next(year) if connection.vendor == "postgresql" else _row_next(year)
    return format_reference(year, number)


def _row_next(year: int) -> int:
    sequence = ReferenceSequence.objects.filter(year=year)
    if not sequence.update(last_number=F("last_number") + 1):
        # The year's first complaint: its row is made (once, however many arrive together).
        ReferenceSequence.objects.get_or_create(year=year)
        sequence.update(last_number=F("last_number") + 1)
    return sequence.values_list("last_number", flat=True).get()


# Years whose PostgreSQL reference sequence this process has seen committed.
_sequences_seen: set[int] = set()


def reference_sequences_forget() -> None:
    """Forget which years' sequences exist (tests, whose transactions roll back; not needed in
    normal running)."""
    _sequences_seen.clear()


def _sequence_next(year: int) -> int:
    name = f"complaint_reference_{year:04d}"
    if year not in _sequences_seen:
        _sequence_create(year, name)
        transaction.on_commit(lambda: _sequences_seen.add(year))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        (number,) = cursor.fetchone()
    return int(number)


def _sequence_create(year: int, name: str) -> None:
    """The year's sequence, made by the year's first intake: it continues from the year's
    ReferenceSequence row, so a database that numbered with rows before goes on from there."""
    counted = ReferenceSequence.objects.filter(year=year).values_list("last_number", flat=True)
    start = (counted.first() or 0) + 1
    try:
        # A savepoint: an intake of another process may be making it at the same moment.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start:d}")
    except DatabaseError:
        pass  # made and committed by that other intake: nextval() finds it


@transaction.atomic
@EscalationSettings.held()  # one read for the severity floor, the clocks, e-mail and escalations
def complaint_create(
    *,
    actor: User | None,
    channel: str,
    subject: str,
    description: str,
    customer_name: str,
    customer_phone: str = "",
    customer_email: str = "",
    customer_address: str = "",
    customer_region: str = "",
    customer_language: str = "",
    received_at: datetime | None = None,
    product_or_service: str = "",
    order_ref: str = "",
    expected_resolution: str = "",
    remedy_sought: str = "",
    amount_claimed: Decimal | None = None,
    category: Category | None = None,
    severity: str = "",
    department: Department | None = None,
    flags: Flags = Flags(),
    region: str = "",
) -> Complaint:
    """Record a complaint. `actor` None means the customer filed it on the public page."""
    if actor is not None:
        ensure_role_may(actor=actor, perms=Needs.RECEIVE)
    now = timezone.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
    if not (subject or "").strip():
        errors["subject"] = [_("Enter a subject.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what happened.")]
    elif len(description.strip()) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [description_too_long(len(description.strip()))]
    if received_at > now + CLOCK_SKEW:
        errors["received_at"] = [_("The time received cannot be in the future.")]
    if amount_claimed is not None and amount_claimed < 0:
        errors["amount_claimed"] = [_("The amount cannot be negative.")]
    if severity and severity not in Severity.values:
        errors["severity"] = [_("Choose a severity from the list.")]
    if customer_language and customer_language not in dict(settings.LANGUAGES):
        errors["customer_language"] = [_("Choose a language from the list.")]
    if errors:
        raise InvalidInput(errors)

    customer, _created = customer_get_or_create(
        name=customer_name,
        phone=customer_phone,
        email=customer_email,
        address=customer_address,
        region=customer_region,
        language=customer_language,
    )
    flags, from_channel = flags_with_channel(flags=flags, channel=channel)
    floor = minimum_severity(flags=flags, amount=amount_claimed)
    chosen = severity or (category.default_severity if category else Severity.GENERAL)
    # Annotated: under Python 3.11 mypy reads django-fsm's mixin, and so Complaint, as Any.
    complaint: Complaint = Complaint(
        reference=next_reference(received_at=received_at),
        customer=customer,
        channel=channel,
        received_at=received_at,
        received_by=actor,
        subject=subject.strip(),
        description=description.strip(),
        product_or_service=product_or_service,
        order_ref=(order_ref or "").strip(),
        expected_resolution=expected_resolution,
        remedy_sought=remedy_sought,
        amount_claimed=amount_claimed,
        category=category,
        severity=Severity.highest(chosen, floor),
        department=department or (category.default_department if category else None),
        region=region or customer.region,
        personal_injury=flags.personal_injury,
        media_involved=flags.media_involved,
        regulator_involved=flags.regulator_involved,
        legal_risk=flags.legal_risk,
    )
    # Written with the clocks its receipt starts, even when it is entered later than it arrived.
    clocks = clocks_start_with_new_case(complaint=complaint, at=received_at)
    # The category's procedure checklist, if it has one (none: no query).
    checklist_attach(complaint=complaint, at=received_at, new=True)
    # The customer is told at once, by e-mail when we have an address (never counted as the
    # first response); the created entry says whether they could be.
    acknowledgement = delivery_for(customer)
    if (
        acknowledgement == Delivery.NO_ADDRESS
        and texts_customer(customer)
        and EscalationSettings.current().send_email
    ):
        acknowledgement = Delivery.TEXTED
    # The created entry and the acknowledgment's contact entry go in one insert.
    timeline = [
        new_event(
            complaint=complaint,
            kind=CaseEvent.Kind.CREATED,
            actor=actor,
            at=now,
            to_state=complaint.state,
            customer_visible=True,
            data={
                "channel": channel,
                "received_at": received_at,
                "severity": complaint.severity,
                # The urgent facts as codes; those the channel set are named, the others given.
                **({"flags": flags.names()} if flags.names() else {}),
                **({"flags_from_channel": from_channel} if from_channel else {}),
                "acknowledgement": acknowledgement,
            },
        )
    ]
    if acknowledgement == Delivery.EMAILED:
        acknowledge_receipt(complaint=complaint, clocks=clocks, timeline=timeline)
    elif acknowledgement == Delivery.TEXTED:
        # Stored and sent by the task after the commit: nothing more in this transaction.
        customer_text_on_commit(
            complaint=complaint,
            kind=CustomerText.Kind.ACKNOWLEDGEMENT,
            key=f"acknowledgement:{complaint.pk}",
        )
    record_events(events=timeline)
    # escalate_on_facts without its look-up of live decisions: a new case has none yet, so its
    # largest amount is the amount claimed.
    escalations_record(
        planned=facts_planned(
            complaint=complaint,
            amount=amount_claimed,
            settings=EscalationSettings.current(),
            at=now,
        )
    )
    # A regulator or media case keeps its evidence while it lasts (issue 16 §6; none: no query).
    legal_hold_follow_facts(complaint=complaint, actor=actor, at=now)
    return complaint
