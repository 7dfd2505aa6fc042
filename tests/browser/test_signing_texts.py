"""Signing an outside body's document (issue 16 §2, seed 004 §三.13): the reservation sentences are
offered while staff write, in the reader's language, and put into the text box by a click (the
project's own small script, no library), the amount typed filled in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from complaints.models import OutsideBody, SigningText, State
from complaints.services.outside_bodies import outside_body_record
from tests.browser.conftest import (
    CHROMIUM,  # noqa: F401  (the session browser fixture skips without it)
    open_case,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_signing_text_is_put_into_the_box_with_the_amount(org, complaint_in, sign_in):
    # The migration's texts, again: a transactional test before this one may have emptied the table.
    SigningText.objects.get_or_create(
        code="settled_not_admitted",
        defaults={
            "text": "公司不认可消费者所称的事实，但同意出于顾客服务角度考虑给予该顾客人民币{amount}元。",
            "text_en": "The company does not accept the facts as stated by the consumer, but "
            "agrees, out of consideration for customer service, to give the customer RMB {amount}.",
            "kinds": "consumer_association,market_regulator",
            "position": 1,
        },
    )
    complaint = complaint_in(State.INVESTIGATION)
    body = outside_body_record(
        complaint=complaint,
        actor=org.handler,
        kind="consumer_association",
        name="市消费者协会",
        channel="written_notice",
        received_at=datetime(2025, 12, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
        contact_id=org.handler.pk,
    )
    page = sign_in(org.handler, language="en")
    open_case(page, complaint.reference)
    sign = page.get_by_test_id("body-sign")
    sign.locator("summary").click()
    offered = sign.get_by_test_id("signing-texts")
    expect(offered).to_contain_text("The company does not accept the facts")
    box = sign.locator("textarea")
    box.fill("另：")
    sign.get_by_label("Amount agreed (元)").fill("800")

    offered.get_by_role("button", name="Insert in Chinese").first.click()

    value = box.input_value()
    assert value.startswith("另：\n公司不认可消费者所称的事实")
    assert "800.00" in value and "____" not in value
    sign.get_by_test_id("body-sign-submit").click()
    page.wait_for_url(f"**/{complaint.reference}/**")
    body.refresh_from_db()
    assert "公司不认可消费者所称的事实" in OutsideBody.objects.get(pk=body.pk).signed_text
