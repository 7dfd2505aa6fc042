"""One case from the first call to its closing, worked by five people, each in their own browser.

The agent records a phone complaint with a photo; the head of 服务部 triages it and gives it to a
handler; the handler hands it to 法务部 and gets it back; a compensation above the handler's limit
waits for the head's approval; the customer is told, is not satisfied, and the case goes round a
second time before it is closed. Every step is taken through the pages, as people would; the
screenshots (var/screenshots/) show the queue and the case page in English and in Chinese.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.models import CaseEvent, Category, Complaint, Decision, Handoff, State
from complaints.services import (
    Flags,
    complaint_create,
    complaint_transition,
    complaint_triage,
)
from tests.browser.conftest import (
    events,
    expect_message,
    expect_state,
    fill_fields,
    open_case,
    open_panel,
    screenshot,
    take_step,
)
from tests.complaints.test_evidence import png_bytes
from tests.conftest import Org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def other_work(org: Org) -> None:
    """A department's ordinary load, so the queue looks like a working day: new, late, urgent."""
    now = timezone.now()
    cases = [
        ("冰箱异响，上门检修两次未果", now - timedelta(days=6), Flags(), "investigation"),
        ("安装师傅迟到三小时且未提前告知", now - timedelta(days=2), Flags(), "triage"),
        ("热水器漏水导致木地板受损", now - timedelta(days=1), Flags(), "investigation"),
        ("燃气灶维修后打火时烫伤手指", now - timedelta(hours=3), Flags(personal_injury=True), ""),
        ("更换配件收费与报价不符", now - timedelta(hours=1), Flags(), "intake"),
    ]
    for number, (subject, received_at, flags, state) in enumerate(cases):
        complaint = complaint_create(
            actor=org.agent,
            channel="phone",
            subject=subject,
            description=f"{subject}。客户来电，要求尽快处理。",
            customer_name=f"客户{number + 1}",
            customer_phone=f"1390000{number:04d}",
            received_at=received_at,
            category=org.category,
            flags=flags,
            amount_claimed=Decimal(8000) if "地板" in subject else None,
        )
        if state in ("triage", "investigation"):
            complaint = complaint_transition(
                complaint=complaint, name="start_triage", actor=org.head
            )
        if state == "investigation":
            complaint = complaint_triage(complaint=complaint, actor=org.head, assignee=org.handler)
            complaint_transition(complaint=complaint, name="start_investigation", actor=org.head)


def record_phone_complaint(agent: Page, category: Category) -> str:
    """The agent types in what the caller says, attaches the photo they sent, and saves."""
    agent.get_by_test_id("nav-new-complaint").click()
    form = agent.get_by_test_id("intake-form")
    fill_fields(
        form,
        {
            "channel": "phone",
            "customer_name": "王建国",
            "customer_phone": "13812345678",
            "customer_email": "wang.jianguo@example.com",
            "customer_region": "上海市",
            "subject": "空调维修后仍不制冷",
            "product_or_service": "格力 KFR-35GW 空调",
            "description": "上周五上门维修过的空调再次不制冷，室外机有异响。要求重新维修并赔偿损失。",
            "expected_resolution": "免费重修，并赔偿耽误的时间和坏掉的食物。",
            "remedy_sought": "compensation",
            "amount_claimed": "6000",
            "category": str(category.pk),
        },
    )
    form.locator("input[name=evidence_files]").set_input_files(
        {"name": "outdoor-unit.png", "mimeType": "image/png", "buffer": png_bytes(64, 48)}
    )
    fill_fields(form, {"evidence_kind": "photo"})
    agent.get_by_test_id("intake-submit").click()

    expect_message(agent, "is recorded.")
    expect_state(agent, "Intake")
    expect(agent.get_by_test_id("evidence-count")).to_have_text("1")
    expect(agent.get_by_test_id("evidence-image")).to_have_count(1)
    return agent.get_by_test_id("case-page").get_attribute("data-reference")


