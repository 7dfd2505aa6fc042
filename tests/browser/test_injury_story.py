"""A personal injury from the first call to the signed agreement (issue 16 §1; seed 004 §三),
each person in their own browser: the desk records the fall with the hospital's receipt; the
handler records the duty manager's decisions, a witness and the kept receipts, and asks finance
for the advance; the head approves it within their limit; the complaint manager records it paid;
the compensation breakdown becomes the decision's amount, and the signed agreement is recorded.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Agreement, CaseEvent, Complaint, Decision, InjuryItem, InjuryRecord
from sla.models import ChecklistTemplate, ChecklistTemplateStep, Unit
from sla.selectors import forget_policy_book
from tests.browser.conftest import (
    events,
    expect_message,
    fill_fields,
    open_case,
    open_panel,
    screenshot,
    take_step,
)
from tests.complaints.test_evidence import png_bytes
from tests.conftest import Org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def injury_checklist() -> None:
    template = ChecklistTemplate.objects.create(
        name="顾客人身伤害", name_en="Customer personal injury", code="injury", personal_injury=True
    )
    for position, (item, hours) in enumerate(
        [(InjuryItem.WITNESSES, 1), (InjuryItem.INSURER, 24), (InjuryItem.RECEIPTS_KEPT, 72)],
        start=1,
    ):
        ChecklistTemplateStep.objects.create(
            template=template,
            position=position,
            text=str(item.label),
            amount=hours,
            unit=Unit.HOURS,
            injury_item=item,
        )
    forget_policy_book()


def record_injury(page: Page, action: str, **values: str) -> None:
    """Open one of the injury card's forms, fill it in and save it."""
    panel = page.get_by_test_id(f"injury-panel-{action}")
    panel.get_by_test_id(f"injury-open-{action}").click()
    expect(panel).to_have_attribute("open", "")
    form = panel.get_by_test_id(f"injury-form-{action}")
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if field.first.get_attribute("type") == "radio":
            form.locator(f"input[name={name}][value={value}]").check()
        else:
            fill_fields(form, {name: value})
    form.get_by_test_id(f"injury-submit-{action}").click()


def item_status(page: Page, item: str):
    return page.locator(f"[data-testid=injury-item][data-item={item}]")


