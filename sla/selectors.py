"""Read queries about calendars: the pure WorkingCalendar the deadline code computes with."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Department, User
from complaints.models import Category, Complaint, Severity
from sla.calendar import Period, ServiceHours, WorkingCalendar, parse_periods
from sla.models import (
    LIVE,
    BusinessCalendar,
    CalendarDay,
    CalendarYear,
    ChecklistTemplate,
    ChecklistTemplateStep,
    Clock,
    DepartmentCalendar,
    DutyDay,
    Escalation,
    ServiceDay,
    ServicePeriod,
    SlaPolicy,
    Stage,
    Unit,
)
from sla.presets import PRESETS, preset_policy_code

# calendar id -> (what the cached copy was built from, the copy). Per process; a copy is reused
# only while the calendar row still has the same revision, time zone and rest days.
_cache: dict[int, tuple[tuple, WorkingCalendar]] = {}
_cache_lock = threading.Lock()


# (pk, revision, time zone, rest weekdays): what tells whether a cached WorkingCalendar is current.
CalendarRow = tuple[int, Any, str, list[int]]
CALENDAR_ROW_FIELDS = ("pk", "revision", "time_zone", "rest_weekdays")


def working_calendar(
    *,
    calendar: BusinessCalendar | None = None,
    calendar_id: int | None = None,
    row: CalendarRow | None = None,
) -> WorkingCalendar:
    """The calendar (or the one of `calendar_id`; the default one when neither is given) as a
    WorkingCalendar.

    One query when the cached copy is current, five when it is rebuilt (the row, days, years,
    service periods, service exceptions); none when the caller gives the calendar's `row` as the
    policy book holds it: the service hours ride in the cached copy, so an intake reads nothing
    more for them. Callers that compute many deadlines
    (a beat scan) should call this once and reuse the object for the batch.
    """
    if calendar is not None:
        calendar_id = calendar.pk
    if row is None:
        rows = BusinessCalendar.objects.values_list(*CALENDAR_ROW_FIELDS)
        if calendar_id is None:
            row = rows.filter(is_default=True).first()
        else:
            row = rows.filter(pk=calendar_id).first()
    if row is None:
        raise BusinessCalendar.DoesNotExist(
            "No default business calendar."
            if calendar_id is None
            else f"No calendar {calendar_id}."
        )
    calendar_id, revision, time_zone, rest_weekdays = row
    key = (revision, time_zone, tuple(sorted(rest_weekdays)))
    cached = _cache.get(calendar_id)
    if cached is not None and cached[0] == key:
        return cached[1]

    days_off: set[date] = set()
    working_days: set[date] = set()
    for day, kind in CalendarDay.objects.filter(calendar_id=calendar_id).values_list(
        "date", "kind"
    ):
        (working_days if kind == CalendarDay.Kind.WORKING_DAY else days_off).add(day)
    years = dict(CalendarYear.objects.filter(calendar_id=calendar_id).values_list("year", "status"))
    built = WorkingCalendar(
        time_zone=ZoneInfo(time_zone),
        rest_weekdays=frozenset(rest_weekdays),
        days_off=frozenset(days_off),
        working_days=frozenset(working_days),
        provisional_years=frozenset(
            year for year, status in years.items() if status == CalendarYear.Status.PROVISIONAL
        ),
        loaded_years=frozenset(years),
        service_hours=_service_hours(calendar_id),
    )
    with _cache_lock:
        _cache[calendar_id] = (key, built)
    return built


def _service_hours(calendar_id: int) -> ServiceHours | None:
    """The calendar's service periods and date exceptions; None when it has none at all."""
    weekly: list[list[Period]] = [[] for _ in range(7)]
    for period in ServicePeriod.objects.filter(calendar_id=calendar_id).order_by("start"):
        weekly[period.weekday - 1].append(period.as_minutes())
    dates = {
        day: parse_periods(text)
        for day, text in ServiceDay.objects.filter(calendar_id=calendar_id).values_list(
            "date", "periods"
        )
    }
    if not any(weekly) and not dates:
        return None
    return ServiceHours(weekly=tuple(tuple(periods) for periods in weekly), dates=dates)


def working_calendar_cache_clear() -> None:
    """Forget every cached copy (tests; not needed in normal running)."""
    with _cache_lock:
        _cache.clear()


