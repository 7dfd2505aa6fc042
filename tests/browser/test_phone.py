"""The workspace on a phone (390 × 844): queue rows as cards, tabs that scroll, a folding top bar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints.models import Complaint, State
from tests.browser.axe import axe_run, blocking, describe
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def on_phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def page_overflow(page: Page) -> int:
    """How far the page is wider than the screen (0 when nothing sticks out sideways)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_queue_row_is_a_card_with_everything_to_act_on(org, complaint_in, sign_in, language):
    # Given an escalated, overdue case and one due within hours, both assigned to the handler
    overdue = complaint_in(State.INVESTIGATION)
    due_soon = complaint_in(State.INVESTIGATION)
    now = timezone.now()
    Complaint.objects.filter(pk=overdue.pk).update(
        escalation_level=2, next_due_at=now - timedelta(hours=3), assignee=org.handler
    )
    Complaint.objects.filter(pk=due_soon.pk).update(
        next_due_at=now + timedelta(hours=5), assignee=org.handler
    )
    page = on_phone(sign_in(org.handler, language=language))

    # When the handler opens "My cases" on a phone
    page.goto("/queues/mine/")
    card = page.locator(f"[data-testid=queue-row][data-reference='{overdue.reference}']")

    # Then the card shows reference, customer, state, next deadline, escalation level, assignee,
    # all inside the screen
    for test_id in ("case-link", "customer-link", "state", "next-due", "escalation-level"):
        element = card.get_by_test_id(test_id)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"{test_id} is off-screen: {box}"
        )
    assignee = card.locator(".col-assignee")
    expect(assignee).to_be_visible()
    expect(assignee).to_contain_text(org.handler.get_full_name() or org.handler.username)
    # and the deadline's state in words, not by its colour only
    expect(card.get_by_test_id("next-due")).to_contain_text(
        "overdue by 3 h" if language == "en" else "已超期"
    )
    soon = page.locator(f"[data-testid=queue-row][data-reference='{due_soon.reference}']")
    expect(soon.get_by_test_id("next-due-state")).to_be_visible()
    expect(soon.get_by_test_id("next-due-state")).to_have_text(
        "Due soon" if language == "en" else "即将到期"
    )
    # and nothing is wider than the screen
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_the_deadline_state_is_read_out_in_the_desktop_table(org, complaint_in, sign_in):
    complaint = complaint_in(State.INVESTIGATION)
    Complaint.objects.filter(pk=complaint.pk).update(
        next_due_at=timezone.now() + timedelta(days=3), assignee=org.handler
    )
    page = sign_in(org.handler)
    page.goto("/queues/mine/")
    state = page.get_by_test_id("next-due-state")
    # Hidden from sight (the colour and "2 d 23 h left" show it) but in the accessible name
    expect(state).to_have_text("On time")
    box = state.bounding_box()
    assert box is not None and box["width"] <= 1, box
    expect(page.get_by_test_id("queue-row").locator(".col-deadline")).to_match_aria_snapshot(
        "- cell /On time 2 d \\d+ h left/"
    )


def test_queue_tabs_scroll_and_the_current_one_is_in_view(org, complaint_in, sign_in):
    complaint_in(State.TRIAGE)
    page = on_phone(sign_in(org.manager))
    page.goto("/queues/all/")
    tabs = page.get_by_test_id("queue-nav")
    # The counts arrive after the page and replace the bar
    expect(page.get_by_test_id("queue-count-triage")).to_have_text("1")
    # The tabs are wider than the screen and scroll inside their bar, not the page
    assert tabs.evaluate("nav => nav.scrollWidth > nav.clientWidth")
    assert tabs.evaluate("nav => getComputedStyle(nav).overflowX") == "auto"
    assert page_overflow(page) <= 0
    # The current tab (the last one, "All") has been scrolled into view
    current = page.get_by_test_id("queue-tab-all")
    box = current.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
    # and the first tab is reachable by scrolling back
    first = tabs.locator("a").first
    first.scroll_into_view_if_needed()
    first.click()
    expect(page).not_to_have_url("/queues/all/")


def test_the_top_bar_folds_into_a_menu_on_a_phone(org, sign_in):
    page = on_phone(sign_in(org.agent))
    page.goto("/")
    toggle = page.get_by_test_id("menu-toggle")
    topbar = page.get_by_test_id("topbar")

    # Folded: one line, a real button saying it is closed; the links are hidden
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert toggle.evaluate("el => el.tagName") == "BUTTON"
    expect(page.get_by_test_id("nav-notifications")).to_be_hidden()
    bar_height = topbar.locator(".topbar-row").bounding_box()["height"]
    assert bar_height <= 60, bar_height
    assert page_overflow(page) <= 0

    # Opened with the keyboard: links and the user menu are reachable
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for test_id in ("nav-new-complaint", "nav-notifications", "usermenu"):
        expect(page.get_by_test_id(test_id)).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "nav-new-complaint"
    # The user menu has a name a screen reader reads
    name = page.get_by_test_id("usermenu").locator("summary").evaluate("el => el.innerText.trim()")
    assert org.agent.get_full_name() in name or org.agent.username in name
    page.get_by_test_id("usermenu").locator("summary").click()
    expect(page.get_by_test_id("nav-password-change")).to_be_visible()
    screenshot(page, "phone-menu-open")
    # axe-core finds nothing serious in the opened menu either
    found = blocking(axe_run(page))
    assert not found, describe("phone menu open", found)
    page.get_by_test_id("nav-notifications").click()
    expect(page).to_have_url("/notifications/")

    # Escape closes it again and puts focus back on the button
    page.get_by_test_id("menu-toggle").click()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("menu-toggle")).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("nav-notifications")).to_be_hidden()
    assert page.evaluate("() => document.activeElement.dataset.testid") == "menu-toggle"


def test_the_logo_link_keeps_its_name_on_a_phone(org, sign_in):
    page = on_phone(sign_in(org.handler))
    brand = page.get_by_test_id("brand")
    expect(brand).to_be_visible()
    expect(page.get_by_role("link", name="Complaint handling")).to_have_count(1)


@pytest.mark.parametrize("width", [800, 1024, 1200, 1366])
def test_the_next_deadline_stays_on_screen_at_every_width(org, complaint_in, sign_in, width):
    complaint = complaint_in(State.INVESTIGATION)
    Complaint.objects.filter(pk=complaint.pk).update(
        escalation_level=3, next_due_at=timezone.now() - timedelta(days=3, hours=5)
    )
    page = sign_in(org.manager)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/queues/all/")
    for test_id in ("next-due", "escalation-level"):
        box = page.get_by_test_id(test_id).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (test_id, box)
    assert page_overflow(page) <= 0
