"""The lost-property register (issue 16 §5, seed 004 §五.3 H) and the month's figures risk control
presents (§五.2 F): recording and outcome through the services (permissions, the linked case's
timeline), and the statistics against a hand-built month whose edges are local (Asia/Shanghai)
midnights, not UTC ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import AuditEntry
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, LostProperty
from complaints.selectors.registers import lost_property_list, lost_property_month, month_bounds
from complaints.services.lost_property import (
    lost_property_link,
    lost_property_record,
    lost_property_set_outcome,
)
from complaints.views.case.timeline import describe
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
Outcome = LostProperty.Outcome


def record(actor, **overrides) -> LostProperty:
    fields = {
        "actor": actor,
        "customer_name": "陈女士",
        "customer_phone": "13912345678",
        "lost_at": datetime(2026, 11, 14, 15, 20, tzinfo=SHANGHAI),
        "area": "2F 沙发区",
        "description": "黑色手提包",
        "contents": "钱包、身份证、银行卡两张、家门钥匙",
    }
    fields.update(overrides)
    return lost_property_record(**fields)


def test_the_service_centre_records_an_entry(org):
    entry = record(org.agent, area="  2F   沙发区 ")
    assert entry.code == f"LP-{entry.pk:05d}"
    assert entry.customer_phone == "+8613912345678"
    assert entry.area == "2F 沙发区"  # one spelling per place for the counts
    assert entry.outcome == Outcome.OPEN and entry.recorded_by == org.agent


def test_who_may_record(org):
    for user in (org.handler, org.head, org.manager):
        record(user)
    for user in (org.executive, org.auditor):
        with pytest.raises(PermissionDenied):
            record(user)


def test_the_entry_is_checked(org, time_machine):
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=SHANGHAI), tick=False)
    with pytest.raises(InvalidInput) as refused:
        record(
            org.agent,
            customer_name=" ",
            area="",
            description="",
            customer_phone="12",
            lost_at=datetime(2026, 11, 21, 12, tzinfo=SHANGHAI),
        )
    assert set(refused.value.fields) == {
        "customer_name",
        "area",
        "description",
        "customer_phone",
        "lost_at",
    }


def test_a_linked_complaint_gets_the_entry_and_its_outcome_on_its_timeline(org, new_complaint):
    complaint = new_complaint()
    entry = record(org.agent, complaint=complaint.reference)
    recorded = CaseEvent.objects.get(complaint=complaint, kind=CaseEvent.Kind.LOST_PROPERTY)
    assert recorded.data["lost_property_id"] == entry.pk and recorded.actor == org.agent

    lost_property_set_outcome(
        actor=org.agent, entry_id=entry.pk, outcome=Outcome.RETURNED, note="保洁在洗手间找到"
    )

    changed = CaseEvent.objects.get(complaint=complaint, kind=CaseEvent.Kind.LOST_PROPERTY_OUTCOME)
    assert changed.data["outcome"] == Outcome.RETURNED and changed.data["previous"] == Outcome.OPEN
    assert changed.comment == "保洁在洗手间找到"


def test_entries_and_changes_are_in_the_audit_log(org, new_complaint):
    complaint = new_complaint()
    entry = record(org.agent, complaint=complaint.reference)
    recorded = AuditEntry.objects.get(action=AuditEntry.Action.LOST_PROPERTY_RECORDED)
    assert (recorded.actor, recorded.target_id) == (org.agent, str(entry.pk))
    assert recorded.details == {"kind": "lost", "complaint": complaint.reference}
    assert "陈女士" not in recorded.target_label  # the log names the entry, not the customer
    lost_property_set_outcome(actor=org.agent, entry_id=entry.pk, outcome=Outcome.NOT_FOUND)
    changed = AuditEntry.objects.get(action=AuditEntry.Action.LOST_PROPERTY_CHANGED)
    assert changed.details == {"change": "outcome", "outcome": "not_found", "previous": "open"}


def test_an_entry_is_linked_to_the_complaint_made_later_once(org, new_complaint):
    entry = record(org.agent)
    complaint = new_complaint()

    linked = lost_property_link(actor=org.agent, entry_id=entry.pk, complaint=complaint.reference)

    assert linked.complaint == complaint
    event = CaseEvent.objects.get(complaint=complaint, kind=CaseEvent.Kind.LOST_PROPERTY)
    assert event.data["linked"] is True and event.actor == org.agent
    assert "linked the customer's lost property entry" in english(event, org.manager)
    audit = AuditEntry.objects.get(action=AuditEntry.Action.LOST_PROPERTY_CHANGED)
    assert audit.details == {"change": "linked", "complaint": complaint.reference}
    with pytest.raises(ConditionNotMet):
        lost_property_link(actor=org.agent, entry_id=entry.pk, complaint=complaint.reference)


def test_linking_later_is_checked_like_recording(org, new_complaint):
    entry = record(org.agent)
    complaint = new_complaint()
    with pytest.raises(InvalidInput) as refused:
        lost_property_link(actor=org.agent, entry_id=entry.pk, complaint="")
    assert "complaint" in refused.value.fields
    with pytest.raises(InvalidInput):
        lost_property_link(actor=org.agent, entry_id=entry.pk, complaint="TS-NOPE")
    with pytest.raises(PermissionDenied):
        lost_property_link(actor=org.executive, entry_id=entry.pk, complaint=complaint.reference)
    assert LostProperty.objects.get().complaint is None


def test_an_unknown_or_unreadable_complaint_is_refused(org, new_complaint):
    complaint = new_complaint()
    stranger = DepartmentFactory(name="采购部", code="purchasing")
    buyer = UserFactory(username="buyer", role="handler", department=stranger)
    with pytest.raises(InvalidInput) as refused:
        record(buyer, complaint=complaint.reference)
    assert "complaint" in refused.value.fields


def test_outcomes(org):
    entry = record(org.agent)
    with pytest.raises(InvalidInput) as refused:
        lost_property_set_outcome(actor=org.agent, entry_id=entry.pk, outcome=Outcome.OPEN)
    assert "outcome" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        lost_property_set_outcome(actor=org.agent, entry_id=entry.pk, outcome=Outcome.WITH_POLICE)
    assert "police_report_number" in refused.value.fields
    done = lost_property_set_outcome(
        actor=org.handler,
        entry_id=entry.pk,
        outcome=Outcome.WITH_POLICE,
        police_report_number="沪公(浦)受案字[2026]1234号",
    )
    assert done.police_report_number.endswith("1234号") and done.outcome_by == org.handler
    # Found later: recorded again.
    lost_property_set_outcome(actor=org.agent, entry_id=entry.pk, outcome=Outcome.RETURNED)
    with pytest.raises(PermissionDenied):
        lost_property_set_outcome(actor=org.executive, entry_id=entry.pk, outcome=Outcome.NOT_FOUND)
    with pytest.raises(NotFound):
        lost_property_set_outcome(actor=org.agent, entry_id=entry.pk + 99, outcome=Outcome.RETURNED)


def test_the_list_filters(org):
    first = record(org.agent, department=org.service, description="红色背包")
    record(org.agent, lost_at=datetime(2026, 10, 2, 10, tzinfo=SHANGHAI))
    assert list(lost_property_list(user=org.agent, search="红色")) == [first]
    assert list(lost_property_list(user=org.agent, department_id=org.service.pk)) == [first]
    start, end = month_bounds(2026, 11)
    assert list(lost_property_list(user=org.agent, since=start, until=end)) == [first]
    lost_property_set_outcome(actor=org.agent, entry_id=first.pk, outcome=Outcome.NOT_FOUND)
    assert first not in lost_property_list(user=org.agent, show="open")


# --- the month's figures ----------------------------------------------------------------------


@pytest.fixture
def november(org) -> list[LostProperty]:
    """A hand-built November 2026 in Shanghai, with entries just outside it on both sides.

    Inside (8): the first local minute of the month (2026-10-31 16:00 UTC), the last local minute
    (2026-11-30 23:59 local = 15:59 UTC), three on the 2F sofas in the service department at
    15:xx, two at the checkout at 19:xx (department unknown), one in the car park at 10:xx.
    Outside (2): 2026-10-31 23:59 local (15:59 UTC: October locally) and 2026-12-01 00:00 local
    (2026-11-30 16:00 UTC: a UTC count would put it in November).
    """
    at = lambda *args: datetime(*args, tzinfo=SHANGHAI)  # noqa: E731
    rows = [
        (at(2026, 11, 1, 0, 0), "1F 入口", None, "lost"),
        (at(2026, 11, 30, 23, 59), "1F 入口", None, "lost"),
        (at(2026, 11, 7, 15, 5), "2F 沙发区", org.service, "stolen"),
        (at(2026, 11, 14, 15, 30), "2F 沙发区", org.service, "lost"),
        (at(2026, 11, 21, 15, 59), "2F 沙发区", org.service, "stolen"),
        (at(2026, 11, 8, 19, 0), "收银台 3", None, "lost"),
        (at(2026, 11, 22, 19, 45), "收银台 3", None, "snatched"),
        (at(2026, 11, 11, 10, 15), "B1 停车场", org.customer_service, "stolen"),
        (at(2026, 10, 31, 23, 59), "1F 入口", None, "lost"),
        (at(2026, 12, 1, 0, 0), "1F 入口", None, "lost"),
    ]
    return [
        record(org.agent, lost_at=lost_at, area=area, department=department, kind=kind)
        for lost_at, area, department, kind in rows
    ]


def test_the_month_counts_by_area_department_kind_and_local_hour(org, november, time_machine):
    time_machine.move_to(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI), tick=False)
    with CaptureQueriesContext(connection) as queries:
        figures = lost_property_month(year=2026, month=11)
    assert len(queries) == 1

    assert figures.total == 8
    assert figures.by_area == [
        ("2F 沙发区", 3),
        ("1F 入口", 2),
        ("收银台 3", 2),
        ("B1 停车场", 1),
    ]
    # Department unknown first (4), then 服务部 (3) and 客服部 (1).
    assert [(pk, n) for pk, _label, n in figures.by_department] == [
        (None, 4),
        (org.service.pk, 3),
        (org.customer_service.pk, 1),
    ]
    expected_hours = [0] * 24
    expected_hours[0] = 1  # 11-01 00:00 local (16:00 UTC the day before)
    expected_hours[23] = 1  # 11-30 23:59 local
    expected_hours[15] = 3
    expected_hours[19] = 2
    expected_hours[10] = 1
    assert figures.by_hour == expected_hours
    assert figures.busiest_hour == 15
    assert {code: n for code, _label, n in figures.by_kind} == {
        "lost": 4,
        "stolen": 3,
        "snatched": 1,
    }


def test_the_month_edges_are_local_midnights(org, november):
    october = lost_property_month(year=2026, month=10)
    december = lost_property_month(year=2026, month=12)
    assert october.total == 1 and october.by_hour[23] == 1
    assert december.total == 1 and december.by_hour[0] == 1
    start, end = month_bounds(2026, 11)
    assert start.astimezone(UTC) == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert end - start == timedelta(days=30)


def test_an_empty_month(org):
    figures = lost_property_month(year=2026, month=2)
    assert figures.total == 0 and figures.by_hour == [0] * 24 and figures.busiest_hour is None
    assert figures.by_area == [] and figures.by_department == []


def test_tied_busiest_hours_are_all_named(org):
    for hour in (11, 14):
        record(org.agent, lost_at=datetime(2026, 11, 3, hour, 5, tzinfo=SHANGHAI))
    figures = lost_property_month(year=2026, month=11)
    assert figures.busiest_hours == [11, 14] and figures.busiest_hour is None


def english(event, reader) -> str:
    """The timeline's sentence for the event, as an English reader sees it."""
    with translation.override("en"):
        return describe(event, reader=reader).sentence