def provisional_years_ahead(
    *, calendar: BusinessCalendar, today: date | None = None, horizon_days: int = 90
) -> list[int]:
    """Years that deadlines set from today up to `horizon_days` ahead may fall in, still unconfirmed.

    A year counts when it is provisional or was never loaded at all. This is what administrators are
    to be alerted about; 90 days covers the longest working-day targets with room to act.
    """
    today = today or timezone.localdate(timezone=ZoneInfo(calendar.time_zone))
    span = range(today.year, (today + timedelta(days=horizon_days)).year + 1)
    confirmed = set(
        CalendarYear.objects.filter(
            calendar=calendar, year__in=list(span), status=CalendarYear.Status.CONFIRMED
        ).values_list("year", flat=True)
    )
    return [year for year in span if year not in confirmed]


def calendar_years_missing(*, years: set[int]) -> dict[str, list[int]]:
    """Active calendars (by code) that lack any of `years`, with the years they lack; two queries.

    A calendar without a year counts weekends only there: 国庆节 and 春节 become working days.
    Read by the system check sla.W001 and by /readyz.
    """
    calendars = list(
        BusinessCalendar.objects.filter(is_active=True).order_by("pk").values_list("pk", "code")
    )
    loaded: dict[int, set[int]] = {}
    for calendar_id, year in CalendarYear.objects.filter(
        calendar__in=[pk for pk, _code in calendars], year__in=years
    ).values_list("calendar_id", "year"):
        loaded.setdefault(calendar_id, set()).add(year)
    missing = {code: sorted(years - loaded.get(pk, set())) for pk, code in calendars}
    return {code: lacking for code, lacking in missing.items() if lacking}


def due_clocks(*, now: datetime) -> QuerySet[Clock]:
    """Live clocks with something due by `now`, oldest first: the sweep's one query.

    Exactly the LIVE condition of the partial index clock_live_next_action_idx, so PostgreSQL
    answers it from that index (in its order) however many finished clocks pile up.
    """
    return Clock.objects.filter(LIVE, next_action_at__lte=now).order_by("next_action_at")


# Every active policy with its targets, and the category tree's parent links: what choosing a
# case's policy needs. Read on every intake, severity change and re-plan; changed a few times a
# year. Kept in the cache (shared by every process with Redis) and forgotten whenever a policy, a
# target or a category is saved or deleted (sla.apps), at once and again at the commit, so that
# no process can rebuild it from what was there before the change committed.
POLICY_BOOK_KEY = "sla-policy-book"
POLICY_BOOK_SECONDS = 300


@dataclass(frozen=True)
class PolicyBook:
    # (severity, category id or None for the general policy) -> the active policy, targets loaded
    policies: dict[tuple[str, int | None], SlaPolicy]
    parents: dict[int, int | None]
    # The default calendar's row (None: there is none yet), the calendars departments keep of
    # their own (department id -> row) and the department tree's parent links, so that choosing a
    # deadline's calendar and a person's quiet hours reads nothing more than the book.
    default_row: CalendarRow | None = None
    department_rows: dict[int, CalendarRow] = field(default_factory=dict)
    department_parents: dict[int, int | None] = field(default_factory=dict)
    # category id -> the steps of the active checklist templates named on it (templates loaded)
    checklist_steps: dict[int, tuple[ChecklistTemplateStep, ...]] = field(default_factory=dict)
    # The steps of the active templates for personal injuries (seed 004 §三), whatever the category.
    injury_steps: tuple[ChecklistTemplateStep, ...] = ()

    def checklist_steps_for(
        self, category_id: int | None, *, personal_injury: bool = False
    ) -> list[ChecklistTemplateStep]:
        """The steps a case of the category gets: its templates' and those of the categories
        above it (a template on "安全" covers its sub-categories), each template once; and, for a
        personal injury, the injury templates'."""
        found: list[ChecklistTemplateStep] = []
        included: set[int] = set()
        if personal_injury:
            found += self.injury_steps
            included.update(step.template_id for step in self.injury_steps)
        seen: set[int] = set()
        node = category_id
        while node is not None and node not in seen:
            fresh = [
                step
                for step in self.checklist_steps.get(node, ())
                if step.template_id not in included
            ]
            found += fresh
            included.update(step.template_id for step in fresh)
            seen.add(node)
            node = self.parents.get(node)
        return found

    def department_calendar_row(self, department_id: int | None) -> CalendarRow | None:
        """The row of the nearest calendar up the department tree; None: the default applies."""
        seen: set[int] = set()
        node = department_id
        while node is not None and node not in seen:
            row = self.department_rows.get(node)
            if row is not None:
                return row
            seen.add(node)
            node = self.department_parents.get(node)
        return None

    def policy_for(self, *, severity: str, category_id: int | None) -> SlaPolicy | None:
        """The policy of the nearest category up the tree that has one, else the general one."""
        seen: set[int] = set()
        node = category_id
        while node is not None and node not in seen:
            policy = self.policies.get((severity, node))
            if policy is not None:
                return policy
            seen.add(node)
            node = self.parents.get(node)
        return self.policies.get((severity, None))


