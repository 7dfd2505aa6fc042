"""The inbox on a 390 px phone: grouped by case, done items marked, nothing off-screen, and
"mark all read" (htmx) leaves the top bar's count and the list agreeing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from complaints.models import State
from complaints.services import decision_approve, decision_propose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def propose(complaint, actor, amount: int):
    decision = decision_propose(
        complaint=complaint,
        actor=actor,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal(amount),
        rationale="维修质量问题，赔偿损失。",
    )
    complaint.refresh_from_db()
    return decision


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_inbox_on_a_phone(org, complaint_in, sign_in, language):
    # Given two approval requests to the manager, one of them already approved by the executive
    org.manager.language = language  # messages are written in their reader's language
    org.manager.save(update_fields=["language"])
    decided, waiting = complaint_in(State.DECISION), complaint_in(State.DECISION)
    decision_approve(decision=propose(decided, org.handler, 25700), actor=org.executive)
    propose(waiting, org.handler, 12000)

    page = sign_in(org.manager, language=language)
    page.set_viewport_size(PHONE)
    page.goto("/notifications/")

    # Then each case heads its group once, the decided one is done, and nothing is off-screen
    groups = page.get_by_test_id("inbox-group")
    expect(groups).to_have_count(2)
    expect(groups.nth(0).get_by_test_id("inbox-case")).to_have_text(waiting.reference)
    done = groups.nth(1).get_by_test_id("settled")
    expect(done).to_be_visible()
    expect(done).to_contain_text(org.executive.get_full_name() or org.executive.username)
    amount = "25,700.00 元" if language == "zh-hans" else "¥25,700.00"
    expect(groups.nth(1).get_by_test_id("notification")).to_contain_text(amount)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    expect(page.locator('[data-unread="true"]')).to_have_count(1)

    # When the manager marks everything read (an htmx post)
    page.get_by_test_id("mark-all-read").click()

    # Then the count is gone from the top bar and nothing in the list is unread
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    expect(page.locator('[data-unread="true"]')).to_have_count(0)
    expect(page.get_by_test_id("mark-all-read")).to_have_count(0)
