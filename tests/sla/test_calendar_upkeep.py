"""A deployment that follows the README computes holiday-aware deadlines from its first complaint.

- `migrate` loads last, this and next year into the active calendars (a post_migrate handler);
- `manage.py check` warns (sla.W001) of an active calendar lacking the current or next year;
- running working-day deadlines are re-planned when the days under them change (a year loaded
  late, an administrator's day off or make-up day), each move written on the case's timeline.

The statutory example: received Wed 2026-09-30 10:00. 10-01 to 10-07 are 国庆节 days off (the 4th a
Sunday), Sat 10-10 is a make-up working day. Investigation (3 working days): Thu 10-08, Fri 10-09,
Sat 10-10 → 10-10 23:59:59; decision (5): Mon 10-12, Tue 10-13. On weekends alone the investigation
would be due Mon 10-05, in the middle of the holiday.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.utils.dateparse import parse_datetime

from complaints.models import CaseEvent
from sla.models import BusinessCalendar, CalendarChange, CalendarDay, CalendarYear, Reminder, Stage
from sla.services import (
    calendar_changes_apply,
    calendar_day_delete,
    calendar_day_set,
    calendar_save,
    calendars_load_missing_years,
    clock_process,
    default_years,
)
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
HOLIDAY_AWARE = {
    Stage.INVESTIGATION: "2026-10-10T23:59:59+08:00",
    Stage.DECISION: "2026-10-13T23:59:59+08:00",
}
WEEKENDS_ONLY = {
    Stage.INVESTIGATION: "2026-10-05T23:59:59+08:00",
    Stage.DECISION: "2026-10-07T23:59:59+08:00",
}


@pytest.fixture
def cn(db) -> BusinessCalendar:
    """The default calendar exactly as `migrate` left it: with the days of the current years."""
    return BusinessCalendar.objects.get(code="cn")


def unload(calendar: BusinessCalendar) -> None:
    """The calendar as a deployment had it before this change: no years, no days."""
    CalendarDay.objects.filter(calendar=calendar).delete()
    CalendarYear.objects.filter(calendar=calendar).delete()
    CalendarChange.objects.all().delete()


def working_day_dues(complaint) -> dict[str, str | None]:
    clocks = clocks_of(complaint)
    return {stage: local(clocks[stage].due_at) for stage in HOLIDAY_AWARE}


def test_the_test_database_migrated_from_zero_has_the_years_deadlines_need(cn):
    # pytest-django built this database with `migrate` and nothing else
    years = set(CalendarYear.objects.filter(calendar=cn).values_list("year", flat=True))
    assert set(default_years()) <= years
    national_day = date(default_years()[1], 10, 1)
    assert CalendarDay.objects.get(calendar=cn, date=national_day).kind == "day_off"


def test_migrate_alone_gives_a_complaint_its_holiday_aware_deadlines(cn, new_complaint, now_is):
    now_is(RECEIVED)
    unload(cn)

    call_command("migrate", verbosity=0)

    complaint = new_complaint(received_at=RECEIVED)
    assert working_day_dues(complaint) == HOLIDAY_AWARE
    assert not any(clock.provisional for clock in clocks_of(complaint).values())


def test_migrate_loads_only_the_missing_years_and_keeps_an_administrators_day(cn, org, now_is):
    now_is(RECEIVED)
    CalendarYear.objects.filter(calendar=cn, year=2027).delete()
    CalendarDay.objects.filter(calendar=cn, date__year=2027).delete()
    company_day = calendar_day_set(
        calendar=cn, day=date(2026, 12, 24), kind="day_off", name="公司年会", actor=None
    )

    summaries = calendars_load_missing_years()

    assert [year.year for summary in summaries for year in summary.years] == [2027]
    assert CalendarDay.objects.get(pk=company_day.pk).source == CalendarDay.Source.ADMIN
    assert calendars_load_missing_years() == []  # nothing missing: nothing read


def test_check_warns_of_a_calendar_missing_the_current_or_next_year(cn):
    assert not [message for message in run_checks() if message.id == "sla.W001"]

    next_year = default_years()[2]
    CalendarYear.objects.filter(calendar=cn, year=next_year).delete()

    warnings = [message for message in run_checks() if message.id == "sla.W001"]
    assert len(warnings) == 1
    assert str(next_year) in warnings[0].msg
    assert warnings[0].obj == cn


def test_check_ignores_an_inactive_calendar(cn):
    other = BusinessCalendar.objects.create(
        name="Hong Kong", code="hk", country="HK", is_active=False
    )
    assert not [m for m in run_checks() if m.id == "sla.W001" and m.obj == other]


def test_a_year_loaded_late_replans_running_deadlines_and_says_so_on_the_timeline(
    cn, org, new_complaint, now_is
):
    # given a deployment whose calendar was empty when the complaint came in
    now_is(RECEIVED)
    unload(cn)
    complaint = new_complaint(received_at=RECEIVED)
    assert working_day_dues(complaint) == WEEKENDS_ONLY

    # when the years are loaded and the change is applied
    calendars_load_missing_years()
    assert CalendarChange.objects.filter(processed_at__isnull=True).exists()
    moved = calendar_changes_apply()

    # then both working-day clocks moved past the holiday, once, with the old and new date
    assert moved == 2
    assert working_day_dues(complaint) == HOLIDAY_AWARE
    event = complaint.events.get(kind=CaseEvent.Kind.DEADLINES_REPLANNED)
    assert event.actor is None
    assert event.data["why"]["calendar"] == cn.name
    assert event.data["why"]["dates"] == ["2025-01-01", "2027-12-31"]
    moves = {
        move["stage"]: (local(parse_datetime(move["from"])), local(parse_datetime(move["to"])))
        for move in event.data["clocks"]
    }
    assert set(moves) == set(HOLIDAY_AWARE)
    assert moves[Stage.INVESTIGATION] == ("2026-10-05T23:59:59+08:00", "2026-10-10T23:59:59+08:00")
    complaint.refresh_from_db()
    assert local(complaint.next_due_at) == "2026-10-01T10:00:00+08:00"  # the 24 h first response
    assert not CalendarChange.objects.filter(processed_at__isnull=True).exists()

    # and a second run finds nothing to move
    assert calendar_changes_apply() == 0
    assert complaint.events.filter(kind=CaseEvent.Kind.DEADLINES_REPLANNED).count() == 1


def test_a_reminder_already_sent_stays_sent_after_a_replan(cn, org, new_complaint, now_is):
    now_is(RECEIVED)
    unload(cn)
    complaint = new_complaint(received_at=RECEIVED)
    investigation = clocks_of(complaint)[Stage.INVESTIGATION]
    # the weekends-only reminder (75 % of the working time) went out on Mon 10-05, in the holiday
    now_is(datetime(2026, 10, 5, 12, tzinfo=SHANGHAI))
    assert "reminder" in clock_process(clock_id=investigation.pk)
    reminded_at = clocks_of(complaint)[Stage.INVESTIGATION].reminded_at

    calendars_load_missing_years()
    calendar_changes_apply()

    clock = clocks_of(complaint)[Stage.INVESTIGATION]
    assert local(clock.due_at) == HOLIDAY_AWARE[Stage.INVESTIGATION]
    assert clock.reminded_at == reminded_at
    assert Reminder.objects.filter(clock=clock).count() == 1
    # nothing more is due before the new deadline
    assert local(clock.next_action_at) == HOLIDAY_AWARE[Stage.INVESTIGATION]


def test_an_administrators_day_off_moves_the_deadlines_over_it_and_removing_it_moves_them_back(
    cn, org, new_complaint, now_is
):
    now_is(RECEIVED)
    complaint = new_complaint(received_at=RECEIVED)
    assert working_day_dues(complaint) == HOLIDAY_AWARE

    # the make-up working day Sat 10-10 is cancelled by the company
    day = calendar_day_set(
        calendar=cn, day=date(2026, 10, 10), kind="day_off", name="公司调休", actor=None
    )
    assert calendar_changes_apply() == 2
    assert working_day_dues(complaint) == {
        Stage.INVESTIGATION: "2026-10-12T23:59:59+08:00",
        Stage.DECISION: "2026-10-14T23:59:59+08:00",
    }

    calendar_day_delete(calendar_day=day, actor=None)
    assert calendar_changes_apply() == 2
    assert working_day_dues(complaint) == HOLIDAY_AWARE
    assert complaint.events.filter(kind=CaseEvent.Kind.DEADLINES_REPLANNED).count() == 2


def test_a_change_outside_a_clocks_span_leaves_it_and_hour_clocks_alone(
    cn, org, new_complaint, now_is
):
    now_is(RECEIVED)
    complaint = new_complaint(received_at=RECEIVED)
    first_response = clocks_of(complaint)[Stage.FIRST_RESPONSE].due_at

    calendar_day_set(calendar=cn, day=date(2026, 11, 20), kind="day_off", actor=None)
    calendar_day_set(calendar=cn, day=date(2026, 10, 1), kind="working_day", actor=None)

    # 10-01 (a working day now) lies under both working-day clocks; 11-20 under neither
    assert calendar_changes_apply() == 2
    assert working_day_dues(complaint) == {
        Stage.INVESTIGATION: "2026-10-09T23:59:59+08:00",
        Stage.DECISION: "2026-10-12T23:59:59+08:00",
    }
    assert clocks_of(complaint)[Stage.FIRST_RESPONSE].due_at == first_response


def test_a_finished_case_is_not_replanned(cn, org, flow, new_complaint, now_is):
    now_is(RECEIVED)
    complaint = new_complaint(received_at=RECEIVED)
    flow.run(complaint, "withdraw")

    calendar_day_set(calendar=cn, day=date(2026, 10, 9), kind="day_off", actor=None)

    assert calendar_changes_apply() == 0
    assert not complaint.events.filter(kind=CaseEvent.Kind.DEADLINES_REPLANNED).exists()


def test_changing_the_weekly_rest_days_replans_every_running_clock_on_the_calendar(
    cn, org, new_complaint, now_is
):
    now_is(RECEIVED)
    complaint = new_complaint(received_at=RECEIVED)

    # a four-day week: Fridays become rest days (make-up Saturday 10-10 still works)
    cn.rest_weekdays = [5, 6, 7]
    calendar_save(calendar=cn)

    assert calendar_changes_apply() == 2
    assert working_day_dues(complaint) == {
        Stage.INVESTIGATION: "2026-10-12T23:59:59+08:00",
        Stage.DECISION: "2026-10-14T23:59:59+08:00",
    }
    change = CalendarChange.objects.get(reason=CalendarChange.Reason.SETTINGS_CHANGED)
    assert (change.first_date, change.last_date, change.clocks_replanned) == (None, None, 2)
