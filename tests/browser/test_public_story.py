"""The customers' portal from end to end, as issue 13 tells it: a customer on a phone finds the
portal from the sign-in page, sends a complaint in Chinese with a photo, gets the acknowledgment,
tracks it by the e-mailed link and by reference + phone, adds a message; an agent sees it in "To
triage"; once answered, the customer's unhappy survey answer (link from the reply e-mail) puts the
case back in investigation, where the staff read the customer's message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint, State
from tests.browser.conftest import (
    CHROMIUM,  # noqa: F401  (the session browser fixture skips without it)
    expect_state,
    open_case,
)
from tests.complaints.test_evidence import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MESSAGE = "师傅今天来过了，还是漏水，附言补充。"


def path_of(link_in_mail: str, body: str) -> str:
    """The path of the first link to `link_in_mail` in an e-mail body (the site's address in
    e-mails is COMPLAINTS_SITE_URL, not the test server's)."""
    match = re.search(rf"https?://[^/\s]+({re.escape(link_in_mail)}[^\s\"<]+)", body)
    assert match, f"no {link_in_mail} link in:\n{body}"
    return match.group(1)


def test_a_complaint_from_the_portal_through_tracking_triage_reply_and_survey(
    org, open_browser, sign_in, mailoutbox, flow
):
    page = open_browser(language="zh-hans")
    page.set_viewport_size(PHONE)

    # The portal is one link away from the staff sign-in page.
    page.goto("/accounts/login/")
    page.get_by_test_id("portal-link").click()
    form = page.get_by_test_id("submit-form")
    form.get_by_label("您的姓名").fill("赵先生")
    form.get_by_label("手机或电话号码").fill("139 1234 0001")
    form.get_by_label("电子邮件", exact=True).fill("zhao@example.com")
    form.get_by_label("投诉类别").select_option(label=org.category.name)
    form.get_by_label("发生了什么？").fill("热水器安装后一直漏水，地板被泡坏。")
    form.get_by_label("您希望我们怎么处理？").select_option("repair")
    form.locator("input[type=file]").set_input_files(
        [{"name": "漏水.png", "mimeType": "image/png", "buffer": png_bytes(40, 30)}]
    )
    form.get_by_label("我已阅读上述个人信息处理说明").check()
    form.get_by_test_id("submit-button").click()

    complaint = Complaint.objects.get()
    expect(page.get_by_test_id("reference")).to_have_text(complaint.reference)
    [acknowledgement] = mailoutbox
    assert acknowledgement.to == ["zhao@example.com"]

    # Tracking by the e-mailed link ...
    page.goto(path_of("/complaint/track/", acknowledgement.body))
    expect(page.get_by_test_id("track-reference")).to_have_text(complaint.reference)
    # ... and by reference + phone, typed as people do.
    page.goto("/complaint/track/")
    lookup = page.get_by_test_id("lookup-form")
    lookup.locator("[name=reference]").fill(complaint.reference.lower())
    lookup.locator("[name=contact]").fill("13912340001")
    page.get_by_test_id("lookup-submit").click()
    expect(page.get_by_test_id("track-reference")).to_have_text(complaint.reference)
    page.locator("textarea[name=message]").fill(MESSAGE)
    page.get_by_test_id("add-submit").click()
    expect(page.get_by_test_id("public-timeline")).to_contain_text(MESSAGE)

    # An agent finds it in "To triage".
    agent = sign_in(org.agent)
    agent.goto("/queues/triage/")
    expect(agent.locator(f"[data-reference='{complaint.reference}']")).to_be_visible()

    # Staff handle and answer it; the reply e-mail carries the survey link.
    answered = flow.advance(Complaint.objects.get(pk=complaint.pk), State.REPLY)
    flow.run(answered, "send_reply", channel="email", content="已安排师傅免费更换热水器。")
    to_customer = [m for m in mailoutbox if m.to == ["zhao@example.com"]]
    assert len(to_customer) == 2  # the acknowledgment, then the reply
    reply = to_customer[-1]
    assert complaint.reference in reply.subject
    page.goto(path_of("/complaint/survey/", reply.body))
    survey = page.get_by_test_id("survey-form")
    survey.get_by_label("1", exact=True).check()
    survey.get_by_label("否").check()
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-reopened")).to_be_visible()

    head = sign_in(org.head)
    open_case(head, complaint.reference)
    expect_state(head, "Investigation")
    expect(head.get_by_test_id("timeline")).to_contain_text(MESSAGE)