def propose(
    handler: Page,
    *,
    remedy: str,
    amount: str,
    rationale: str,
    root_cause: str,
    approver: User | None = None,
) -> None:
    """Fill in the decision form; the approver list follows the amount (htmx) before choosing."""
    panel = handler.get_by_test_id("decision-panel")
    # Each round starts without a decision, so the form stands open, also after a reopen.
    expect(panel).to_have_attribute("open", "")
    expect(panel.locator("summary")).to_have_text("Propose a decision")
    fill_fields(panel, {"remedy": remedy, "outcome": "partly_upheld"})
    approvers = panel.locator("select[name=requested_approver]")
    approvers.evaluate("select => { for (const o of select.options) o.dataset.stale = '1'; }")
    panel.locator("input[name=amount]").fill(amount)
    # htmx replaces the choices with those for this amount: wait until the old ones are gone.
    expect(approvers.locator("option[data-stale]")).to_have_count(0)
    if approver is not None:
        fill_fields(panel, {"requested_approver": str(approver.pk)})
    fill_fields(panel, {"rationale": rationale, "root_cause": root_cause})
    panel.get_by_test_id("propose-decision").click()


def follow_up_visit(manager: Page, *, satisfaction: int, resolved: bool, comment: str) -> None:
    form = manager.get_by_test_id("follow-up-form")
    fill_fields(form, {"method": "phone", "comment": comment})
    form.locator("input[name=reached][value=yes]").check()
    form.locator(f"input[name=satisfaction][value='{satisfaction}']").check()
    form.locator(f"input[name=resolved][value={'yes' if resolved else 'no'}]").check()
    form.get_by_test_id("record-follow-up").click()


