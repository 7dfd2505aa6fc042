"""Procedure checklists (issue 16 §8): a category's template gives its cases steps with who and
within how long; those in charge tick them (done with evidence where asked, or not applicable
with the reason); a step past its time reminds the assignee once; the case page shows them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Notification, State
from complaints.selectors import unread_count
from complaints.services import complaint_triage, evidence_add
from sla.models import CaseChecklistStep, ChecklistTemplate, ChecklistTemplateStep, Unit
from sla.selectors import forget_policy_book, working_calendar_cache_clear
from sla.services import checklist_step_tick, checklist_steps_remind
from tests.complaints.test_evidence import png_bytes
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRI_1205_1000 = datetime(2025, 12, 5, 10, tzinfo=SHANGHAI)
DONE, NOT_APPLICABLE = CaseChecklistStep.Outcome.DONE, CaseChecklistStep.Outcome.NOT_APPLICABLE


@pytest.fixture(autouse=True)
def _fresh_caches():
    working_calendar_cache_clear()
    forget_policy_book()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def at(time_machine):
    def move(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


@pytest.fixture
def lost_bag(org) -> ChecklistTemplate:
    """Seed 004 §五, shortened: two steps in hours, one in working days, one needing evidence."""
    template = ChecklistTemplate.objects.create(
        name="随身财物丢失", name_en="Belongings lost", code="lost-belongings", source="004 §五"
    )
    template.categories.add(org.category)
    for position, (text, amount, unit, evidence) in enumerate(
        [
            ("通知风险防控部及当班管理人员", 1, Unit.HOURS, False),
            ("建议顾客报警", 2, Unit.HOURS, False),
            ("填写《顾客丢失物品登记表》", 4, Unit.HOURS, True),
            ("配合警方调查取证", 3, Unit.WORKING_DAYS, False),
        ],
        start=1,
    ):
        ChecklistTemplateStep.objects.create(
            template=template,
            position=position,
            text=text,
            text_en=f"step {position}",
            who="风险防控部当班主管",
            amount=amount,
            unit=unit,
            evidence_required=evidence,
        )
    return template


def steps_of(complaint) -> list[CaseChecklistStep]:
    return list(CaseChecklistStep.objects.filter(complaint=complaint).order_by("position"))


def photo(complaint, actor):
    return evidence_add(
        complaint=complaint,
        actor=actor,
        kind="photo",
        upload=SimpleUploadedFile("登记表.png", png_bytes(), "image/png"),
    )


# --- attaching -----------------------------------------------------------------------------------


def test_a_case_of_the_category_gets_the_steps_due_like_clocks(lost_bag, at, new_complaint):
    at(FRI_1205_1000)

    steps = steps_of(new_complaint())

    assert [step.text for step in steps] == [
        "通知风险防控部及当班管理人员",
        "建议顾客报警",
        "填写《顾客丢失物品登记表》",
        "配合警方调查取证",
    ]
    assert [step.due_at.astimezone(SHANGHAI).isoformat() for step in steps] == [
        "2025-12-05T11:00:00+08:00",
        "2025-12-05T12:00:00+08:00",
        "2025-12-05T14:00:00+08:00",
        # three working days after Friday: Monday to Wednesday (the weekend does not count)
        "2025-12-10T23:59:59+08:00",
    ]
    assert all(step.is_open and step.template_name == "随身财物丢失" for step in steps)


def test_other_categories_get_none_and_an_intake_reads_nothing_for_them(
    lost_bag, org, new_complaint
):
    other = CategoryFactory(name="价格", code="price", default_department=org.service)
    new_complaint(category=other)  # warms the policy book
    with CaptureQueriesContext(connection) as without:
        plain = new_complaint(category=other, customer_phone="13900001111")
    with CaptureQueriesContext(connection) as with_steps:
        new_complaint(customer_phone="13900002222")

    assert steps_of(plain) == []
    # the steps come from the cached book: one INSERT more, nothing read
    assert len(with_steps) == len(without) + 1


def test_a_sub_category_gets_its_parents_checklist_once(lost_bag, org, new_complaint):
    child = CategoryFactory(
        name="储物柜", code="lockers", parent=org.category, default_department=org.service
    )
    lost_bag.categories.add(child)  # named on both: still one copy of each step

    assert len(steps_of(new_complaint(category=child))) == 4


def test_a_new_category_adds_its_steps_and_keeps_the_ticked_ones(lost_bag, org, at, new_complaint):
    at(FRI_1205_1000)
    other = CategoryFactory(name="价格", code="price", default_department=org.service)
    case = new_complaint(category=other)
    assert steps_of(case) == []

    for category in (org.category, other, org.category):
        case.refresh_from_db()
        complaint_triage(complaint=case, actor=org.manager, category=category)

    assert len(steps_of(case)) == 4  # once, however often it comes back


# --- ticking -------------------------------------------------------------------------------------


def test_ticking_a_step_records_who_when_and_the_timeline(lost_bag, org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    first = steps_of(case)[0]

    step = checklist_step_tick(
        complaint=case, step_id=first.pk, actor=org.handler, outcome=DONE, note="已通知"
    )

    assert (step.outcome, step.done_by, step.note) == (DONE, org.handler, "已通知")
    assert step.done_at == FRI_1205_1000
    event = CaseEvent.objects.filter(complaint=case, kind=CaseEvent.Kind.CHECKLIST_STEP).get()
    assert event.actor == org.handler
    assert event.data["step"]["text"] == "通知风险防控部及当班管理人员"
    assert event.data["outcome"] == DONE


def test_a_step_that_needs_evidence_takes_one_of_the_cases_files(lost_bag, org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    other_case = new_complaint(customer_phone="13900001111")
    register = steps_of(case)[2]

    with pytest.raises(InvalidInput) as missing:
        checklist_step_tick(complaint=case, step_id=register.pk, actor=org.handler, outcome=DONE)
    assert "evidence" in missing.value.fields
    foreign = photo(other_case, org.handler)
    with pytest.raises(InvalidInput):
        checklist_step_tick(
            complaint=case,
            step_id=register.pk,
            actor=org.handler,
            outcome=DONE,
            evidence_id=foreign.pk,
        )
    assert CaseChecklistStep.objects.get(pk=register.pk).is_open

    own = photo(case, org.handler)
    case.refresh_from_db()
    step = checklist_step_tick(
        complaint=case, step_id=register.pk, actor=org.handler, outcome=DONE, evidence_id=own.pk
    )
    assert step.evidence == own


def test_not_applicable_needs_the_reason(lost_bag, org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    police = steps_of(case)[1]

    with pytest.raises(InvalidInput) as refused:
        checklist_step_tick(
            complaint=case, step_id=police.pk, actor=org.handler, outcome=NOT_APPLICABLE
        )
    assert "note" in refused.value.fields

    step = checklist_step_tick(
        complaint=case,
        step_id=police.pk,
        actor=org.handler,
        outcome=NOT_APPLICABLE,
        note="顾客当场找回了包",
    )
    assert step.outcome == NOT_APPLICABLE


def test_a_step_is_ticked_once_and_only_by_those_in_charge(lost_bag, org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    first, second = steps_of(case)[:2]

    with pytest.raises(PermissionDenied):
        checklist_step_tick(complaint=case, step_id=first.pk, actor=org.auditor, outcome=DONE)
    with pytest.raises((PermissionDenied, NotFound)):
        checklist_step_tick(complaint=case, step_id=first.pk, actor=org.other_handler, outcome=DONE)
    with pytest.raises(InvalidInput):
        checklist_step_tick(complaint=case, step_id=first.pk, actor=org.handler, outcome="maybe")
    checklist_step_tick(complaint=case, step_id=first.pk, actor=org.handler, outcome=DONE)
    with pytest.raises(ConditionNotMet):
        checklist_step_tick(complaint=case, step_id=first.pk, actor=org.head, outcome=DONE)
    other_case = new_complaint(customer_phone="13900001111")
    with pytest.raises(NotFound):
        checklist_step_tick(
            complaint=other_case, step_id=second.pk, actor=org.handler, outcome=DONE
        )
    assert CaseChecklistStep.objects.get(pk=first.pk).done_by == org.handler


def test_a_finished_case_is_not_ticked(lost_bag, org, at, flow, new_complaint):
    at(FRI_1205_1000)
    case = flow.advance(new_complaint(), State.CLOSED)

    with pytest.raises(ConditionNotMet):
        checklist_step_tick(
            complaint=case, step_id=steps_of(case)[0].pk, actor=org.manager, outcome=DONE
        )


# --- reminders -----------------------------------------------------------------------------------


def test_a_step_past_its_time_reminds_the_assignee_once(
    lost_bag, org, at, new_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    at(FRI_1205_1000)
    case = new_complaint()
    case.assignee = org.handler
    case.save(update_fields=["assignee"])
    checklist_step_tick(
        complaint=case, step_id=steps_of(case)[0].pk, actor=org.handler, outcome=DONE
    )

    at(datetime(2025, 12, 5, 12, 30, tzinfo=SHANGHAI))  # step 2 due 12:00; step 3 at 14:00
    with django_capture_on_commit_callbacks(execute=True):
        assert checklist_steps_remind() == 1
    assert checklist_steps_remind() == 0  # a second run finds nothing

    reminder = Notification.objects.get(recipient=org.handler, kind=Notification.Kind.REMINDER)
    assert "建议顾客报警" in reminder.body or "step 2" in reminder.body
    assert [message.to for message in mailoutbox] == [[org.handler.email]]
    assert CaseEvent.objects.filter(complaint=case, kind=CaseEvent.Kind.REMINDER).count() == 1

    # ticking the step settles its reminder in the inbox
    checklist_step_tick(
        complaint=case,
        step_id=steps_of(case)[1].pk,
        actor=org.handler,
        outcome=NOT_APPLICABLE,
        note="顾客已自行报警",
    )
    assert unread_count(user=org.handler) == 0


def test_unassigned_steps_remind_the_head_and_finished_cases_are_let_go(
    lost_bag, org, at, flow, new_complaint
):
    at(FRI_1205_1000)
    open_case = new_complaint()
    closed = flow.advance(new_complaint(customer_phone="13900001111"), State.CLOSED)
    before = Notification.objects.filter(kind=Notification.Kind.REMINDER).count()

    at(datetime(2025, 12, 5, 11, 30, tzinfo=SHANGHAI))
    assert checklist_steps_remind() == 1

    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == before + 1
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER, recipient=org.head).exists()
    # the closed case's overdue step is done with: it drops out of the job's index
    assert not CaseChecklistStep.objects.filter(
        complaint=closed,
        reminded_at__isnull=True,
        due_at__lte=datetime(2025, 12, 5, 11, 30, tzinfo=SHANGHAI),
    ).exists()
    assert (
        CaseChecklistStep.objects.filter(complaint=open_case, reminded_at__isnull=False).count()
        == 1
    )


# --- the case page -------------------------------------------------------------------------------


def test_the_case_page_lists_the_steps_and_ticks_one(lost_bag, org, at, new_complaint, client):
    at(FRI_1205_1000)
    case = new_complaint()
    first = steps_of(case)[0]
    client.force_login(org.handler)
    url = reverse("case_detail", args=[case.reference])

    page = client.get(url).content.decode()
    assert page.count('data-testid="checklist-step"') == 4
    assert page.count('data-testid="checklist-form"') == 4

    answer = client.post(
        reverse("case_checklist_step", args=[case.reference]),
        {"step": first.pk, "outcome": "done", "note": "已通知风险防控部"},
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("#checklist")
    assert CaseChecklistStep.objects.get(pk=first.pk).done_by == org.handler
    page = client.get(url).content.decode()
    assert page.count('data-testid="checklist-form"') == 3
    assert "已通知风险防控部" in page


def test_a_refused_tick_comes_back_open_with_its_reason(lost_bag, org, at, new_complaint, client):
    at(FRI_1205_1000)
    case = new_complaint()
    police = steps_of(case)[1]
    client.force_login(org.handler)

    answer = client.post(
        reverse("case_checklist_step", args=[case.reference]),
        {"step": police.pk, "outcome": "not_applicable", "note": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 422
    body = answer.content.decode()
    assert "Say why the step does not apply" in body
    assert body.count('checklist-tick" open>') == 1  # the refused step's form, unfolded
    assert CaseChecklistStep.objects.get(pk=police.pk).is_open


def test_readers_see_the_steps_without_forms(lost_bag, org, at, new_complaint, client):
    at(FRI_1205_1000)
    case = new_complaint()
    client.force_login(org.auditor)

    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()

    assert page.count('data-testid="checklist-step"') == 4
    assert 'data-testid="checklist-form"' not in page
    refused = client.post(
        reverse("case_checklist_step", args=[case.reference]),
        {"step": steps_of(case)[0].pk, "outcome": "done"},
    )
    assert refused.status_code in (403, 404)
    assert steps_of(case)[0].is_open


def test_the_case_page_costs_one_query_for_its_checklist_however_long(
    lost_bag, org, at, new_complaint, client
):
    at(FRI_1205_1000)
    short = new_complaint()
    for position in range(5, 25):
        ChecklistTemplateStep.objects.create(
            template=lost_bag, position=position, text=f"步骤{position}", amount=2
        )
    long = new_complaint(customer_phone="13900001111")
    assert len(steps_of(long)) == 24
    client.force_login(org.manager)

    def queries(case) -> int:
        url = reverse("case_detail", args=[case.reference])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(short) == queries(long)
