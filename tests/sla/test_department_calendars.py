"""A department's own calendar (issue 19 §1): its cases' new deadlines and its people's quiet
hours count on it; every clock keeps the calendar it was planned on through pauses, resumes,
escalation and re-planning, wherever the case moves afterwards.

The service department (org.service, where the category routes) gets a store calendar open every
day of the week; the default calendar is mainland China's with its 2025 days.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime, time

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Notification
from complaints.services import complaint_hand_off, notify
from complaints.services.notifications import quiet_hours_until
from sla.models import (
    BusinessCalendar,
    CalendarDay,
    Clock,
    DepartmentCalendar,
    PauseReason,
    SlaPolicy,
    SlaTarget,
    Stage,
    Unit,
)
from sla.selectors import (
    calendar_for_department,
    complaint_escalation,
    policy_for,
    working_calendar,
)
from sla.services import (
    calendar_changes_apply,
    calendar_day_set,
    calendar_service_hours_set,
    clock_process,
    clocks_pause,
    clocks_resume,
)
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

OFFICE = [(time(8, 30), time(12)), (time(13, 30), time(18))]
STORE_HOURS = [(time(10), time(22))]
ROUND_THE_CLOCK = [(time(0), time(0))]  # 00:00 as the end is midnight
FRI_1205_1000 = datetime(2025, 12, 5, 10, tzinfo=SHANGHAI)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def store(china) -> BusinessCalendar:
    """A store open every day: no weekly rest day, China's holidays still off."""
    return BusinessCalendar.objects.create(
        name="门店", code="store", country="CN", time_zone="Asia/Shanghai", rest_weekdays=[]
    )


@pytest.fixture
def service_on_store(org, store) -> BusinessCalendar:
    DepartmentCalendar.objects.create(department=org.service, calendar=store)
    return store


def test_a_case_of_a_department_on_its_own_calendar_counts_its_working_days_there(
    service_on_store, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)

    case = new_complaint()

    assert case.department == org.service
    clocks = clocks_of(case)
    # Five working days of a store open at weekends: Saturday to Wednesday.
    assert local(clocks[Stage.DECISION].due_at) == "2025-12-10T23:59:59+08:00"
    assert clocks[Stage.DECISION].calendar == service_on_store
    # Clock hours are clock hours on any calendar.
    assert local(clocks[Stage.FIRST_RESPONSE].due_at) == "2025-12-06T10:00:00+08:00"
    # The case's next deadline and the escalation facts read the same clocks.
    assert case.next_due_at == clocks[Stage.FIRST_RESPONSE].due_at


def test_departments_without_a_calendar_keep_the_default(
    service_on_store, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)

    case = new_complaint(department=org.legal)

    decision = clocks_of(case)[Stage.DECISION]
    assert decision.calendar_id is None  # the default calendar, whichever that is
    assert local(decision.due_at) == "2025-12-12T23:59:59+08:00"


def test_a_sub_department_follows_the_nearest_calendar_up_the_tree(
    org, store, now_is, new_complaint
):
    DepartmentCalendar.objects.create(department=org.management, calendar=store)
    now_is(FRI_1205_1000)

    decision = clocks_of(new_complaint())[Stage.DECISION]  # 服务部, below 总经理办公室

    assert decision.calendar == store
    assert local(decision.due_at) == "2025-12-10T23:59:59+08:00"


def test_a_policy_that_names_its_own_calendar_keeps_it(
    service_on_store, china, org, now_is, new_complaint
):
    six_days = BusinessCalendar.objects.create(
        name="六天", code="six-days", country="CN", rest_weekdays=[7]
    )
    SlaPolicy.objects.filter(code="default-general").update(calendar=six_days)
    now_is(FRI_1205_1000)

    decision = clocks_of(new_complaint())[Stage.DECISION]

    assert decision.calendar == six_days
    # Saturday, Monday to Thursday (Sunday is the rest day)
    assert local(decision.due_at) == "2025-12-11T23:59:59+08:00"


def test_a_case_handed_to_another_department_keeps_its_running_deadlines_calendar(
    service_on_store, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)
    case = new_complaint()
    decision_due = clocks_of(case)[Stage.DECISION].due_at
    complaint_hand_off(
        complaint=case, actor=org.manager, to_department=org.legal, note="法务部接手"
    )

    now_is(at(2025, 12, 6, 10))  # Saturday: the store is open, the default calendar rests
    case.refresh_from_db()
    clocks_pause(complaint=case, actor=org.manager, reason=PauseReason.WAITING_CUSTOMER)
    now_is(at(2025, 12, 7, 10))
    clocks_resume(complaint=case, actor=org.manager)

    decision = clocks_of(case)[Stage.DECISION]
    assert decision.calendar == service_on_store  # not the legal department's default
    expected = working_calendar(calendar=service_on_store).deadline_after_wait(
        decision_due, at(2025, 12, 6, 10), at(2025, 12, 7, 10)
    )
    on_the_default = working_calendar().deadline_after_wait(
        decision_due, at(2025, 12, 6, 10), at(2025, 12, 7, 10)
    )
    assert decision.due_at == expected
    assert expected != on_the_default