def test_a_personal_injury_goes_from_the_first_call_to_a_signed_agreement(org: Org, china, sign_in):
    injury_checklist()

    # The desk records the fall, flagged as a personal injury, with the hospital's receipt.
    agent = sign_in(org.agent)
    agent.get_by_test_id("nav-new-complaint").click()
    form = agent.get_by_test_id("intake-form")
    fill_fields(
        form,
        {
            "channel": "walk_in",
            "customer_name": "李女士",
            "customer_phone": "13912345678",
            "subject": "在商场一楼中庭滑倒摔伤",
            "description": "顾客在一楼中庭因地面有积水滑倒，手腕骨折，已由员工陪同送医。",
            "remedy_sought": "compensation",
            "category": str(org.category.pk),
        },
    )
    form.locator("input[name=personal_injury]").check()
    form.locator("input[name=evidence_files]").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": png_bytes(40, 30)}
    )
    fill_fields(form, {"evidence_kind": "receipt"})
    agent.get_by_test_id("intake-submit").click()
    expect_message(agent, "is recorded.")
    reference = agent.get_by_test_id("case-page").get_attribute("data-reference")
    card = agent.get_by_test_id("injury")
    expect(card).to_be_visible()
    expect(card.locator("[data-testid=injury-item][data-status=missing]")).to_have_count(7)

    # The head triages and gives it to the handler.
    head = sign_in(org.head)
    open_case(head, reference)
    take_step(head, "start_triage")
    open_panel(head.get_by_test_id("triage-panel"))
    fill_fields(
        head.get_by_test_id("triage-panel"),
        {"assignee": str(org.handler.pk), "comment": "人身伤害，交处理专员跟进。"},
    )
    head.get_by_test_id("save-triage").click()
    expect_message(head, "The triage details are saved.")
    take_step(head, "start_investigation", comment="请按人身伤害程序处理。")

    # The handler records the duty manager's decisions, a witness and the kept receipts.
    handler = sign_in(org.handler)
    open_case(handler, reference)
    record_injury(handler, "accompany", accompany="yes", staff=str(org.agent.pk))
    expect_message(handler, "The decision on accompanying the customer is recorded.")
    expect(handler.get_by_test_id("injury-accompany")).to_contain_text(org.agent.get_full_name())
    record_injury(handler, "advance", advance="yes", amount="1200")
    expect_message(handler, "The decision on advancing the medical costs is recorded.")
    record_injury(handler, "advance_request")
    expect_message(handler, "The advance is requested from finance")
    record_injury(handler, "witness", name="周女士", phone="13900001111")
    expect_message(handler, "The witness is recorded.")
    expect(item_status(handler, "witnesses")).to_have_attribute("data-status", "done")

    # The head may not approve yet: the original receipts are not recorded as kept.
    open_case(head, reference)
    record_injury(head, "advance_approve")
    expect_message(head, "original receipts")
    receipt = Complaint.objects.get(reference=reference).evidence.get()
    open_case(handler, reference)
    record_injury(handler, "document", item="receipts_kept", evidence=str(receipt.pk))
    expect_message(handler, "The paper is recorded.")
    expect(item_status(handler, "receipts_kept")).to_have_attribute("data-status", "done")

    # Now the head approves the advance within their limit, and the manager records it paid.
    open_case(head, reference)
    record_injury(head, "advance_approve")
    expect_message(head, "The advance is approved.")
    expect(head.get_by_test_id("injury-advance-approver")).to_contain_text(org.head.get_full_name())
    manager = sign_in(org.manager)
    open_case(manager, reference)
    record_injury(manager, "advance_paid")
    expect_message(manager, "The advance is recorded as paid.")
    expect(manager.get_by_test_id("injury-advance")).to_contain_text("paid")

    # The breakdown by the heads of §三.17 becomes the decision's amount.
    open_case(handler, reference)
    record_injury(handler, "compensation", medical="1200", transport="80", nutrition="300")
    expect_message(handler, "The compensation breakdown is saved.")
    expect(handler.get_by_test_id("injury-compensation-total")).to_contain_text("1,580.00")
    take_step(handler, "complete_investigation", findings="地面积水未设警示牌，商场有管理疏失。")
    expect_message(handler, "The case is now at the “Decision” stage.")
    panel = handler.get_by_test_id("decision-panel")
    expect(panel.locator("input[name=amount]")).to_have_value("1580.00")
    fill_fields(
        panel,
        {
            "remedy": "compensation",
            "outcome": "partly_upheld",
            "rationale": "按医疗票据及医嘱承担医疗费、交通费、营养费，一次性了结。",
        },
    )
    panel.get_by_test_id("propose-decision").click()
    expect_message(handler, "The decision is recorded and approved within your limit.")

    # The signed agreement of the approved decision is recorded.
    handler.get_by_test_id("agreement-open").click()
    agreement = handler.get_by_test_id("agreement-form")
    expect(agreement.locator("input[name=amount]")).to_have_value("1580.00")
    agreement.get_by_test_id("agreement-submit").click()
    expect(handler.get_by_test_id("agreement")).to_have_attribute("data-status", "signed")
    expect(events(handler, "injury")).to_have_count(8)
    screenshot(handler, "injury-case-en")
    handler_zh = sign_in(org.handler, language="zh-hans")
    open_case(handler_zh, reference)
    expect(handler_zh.get_by_test_id("injury")).to_contain_text("人身伤害")
    screenshot(handler_zh, "injury-case-zh")

    # The stored record says the same.
    complaint = Complaint.objects.get(reference=reference)
    record = InjuryRecord.objects.get(complaint=complaint)
    assert (record.accompanied_by, record.advance_amount) == (org.agent, Decimal(1200))
    assert (record.advance_approved_by, record.advance_paid_by) == (org.head, org.manager)
    decision = Decision.objects.get(complaint=complaint)
    assert (decision.amount, decision.state) == (Decimal("1580.00"), Decision.Status.APPROVED)
    assert Agreement.objects.get(complaint=complaint).amount == Decimal("1580.00")
    assert complaint.events.filter(kind=CaseEvent.Kind.INJURY).count() == 8
