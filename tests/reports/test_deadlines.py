"""SLA compliance per stage clock this month, and the time taken to answer, decide and close."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from complaints.models import State
from reports.selectors.deadlines import (
    Calendars,
    durations,
    first_response_hours,
    sla_compliance,
)
from reports.selectors.scope import ReportScope
from sla.calendar import WorkingCalendar
from tests.reports.conftest import local

EVERYTHING = ReportScope(departments=None)

# Weekends off, National Day 1-7 October off, Saturday 10 October a make-up working day (调休).
CALENDAR = WorkingCalendar(
    time_zone=ZoneInfo("Asia/Shanghai"),
    rest_weekdays=frozenset({6, 7}),
    days_off=frozenset(date(2026, 10, day) for day in range(1, 8)),
    working_days=frozenset({date(2026, 10, 10)}),
)


def test_compliance_per_stage_clock_this_month(case, clock, periods) -> None:
    a = case(local(2026, 10, 2), state=State.INVESTIGATION)
    clock(a, "first_response", local(2026, 10, 5), met_at=local(2026, 10, 4))  # on time
    clock(a, "investigation", local(2026, 10, 9, 23, 59))  # missed, still running
    b = case(local(2026, 10, 2), state=State.DECISION)
    clock(b, "first_response", local(2026, 10, 5), met_at=local(2026, 10, 6))  # late
    # Paused before its deadline and still waiting: not missed (its deadline moves on resuming).
    clock(b, "investigation", local(2026, 10, 9), paused_at=local(2026, 10, 8))
    # Paused only after its deadline had passed: missed.
    clock(b, "decision", local(2026, 10, 9), paused_at=local(2026, 10, 10))
    c = case(local(2026, 9, 1), state=State.DECISION)
    clock(c, "decision", local(2026, 9, 20))  # missed last month: not this month's figure
    clock(c, "reply", local(2026, 9, 29), met_at=local(2026, 9, 28))  # met last month
    # Reopened: round 0's investigation was met in September, round 1's this month on time.
    clock(c, "investigation", local(2026, 9, 10), met_at=local(2026, 9, 9))
    clock(c, "investigation", local(2026, 10, 13), met_at=local(2026, 10, 12), round=1)
    gone = case(local(2026, 9, 28), state=State.WITHDRAWN)
    clock(gone, "reply", local(2026, 10, 2), cancelled_at=local(2026, 10, 3))  # stopped unmet

    compliance = sla_compliance(scope=EVERYTHING, periods=periods)

    def figures(stage: str) -> tuple[int, int, int]:
        item = compliance[stage]
        return item.on_time, item.late, item.breached_open

    assert figures("first_response") == (1, 1, 0)
    assert compliance["first_response"].rate == 0.5
    assert figures("investigation") == (1, 0, 1)
    assert figures("decision") == (0, 0, 1)
    assert compliance["decision"].rate == 0
    assert figures("reply") == (0, 0, 0)
    assert compliance["reply"].rate is None


def test_first_response_in_hours_mean_median_and_90th_percentile(case, periods) -> None:
    case(local(2026, 10, 2, 10), first_response_at=local(2026, 10, 2, 12))  # 2 h
    case(local(2026, 10, 3, 9), first_response_at=local(2026, 10, 3, 10))  # 1 h
    case(local(2026, 10, 5, 9), first_response_at=local(2026, 10, 5, 15))  # 6 h
    case(local(2026, 9, 29, 9), first_response_at=local(2026, 9, 30, 9))  # September's
    case(local(2026, 10, 12, 9))  # not answered yet

    figures = first_response_hours(scope=EVERYTHING, periods=periods)

    assert figures.count == 3
    assert figures.mean == pytest.approx(3.0)
    assert figures.median == pytest.approx(2.0)
    # percentile_cont: 0.9 × (3 − 1) = 1.8 → 2 h + 0.8 × (6 h − 2 h).
    assert figures.p90 == pytest.approx(5.2)


def test_no_first_response_this_month_gives_no_figures(case, periods) -> None:
    figures = first_response_hours(scope=EVERYTHING, periods=periods)

    assert (figures.count, figures.mean, figures.median, figures.p90) == (0, None, None, None)


def test_decision_and_close_in_working_days(case, periods) -> None:
    # Received 23:30 on the eve of the holidays: 1-7 October are off, 8 and 9 count.
    case(local(2026, 9, 30, 23, 30), decided_at=local(2026, 10, 9, 10))  # 2
    case(local(2026, 10, 8, 9), decided_at=local(2026, 10, 8, 17))  # same day: 0
    # Friday to Monday over the make-up Saturday: 10 and 12 October.
    case(local(2026, 10, 9, 9), decided_at=local(2026, 10, 12, 10))  # 2
    # 28, 29, 30 September, then 8, 9, 10, 12, 13 October.
    case(local(2026, 9, 25, 9), decided_at=local(2026, 10, 13, 10))  # 8
    case(local(2026, 9, 1), decided_at=local(2026, 9, 30))  # decided in September
    case(local(2026, 9, 20), state=State.INVESTIGATION, reopen_count=1)  # reopened, undecided
    # Closed: 2 October to 9 October is 2 working days (8, 9).
    case(local(2026, 10, 2), state=State.CLOSED, closed_at=local(2026, 10, 9, 16))
    case(local(2026, 10, 2), state=State.WITHDRAWN, withdrawn_at=local(2026, 10, 9))
    case(local(2026, 10, 2), state=State.REJECTED, rejected_at=local(2026, 10, 9))

    figures = durations(scope=EVERYTHING, periods=periods, calendars=Calendars(CALENDAR))

    decision = figures.decision_working_days
    assert decision.count == 4
    assert decision.mean == pytest.approx(3.0)  # (2 + 0 + 2 + 8) / 4
    assert decision.median == pytest.approx(2.0)
    assert decision.p90 == pytest.approx(6.2)  # 0.9 × 3 = 2.7 → 2 + 0.7 × (8 − 2)
    close = figures.close_working_days
    assert (close.count, close.mean, close.median, close.p90) == (1, 2.0, 2.0, 2.0)


# --- each case on its own policy's calendar ----------------------------------------------------


@pytest.fixture
def other_calendars(db):
    """Two more calendars, each named by a policy: "intl" (Shanghai time, weekends only: the
    National Day week is worked) and "uk" (London time, weekends only)."""
    from sla.models import BusinessCalendar, SlaPolicy, SlaTarget

    made = {}
    for code, zone in (("intl", "Asia/Shanghai"), ("uk", "Europe/London")):
        calendar = BusinessCalendar.objects.create(
            name=code, code=code, country="", time_zone=zone, rest_weekdays=[6, 7]
        )
        policy = SlaPolicy.objects.create(
            name=code,
            code=f"policy-{code}",
            severity="general",
            calendar=calendar,
            is_active=False,
        )
        target = SlaTarget.objects.create(
            policy=policy, stage="decision", amount=5, unit="working_days", start_event="received"
        )
        made[code] = (calendar, target)
    return made


def weekends_only(zone: str) -> WorkingCalendar:
    return WorkingCalendar(
        time_zone=ZoneInfo(zone),
        rest_weekdays=frozenset({6, 7}),
        days_off=frozenset(),
        working_days=frozenset(),
    )


def on_policy(complaint, target) -> None:
    from sla.models import Clock

    Clock.objects.create(
        complaint=complaint,
        stage="decision",
        target=target,
        calendar_id=target.policy.calendar_id,  # as planning records it
        amount=target.amount,
        unit=target.unit,
        reminder_percent=75,
        breach_level=1,
        started_at=complaint.received_at,
        due_at=complaint.received_at,
        met_at=complaint.decided_at,
    )


def test_each_case_counts_its_working_days_on_its_clocks_calendar(
    case, periods, other_calendars
) -> None:
    intl, intl_target = other_calendars["intl"]
    uk, uk_target = other_calendars["uk"]
    calendars = Calendars(
        CALENDAR, {intl.pk: weekends_only("Asia/Shanghai"), uk.pk: weekends_only("Europe/London")}
    )
    # The default policy's calendar: 1-7 October off, so 8 and 9 October: 2 working days.
    case(local(2026, 9, 30, 23, 30), decided_at=local(2026, 10, 9, 10))
    # The same dates on "intl": 1, 2, 5, 6, 7, 8, 9 October are worked: 7.
    on_policy(case(local(2026, 9, 30, 23, 30), decided_at=local(2026, 10, 9, 10)), intl_target)
    # On "uk", in London's days: received 7 October 18:00 there, decided 8 October 10:00: 1 (in
    # Shanghai's days both fall on the 8th: 0).
    on_policy(case(local(2026, 10, 8, 1), decided_at=local(2026, 10, 8, 17)), uk_target)

    decision = durations(scope=EVERYTHING, periods=periods, calendars=calendars)
    decision = decision.decision_working_days

    assert decision.count == 3
    assert decision.mean == pytest.approx((2 + 7 + 1) / 3)
    assert decision.median == pytest.approx(2.0)
    # With one calendar for everything (the usual setup) the default counts every case
    alone = durations(scope=EVERYTHING, periods=periods, calendars=Calendars(CALENDAR))
    assert alone.decision_working_days.mean == pytest.approx((2 + 2 + 0) / 3)


def test_the_calendars_are_the_default_and_those_policies_or_departments_name(
    other_calendars,
) -> None:
    from reports.selectors.deadlines import report_calendars
    from sla.models import BusinessCalendar, DepartmentCalendar, SlaPolicy
    from tests.factories import DepartmentFactory

    intl, _target = other_calendars["intl"]
    uk, _target = other_calendars["uk"]

    calendars = report_calendars()

    default = BusinessCalendar.objects.get(is_default=True)
    assert calendars.default.time_zone == ZoneInfo(default.time_zone)
    assert set(calendars.others) == {intl.pk, uk.pk}
    assert calendars.others[uk.pk].time_zone == ZoneInfo("Europe/London")
    SlaPolicy.objects.filter(calendar__isnull=False).update(calendar=None)
    assert report_calendars().others == {}
    # a calendar a department keeps of its own counts too
    DepartmentCalendar.objects.create(department=DepartmentFactory(), calendar=uk)
    assert set(report_calendars().others) == {uk.pk}
