"""A customer on a phone follows their complaint, adds a message and answers the survey unhappy;
the staff then find the case back in investigation with the customer's words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from complaints.models import State
from complaints.public_links import tracking_token
from tests.browser.conftest import (
    CHROMIUM,  # noqa: F401  (the session browser fixture skips without it)
    events,
    expect_state,
    open_case,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MESSAGE = "维修后第二天又不制冷了，附上维修单照片。"


def test_a_customer_on_a_phone_tracks_adds_a_message_and_reopens_by_the_survey(
    org, complaint_in, open_browser, sign_in
):
    complaint = complaint_in(State.FOLLOW_UP, customer_email="wang.wei@example.com")
    page = open_browser(language="zh-hans")
    page.set_viewport_size(PHONE)

    page.goto(f"/complaint/track/{tracking_token(complaint)}/")
    expect(page.get_by_test_id("track-reference")).to_have_text(complaint.reference)
    expect(page.get_by_test_id("track-stage")).to_have_text("已答复")
    page.locator("textarea[name=message]").fill(MESSAGE)
    page.get_by_test_id("add-submit").click()
    expect(page.get_by_test_id("messages")).to_contain_text("谢谢")
    expect(page.get_by_test_id("public-timeline")).to_contain_text(MESSAGE)
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], "the tracking page scrolls sideways on a phone"
    screenshot(page, "public-track-phone")

    page.get_by_test_id("survey-link").click()
    survey = page.get_by_test_id("survey-form")
    survey.get_by_label("2", exact=True).check()
    survey.get_by_label("否").check()
    survey.locator("textarea[name=comment]").fill("还是不制冷")
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-reopened")).to_be_visible()
    screenshot(page, "public-survey-done-phone")

    staff = sign_in(org.head)
    open_case(staff, complaint.reference)
    expect_state(staff, "Investigation")
    expect(events(staff, "contact").first).to_contain_text(
        "The customer added information on the tracking page."
    )
    expect(staff.get_by_test_id("timeline")).to_contain_text(MESSAGE)
    expect(staff.get_by_test_id("timeline")).to_contain_text(
        "The customer's survey answer reopened the case for a second handling"
    )
