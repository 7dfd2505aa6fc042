"""A demo case's story: its state, its own random streams and the helpers that move its time."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.utils import timezone

from accounts.models import User
from complaints.models import Channel, Complaint, ContactDirection, ContactPurpose, Decision
from demo import data
from demo.seed.amounts import round_amount
from demo.seed.clock import WorkCalendar, local
from demo.seed.organisation import Org
from demo.seed.planning import SEED, CaseSpec


@dataclass
class Step:
    at: datetime
    action: str
    kwargs: dict[str, Any] = field(default_factory=dict)


class Stop(Exception):
    """The case has reached the point where the demo leaves it."""


class StoryBase:
    """Plans one case's life as timed steps; the stage mixins add the steps themselves."""

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

    def _context(self) -> dict[str, str]:
        scenario = self.spec.scenario
        rng = self.rng
        context = {"days": str(rng.randint(3, 15)), "amount": "0", "claim": "0"}
        if scenario is not None:
            context["product"] = rng.choice(scenario.products)
            context["store"] = rng.choice(data.STORES[scenario.line])
            if scenario.claim:
                context["claim"] = f"{round_amount(rng.uniform(*scenario.claim)):,}"
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

    @cached_property
    def agent(self) -> User:
        return self.pick("agent", "agent", "agent2")

    # used by every stage

    def _contact_channel(self) -> str:
        spec = self.spec
        if spec.channel == Channel.EMAIL and spec.customer.email:
            return Channel.EMAIL
        if spec.channel == Channel.WALK_IN and self.rng.random() < 0.3:
            return Channel.WALK_IN
        if spec.channel == Channel.LETTER and self.rng.random() < 0.5:
            return Channel.LETTER
        return Channel.PHONE

    def _withdraw(self) -> None:
        """The customer withdraws the complaint (at intake, triage or during the investigation)."""
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
