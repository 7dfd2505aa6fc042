"""WCAG 2.1 AA on every staff page, kept by axe-core at the laptop and the phone width.

Each page is opened as the person who uses it, in the states that change what it shows (a case
waiting for triage, under investigation, waiting for an approval, closed with a past decision;
a form empty and after an empty submit). Any serious or critical violation fails the test and is
printed rule by rule with the elements concerned.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import State
from complaints.services import complaint_add_note
from complaints.services.intake import Flags
from tests.browser.axe import assert_accessible, axe_run, blocking, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page(open_browser, live_server):
    page = open_browser()
    assert_accessible(page, live_server.url + reverse("login"), name="login")
    # and after a failed sign-in (its error message in place)
    form = page.get_by_test_id("login-form")
    form.locator("input[name=username]").fill("nobody")
    form.locator("input[name=password]").fill("wrong password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    assert not blocking(axe_run(page)), describe("login error", blocking(axe_run(page)))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_queue_tab_of_a_complaint_manager(org, complaint_in, flow, sign_in, language):
    # Cases in several states, one overdue-looking and escalated, so badges of each kind show
    complaint_in(State.TRIAGE)
    complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))
    complaint_in(State.DECISION)
    page = sign_in(org.manager, language=language)
    tabs = page.get_by_test_id("queue-nav").locator("a")
    addresses = [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]
    assert len(addresses) >= 5
    for address in addresses:
        assert_accessible(page, address, name=f"queue {address} ({language})")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_case_page_in_its_working_states(org, complaint_in, sign_in, live_server, language):
    triage = complaint_in(State.TRIAGE)
    investigation = complaint_in(State.INVESTIGATION, flags=Flags(media_involved=True))
    complaint_add_note(complaint=investigation, actor=org.handler, text="内部备注：已联系客户。")
    manager = sign_in(org.manager, language=language)
    for complaint in (triage, investigation):
        assert_accessible(
            manager,
            live_server.url + reverse("case_detail", args=[complaint.reference]),
            name=f"case {complaint.state} ({language})",
        )


def test_case_page_waiting_for_an_approval_over_a_replaced_proposal(
    org, complaint_in, flow, sign_in, live_server
):
    # A first proposal replaced by a second one above the handler's limit, waiting for the head
    waiting = complaint_in(State.INVESTIGATION)
    flow.run(waiting, "complete_investigation")
    waiting.refresh_from_db()
    flow.propose(waiting, amount=Decimal(100))
    flow.propose(waiting, amount=Decimal(5000))
    head = sign_in(org.head)
    assert_accessible(
        head,
        live_server.url + reverse("case_detail", args=[waiting.reference]),
        name="case waiting for approval",
    )


def test_closed_and_rejected_cases(org, complaint_in, sign_in, live_server):
    closed = complaint_in(State.CLOSED)
    rejected = complaint_in(State.REJECTED)
    manager = sign_in(org.manager)
    for complaint in (closed, rejected):
        assert_accessible(
            manager,
            live_server.url + reverse("case_detail", args=[complaint.reference]),
            name=f"case {complaint.state}",
        )


def test_intake_page_empty_and_after_an_empty_submit(org, sign_in, live_server):
    page = sign_in(org.agent)
    assert_accessible(page, live_server.url + reverse("intake"), name="intake")
    for size in ({"width": 1366, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        page.goto(reverse("intake"))
        page.get_by_test_id("intake-submit").click()
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        found = blocking(axe_run(page))
        assert not found, describe(f"intake errors @ {size['width']}", found)


def test_customer_record_and_inbox(org, complaint_in, flow, sign_in, live_server):
    complaint = complaint_in(State.INVESTIGATION)
    flow.run(complaint, "complete_investigation")
    complaint.refresh_from_db()
    flow.propose(complaint, amount=Decimal(5000))  # an approval request in the head's inbox
    head = sign_in(org.head)
    # the red unread count is in the top bar while axe looks
    expect(head.get_by_test_id("unread-count")).to_be_visible()
    assert_accessible(
        head,
        live_server.url + reverse("customer_detail", args=[complaint.customer_id]),
        name="customer",
    )
    assert_accessible(head, live_server.url + reverse("notifications"), name="inbox")


def test_password_change_and_error_pages(org, sign_in, live_server):
    page = sign_in(org.handler)
    assert_accessible(page, live_server.url + reverse("password_change"), name="password change")
    page.get_by_test_id("password-change-submit").click()
    found = blocking(axe_run(page))
    assert not found, describe("password change errors", found)
    # The handler may not record complaints: 403; an unknown case: 404
    assert_accessible(page, live_server.url + reverse("intake"), name="403", expect_status=403)
    assert_accessible(
        page, live_server.url + "/complaints/TS-0000-000000/", name="404", expect_status=404
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_an_empty_intake_submit_puts_the_focus_on_a_summary_that_links_to_the_fields(
    org, sign_in, width
):
    page = sign_in(org.agent)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.goto(reverse("intake"))
    page.get_by_test_id("intake-submit").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    # Every field marked wrong is in the summary, and its link puts the focus in that field
    subject = page.get_by_test_id("error-link-subject")
    expect(subject).to_be_visible()
    subject.click()
    expect(page.locator("[name=subject]")).to_be_focused()
    page.get_by_test_id("error-link-customer_name").click()
    expect(page.locator("[name=customer_name]")).to_be_focused()


def test_the_phone_field_error_is_announced(org, sign_in):
    page = sign_in(org.agent)
    page.goto(reverse("intake"))
    page.locator("[name=customer_phone]").fill("12")
    page.get_by_test_id("intake-submit").click()
    phone = page.locator("[name=customer_phone]")
    expect(phone).to_have_attribute("aria-invalid", "true")
    error_id = phone.get_attribute("aria-describedby")
    assert error_id
    expect(page.locator(f"#{error_id}")).to_be_visible()
    # the error's text is the field's description for a screen reader
    error_text = page.locator(f"#{error_id}").inner_text().strip()
    assert error_text
    expect(phone).to_have_accessible_description(error_text)
    # and the summary links to it
    page.get_by_test_id("error-link-customer_phone").click()
    expect(phone).to_be_focused()


def test_password_change_and_sign_in_have_the_error_summary_too(org, sign_in, open_browser):
    page = sign_in(org.handler)
    page.goto(reverse("password_change"))
    page.get_by_test_id("password-change-submit").click()
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    page.get_by_test_id("error-link-old_password").click()
    expect(page.locator("[name=old_password]")).to_be_focused()

    anonymous = open_browser()
    anonymous.goto(reverse("login"))
    anonymous.get_by_test_id("login-submit").click()
    expect(anonymous.get_by_test_id("error-summary")).to_be_focused()


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    parts = css[css.index("(") + 1 : css.index(")")].replace(",", " ").split()
    return (int(float(parts[0])), int(float(parts[1])), int(float(parts[2])))


def _focus_ring(page, selector: str) -> dict:
    """Focus the element as a keyboard user would and read its ring and what lies behind it."""
    return page.locator(selector).first.evaluate(
        """element => {
            element.focus();
            const style = getComputedStyle(element);
            let behind = element.parentElement;
            while (behind && ["rgba(0, 0, 0, 0)", "transparent"].includes(getComputedStyle(behind).backgroundColor)) {
                behind = behind.parentElement;
            }
            return {
                visible: element.matches(":focus-visible"),
                style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                color: style.outlineColor,
                behind: behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)",
            };
        }"""
    )


def test_the_focus_ring_shows_on_the_page_and_the_navy_bar_and_in_forced_colours(org, sign_in):
    page = sign_in(org.agent)
    page.goto(reverse("intake"))
    targets = {
        "top bar link": "[data-testid=nav-notifications]",
        "queue tab": "[data-testid=queue-nav] a",
        "user menu": "[data-testid=usermenu] summary",
        "page button": "[data-testid=intake-submit]",
        "page link": ".intake-submit a",
        "text field": "[name=customer_name]",
    }
    for name, selector in targets.items():
        ring = _focus_ring(page, selector)
        assert ring["visible"], name
        assert ring["style"] == "solid" and ring["width"] >= 2, (name, ring)
        ratio = _contrast(_rgb(ring["color"]), _rgb(ring["behind"]))
        assert ratio >= 3, (
            f"{name}: focus ring {ring['color']} on {ring['behind']} is {ratio:.2f}:1"
        )

    # Forced colours (Windows high contrast) drop shadows: the ring is an outline, so it stays
    page.emulate_media(forced_colors="active")
    for name, selector in targets.items():
        ring = _focus_ring(page, selector)
        assert ring["style"] != "none" and ring["width"] >= 2, (name, ring)
