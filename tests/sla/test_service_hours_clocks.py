"""Service-hour targets on real cases: planned at intake, paused and resumed, re-planned when the
hours change, set up in the admin. The default calendar gets a desk open Monday to Friday
08:30-12:00 and 13:30-18:00 on mainland China's real 2025 days; the general policy's first response
becomes "4 service hours" and its investigation "16 service hours".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import CaseEvent, Complaint
from sla.models import (
    CalendarChange,
    Escalation,
    PauseReason,
    ServiceDay,
    ServicePeriod,
    SlaTarget,
    Stage,
    Unit,
)
from sla.selectors import complaint_escalation, policy_for, working_calendar
from sla.services import (
    calendar_changes_apply,
    calendar_service_day_set,
    calendar_service_hours_set,
    clocks_pause,
    clocks_resume,
)
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

OFFICE = [(time(8, 30), time(12)), (time(13, 30), time(18))]
FRI_1205_1730 = datetime(2025, 12, 5, 17, 30, tzinfo=SHANGHAI)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def desk(china):
    calendar_service_hours_set(calendar=china, weekly=dict.fromkeys(range(1, 6), OFFICE))
    CalendarChange.objects.all().delete()
    return china


@pytest.fixture
def service_policy(desk):
    targets = SlaTarget.objects.filter(policy__code="default-general")
    targets.filter(stage=Stage.FIRST_RESPONSE).update(amount=4, unit=Unit.SERVICE_HOURS)
    targets.filter(stage=Stage.INVESTIGATION).update(amount=16, unit=Unit.SERVICE_HOURS)
    return targets.first().policy


def test_a_case_received_on_friday_at_half_past_five(service_policy, now_is, new_complaint):
    now_is(FRI_1205_1730)

    case = new_complaint()

    first = clocks_of(case)[Stage.FIRST_RESPONSE]
    assert (first.amount, first.unit) == (4, Unit.SERVICE_HOURS)
    # half an hour on Friday, three and a half on Monday morning
    assert local(first.due_at) == "2025-12-08T12:00:00+08:00"
    # reminded at 75 % of the service time (3 hours): Monday 11:00, not on Sunday
    assert local(first.remind_at) == "2025-12-08T11:00:00+08:00"
    assert first.provisional is False
    # the working-day clocks are as before
    assert local(clocks_of(case)[Stage.DECISION].due_at) == "2025-12-12T23:59:59+08:00"


def test_companies_that_do_not_opt_in_keep_the_seeded_24_clock_hours(desk, now_is, new_complaint):
    now_is(FRI_1205_1730)

    first = clocks_of(new_complaint())[Stage.FIRST_RESPONSE]

    assert (first.amount, first.unit) == (24, Unit.HOURS)
    assert local(first.due_at) == "2025-12-06T17:30:00+08:00"


def test_a_pause_over_the_weekend_is_recounted_in_service_time(
    org, service_policy, now_is, new_complaint
):
    now_is(at(2025, 12, 4, 10))  # Thursday: 16 service hours -> Mon 12-08 10:00
    case = new_complaint()
    assert local(clocks_of(case)[Stage.INVESTIGATION].due_at) == "2025-12-08T10:00:00+08:00"

    now_is(at(2025, 12, 5, 16))  # Friday 16:00: Fri 2 h + Mon 1.5 h left
    clocks_pause(complaint=case, actor=org.agent, reason=PauseReason.WAITING_CUSTOMER)
    now_is(at(2025, 12, 7, 20))  # the customer answers on Sunday evening
    clocks_resume(complaint=case, actor=org.agent)

    investigation = clocks_of(case)[Stage.INVESTIGATION]
    # 3.5 service hours from the resume: Monday 08:30-12:00
    assert local(investigation.due_at) == "2025-12-08T12:00:00+08:00"
    # the working-day decision clock, stopped too, lost no working day over the weekend
    assert local(clocks_of(case)[Stage.DECISION].due_at) == "2025-12-11T23:59:59+08:00"
    event = CaseEvent.objects.filter(complaint=case, kind=CaseEvent.Kind.CLOCKS_RESUMED).get()
    assert sorted(move["stage"] for move in event.data["clocks"]) == [
        Stage.DECISION,
        Stage.INVESTIGATION,
    ]


def test_a_date_exception_moves_running_service_hour_deadlines(
    service_policy, desk, now_is, new_complaint
):
    now_is(FRI_1205_1730)
    case = new_complaint()

    # Monday 12-08: the desk opens only 10:00-12:00 (a staff meeting)
    calendar_service_day_set(calendar=desk, day=date(2025, 12, 8), periods="10:00-12:00")
    assert calendar_changes_apply() == 2  # first response and investigation

    first = clocks_of(case)[Stage.FIRST_RESPONSE]
    # Fri 0.5 h, Mon 10:00-12:00 2 h, Tue 08:30 + 1.5 h
    assert local(first.due_at) == "2025-12-09T10:00:00+08:00"
    assert CaseEvent.objects.filter(
        complaint=case, kind=CaseEvent.Kind.DEADLINES_REPLANNED
    ).exists()


def test_overlapping_weekly_periods_are_refused_by_the_service(desk):
    with pytest.raises(ValueError):
        calendar_service_hours_set(
            calendar=desk, weekly={1: [(time(9), time(12)), (time(11), time(14))]}
        )
    assert ServicePeriod.objects.filter(calendar=desk).count() == 10  # unchanged


def test_the_hours_ride_in_the_cached_calendar_so_an_intake_reads_nothing_more(
    service_policy, desk, now_is, new_complaint
):
    """An intake on a service-hour policy costs the queries of one on the seeded clock-hour
    policy: the periods come with the cached calendar copy the policy book points to."""
    now_is(FRI_1205_1730)
    new_complaint()  # warms the policy book and the calendar copy
    with CaptureQueriesContext(connection) as service_hours:
        new_complaint(customer_phone="13900001111")
    SlaTarget.objects.filter(policy=service_policy).filter(
        stage__in=[Stage.FIRST_RESPONSE, Stage.INVESTIGATION]
    ).update(unit=Unit.HOURS)
    policy_for(severity="general", category=None)  # the book again, after the change
    new_complaint(customer_phone="13900002222")
    with CaptureQueriesContext(connection) as clock_hours:
        new_complaint(customer_phone="13900003333")

    assert len(service_hours) == len(clock_hours)
    assert working_calendar().service_hours is not None


def test_lateness_is_told_in_service_hours(service_policy, now_is, new_complaint):
    now_is(FRI_1205_1730)
    case = new_complaint()
    clock = clocks_of(case)[Stage.FIRST_RESPONSE]
    # escalated Tue 12-09 10:00: Mon 12:00-18:00 minus lunch (4.5 h) + Tue 1.5 h = 6 service hours
    Escalation.objects.create(
        complaint=case,
        clock=clock,
        level=1,
        reason=Escalation.Reason.BREACH,
        at=at(2025, 12, 9, 10),
        key=f"test-{clock.pk}",
    )
    Complaint.objects.filter(pk=case.pk).update(escalation_level=1)
    case.refresh_from_db()

    facts = complaint_escalation(complaint=case)

    assert facts is not None
    assert [(r.unit, r.late_by) for r in facts.reasons] == [(Unit.SERVICE_HOURS, 6)]


# --- the admin -------------------------------------------------------------------------------------


def calendar_form(calendar, **extra: str) -> dict[str, str]:
    data = {
        "name": calendar.name,
        "code": calendar.code,
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "time_zone": calendar.time_zone,
        "rest_weekdays": "[6, 7]",
        "is_default": "on",
        "is_active": "on",
        "service_periods-TOTAL_FORMS": "0",
        "service_periods-INITIAL_FORMS": "0",
        "service_days-TOTAL_FORMS": "0",
        "service_days-INITIAL_FORMS": "0",
        "years-TOTAL_FORMS": "0",
        "years-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_service_hours_are_set_in_the_calendar_admin(admin_client, china):
    url = reverse("admin:sla_businesscalendar_change", args=[china.pk])
    assert working_calendar().service_hours is None

    response = admin_client.post(
        url,
        calendar_form(
            china,
            **{
                "service_periods-TOTAL_FORMS": "2",
                "service_periods-0-weekday": "1",
                "service_periods-0-start": "08:30",
                "service_periods-0-end": "12:00",
                "service_periods-1-weekday": "1",
                "service_periods-1-start": "13:30",
                "service_periods-1-end": "18:00",
                "service_days-TOTAL_FORMS": "1",
                "service_days-0-date": "2025-12-08",
                "service_days-0-periods": "",
                "service_days-0-note": "盘点",
            },
        ),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert working_calendar().service_hours is not None
    assert working_calendar().service_hours.weekly[0] == ((510, 720), (810, 1080))
    assert working_calendar().service_periods(date(2025, 12, 8)) == ()
    assert ServiceDay.objects.get(calendar=china).note == "盘点"
    assert CalendarChange.objects.filter(
        calendar=china, reason=CalendarChange.Reason.SERVICE_HOURS_CHANGED
    ).exists()


@pytest.mark.parametrize(
    ("periods", "days"),
    [
        ([("1", "08:30", "12:00"), ("1", "11:00", "14:00")], []),  # overlapping on Monday
        ([("2", "18:00", "09:00")], []),  # ends before it starts
        ([], [("2025-12-08", "09:00-12:00, 11:00-13:00")]),
    ],
)
def test_the_admin_refuses_bad_periods(admin_client, china, periods, days):
    data = calendar_form(
        china,
        **{
            "service_periods-TOTAL_FORMS": str(len(periods)),
            "service_days-TOTAL_FORMS": str(len(days)),
        },
    )
    for number, (weekday, start, end) in enumerate(periods):
        data[f"service_periods-{number}-weekday"] = weekday
        data[f"service_periods-{number}-start"] = start
        data[f"service_periods-{number}-end"] = end
    for number, (day, text) in enumerate(days):
        data[f"service_days-{number}-date"] = day
        data[f"service_days-{number}-periods"] = text

    response = admin_client.post(
        reverse("admin:sla_businesscalendar_change", args=[china.pk]), data
    )

    assert response.status_code == 200  # the form again, with the error
    assert not ServicePeriod.objects.exists()
    assert not ServiceDay.objects.exists()


def test_midnight_ends_a_night_period(china):
    period = ServicePeriod(calendar=china, weekday=5, start=time(22), end=time(0))
    period.full_clean()
    assert period.as_minutes() == (1320, 1440)
    assert timedelta(minutes=period.as_minutes()[1]) == timedelta(days=1)


def test_the_last_periods_cannot_go_while_targets_count_on_them(admin_client, service_policy, desk):
    periods = list(ServicePeriod.objects.filter(calendar=desk).order_by("pk"))
    data = calendar_form(
        desk,
        **{
            "service_periods-TOTAL_FORMS": str(len(periods)),
            "service_periods-INITIAL_FORMS": str(len(periods)),
        },
    )
    for number, period in enumerate(periods):
        data[f"service_periods-{number}-id"] = str(period.pk)
        data[f"service_periods-{number}-calendar"] = str(desk.pk)
        data[f"service_periods-{number}-weekday"] = str(period.weekday)
        data[f"service_periods-{number}-start"] = period.start.strftime("%H:%M")
        data[f"service_periods-{number}-end"] = period.end.strftime("%H:%M")
        data[f"service_periods-{number}-DELETE"] = "on"

    response = admin_client.post(reverse("admin:sla_businesscalendar_change", args=[desk.pk]), data)

    assert response.status_code == 200
    (errors,) = [
        str(error)
        for inline in response.context["inline_admin_formsets"]
        for error in inline.formset.non_form_errors()
    ]
    assert "至少保留一个服务时段" in errors  # "keep at least one service period"
    assert ServicePeriod.objects.filter(calendar=desk).count() == 10