def _policy_book_build() -> PolicyBook:
    policies = list(
        SlaPolicy.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related("targets")
    )
    default = (
        BusinessCalendar.objects.filter(is_default=True).values_list(*CALENDAR_ROW_FIELDS).first()
    )
    for policy in policies:
        # The row of the calendar it counts in, so that an intake checks its cached calendar
        # without a query (the book is forgotten when a calendar changes: sla.apps, services).
        own = policy.calendar if policy.calendar_id else None
        row = (own.pk, own.revision, own.time_zone, own.rest_weekdays) if own else default
        setattr(policy, "calendar_row", row)  # noqa: B010 (not a model field: see calendar_for_policy)
    return PolicyBook(
        policies={(policy.severity, policy.category_id): policy for policy in policies},
        parents=dict(Category.objects.values_list("pk", "parent_id")),
        default_row=default,
        department_rows={
            department_id: (calendar_id, revision, time_zone, rest_weekdays)
            for department_id, calendar_id, revision, time_zone, rest_weekdays in (
                DepartmentCalendar.objects.values_list(
                    "department_id",
                    "calendar_id",
                    "calendar__revision",
                    "calendar__time_zone",
                    "calendar__rest_weekdays",
                )
            )
        },
        department_parents=dict(Department.objects.values_list("pk", "parent_id")),
        **_checklist_steps(),
    )


def _checklist_steps() -> dict[str, Any]:
    """The book's checklist fields: the steps by category and the personal-injury steps."""
    by_category: dict[int, list[ChecklistTemplateStep]] = {}
    injury: list[ChecklistTemplateStep] = []
    templates = ChecklistTemplate.objects.filter(is_active=True).prefetch_related(
        "categories", "steps"
    )
    for template in templates:
        for category in template.categories.all():
            by_category.setdefault(category.pk, []).extend(template.steps.all())
        if template.personal_injury:
            injury.extend(template.steps.all())
    return {
        "checklist_steps": {
            category_id: tuple(steps) for category_id, steps in by_category.items()
        },
        "injury_steps": tuple(injury),
    }


# Each build of the book has a stamp of its own, kept under a key of its own beside the book. A
# process keeps the last book it read with its stamp, and reads only the stamp while that is
# still the one in the cache: unpickling the book (policies, targets, calendars) cost more than
# all the rest of choosing a policy. Forgetting drops both keys, so the next read builds anew.
POLICY_BOOK_STAMP_KEY = "sla-policy-book-stamp"
# (stamp, book) of the last book this process read; read-only, shared by its threads.
_policy_book_seen: tuple[str, PolicyBook] | None = None


def policy_book() -> PolicyBook:
    global _policy_book_seen
    stamp: str | None = cache.get(POLICY_BOOK_STAMP_KEY)
    seen = _policy_book_seen
    if stamp is not None and seen is not None and seen[0] == stamp:
        return seen[1]
    stored: tuple[str, PolicyBook] | None = cache.get(POLICY_BOOK_KEY) if stamp else None
    if stored is None or stored[0] != stamp:
        stored = (secrets.token_hex(8), _policy_book_build())
        cache.set_many(
            {POLICY_BOOK_KEY: stored, POLICY_BOOK_STAMP_KEY: stored[0]}, POLICY_BOOK_SECONDS
        )
    _policy_book_seen = stored
    return stored[1]


