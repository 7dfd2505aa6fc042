"""Loads the demo organisation and about 200 complaints; `manage.py seed_demo` runs it.

Every case is built through the services, acting as the demo users, so its timeline, decisions,
approvals, contacts and follow-ups are what the real system would have written. The services stamp
times with `django.utils.timezone.now()`; while seeding that function is replaced by a simulated
clock that is moved forward through each case's life, so the history spreads over the past twelve
months (CaseEvent rows are append-only and cannot be back-dated afterwards).

Idempotent: the organisation is created get-or-create style, and the cases only when none of the
demo customers has a complaint yet. The content is fixed by random.Random(2026) and per-case streams
derived from it; only the dates follow the day the command runs. Each case is built in its own
savepoint: should a service refuse a step, that case is left out and reported, and the rest load.
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from time import perf_counter
from typing import Any
from unittest import mock

import holidays
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department, User
from complaints.errors import ComplaintError
from complaints.models import (
    CaseEvent,
    Category,
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    Decision,
    FollowUpMethod,
    RejectionReason,
    State,
)
from complaints.services import (
    Flags,
    complaint_add_note,
    complaint_assign,
    complaint_create,
    complaint_hand_off,
    complaint_transition,
    complaint_triage,
    contact_record,
    decision_approve,
    decision_propose,
    decision_refuse,
    follow_up_record,
)
from complaints.services.customers import normalize_phone
from demo import data
from sla.models import EscalationSettings

SEED = 2026
CUSTOMER_COUNT = 120

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
HANDLER_LIMIT = 2000  # the demo handlers' approval limit (demo_data.USERS)
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
}
SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.API)  # filed without a staff member


# --- organisation -------------------------------------------------------------------------------


@dataclass
class Org:
    departments: dict[str, Department]
    users: dict[str, User]
    categories: dict[str, Category]

    def handler(self, department: str) -> User:
        return self.users[data.DEPARTMENT_STAFF[department][0]]

    def head(self, department: str) -> User:
        return self.users[data.DEPARTMENT_STAFF[department][1]]


def ensure_organisation() -> Org:
    departments = _ensure_departments()
    users = _ensure_users(departments)
    categories: dict[str, Category] = {}
    for position, definition in enumerate(data.CATEGORY_TREE, start=1):
        _ensure_category(definition, None, position * 10, departments, categories)
    return Org(departments=departments, users=users, categories=categories)


def _ensure_departments() -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for definition in data.DEPARTMENTS:
        department = Department.objects.filter(
            Q(code=definition.code) | Q(name=definition.name)
        ).first()
        if department is None:
            department = Department.objects.create(
                code=definition.code,
                name=definition.name,
                kind=definition.kind,
                parent=departments.get(definition.parent) if definition.parent else None,
                contact_email=definition.email,
            )
        departments[definition.code] = department
    return departments


def _ensure_users(departments: dict[str, Department]) -> dict[str, User]:
    users: dict[str, User] = {}
    password = None
    for definition in data.USERS:
        user = User.objects.filter(username=definition.username).first()
        if user is None:
            # One hash for all: PBKDF2 is slow on purpose and the demo password is public anyway.
            password = password or make_password(data.DEMO_PASSWORD)
            user = User.objects.create(
                username=definition.username,
                password=password,
                first_name=definition.first_name,
                last_name=definition.last_name,
                email=f"{definition.username}@example.com",
                is_staff=True,
                is_superuser=definition.superuser,
                department=departments.get(definition.department)
                if definition.department
                else None,
                approval_limit=Decimal(definition.approval_limit),
            )
            if definition.role is not None:
                user.groups.add(Group.objects.get(name=definition.role.value))
        users[definition.username] = user
        if definition.heads:
            department = departments[definition.heads]
            if department.head_id is None:
                department.head = user
                department.save(update_fields=["head"])
    return users


def _ensure_category(
    definition: data.CategoryDef,
    parent: Category | None,
    sort_order: int,
    departments: dict[str, Department],
    categories: dict[str, Category],
) -> None:
    category, _created = Category.objects.get_or_create(
        code=definition.code,
        defaults={
            "name": definition.name,
            "parent": parent,
            "default_department": departments[definition.department],
            "default_severity": definition.severity,
            "description": definition.description,
            "sort_order": sort_order,
        },
    )
    categories[definition.code] = category
    for position, child in enumerate(definition.children, start=1):
        _ensure_category(child, category, position * 10, departments, categories)


# --- calendar and clock -------------------------------------------------------------------------


class WorkCalendar:
    """Mainland-China working days (weekends and holidays off, make-up days on)."""

    def __init__(self, today: date) -> None:
        self.days = holidays.China(years=range(today.year - 2, today.year + 2))

    def is_working_day(self, day: date) -> bool:
        return self.days.is_working_day(day)

    def working_days_before(self, day: date, count: int) -> date:
        while count > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


class SimulatedClock:
    """Stands in for django.utils.timezone.now while the cases are built."""

    def __init__(self, current: datetime) -> None:
        self.current = current

    def __call__(self) -> datetime:
        return self.current


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


# --- customers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerProfile:
    name: str
    phone: str
    email: str
    region: str
    address: str

    @cached_property
    def e164(self) -> str:
        return normalize_phone(self.phone)


def make_customers(rng: random.Random) -> list[CustomerProfile]:
    customers: list[CustomerProfile] = []
    names: set[str] = set()
    phones: set[str] = set()
    regions = [region for region, _weight, _districts in data.REGIONS]
    weights = [weight for _region, weight, _districts in data.REGIONS]
    districts = {region: districts for region, _weight, districts in data.REGIONS}
    while len(customers) < CUSTOMER_COUNT:
        surname, surname_py = rng.choice(data.SURNAMES)
        given, given_py = rng.choice(data.GIVEN_NAMES)
        name = surname + given
        phone = rng.choice(data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if name in names or phone in phones:
            continue
        names.add(name)
        phones.add(phone)
        email = ""
        if rng.random() < 0.4:
            local_part = rng.choice(
                [f"{given_py}{surname_py}", f"{surname_py}.{given_py}", f"{surname_py}{given_py}"]
            )
            email = f"{local_part}{rng.randint(1, 999)}@{rng.choice(data.EMAIL_DOMAINS)}"
        region = rng.choices(regions, weights)[0]
        address = ""
        if rng.random() < 0.5:
            address = (
                f"{rng.choice(districts[region])}{rng.choice(data.STREETS)}"
                f"{rng.randint(1, 2999)}号{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
            )
        customers.append(CustomerProfile(name, phone, email, region, address))
    return customers


# --- what each case will be ---------------------------------------------------------------------


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


def _bounds(resolution: data.Resolution, claim: int) -> tuple[int, int]:
    """The amounts (CNY) a resolution can come to."""
    if resolution.share is not None:
        return int(claim * resolution.share[0]), int(claim * resolution.share[1])
    return resolution.amount


def _max_amount(scenario: data.Scenario) -> int:
    claim = scenario.claim[1] if scenario.claim else 0
    return max(_bounds(resolution, claim)[1] for resolution in scenario.resolutions)


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
    needs_approval = [sc for sc in data.SCENARIOS if _max_amount(sc) > HANDLER_LIMIT + 500]
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


# --- building one case --------------------------------------------------------------------------


@dataclass
class Step:
    at: datetime
    action: str
    kwargs: dict[str, Any] = field(default_factory=dict)


class Stop(Exception):
    """The case has reached the point where the demo leaves it."""


class CaseStory:
    """Plans one case's life as timed steps, then plays them through the services."""

    def __init__(self, spec: CaseSpec, org: Org, calendar: WorkCalendar) -> None:
        self.spec = spec
        self.org = org
        # Separate streams: what happens does not depend on when (the day of the run).
        self.rng = random.Random(f"{SEED}:{spec.number}:story")
        self.time_rng = random.Random(f"{SEED}:{spec.number}:time")
        self.calendar = calendar
        self.steps: list[Step] = []
        self.t = spec.received_at
        self.complaint: Complaint | None = None
        self.decision: Decision | None = None
        self.context = self._context()
        self.department = ""
        self.final_round = 1 if spec.reopen else 0
        self.round = 0
        self.reply_text = ""

    # planning helpers

    def _context(self) -> dict[str, str]:
        scenario = self.spec.scenario
        rng = self.rng
        context = {"days": str(rng.randint(3, 15)), "amount": "0", "claim": "0"}
        if scenario is not None:
            context["product"] = rng.choice(scenario.products)
            context["store"] = rng.choice(data.STORES[scenario.line])
            if scenario.claim:
                context["claim"] = f"{_round_amount(rng.uniform(*scenario.claim)):,}"
        return context

    def text(self, template: str) -> str:
        return template.format_map(self.context)

    def add(self, action: str, **kwargs: Any) -> None:
        self.steps.append(Step(self.t, action, kwargs))

    def wait(self, low: float, high: float) -> None:
        """Some minutes pass."""
        self.t += timedelta(minutes=self.time_rng.uniform(low, high))

    def desk(self, low: float, high: float) -> None:
        """Some minutes pass, ending in the service desk's hours (every day 9:00–21:00)."""
        self.wait(low, high)
        moment = timezone.localtime(self.t)
        if moment.hour < 9:
            self.t = local(moment.date(), 9) + timedelta(minutes=self.time_rng.uniform(0, 60))
        elif moment.hour >= 21:
            self.t = local(moment.date() + timedelta(days=1), 9) + timedelta(
                minutes=self.time_rng.uniform(0, 60)
            )

    def office(self, low: float, high: float) -> None:
        """Some minutes pass, ending in office hours of a working day (9:00–18:00)."""
        self.wait(low, high)
        moment = timezone.localtime(self.t)
        day = moment.date()
        if moment.hour >= 18 or not self.calendar.is_working_day(day):
            day += timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day += timedelta(days=1)
            self.t = local(day, 9) + timedelta(minutes=self.time_rng.uniform(0, 90))
        elif moment.hour < 9:
            self.t = local(day, 9) + timedelta(minutes=self.time_rng.uniform(0, 90))

    def working_days(self, low: int, high: int) -> None:
        """Some working days later (0: later the same day), in office hours."""
        day = timezone.localtime(self.t).date()
        for _ in range(self.time_rng.randint(low, high)):
            day += timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day += timedelta(days=1)
        later = local(day, 9) + timedelta(minutes=self.time_rng.uniform(15, 500))
        if later > self.t:
            self.t = later
        else:
            self.office(10, 90)

    def pick(self, *usernames: str) -> User:
        return self.org.users[self.rng.choice(usernames)]

    @property
    def handler(self) -> User:
        return self.org.handler(self.department)

    @property
    def head(self) -> User:
        return self.org.head(self.department)

    # the story

    def plan(self) -> list[Step]:
        with contextlib.suppress(Stop):
            self._plan()
        return self.steps

    def _plan(self) -> None:
        spec = self.spec
        self._intake()
        if spec.target == State.INTAKE:
            if self.rng.random() < 0.4:
                self._acknowledge()
            raise Stop
        if spec.target == State.REJECTED and spec.reject_at_intake:
            self._reject()
        self._acknowledge()
        if spec.withdraw_at == "intake":
            self._withdraw()
        self.add("transition", actor=self.agent, name="start_triage")
        if spec.target == State.TRIAGE and spec.variant == "unrouted":
            raise Stop
        self.desk(3, 40)
        self._route()
        if spec.target == State.REJECTED:
            self._reject()
        if spec.target == State.TRIAGE:
            raise Stop
        if spec.withdraw_at == "triage":
            self._withdraw()
        for handling_round in range(self.final_round + 1):
            self.round = handling_round
            last = handling_round == self.final_round
            if self.round == 0 and spec.on_spot:
                self._answer_on_spot()
            else:
                self._investigate(last)
                self._decide(last)
            if last and spec.target == State.REPLY:
                raise Stop
            self._reply()
            if last:
                self._follow_up_and_close()
            else:
                self._follow_up_dissatisfied()
                self.desk(10, 120)
                self.add(
                    "transition",
                    actor=self.agent,
                    name="reopen",
                    data={"comment": data.REOPEN_COMMENT},
                )

    @cached_property
    def agent(self) -> User:
        return self.pick("agent", "agent", "agent2")

    def _intake(self) -> None:
        spec, scenario = self.spec, self.spec.scenario
        if spec.channel in SELF_SERVICE_CHANNELS:
            recorder = None
            self.wait(0, 2)
        elif spec.channel in (Channel.PHONE, Channel.WALK_IN):
            recorder = self.agent if self.rng.random() < 0.9 else self.org.users["manager"]
            self.wait(3, 25)
        else:
            recorder = self.agent if self.rng.random() < 0.9 else self.org.users["manager"]
            self.desk(30, 300)
        fields: dict[str, Any] = {
            "actor": recorder,
            "channel": spec.channel,
            "customer_name": spec.customer.name,
            "customer_phone": spec.customer.phone,
            "customer_email": spec.customer.email,
            "customer_address": spec.customer.address,
            "customer_region": spec.customer.region,
            "received_at": spec.received_at,
        }
        prefix = data.CHANNEL_PREFIX.get(spec.channel, "")
        if scenario is None:  # a complaint that will not be accepted
            if spec.duplicate_of is not None:
                original = spec.duplicate_of
                subject = f"重复投诉：{original.subject}"
                description = f"客户再次反映“{original.subject}”，要求尽快处理。"
            else:
                subject = spec.rejection.subject
                description = spec.rejection.description
            spec.subject = subject
            fields.update(subject=subject, description=prefix + description)
            self.add("create", **fields)
            return
        spec.subject = self.text(scenario.subject)
        claim = Decimal(self.context["claim"].replace(",", "")) if scenario.claim else None
        flags = Flags(
            personal_injury="personal_injury" in scenario.flags,
            media_involved="media_involved" in scenario.flags or spec.channel == Channel.MEDIA,
            regulator_involved=spec.channel == Channel.REGULATOR_12315,
        )
        category = None
        if recorder is not None and self.rng.random() < 0.4:
            category = self.org.categories[scenario.category]
        fields.update(
            subject=spec.subject,
            description=prefix + self.text(scenario.description),
            product_or_service=self.text(scenario.service),
            order_ref=self._order_ref(scenario.line),
            expected_resolution=self.text(scenario.expected),
            remedy_sought=scenario.remedy_sought,
            amount_claimed=claim,
            category=category,
            flags=flags,
        )
        self.add("create", **fields)

    def _order_ref(self, line: str) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return ""
        year = timezone.localtime(self.spec.received_at).year
        return {
            "home": f"XS{year}{rng.randrange(10**6):06d}",
            "auto": f"WX{year}{rng.randrange(10**5):05d}",
            "auction": f"LOT-{rng.randint(1, 400):04d}",
            "agency": f"DB{year}{rng.randrange(10**4):04d}",
        }[line]

    def _contact_channel(self) -> str:
        spec = self.spec
        if spec.channel == Channel.EMAIL and spec.customer.email:
            return Channel.EMAIL
        if spec.channel == Channel.WALK_IN and self.rng.random() < 0.3:
            return Channel.WALK_IN
        if spec.channel == Channel.LETTER and self.rng.random() < 0.5:
            return Channel.LETTER
        return Channel.PHONE

    def _acknowledge(self) -> None:
        # Mostly within hours; now and then only the next day (a missed first-response target).
        if self.rng.random() < 0.1:
            self.working_days(1, 1)
        else:
            self.desk(10, 200)
        channel = self._contact_channel()
        summary = (
            data.EMAIL_ACKNOWLEDGEMENT
            if channel == Channel.EMAIL
            else self.rng.choice(data.ACKNOWLEDGEMENTS)
        )
        self.add(
            "contact",
            actor=self.agent,
            channel=channel,
            direction=ContactDirection.OUTBOUND,
            purpose=ContactPurpose.ACKNOWLEDGEMENT,
            summary=summary,
        )
        self.wait(2, 30)

    def _route(self) -> None:
        spec, scenario = self.spec, self.spec.scenario
        if scenario is None:
            code = spec.rejection.category if spec.rejection else None
            if spec.duplicate_of is not None:
                code = spec.duplicate_of.scenario.category
            if code:
                category = self.org.categories[code]
                self.add(
                    "triage",
                    actor=self.agent,
                    category=category,
                    department=category.default_department,
                    comment="初步核实。",
                )
            return
        category = self.org.categories[scenario.category]
        self.department = next(
            code
            for code, department in self.org.departments.items()
            if department.pk == category.default_department_id
        )
        changes: dict[str, Any] = {
            "category": category,
            "department": category.default_department,
            "legal_risk": "legal_risk" in scenario.flags,
        }
        if self.rng.random() < 0.15:
            changes["severity"] = "complex"
        self.desk(2, 30)
        self.add(
            "triage", actor=self.agent, comment=self.rng.choice(data.TRIAGE_COMMENTS), **changes
        )
        claim = int(self.context["claim"].replace(",", ""))
        serious = {"personal_injury", "media_involved"} & set(scenario.flags)
        if serious or spec.channel == Channel.MEDIA or claim >= 50000:
            self.desk(20, 240)
            self.add(
                "note",
                actor=self.org.users["executive"],
                text=self.rng.choice(data.URGENT_NOTES),
            )
        elif spec.channel == Channel.REGULATOR_12315:
            self.desk(20, 240)
            self.add("note", actor=self.org.users["manager"], text=data.URGENT_NOTES[1])

    def _reject(self) -> None:
        spec = self.spec
        actor = self.agent if self.rng.random() < 0.8 else self.org.users["manager"]
        if spec.duplicate_of is not None:
            reason, comment = RejectionReason.DUPLICATE, data.DUPLICATE_COMMENT
        else:
            reason, comment = spec.rejection.reason, spec.rejection.comment
        self.desk(15, 180)
        self.add(
            "transition", actor=actor, name="reject", data={"reason": reason, "comment": comment}
        )
        self.wait(2, 20)
        self.add(
            "contact",
            actor=actor,
            channel=self._contact_channel(),
            direction=ContactDirection.OUTBOUND,
            purpose=ContactPurpose.REPLY,
            summary=data.REJECTION_REPLY.format(comment=comment),
        )
        raise Stop

    def _withdraw(self) -> None:
        self.working_days(0, 3)
        self.add(
            "contact",
            actor=self.agent,
            channel=Channel.PHONE,
            direction=ContactDirection.INBOUND,
            purpose=ContactPurpose.GENERAL,
            summary=self.rng.choice(data.WITHDRAWALS),
        )
        self.wait(2, 15)
        self.add(
            "transition",
            actor=self.agent,
            name="withdraw",
            data={"comment": "客户主动撤回投诉。"},
        )
        raise Stop

    def _answer_on_spot(self) -> None:
        self.wait(5, 40)
        self.add(
            "transition",
            actor=self.agent,
            name="answer_on_spot",
            data={"findings": self.spec.scenario.on_spot},
        )
        self.reply_text = data.ON_SPOT_REPLY.format(
            subject=self.spec.subject, findings=self.spec.scenario.on_spot
        )

    def _investigate(self, last: bool) -> None:
        spec, scenario, rng = self.spec, self.spec.scenario, self.rng
        if self.round == 0:
            self.office(30, 300)
            if last and spec.target == State.INVESTIGATION and spec.variant == "unassigned":
                self.add("transition", actor=self.head, name="start_investigation")
                raise Stop
            if self.head != self.handler:
                self.add(
                    "assign",
                    actor=self.head,
                    assignee=self.handler,
                    comment=rng.choice(data.ASSIGN_COMMENTS),
                )
                self.wait(1, 10)
            self.add("transition", actor=self.head, name="start_investigation")
        # The handler's work, in order; an open case stops part-way through it.
        work: list[tuple[str, dict[str, Any]]] = []
        work.append(
            (
                "contact",
                {
                    "channel": self._contact_channel(),
                    "direction": ContactDirection.OUTBOUND,
                    "purpose": ContactPurpose.PROGRESS,
                    "summary": self.text(rng.choice(data.PROGRESS_CONTACTS)),
                },
            )
        )
        notes = list(scenario.notes) or [rng.choice(data.GENERIC_NOTES)]
        for note in rng.sample(notes, min(len(notes), rng.randint(1, 2))):
            work.append(("note", {"text": note}))
        if self.round == 1:
            work = [("note", {"text": "二次处理：已与客户面谈，重新核查问题。"})]
        if last and spec.target == State.INVESTIGATION:
            work = work[: rng.randint(0, len(work))]
        for action, kwargs in work:
            self.office(60, 60 * 20)
            self.add(action, actor=self.handler, **kwargs)
        if self.round == 0 and rng.random() < 0.25:
            self.desk(60, 600)
            self.add(
                "contact",
                actor=self.agent,
                channel=Channel.PHONE,
                direction=ContactDirection.INBOUND,
                summary=rng.choice(data.INBOUND_CONTACTS),
            )
        handoff = scenario.handoff
        if (
            self.round == 0
            and handoff
            and handoff[0] != self.department
            and rng.random() < scenario.handoff_chance
            and not (last and spec.target == State.INVESTIGATION and rng.random() < 0.5)
        ):
            self._hand_off(*handoff)
        if last and spec.target == State.INVESTIGATION:
            raise Stop
        if last and spec.withdraw_at == "investigation":
            self._withdraw()
        self.working_days(0, 2)
        findings = data.SECOND_FINDINGS if self.round == 1 else self.text(scenario.findings)
        self.add(
            "transition",
            actor=self.handler,
            name="complete_investigation",
            data={"findings": findings},
        )

    def _hand_off(self, department: str, note: str) -> None:
        self.office(60, 600)
        if department == "legal":
            self.add(
                "triage",
                actor=self.head,
                legal_risk=True,
                comment="存在法律风险，转法务部。",
            )
            self.wait(2, 20)
        receiver = self.org.handler(department)
        self.add(
            "hand_off",
            actor=self.handler,
            to_department=self.org.departments[department],
            to_user=receiver,
            note=note,
        )
        self.department = department
        self.office(60, 60 * 8)
        self.add("note", actor=receiver, text="已接收交接材料，开始调查。")

    def _resolution(self) -> tuple[data.Resolution, int]:
        rng = self.rng
        claim = int(self.context["claim"].replace(",", ""))
        if self.round == 1:
            resolutions: tuple[data.Resolution, ...] = (data.SECOND_RESOLUTION,)
        else:
            resolutions = self.spec.scenario.resolutions
        resolution = rng.choices(resolutions, [r.weight for r in resolutions])[0]
        low, high = _bounds(resolution, claim)
        waits_for_approval = self.spec.variant in ("pending", "refused")
        if waits_for_approval and self.round == self.final_round:
            # An open case waiting on an approver: take the largest remedy, above the handler's limit.
            resolution = max(resolutions, key=lambda r: _bounds(r, claim)[1])
            low, high = _bounds(resolution, claim)
            low = max(low, HANDLER_LIMIT + 200)
            high = max(high, low)
        amount = _round_amount(rng.uniform(low, high)) if high else 0
        return resolution, amount

    def _approver(self, amount: int, proposer: User) -> User:
        head = self.head
        if head != proposer and amount <= head.approval_limit:
            return head
        manager = self.org.users["manager"]
        if manager != proposer and amount <= manager.approval_limit:
            return manager
        return self.org.users["executive"]

    def _decide(self, last: bool) -> None:
        spec, rng = self.spec, self.rng
        at_decision = last and spec.target == State.DECISION
        if at_decision and spec.variant == "not_proposed":
            raise Stop
        resolution, amount = self._resolution()
        self.context["amount"] = f"{amount:,}"
        proposal = {
            "remedy": resolution.remedy,
            "outcome": resolution.outcome,
            "rationale": self.text(resolution.rationale),
            "root_cause": spec.scenario.root_cause,
        }
        self.office(30, 60 * 6)
        handler = self.handler
        needs_approval = amount > handler.approval_limit
        approver = self._approver(amount, handler) if needs_approval else None
        self.add("propose", actor=handler, amount=amount, approver=approver, **proposal)
        if needs_approval:
            if at_decision and spec.variant == "pending":
                raise Stop
            self.office(60, 60 * 16)
            refuse = (at_decision and spec.variant == "refused") or rng.random() < 0.15
            if refuse:
                self.add("refuse", actor=approver, comment=rng.choice(data.REFUSAL_COMMENTS))
                if at_decision:
                    raise Stop
                amount = _round_amount(amount * rng.uniform(0.6, 0.85))
                self.context["amount"] = f"{amount:,}"
                proposal["rationale"] = self.text(resolution.rationale)
                self.working_days(1, 2)
                needs_approval = amount > handler.approval_limit
                approver = self._approver(amount, handler) if needs_approval else None
                self.add("propose", actor=handler, amount=amount, approver=approver, **proposal)
                if needs_approval:
                    self.office(60, 60 * 10)
            if needs_approval:
                self.add("approve", actor=approver, comment=rng.choice(data.APPROVAL_COMMENTS))
        if at_decision:
            raise Stop
        self.office(10, 120)
        self.add("transition", actor=handler, name="decide")
        self.reply_text = rng.choice(data.REPLY_TEMPLATES).format(
            subject=spec.subject, rationale=proposal["rationale"]
        )

    def _reply(self) -> None:
        if self.spec.on_spot and self.round == 0:
            self.wait(2, 30)
            actor = self.agent
        else:
            self.office(30, 60 * 8)
            actor = self.handler if self.rng.random() < 0.6 else self.agent
        self.add(
            "transition",
            actor=actor,
            name="send_reply",
            data={"channel": self._contact_channel(), "content": self.reply_text},
        )

    def _visit(self, reached: bool, satisfaction: int | None = None, comment: str = "") -> None:
        method = self.rng.choices(
            [FollowUpMethod.PHONE, FollowUpMethod.WECHAT, FollowUpMethod.SMS, FollowUpMethod.VISIT],
            [10, 3, 1, 1],
        )[0]
        self.add(
            "follow_up",
            actor=self.visitor,
            method=method,
            reached=reached,
            satisfaction=satisfaction if reached else None,
            resolved=(satisfaction >= 3) if reached else None,
            comment=comment or self.rng.choice(data.FAILED_FOLLOW_UPS),
        )

    @cached_property
    def visitor(self) -> User:
        return self.pick("agent", "agent2", "agent2", "manager")

    def _failed_attempts(self, count: int) -> None:
        for _ in range(count):
            self._visit(reached=False)
            self.working_days(1, 1)

    def _follow_up_and_close(self) -> None:
        spec, rng = self.spec, self.rng
        self.working_days(1, 3)
        if spec.target == State.FOLLOW_UP:
            if spec.variant == "failed":
                self._visit(reached=False)
            elif spec.variant == "dissatisfied":
                self._visit(True, rng.randint(1, 2), rng.choice(data.DISSATISFIED_COMMENTS))
            raise Stop
        if rng.random() < 0.05:
            self._failed_attempts(3)
            self.add(
                "transition",
                actor=self.visitor,
                name="close",
                data={"comment": data.EXHAUSTED_CLOSE},
            )
            return
        self._failed_attempts(rng.choices([0, 1, 2], [14, 4, 1])[0])
        satisfaction = rng.choices([3, 4, 5], [2, 4, 4])[0]
        self._visit(True, satisfaction, rng.choice(data.SATISFIED_COMMENTS))
        self.wait(1, 10)
        self.add("transition", actor=self.visitor, name="close")

    def _follow_up_dissatisfied(self) -> None:
        self.working_days(1, 3)
        self._visit(True, self.rng.randint(1, 2), self.rng.choice(data.DISSATISFIED_COMMENTS))

    # playing the steps

    def play(self, clock: SimulatedClock, limit: datetime) -> Complaint:
        steps = self.plan()
        start = self.spec.received_at
        last = steps[-1].at
        if last > limit:
            # A recent case: squeeze its story in between its receipt and now, keeping the order.
            factor = (limit - start) / (last - start)
            for step in steps:
                step.at = start + (step.at - start) * factor
        for step in steps:
            clock.current = max(step.at, start)
            getattr(self, f"do_{step.action}")(**step.kwargs)
            if self.complaint is not None:
                self.complaint.refresh_from_db()
        return self.complaint

    def do_create(self, **fields: Any) -> None:
        self.complaint = complaint_create(**fields)

    def do_transition(self, *, actor: User, name: str, data: dict | None = None, **extra) -> None:
        payload = dict(data or {})
        if extra.get("comment"):
            payload["comment"] = extra["comment"]
        complaint_transition(complaint=self.complaint, name=name, actor=actor, data=payload)

    def do_triage(self, *, actor: User, **changes: Any) -> None:
        complaint_triage(complaint=self.complaint, actor=actor, **changes)

    def do_assign(self, *, actor: User, assignee: User, comment: str) -> None:
        complaint_assign(complaint=self.complaint, actor=actor, assignee=assignee, comment=comment)

    def do_note(self, *, actor: User, text: str) -> None:
        complaint_add_note(complaint=self.complaint, actor=actor, text=text)

    def do_contact(self, *, actor: User, **fields: Any) -> None:
        contact_record(complaint=self.complaint, actor=actor, **fields)

    def do_hand_off(self, *, actor: User, **fields: Any) -> None:
        complaint_hand_off(complaint=self.complaint, actor=actor, **fields)

    def do_propose(self, *, actor: User, amount: int, approver: User | None, **fields) -> None:
        self.decision = decision_propose(
            complaint=self.complaint,
            actor=actor,
            amount=Decimal(amount),
            requested_approver=approver,
            **fields,
        )

    def do_approve(self, *, actor: User, comment: str) -> None:
        decision_approve(decision=self.decision, actor=actor, comment=comment)

    def do_refuse(self, *, actor: User, comment: str) -> None:
        decision_refuse(decision=self.decision, actor=actor, comment=comment)

    def do_follow_up(self, *, actor: User, **fields: Any) -> None:
        follow_up_record(complaint=self.complaint, actor=actor, **fields)


def _round_amount(value: float) -> int:
    step = 1000 if value >= 50000 else 100 if value >= 2000 else 10
    return max(step, round(value / step) * step) if value > 0 else 0


# --- entry point --------------------------------------------------------------------------------


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


def seed_demo(*, now: datetime | None = None) -> SeedResult:
    """Load the demo data as if it were `now` (default: the real time); returns what is there."""
    started = perf_counter()
    now = now or timezone.now()
    rng = random.Random(SEED)
    with transaction.atomic():
        org = ensure_organisation()
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
            email_settings.send_email = sending
            email_settings.save(update_fields=["send_email"])
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
