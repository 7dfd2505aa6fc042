"""The entry point: `seed_demo()` loads the organisation and, the first time, the cases."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter
from unittest import mock

from django.db import transaction
from django.utils import timezone

from complaints.errors import ComplaintError
from complaints.models import CaseEvent, Channel, Complaint
from complaints.services import complaint_create
from demo.seed.checklists import ensure_checklists
from demo.seed.clock import SimulatedClock, WorkCalendar, local
from demo.seed.customers import CustomerProfile, make_customers
from demo.seed.duplicates import duplicate_cases
from demo.seed.duty import ensure_duty_rota
from demo.seed.improvement import ensure_improvement_actions
from demo.seed.injury import injury_record_case
from demo.seed.library import ensure_canned_replies, ensure_library
from demo.seed.mailboxes import ensure_demo_mailbox
from demo.seed.organisation import Org, ensure_organisation
from demo.seed.outside_bodies import outside_body_case
from demo.seed.planning import SEED, plan_cases
from demo.seed.presets import ensure_market_presets
from demo.seed.procedures import procedure_cases
from demo.seed.registers import ensure_registers
from demo.seed.service_hours import ensure_service_hours_department
from demo.seed.story import CaseStory
from reports.domain import last_full_month
from reports.services.snapshots import snapshot_build
from sla.models import EscalationSettings


@dataclass
class SeedResult:
    created: bool
    complaints: int
    customers: int
    events: int
    by_state: dict[str, int]
    by_channel: dict[str, int]
    seconds: float
    failures: list[str] = field(default_factory=list)


def demo_complaints(customers: list[CustomerProfile]):
    return Complaint.objects.filter(customer__phone__in=[c.e164 for c in customers])


# The demo customer who gave a mobile number and no e-mail address (README: SMS): their new
# complaint, which they sent by text and which is recorded at seeding, is acknowledged by text;
# the worker of `make run` prints it (console backend) once it starts, or at 08:00 when seeded
# outside the hours customers are texted. Later texts (a tracking link asked for on the public
# pages, the reply notice) are printed the same way.
PHONE_ONLY_CUSTOMER = {"customer_name": "刘女士", "customer_phone": "+8613700001234"}


def phone_only_case(org: Org) -> Complaint:
    return complaint_create(
        actor=org.users["agent"],
        channel=Channel.SMS,
        subject="洗衣机安装后漏水",
        description="昨天上门安装的洗衣机一用就漏水，地板已经泡了。只留了手机号，希望尽快上门处理。",
        **PHONE_ONLY_CUSTOMER,
    )


def seed_demo(*, now: datetime | None = None) -> SeedResult:
    """Load the demo data as if it were `now` (default: the real time); returns what is there."""
    started = perf_counter()
    now = now or timezone.now()
    rng = random.Random(SEED)
    with transaction.atomic():
        org = ensure_organisation()
        ensure_service_hours_department()
        ensure_checklists()
        ensure_market_presets()
        ensure_duty_rota(org, timezone.localtime(now).date())
        ensure_demo_mailbox(org)
        customers = make_customers(rng)
        existing = demo_complaints(customers)
        created = not existing.exists()
        failures: list[str] = []
        if created:
            specs = plan_cases(rng, customers, now)
            calendar = WorkCalendar(timezone.localtime(now).date())
            limit = now - timedelta(minutes=1)
            clock = SimulatedClock(now)
            # The demo's history is not news: its notifications stay in the app, unmailed. The
            # switch is flipped back before this transaction commits, so no one else sees it off.
            email_settings = EscalationSettings.current()
            sending = email_settings.send_email
            email_settings.send_email = False
            email_settings.save(update_fields=["send_email"])
            with mock.patch.object(timezone, "now", clock):
                for spec in specs:
                    try:
                        # A case a service refuses is left out and reported, not fatal.
                        with transaction.atomic():
                            CaseStory(spec, org, calendar).play(clock, limit)
                    except ComplaintError as exc:
                        failures.append(f"case {spec.number} ({spec.target}): {exc}")
                # Seed 004's agreement and quality-loop cases, begun five working days back.
                start = local(calendar.working_days_before(timezone.localtime(now).date(), 5), 9)
                try:
                    with transaction.atomic():
                        procedure_cases(org, clock, start)
                except ComplaintError as exc:
                    failures.append(f"procedure cases: {exc}")
            # The registers' entries (seed 004 §九, §五.3 H), as recorded over the last weeks
            # and written a minute ago, as the history ends.
            with mock.patch.object(timezone, "now", lambda: limit):
                ensure_registers(org, limit)
                # Improvement actions (issue 18 §1): one verified effective, one overdue.
                ensure_improvement_actions(org, limit)
            email_settings.send_email = sending
            email_settings.save(update_fields=["send_email"])
            # A minute ago, as the history ends: news now, sent once the transaction commits.
            with mock.patch.object(timezone, "now", lambda: limit):
                phone_only_case(org)
            # The 12315 referral and the consumer association's mediation (issue 16 §2).
            outside_body_case(org, now=limit)
            # The personal-injury record of the open injury case (issue 16 §1).
            injury_record_case(org, now=limit)
            # A duplicate merged into its case and a repeat complainant (issue 18 §4).
            duplicate_cases(org, now=limit)
            # Closed cases proposed for the case library, most approved (issue 18 §2).
            with mock.patch.object(timezone, "now", lambda: limit):
                ensure_library(org)
        # The canned replies complaint managers keep (issue 18 §3).
        ensure_canned_replies()
        # Last month's report snapshot, as the beat job would have kept it on the 1st (not
        # e-mailed: the demo's history is not news); there already when seeded again.
        snapshot_build(period=last_full_month(timezone.localtime(now).date()), now=now)
        complaints = list(existing.values_list("state", "channel", "customer_id"))
        events = CaseEvent.objects.filter(complaint__in=existing).count()
    return SeedResult(
        created=created,
        complaints=len(complaints),
        customers=len({customer for _state, _channel, customer in complaints}),
        events=events,
        by_state=dict(Counter(state for state, _channel, _customer in complaints)),
        by_channel=dict(Counter(channel for _state, channel, _customer in complaints)),
        seconds=perf_counter() - started,
        failures=failures,
    )