def forget_policy_book() -> None:
    """Drop the cached book now and once the current transaction commits (sla.apps)."""
    keys = [POLICY_BOOK_KEY, POLICY_BOOK_STAMP_KEY]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def policy_for(*, severity: str, category: Category | None) -> SlaPolicy | None:
    """The active policy for a severity: the one of the nearest category up the tree, else general."""
    return policy_book().policy_for(
        severity=severity, category_id=category.pk if category is not None else None
    )


def calendar_for_policy(*, policy: SlaPolicy | None) -> WorkingCalendar:
    return working_calendar(
        calendar=policy.calendar if policy and policy.calendar_id else None,
        row=getattr(policy, "calendar_row", None),  # set on the policy book's copies
    )


@dataclass(frozen=True)
class PlanningCalendar:
    """The calendar a new deadline counts on: its id as the clock records it (None: the default
    calendar, whichever that is) and the calendar itself."""

    calendar_id: int | None
    working: WorkingCalendar


def calendar_for_deadline(
    *,
    policy: SlaPolicy | None,
    department_id: int | None,
    unit: str,
    book: PolicyBook | None = None,
) -> PlanningCalendar:
    """The calendar a new clock of `policy` (or a checklist step: None) counts on, for a case in
    `department_id`.

    The policy's own calendar when it names one (a deliberate choice: a regulator's count); else
    the calendar of the case's department, the nearest up the tree that keeps one (a night-shift
    call centre, a store open at weekends); else the default. A service-hour target on a
    department calendar without service hours counts on the default's (the policy admin checks
    that those exist), so a department's calendar can never make an intake fail. No query while
    the book and the calendars' cached copies are current. `book`: the policy book the caller
    read already (an intake plans its clocks from one read of it).
    """
    if policy is not None and policy.calendar_id:
        return PlanningCalendar(policy.calendar_id, calendar_for_policy(policy=policy))
    book = book or policy_book()
    row = book.department_calendar_row(department_id)
    if row is not None and row != book.default_row:
        working = working_calendar(row=row)
        if unit != Unit.SERVICE_HOURS or working.has_service_hours:
            return PlanningCalendar(row[0], working)
    return PlanningCalendar(None, working_calendar(row=book.default_row))


def calendar_for_department(*, department_id: int | None) -> WorkingCalendar:
    """The calendar a person of `department_id` works by (their quiet hours): the nearest up the
    department tree that keeps one, else the default (BusinessCalendar.DoesNotExist if none)."""
    book = policy_book()
    return working_calendar(row=book.department_calendar_row(department_id) or book.default_row)


def calendar_of_clock(
    clock: Clock, *, known: dict[int | None, WorkingCalendar] | None = None
) -> WorkingCalendar:
    """The calendar the clock was planned on (its `calendar`, else the default). `known` carries
    the calendars a batch has read already, by id, so each is read once a run."""
    if known is None:
        return working_calendar(calendar_id=clock.calendar_id)
    if clock.calendar_id not in known:
        known[clock.calendar_id] = working_calendar(calendar_id=clock.calendar_id)
    return known[clock.calendar_id]


@dataclass(frozen=True)
class Deadline:
    stage: str
    round: int
    due_at: datetime
    met_at: datetime | None
    breached: bool
    paused: bool
    provisional: bool
    calendar_id: int | None = None  # the calendar it counts on; None: the default


def complaint_deadlines(*, complaint: Complaint, now: datetime | None = None) -> list[Deadline]:
    """The case's clocks, current round first in stage order; uses prefetched `clocks` if present."""
    now = now or timezone.now()
    order = {stage: position for position, stage in enumerate(Stage.values)}
    clocks = sorted(
        (clock for clock in complaint.clocks.all() if clock.cancelled_at is None or clock.met_at),
        key=lambda clock: (-clock.round, order[clock.stage]),
    )
    return [
        Deadline(
            stage=clock.stage,
            round=clock.round,
            due_at=clock.due_at,
            met_at=clock.met_at,
            breached=clock_is_breached(clock, now=now),
            paused=clock.paused_at is not None,
            # Only a deadline still to meet may move: the flag of a finished clock is history
            # (it is not re-planned when its year is confirmed, so it would stay on for good).
            provisional=clock.provisional and clock.met_at is None and clock.cancelled_at is None,
            calendar_id=clock.calendar_id,
        )
        for clock in clocks
    ]