def test_a_day_off_added_to_the_department_calendar_moves_its_deadlines_only(
    service_on_store, china, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)
    on_store = new_complaint()
    on_default = new_complaint(department=org.legal, customer_phone="13900001111")
    calendar_changes_apply()  # nothing pending before the change

    calendar_day_set(
        calendar=service_on_store,
        day=date(2025, 12, 8),
        kind=CalendarDay.Kind.DAY_OFF,
        name="盘点",
        actor=None,
    )
    moved = calendar_changes_apply()

    # The store case's investigation and decision deadlines move a day; the legal case's do not.
    assert moved == 2
    assert local(clocks_of(on_store)[Stage.DECISION].due_at) == "2025-12-11T23:59:59+08:00"
    assert local(clocks_of(on_default)[Stage.DECISION].due_at) == "2025-12-12T23:59:59+08:00"

    calendar_day_set(
        calendar=china, day=date(2025, 12, 9), kind=CalendarDay.Kind.DAY_OFF, actor=None
    )
    calendar_changes_apply()
    assert local(clocks_of(on_store)[Stage.DECISION].due_at) == "2025-12-11T23:59:59+08:00"
    assert local(clocks_of(on_default)[Stage.DECISION].due_at) == "2025-12-15T23:59:59+08:00"


def test_lateness_and_escalation_are_counted_on_the_clock_calendar(
    service_on_store, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)
    case = new_complaint()
    decision = clocks_of(case)[Stage.DECISION]  # due Wednesday 12-10 on the store calendar

    sunday_noon = at(2025, 12, 14, 12)
    now_is(sunday_noon)
    assert clock_process(clock_id=decision.pk, now=sunday_noon)

    case.refresh_from_db()
    facts = complaint_escalation(complaint=case)
    assert facts is not None
    [reason] = [reason for reason in facts.reasons if reason.stage == Stage.DECISION]
    # Thursday, Friday, Saturday and Sunday morning are store working time: three whole days
    # late (two on the default calendar, which rests at the weekend).
    assert reason.late_by == 3


def test_a_service_hour_target_on_a_department_calendar_without_hours_counts_on_the_default(
    service_on_store, china, org, now_is, new_complaint
):
    calendar_service_hours_set(calendar=china, weekly=dict.fromkeys(range(1, 6), OFFICE))
    SlaTarget.objects.filter(policy__code="default-general", stage=Stage.FIRST_RESPONSE).update(
        amount=4, unit=Unit.SERVICE_HOURS
    )
    now_is(at(2025, 12, 5, 17, 30))

    clocks = clocks_of(new_complaint())

    first = clocks[Stage.FIRST_RESPONSE]
    assert first.calendar_id is None
    assert local(first.due_at) == "2025-12-08T12:00:00+08:00"
    assert clocks[Stage.DECISION].calendar == service_on_store


def test_a_department_calendar_with_service_hours_counts_them(
    service_on_store, china, org, now_is, new_complaint
):
    calendar_service_hours_set(calendar=china, weekly=dict.fromkeys(range(1, 6), OFFICE))
    calendar_service_hours_set(
        calendar=service_on_store, weekly=dict.fromkeys(range(1, 8), STORE_HOURS)
    )
    SlaTarget.objects.filter(policy__code="default-general", stage=Stage.FIRST_RESPONSE).update(
        amount=4, unit=Unit.SERVICE_HOURS
    )
    now_is(at(2025, 12, 5, 20))

    first = clocks_of(new_complaint())[Stage.FIRST_RESPONSE]

    # 20:00-22:00 on Friday, then 10:00-12:00 on Saturday: the store is open at weekends.
    assert first.calendar == service_on_store
    assert local(first.due_at) == "2025-12-06T12:00:00+08:00"


def test_an_intake_reads_nothing_more_for_a_department_calendar(
    service_on_store, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)
    new_complaint(department=org.legal)  # warms the policy book and the calendar copies
    new_complaint(customer_phone="13900009999")
    with CaptureQueriesContext(connection) as on_default:
        new_complaint(department=org.legal, customer_phone="13900001111")
    with CaptureQueriesContext(connection) as on_store:
        new_complaint(customer_phone="13900002222")

    assert len(on_store) == len(on_default)
    assert Clock.objects.filter(calendar=service_on_store).count() == 2 * len(
        policy_for(severity="general", category=None).targets.filter(start_event="received")
    )


