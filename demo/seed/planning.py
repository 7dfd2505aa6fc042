"""What each demo case will be: its final state, age, situation, channel and customer."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from complaints.models import Channel, State
from demo import data
from demo.seed.amounts import max_amount
from demo.seed.clock import WorkCalendar, local
from demo.seed.customers import CustomerProfile

SEED = 2026

# How many demo cases end in each state: most closed, a working backlog in every open stage.
FINAL_MIX = {State.CLOSED: 112, State.REJECTED: 10, State.WITHDRAWN: 10}
# Open cases: the age of each, in working days before today (0 = received today).
OPEN_AGES = {
    State.INTAKE: (0, 0, 0, 1, 1, 2, 2, 4),
    State.TRIAGE: (0, 0, 1, 1, 1, 2, 2, 3, 3, 5),
    State.INVESTIGATION: (0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 7, 7, 12, 25),
    State.DECISION: (1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 9),
    State.REPLY: (0, 1, 1, 2, 3, 4, 6),
    State.FOLLOW_UP: (1, 2, 3, 3, 4, 5, 5, 6, 7, 8, 10, 14),
}
# Where open cases stopped within their stage, handed out in turn to the cases of that state.
OPEN_VARIANTS = {
    State.TRIAGE: ("unrouted", "routed", "routed"),
    State.INVESTIGATION: ("working", "unassigned", "working", "working", "working"),
    State.DECISION: ("pending", "not_proposed", "approved", "pending", "refused", "not_proposed"),
    State.REPLY: ("on_spot", "", ""),
    State.FOLLOW_UP: ("waiting", "failed", "waiting", "dissatisfied", "failed", "waiting"),
}
HANDLER_LIMIT = 2000  # the demo handlers' approval limit (demo.data.organisation.USERS)
REOPENED_CLOSED = 9
REJECTED_DUPLICATES = 2

CHANNEL_WEIGHTS = {
    Channel.PHONE: 30,
    Channel.WALK_IN: 15,
    Channel.WEB: 15,
    Channel.EMAIL: 8,
    Channel.SOCIAL_MEDIA: 7,
    Channel.LETTER: 3,
    Channel.REGULATOR_12315: 7,
    Channel.CONSUMER_ASSOCIATION: 5,
    Channel.MEDIA: 3,
    Channel.API: 7,
    Channel.GOVERNMENT: 1,
    Channel.LEGAL_NOTICE: 1,
}


@dataclass
class CaseSpec:
    target: str
    received_at: datetime
    customer: CustomerProfile
    channel: str
    scenario: data.Scenario | None = None
    rejection: data.RejectionCase | None = None
    duplicate_of: CaseSpec | None = None
    reopen: bool = False
    on_spot: bool = False
    variant: str = ""  # how far an open case got within its stage
    withdraw_at: str = ""  # stage in which a withdrawn case was withdrawn
    reject_at_intake: bool = False
    subject: str = ""
    number: int = 0  # position in the plan: seeds the case's own random streams


def plan_cases(
    rng: random.Random, customers: list[CustomerProfile], now: datetime
) -> list[CaseSpec]:
    calendar = WorkCalendar(timezone.localtime(now).date())
    specs: list[CaseSpec] = []
    scenarios = list(data.SCENARIOS)
    scenario_weights = [scenario.weight for scenario in scenarios]

    def pick_scenario() -> data.Scenario:
        return rng.choices(scenarios, scenario_weights)[0]

    # Closed cases first use every situation once, so every category and remedy shows up.
    first_round = scenarios[:]
    rng.shuffle(first_round)
    for index in range(FINAL_MIX[State.CLOSED]):
        scenario = first_round[index] if index < len(first_round) else pick_scenario()
        days_ago = rng.uniform(4, 365)
        specs.append(_spec(State.CLOSED, now - timedelta(days=days_ago), scenario))
    for index in range(FINAL_MIX[State.REJECTED]):
        days_ago = rng.uniform(1, 360)
        spec = _spec(State.REJECTED, now - timedelta(days=days_ago), None)
        if index >= REJECTED_DUPLICATES:
            spec.rejection = data.REJECTIONS[(index - REJECTED_DUPLICATES) % len(data.REJECTIONS)]
        spec.reject_at_intake = rng.random() < 0.5
        specs.append(spec)
    for _index in range(FINAL_MIX[State.WITHDRAWN]):
        days_ago = rng.uniform(2, 360)
        spec = _spec(State.WITHDRAWN, now - timedelta(days=days_ago), pick_scenario())
        spec.withdraw_at = rng.choice(["intake", "triage", "investigation", "investigation"])
        specs.append(spec)
    for state, ages in OPEN_AGES.items():
        for age in ages:
            received_at = _working_day_time(rng, calendar, now, age)
            specs.append(_spec(state, received_at, pick_scenario()))

    for number, spec in enumerate(specs):
        spec.number = number
    _choose_paths(rng, specs, now)
    _choose_channels(rng, specs)
    _choose_customers(rng, specs, customers)
    specs.sort(key=lambda spec: spec.received_at)
    _link_duplicates(specs)
    specs.sort(key=lambda spec: spec.received_at)
    return specs


def _spec(target: str, received_at: datetime, scenario: data.Scenario | None) -> CaseSpec:
    # The customer and channel are filled in once every case is known.
    return CaseSpec(
        target=target,
        received_at=received_at,
        customer=None,  # type: ignore[arg-type]
        channel="",
        scenario=scenario,
    )


def _working_day_time(rng: random.Random, calendar: WorkCalendar, now: datetime, age: int):
    """A moment `age` working days before today (today: earlier today, or the last few hours)."""
    now_local = timezone.localtime(now)
    if age == 0:
        since_nine = (now_local - local(now_local.date(), 9)).total_seconds() / 60
        if since_nine > 60:
            return now - timedelta(minutes=rng.uniform(20, min(since_nine, 420)))
        return now - timedelta(minutes=rng.uniform(20, 180))
    day = calendar.working_days_before(now_local.date(), age)
    return local(day, 9) + timedelta(minutes=rng.uniform(0, 510))


def _choose_paths(rng: random.Random, specs: list[CaseSpec], now: datetime) -> None:
    closed = [spec for spec in specs if spec.target == State.CLOSED]
    for spec in specs:
        scenario = spec.scenario
        if scenario and scenario.on_spot and spec.target in (State.CLOSED, State.FOLLOW_UP):
            spec.on_spot = rng.random() < 0.6
    # Reopened cases: older closed ones (a second handling needs time), plus two still open.
    candidates = [
        spec for spec in closed if not spec.on_spot and spec.received_at < now - timedelta(days=40)
    ]
    for spec in rng.sample(candidates, REOPENED_CLOSED):
        spec.reopen = True
    for state in (State.INVESTIGATION, State.DECISION):
        oldest = min(
            (spec for spec in specs if spec.target == state), key=lambda spec: spec.received_at
        )
        oldest.reopen = True
    # Open cases: where in their stage they stopped, in a fixed mix so every situation shows.
    needs_approval = [sc for sc in data.SCENARIOS if max_amount(sc) > HANDLER_LIMIT + 500]
    answerable = [sc for sc in data.SCENARIOS if sc.on_spot]
    for state, variants in OPEN_VARIANTS.items():
        group = [spec for spec in specs if spec.target == state and not spec.reopen]
        rng.shuffle(group)
        for spec, variant in zip(group, itertools.cycle(variants), strict=False):
            spec.variant = variant
            if variant in ("pending", "refused") and spec.scenario not in needs_approval:
                spec.scenario = rng.choice(needs_approval)
            if variant == "on_spot":
                spec.on_spot = True
                if spec.scenario not in answerable:
                    spec.scenario = rng.choice(answerable)


def _choose_channels(rng: random.Random, specs: list[CaseSpec]) -> None:
    channels = list(CHANNEL_WEIGHTS)
    weights = list(CHANNEL_WEIGHTS.values())
    for spec in specs:
        preferred = spec.scenario.channels if spec.scenario else ()
        if preferred and rng.random() < 0.75:
            spec.channel = rng.choice(preferred)
        else:
            spec.channel = rng.choices(channels, weights)[0]
    # Every channel appears at least once among the closed cases.
    used = {spec.channel for spec in specs}
    flexible = [
        spec
        for spec in specs
        if spec.target == State.CLOSED and spec.scenario and not spec.scenario.channels
    ]
    for channel in channels:
        if channel not in used:
            rng.choice(flexible).channel = channel
            used.add(channel)


def _choose_customers(
    rng: random.Random, specs: list[CaseSpec], customers: list[CustomerProfile]
) -> None:
    """Every customer has a complaint; a few dozen of them have several."""
    order = specs[:]
    rng.shuffle(order)
    repeaters = customers[:45]
    for index, spec in enumerate(order):
        spec.customer = customers[index] if index < len(customers) else rng.choice(repeaters)


def _link_duplicates(specs: list[CaseSpec]) -> None:
    """A duplicate complaint repeats an earlier, still-handled one by the same customer."""
    for index, spec in enumerate(specs):
        if spec.target != State.REJECTED or spec.rejection is not None:
            continue
        earlier = [s for s in specs[:index] if s.scenario is not None and s.target == State.CLOSED]
        original = earlier[-1] if earlier else None
        if original is None:
            spec.rejection = data.REJECTIONS[0]
            continue
        spec.duplicate_of = original
        spec.customer = original.customer
        spec.received_at = max(spec.received_at, original.received_at + timedelta(hours=30))