def deadline_calendar_names(deadlines: Iterable[Deadline]) -> list[str]:
    """The names of the calendars other than the default that these deadlines count on (a
    department's or a policy's own), for the case page to say why a deadline falls on a Sunday;
    no query when they all count on the default."""
    own = {deadline.calendar_id for deadline in deadlines if deadline.calendar_id is not None}
    if not own:
        return []
    return list(
        BusinessCalendar.objects.filter(pk__in=own, is_default=False)
        .order_by("name")
        .values_list("name", flat=True)
    )


def clock_is_breached(clock: Clock, *, now: datetime) -> bool:
    if clock.breached_at is not None:
        return True
    if clock.met_at is not None:
        return clock.met_at > clock.due_at
    if clock.paused_at is not None:
        return clock.paused_at > clock.due_at
    return clock.cancelled_at is None and now > clock.due_at


@dataclass(frozen=True)
class EscalationReason:
    """One reason a case went up, as stored codes and numbers (rendered by the pages in the
    reader's language): the reason code, the stage whose deadline was missed (None for a fact)
    and how late, in whole units of that clock when it escalated."""

    reason: str
    stage: str | None = None
    unit: str | None = None
    late_by: int = (
        0  # whole working days, service hours or hours past the deadline; 0 = just missed
    )


@dataclass(frozen=True)
class EscalationFacts:
    """Why a case stands at its escalation level: every reason recorded for that level."""

    level: int
    reasons: tuple[EscalationReason, ...]


def complaint_escalation(*, complaint: Complaint) -> EscalationFacts | None:
    """The reasons of the case's current escalation level, oldest first; no query for a case
    never escalated.

    One query (two when a working-day clock's calendar copy must be checked): the lateness is the
    working time between the deadline and the escalation in whole days, or elapsed hours.
    """
    if not complaint.escalation_level:
        return None
    escalations = list(
        Escalation.objects.filter(complaint=complaint, level=complaint.escalation_level)
        .select_related("clock")
        .order_by("at", "id")
    )
    if not escalations:
        return None
    return EscalationFacts(
        level=complaint.escalation_level,
        reasons=tuple(_escalation_reason(escalation) for escalation in escalations),
    )


def _escalation_reason(escalation: Escalation) -> EscalationReason:
    clock = escalation.clock
    if clock is None:
        return EscalationReason(reason=escalation.reason)
    if clock.unit == Unit.WORKING_DAYS:
        calendar = calendar_of_clock(clock)
        late_by = calendar.working_time_between(clock.due_at, escalation.at) // timedelta(days=1)
    elif clock.unit == Unit.SERVICE_HOURS:
        calendar = calendar_of_clock(clock)
        late_by = calendar.service_time_between(clock.due_at, escalation.at) // timedelta(hours=1)
    else:
        late_by = max(escalation.at - clock.due_at, timedelta(0)) // timedelta(hours=1)
    return EscalationReason(
        reason=escalation.reason, stage=clock.stage, unit=clock.unit, late_by=late_by
    )


def duty_manager_on(*, day: date) -> User | None:
    """The duty manager of a local day (the admin's rota), if one is set and still active."""
    row = DutyDay.objects.select_related("manager").filter(day=day).first()
    return row.manager if row is not None and row.manager.is_active else None


@dataclass(frozen=True)
class PresetState:
    """How far a market's preset is in the database: its policies loaded and in force (of the
    one per severity it brings)."""

    loaded: int
    active: int


def preset_states() -> dict[str, PresetState]:
    """Every market preset (sla.presets) -> its state, in one query."""
    codes = {
        preset_policy_code(market, severity): market
        for market in PRESETS
        for severity in Severity.values
    }
    rows = SlaPolicy.objects.filter(code__in=codes).values_list("code", "is_active")
    loaded = dict.fromkeys(PRESETS, 0)
    active = dict.fromkeys(PRESETS, 0)
    for code, is_active in rows:
        loaded[codes[code]] += 1
        active[codes[code]] += int(is_active)
    return {market: PresetState(loaded[market], active[market]) for market in PRESETS}
