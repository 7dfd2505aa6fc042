"""Personal data in the browser: revealing a masked detail with a reason (htmx swaps the card in,
the policy holds), the auditors' reveal report and the restricted evidence card, accessible at
the laptop and the phone width, in Chinese and English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import ContactReveal, State
from complaints.services import evidence_add
from tests.browser.axe import assert_accessible, axe_run, blocking, describe
from tests.browser.conftest import open_case, screenshot
from tests.browser.test_csp import watch
from tests.complaints.test_evidence import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handler_reveals_the_phone_with_a_reason_and_the_card_swaps_in(
    org, complaint_in, sign_in
) -> None:
    complaint = complaint_in(State.INVESTIGATION, customer_email="wang.wei@example.com")
    page = sign_in(org.handler)
    w = watch(page)
    open_case(page, complaint.reference)
    card = page.get_by_test_id("customer-card")
    expect(card.get_by_test_id("customer-phone")).to_have_text("138****5678")

    page.get_by_test_id("unmask").click()
    card.get_by_test_id("reveal-submit").click()  # no reason: asked again, nothing shown
    expect(card.get_by_text("Say why you need the contact details.")).to_be_visible()
    assert not blocking(axe_run(page)), describe(
        "reveal form with its error", blocking(axe_run(page))
    )
    card.locator("input[name=details][value=email]").uncheck()
    card.locator("input[name=reason][value=call_customer]").check()
    card.get_by_test_id("reveal-submit").click()

    expect(card.get_by_test_id("customer-phone")).to_have_text("+8613812345678")
    expect(card.get_by_test_id("customer-email")).to_have_text("w***@example.com")
    w.check("the reveal form, refused and sent")
    assert list(ContactReveal.objects.values_list("field", "reason")) == [
        ("phone", "call_customer")
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_reveal_report_is_accessible_and_fits_a_phone(
    org, complaint_in, sign_in, live_server, language
) -> None:
    complaint = complaint_in(State.INVESTIGATION)
    for field in ("phone", "address"):
        ContactReveal.objects.create(
            actor=org.agent,
            customer=complaint.customer,
            complaint=complaint,
            field=field,
            reason="other",
            note="客户来电核对地址",
        )
    page = sign_in(org.auditor, language=language)
    w = watch(page)

    assert_accessible(page, live_server.url + reverse("contact_reveals"), name="reveal report")
    w.check("reveal report")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the phone width, last
    screenshot(page, f"reveals-{language}-phone")
    page.locator("[name=field]").select_option("address")
    page.get_by_test_id("reveals-apply").click()
    expect(page.get_by_test_id("reveal-row")).to_have_count(1)
    w.check("reveal report filtered")


def test_restricted_evidence_reads_as_such_and_opens_for_a_head(
    org, complaint_in, sign_in, live_server
) -> None:
    complaint = complaint_in(State.INVESTIGATION)
    evidence_add(
        complaint=complaint,
        actor=org.handler,
        kind="medical_record",
        upload=SimpleUploadedFile("诊断证明.pdf", PDF, content_type="application/pdf"),
    )
    url = live_server.url + reverse("case_detail", args=[complaint.reference])

    executive = sign_in(org.executive)
    assert_accessible(executive, url, name="case with restricted evidence")
    expect(executive.get_by_test_id("evidence-restricted-item")).to_have_count(1)
    expect(executive.get_by_test_id("evidence")).not_to_contain_text("诊断证明.pdf")

    head = sign_in(org.head)
    head.goto(url)
    expect(head.get_by_test_id("evidence-file")).to_contain_text("诊断证明.pdf")
