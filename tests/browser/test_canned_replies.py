"""Canned replies (issue 18 §3) as staff use them: picking one in the contact log puts its text,
filled in for the case, at the cursor (static/js/app.js), and the choice is recorded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from complaints.models import CannedReply, CustomerContact, State
from tests.browser.conftest import (
    CHROMIUM,  # noqa: F401  (the session browser fixture skips without it)
    open_case,
    open_panel,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_canned_reply_is_put_in_the_box_filled_and_recorded(org, complaint_in, sign_in):
    reply = CannedReply.objects.create(
        title="Progress", language="en", body="Dear {customer_name}, {reference} is in hand."
    )
    complaint = complaint_in(State.INVESTIGATION)
    page = sign_in(org.handler, language="en")
    open_case(page, complaint.reference)
    panel = page.get_by_test_id("contact-panel")
    open_panel(panel)
    box = panel.locator("textarea[name=summary]")
    box.fill("Called back. ")

    panel.get_by_test_id("canned-reply").select_option(str(reply.pk))

    expect(box).to_have_value(f"Called back. Dear 王先生, {complaint.reference} is in hand.")
    panel.get_by_test_id("save-contact").click()
    page.wait_for_url(f"**/{complaint.reference}/**")
    expect(page.get_by_test_id("timeline")).to_contain_text("Progress")
    contact = CustomerContact.objects.filter(complaint=complaint).order_by("pk").last()
    assert contact.canned_reply_id == reply.pk
    assert contact.summary == f"Called back. Dear 王先生, {complaint.reference} is in hand."