def test_a_case_goes_from_the_first_call_to_closed_through_two_handling_rounds(
    org: Org, china, sign_in
):
    # Given a department with other work on its desk, and a finer category to route to
    parts = Category.objects.create(
        name="配件与电容",
        code="repair-parts",
        parent=org.category,
        default_department=org.service,
    )
    other_work(org)

    # The agent records the phone call with the customer's photo.
    agent = sign_in(org.agent)
    reference = record_phone_complaint(agent, org.category)
    expect(agent.get_by_test_id("case-department")).to_have_text(org.service.name)
    expect(events(agent, "created")).to_have_count(1)

    # The head of 服务部 starts the triage, re-categorises, raises the severity and assigns.
    head = sign_in(org.head)
    open_case(head, reference)
    take_step(head, "start_triage")
    expect_message(head, "The case is now at the “Triage” stage.")
    expect_state(head, "Triage")
    open_panel(head.get_by_test_id("triage-panel"))
    fill_fields(
        head.get_by_test_id("triage-panel"),
        {
            "category": str(parts.pk),
            "severity": "complex",
            "department": str(org.service.pk),
            "assignee": str(org.handler.pk),
            "comment": "电容老化问题，交处理专员上门复检。",
        },
    )
    head.get_by_test_id("save-triage").click()
    expect_message(head, "The triage details are saved.")
    # People are named with their department (accounts.people).
    expect(head.get_by_test_id("case-assignee")).to_have_text(
        f"{org.handler.get_full_name()} · {org.service.name}"
    )
    expect(head.get_by_test_id("case-category")).to_have_text(str(parts))
    expect(head.get_by_test_id("case-severity")).to_have_text("Complex")
    expect(events(head, "triaged").first).to_contain_text("General → Complex")
    take_step(head, "start_investigation", comment="已分派，请三个工作日内完成调查。")
    expect_message(head, "The case is now at the “Investigation” stage.")
    expect_state(head, "Investigation")

    # The handler finds it in their own queue, notes what they found, and asks 法务部 to look.
    handler = sign_in(org.handler)
    handler.get_by_test_id("queue-tab-mine").click()
    handler.locator(f"[data-testid=queue-row][data-reference='{reference}']").get_by_test_id(
        "case-link"
    ).click()
    expect_state(handler, "Investigation")
    handler.locator("#note-form textarea[name=text]").fill("已上门：室外机电容鼓包，需更换。")
    handler.get_by_test_id("note-submit").click()
    expect(events(handler, "note")).to_have_count(1)
    expect(events(handler, "note").first).to_contain_text("室外机电容鼓包")
    legal = sign_in(org.other_handler)
    assert legal.goto(f"/complaints/{reference}/").status == 404  # not 法务部's case, yet
    open_panel(handler.get_by_test_id("handoff-panel"))
    fill_fields(
        handler.get_by_test_id("handoff-panel"),
        {
            "to_department": str(org.legal.pk),
            "to_user": str(org.other_handler.pk),
            "note": "客户要求赔偿 6000 元，请法务评估赔偿责任。",
        },
    )
    handler.get_by_test_id("save-handoff").click()
    # The handler still reads the case they worked on, and may no longer change it.
    expect_message(
        handler,
        f"The case is handed over to {org.other_handler.get_full_name()} · {org.legal.name}.",
    )
    expect(handler.get_by_test_id("case-read-only")).to_be_visible()
    expect(handler.get_by_test_id("handoff-panel")).to_have_count(0)

    # The legal handler sees the case now that it is theirs, gives an opinion and hands it back.
    open_case(legal, reference)
    expect(legal.get_by_test_id("case-department")).to_have_text(org.legal.name)
    expect(events(legal, "handoff").first).to_contain_text("请法务评估赔偿责任")
    open_panel(legal.get_by_test_id("handoff-panel"))
    fill_fields(
        legal.get_by_test_id("handoff-panel"),
        {
            "to_department": str(org.service.pk),
            "to_user": str(org.handler.pk),
            "note": "维修方有责任；赔偿以实际损失为限，建议 5000 元以内。",
        },
    )
    legal.get_by_test_id("save-handoff").click()
    expect_message(
        legal, f"The case is handed over to {org.handler.get_full_name()} · {org.service.name}."
    )
    expect(legal.get_by_test_id("case-read-only")).to_be_visible()

    # Back with the handler: the investigation ends and a compensation above their limit waits.
    open_case(handler, reference)
    expect(handler.get_by_test_id("case-department")).to_have_text(org.service.name)
    expect(events(handler, "handoff")).to_have_count(2)
    take_step(handler, "complete_investigation", findings="电容老化未更换，属维修质量问题。")
    expect_message(handler, "The case is now at the “Decision” stage.")
    expect(handler.get_by_test_id("case-findings")).to_contain_text("电容老化未更换")
    propose(
        handler,
        remedy="compensation",
        amount="5000",
        rationale="免费更换电容并赔偿食物损失及误工费共 5000 元。",
        root_cause="维修时未更换老化的电容，复检流程缺失。",
        approver=org.head,
    )
    expect_message(handler, "The decision is proposed and waits for approval.")
    pending = handler.get_by_test_id("decision")
    expect(pending).to_have_attribute("data-state", "pending_approval")
    expect(handler.get_by_test_id("awaiting-approval")).to_be_visible()
    expect(handler.get_by_test_id("approve-decision")).to_have_count(0)
    asked = pending.locator("dt", has_text="Approval asked from").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(asked).to_have_text(f"{org.head.get_full_name()} · {org.service.name}")

    # The head sees the approval waiting: the queue and the case, in English and in Chinese.
    head.get_by_test_id("queue-tab-department").click()
    expect(head.get_by_test_id("queue-row")).to_have_count(6)
    screenshot(head, "queue-en")
    open_case(head, reference)
    expect(head.get_by_test_id("approval-actions")).to_be_visible()
    expect(head.get_by_test_id("deadlines").locator("li")).not_to_have_count(0)
    screenshot(head, "case-en")
    head_zh = sign_in(org.head, language="zh-hans")
    expect(head_zh.locator("html")).to_have_attribute("lang", "zh-hans")
    head_zh.get_by_test_id("queue-tab-department").click()
    expect(head_zh.get_by_test_id("queue-row")).to_have_count(6)
    screenshot(head_zh, "queue-zh")
    open_case(head_zh, reference)
    expect(head_zh.get_by_test_id("approval-actions")).to_be_visible()
    screenshot(head_zh, "case-zh")

    # The head approves.
    head.get_by_test_id("approval-actions").locator("input[name=comment]").fill(
        "同意，尽快答复客户。"
    )
    head.get_by_test_id("approve-decision").click()
    expect_message(head, "The decision is approved.")
    expect(head.get_by_test_id("decision")).to_have_attribute("data-state", "approved")
    expect(events(head, "decision_approved").first).to_contain_text("同意，尽快答复客户。")

    # The handler confirms the decision and tells the customer by phone.
    open_case(handler, reference)
    take_step(handler, "decide")
    expect_message(handler, "The case is now at the “Reply” stage.")
    reply = handler.get_by_test_id("transition-send_reply")
    take_step(
        handler,
        "send_reply",
        channel="phone",
        content="已电话告知：免费更换电容，并赔偿 5000 元，三个工作日内到账。",
    )
    expect(reply).to_have_count(0)
    expect_message(handler, "The case is now at the “Follow-up” stage.")
    expect(events(handler, "contact").first).to_contain_text("Outcome reply")

    # The complaint manager calls back: the customer is not satisfied, so the case is reopened.
    manager = sign_in(org.manager)
    open_case(manager, reference)
    follow_up_visit(manager, satisfaction=2, resolved=False, comment="空调仍有异响，客户不满意。")
    expect_message(manager, "The customer is not satisfied")
    expect(events(manager, "follow_up").first).to_contain_text("2 / 5")
    take_step(manager, "reopen", comment="客户反映仍有异响，二次处理。")
    expect_message(manager, "The case is now at the “Investigation” stage.")
    expect(manager.get_by_test_id("case-reopened")).to_have_text("Reopened once")
    expect(events(manager, "transition").first).to_contain_text("reopened the case")

    # Second round: investigation, a decision within the handler's own limit, a reply by e-mail.
    open_case(handler, reference)
    expect_state(handler, "Investigation")
    take_step(handler, "complete_investigation", findings="复检：风扇电机轴承磨损，已更换。")
    expect_message(handler, "The case is now at the “Decision” stage.")
    propose(
        handler,
        remedy="repair",
        amount="800",
        rationale="免费更换风扇电机并补偿 800 元。",
        root_cause="首次维修只查了电容，未检查风扇电机。",
    )
    expect_message(handler, "The decision is recorded and approved within your limit.")
    take_step(handler, "decide")
    expect_message(handler, "The case is now at the “Reply” stage.")
    take_step(handler, "send_reply", channel="email", content="风扇电机已更换，另补偿 800 元。")
    expect_message(handler, "The case is now at the “Follow-up” stage.")

    # The manager's second call finds the customer satisfied, and the case is closed.
    open_case(manager, reference)
    follow_up_visit(manager, satisfaction=5, resolved=True, comment="运行正常，客户满意。")
    expect_message(manager, "The customer is satisfied")
    take_step(manager, "close")
    expect_message(manager, "The case is now at the “Closed” stage.")
    expect_state(manager, "Closed")
    expect(manager.get_by_test_id("no-steps")).to_have_text("This case is finished.")
    expect(events(manager, "handoff")).to_have_count(2)
    expect(events(manager, "decision_approved")).to_have_count(2)
    expect(events(manager, "transition").filter(has_text="reopened the case")).to_have_count(1)
    screenshot(manager, "case-closed-en")

    # Then the stored case is closed after one reopening, with its whole story on the timeline.
    complaint = Complaint.objects.get(reference=reference)
    assert (complaint.state, complaint.reopen_count) == (State.CLOSED, 1)
    assert (complaint.category, complaint.severity) == (parts, "complex")
    assert (complaint.department, complaint.assignee) == (org.service, org.handler)
    handoffs = list(Handoff.objects.filter(complaint=complaint).order_by("at"))
    assert [(h.from_user, h.to_department, h.to_user) for h in handoffs] == [
        (org.handler, org.legal, org.other_handler),
        (org.other_handler, org.service, org.handler),
    ]
    first, second = Decision.objects.filter(complaint=complaint).order_by("round")
    assert (first.round, first.amount, first.requested_approver, first.approved_by) == (
        0,
        Decimal(5000),
        org.head,
        org.head,
    )
    assert first.state == second.state == Decision.Status.APPROVED
    assert (second.round, second.amount, second.approved_by) == (1, Decimal(800), org.handler)
    kinds = list(complaint.events.order_by("at", "pk").values_list("kind", "transition"))
    transitions = [name for kind, name in kinds if kind == CaseEvent.Kind.TRANSITION]
    assert transitions == [
        "start_triage",
        "start_investigation",
        "complete_investigation",
        "decide",
        "send_reply",
        "reopen",
        "complete_investigation",
        "decide",
        "send_reply",
        "close",
    ]
    counted = [kind for kind, _name in kinds]
    assert counted.count(CaseEvent.Kind.HANDOFF) == 2
    assert counted.count(CaseEvent.Kind.DECISION_APPROVED) == 2
    assert counted.count(CaseEvent.Kind.FOLLOW_UP) == 2
    assert counted.count(CaseEvent.Kind.EVIDENCE) == 1
