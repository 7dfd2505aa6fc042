"""The case page on a phone (390×844), on a desktop (1366), and in a browser without JavaScript.

On one column the page puts what to do and by when first: the steps, the deadlines and the routing
come before the timeline, and a bar at the bottom of the screen keeps them under the thumb. The
folded actions open in place with htmx, or, without JavaScript, as the page with that panel open.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from complaints.models import State
from complaints.services import complaint_add_note, contact_record
from tests.browser.axe import assert_accessible
from tests.browser.conftest import (
    CHROMIUM,  # noqa: F401  (the session browser fixture skips without it)
    expect_message,
    expect_state,
    fill_fields,
    open_case,
    open_panel,
    take_step,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def a_case_with_history(org, complaint_in):
    """A case under investigation with a timeline long enough to push things down a page."""
    complaint = complaint_in(State.INVESTIGATION)
    for number in range(12):
        complaint_add_note(
            complaint=complaint,
            actor=org.manager,
            text=f"第{number}次跟进：已联系仓库核实发货记录，等待物流公司回复。",
        )
        contact_record(
            complaint=complaint,
            actor=org.manager,
            channel="phone",
            direction="outbound",
            summary=f"电话 {number}：客户同意再等两天。",
        )
    return complaint


def top(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate(
        "element => element.getBoundingClientRect().top + window.scrollY"
    )


def no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_on_a_phone_the_steps_and_deadlines_come_before_the_timeline(
    org, complaint_in, sign_in, language
):
    complaint = a_case_with_history(org, complaint_in)
    page = sign_in(org.handler, language=language)
    page.set_viewport_size(PHONE)

    open_case(page, complaint.reference)

    screen = PHONE["height"]
    primary = page.get_by_test_id("transition-complete_investigation")
    assert top(page, "[data-testid=transition-complete_investigation]") < 1.5 * screen
    assert top(page, "#deadlines") < 1.5 * screen
    assert top(page, "#routing") < top(page, "#timeline-card")
    assert top(page, "#deadlines") < top(page, "#timeline-card")
    no_horizontal_overflow(page)
    # Wherever the reader has scrolled to, the bar at the bottom takes them back to the steps.
    page.locator("[data-testid=event]").last.scroll_into_view_if_needed()
    bar = page.get_by_test_id("case-jumpbar")
    expect(bar).to_be_visible()
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= screen + 1
    bar.get_by_role("link").first.click()
    expect(primary).to_be_in_viewport()


def test_on_a_phone_an_action_is_opened_and_taken(org, complaint_in, sign_in):
    complaint = a_case_with_history(org, complaint_in)
    page = sign_in(org.handler)
    page.set_viewport_size(PHONE)
    open_case(page, complaint.reference)

    open_panel(page.get_by_test_id("transition-complete_investigation"))
    no_horizontal_overflow(page)  # the open form fits the screen too
    take_step_form = page.get_by_test_id("transition-complete_investigation")
    fill_fields(take_step_form, {"findings": "电容老化未更换，属维修质量问题。"})
    take_step_form.get_by_test_id("confirm-complete_investigation").click()

    expect_message(page, "The case is now at the “Decision” stage.")
    expect_state(page, "Decision")
    no_horizontal_overflow(page)


def test_on_a_desktop_the_side_column_stays_beside_the_timeline(org, complaint_in, sign_in):
    complaint = a_case_with_history(org, complaint_in)
    page = sign_in(org.handler)  # 1366×900

    open_case(page, complaint.reference)

    timeline = page.locator("#timeline-card").bounding_box()
    deadlines = page.locator("#deadlines").bounding_box()
    assert deadlines["x"] > timeline["x"] + timeline["width"]  # the right-hand column
    assert deadlines["y"] < page.viewport_size["height"]  # in the first screen
    expect(page.get_by_test_id("case-jumpbar")).to_be_hidden()


def test_without_javascript_an_action_opens_as_a_page_and_is_taken(
    org, complaint_in, chromium, live_server
):
    complaint = a_case_with_history(org, complaint_in)
    org.handler.language = "en"  # signing in restores the language saved on the user
    org.handler.save(update_fields=["language"])
    context = chromium.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        form = page.get_by_test_id("login-form")
        form.locator("input[name=username]").fill(org.handler.username)
        form.locator("input[name=password]").fill("demo1234")
        form.get_by_test_id("login-submit").click()
        open_case(page, complaint.reference)

        page.get_by_test_id("transition-complete_investigation").get_by_test_id("opener").click()

        assert "open=transition%3Acomplete_investigation" in page.url
        step = page.get_by_test_id("transition-complete_investigation")
        expect(step).to_have_attribute("open", "")
        fill_fields(step, {"findings": "电容老化未更换，属维修质量问题。"})
        step.get_by_test_id("confirm-complete_investigation").click()
        expect_message(page, "The case is now at the “Decision” stage.")
        expect_state(page, "Decision")
    finally:
        context.close()


def test_an_opened_panel_is_the_one_its_action_posts(org, complaint_in, sign_in):
    """The htmx fragment is a working form: triage through it, then a step after it."""
    complaint = complaint_in(State.TRIAGE)
    page = sign_in(org.head)
    open_case(page, complaint.reference)

    open_panel(page.get_by_test_id("triage-panel"))
    expect(page.locator("#triage-panel summary")).to_be_focused()
    fill_fields(page.get_by_test_id("triage-panel"), {"severity": "complex"})
    page.get_by_test_id("save-triage").click()
    expect_message(page, "The triage details are saved.")
    take_step(page, "start_investigation", comment="已分派。")
    expect_state(page, "Investigation")


def test_a_step_gone_meanwhile_opens_the_page_as_it_is_now(org, complaint_in, sign_in, flow):
    complaint = complaint_in(State.INVESTIGATION)
    page = sign_in(org.handler)
    open_case(page, complaint.reference)
    # Someone else completes the investigation while this page is open.
    flow.run(complaint, "complete_investigation")

    page.get_by_test_id("transition-complete_investigation").get_by_test_id("opener").click()

    expect_state(page, "Decision")
    assert "open=transition%3Acomplete_investigation" in page.url
    expect(page.get_by_test_id("transition-complete_investigation")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_opened_panel_is_accessible(org, complaint_in, sign_in, live_server, language):
    """The folded forms are no longer in the page until opened: check each one open, both widths."""
    complaint = complaint_in(State.INVESTIGATION)
    page = sign_in(org.manager, language=language)
    base = live_server.url + reverse("case_detail", args=[complaint.reference])
    keys = [
        "triage",
        "handoff",
        "evidence",
        "pause",
        "contact",
        "transition:complete_investigation",
        "transition:withdraw",
    ]
    for key in keys:
        assert_accessible(page, f"{base}?{urlencode({'open': key})}", name=f"{key} ({language})")
        expect(page.locator("details[open] form")).to_have_count(1)