def test_a_new_department_calendar_applies_at_once_to_the_next_intake(
    store, org, now_is, new_complaint
):
    now_is(FRI_1205_1000)
    before = clocks_of(new_complaint())[Stage.DECISION]
    DepartmentCalendar.objects.create(department=org.service, calendar=store)

    after = clocks_of(new_complaint(customer_phone="13900001111"))[Stage.DECISION]

    assert before.calendar_id is None
    assert after.calendar == store
    assert before.due_at != after.due_at


def test_quiet_hours_follow_the_recipients_department_calendar(
    org, china, now_is, new_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    """A night-shift department is on duty around the clock: its people get a reminder at once
    at 22:00 on Friday while a day-desk person's e-mail waits until Monday 08:30."""
    calendar_service_hours_set(calendar=china, weekly=dict.fromkeys(range(1, 6), OFFICE))
    night = BusinessCalendar.objects.create(
        name="夜班", code="night-shift", country="CN", rest_weekdays=[]
    )
    calendar_service_hours_set(calendar=night, weekly=dict.fromkeys(range(1, 8), ROUND_THE_CLOCK))
    DepartmentCalendar.objects.create(department=org.legal, calendar=night)
    now_is(at(2025, 12, 5, 9))
    case = new_complaint()
    now_is(at(2025, 12, 5, 22))

    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(
            recipients=[org.handler, org.other_handler],
            kind=Notification.Kind.REMINDER,
            complaint=case,
            key="reminder:night",
            template="assignment",
            context={"actor": org.agent},
        )

    held = {n.recipient: n.held_until for n in sent}
    assert local(held[org.handler]) == "2025-12-08T08:30:00+08:00"
    assert held[org.other_handler] is None
    assert [m.to for m in mailoutbox] == [[org.other_handler.email]]
    assert quiet_hours_until(now=at(2025, 12, 5, 22), department_id=org.legal.pk) is None
    assert calendar_for_department(department_id=org.service.pk) == working_calendar()


def test_the_department_page_chooses_the_calendar(admin_client, org, store):
    url = reverse("admin:accounts_department_change", args=[org.service.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "own_calendar-TOTAL_FORMS" in page.content.decode()

    form = {
        "name": org.service.name,
        "name_en": "",
        "code": org.service.code,
        "kind": org.service.kind,
        "parent": org.management.pk,
        "head": org.head.pk,
        "contact_email": "",
        "is_active": "on",
        "own_calendar-TOTAL_FORMS": "1",
        "own_calendar-INITIAL_FORMS": "0",
        "own_calendar-MIN_NUM_FORMS": "0",
        "own_calendar-MAX_NUM_FORMS": "1",
        "own_calendar-0-calendar": store.pk,
        "own_calendar-0-department": org.service.pk,
    }
    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert DepartmentCalendar.objects.get(department=org.service).calendar == store
    listing = admin_client.get(reverse("admin:sla_businesscalendar_changelist")).content.decode()
    assert org.service.name in listing


def test_the_migration_records_each_existing_clock_on_its_policy_calendar(
    org, store, now_is, new_complaint
):
    """Before department calendars a clock counted on its target's policy's calendar, else the
    default: the data migration writes exactly that onto every existing clock."""
    now_is(FRI_1205_1000)
    SlaPolicy.objects.filter(code="default-general").update(calendar=store)
    on_policy = new_complaint()
    on_default = new_complaint(customer_phone="13900001111", severity="major")
    Clock.objects.update(calendar=None)  # as the new column starts

    migration = importlib.import_module("sla.migrations.0014_department_calendars")
    migration.record_policy_calendars(apps, None)

    assert set(Clock.objects.filter(complaint=on_policy).values_list("calendar", flat=True)) == {
        store.pk
    }
    assert set(Clock.objects.filter(complaint=on_default).values_list("calendar", flat=True)) == {
        None
    }


def test_the_case_page_says_which_calendar_its_deadlines_count_on(
    service_on_store, org, now_is, new_complaint, client
):
    now_is(FRI_1205_1000)
    on_store = new_complaint()
    on_default = new_complaint(department=org.legal, customer_phone="13900001111")
    client.force_login(org.manager)

    page = client.get(reverse("case_detail", args=[on_store.reference])).content.decode()
    plain = client.get(reverse("case_detail", args=[on_default.reference])).content.decode()

    assert 'data-testid="deadline-calendars"' in page
    assert "门店" in page
    assert 'data-testid="deadline-calendars"' not in plain
