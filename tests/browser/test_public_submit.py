"""A customer on a phone sends a complaint in Chinese with a photo (issue 13, tests: browser).

Here rather than in tests/public/ because the browser fixtures (one Chromium per session) live
in tests/browser/conftest.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Channel, Complaint
from tests.browser.axe import axe_run, blocking, describe
from tests.browser.conftest import screenshot
from tests.complaints.test_evidence import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def overflow(page: Page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def test_a_customer_on_a_phone_sends_a_complaint_with_a_photo_and_gets_the_reference(
    org, open_browser, mailoutbox
):
    page = open_browser(language="zh-hans")
    page.set_viewport_size(PHONE)
    page.goto("/complaint/")
    expect(page.get_by_role("heading", name="我要投诉")).to_be_visible()
    assert overflow(page) == 0
    assert not (found := blocking(axe_run(page))), describe("form", found)

    form = page.get_by_test_id("submit-form")
    form.get_by_label("您的姓名").fill("张女士")
    form.get_by_label("手机或电话号码").fill("137 0000 1234")
    form.get_by_label("电子邮件", exact=True).fill("zhang@example.com")
    form.get_by_label("所在地区（城市或省份）").fill("杭州市")
    form.get_by_label("投诉类别").select_option(label=org.category.name)
    form.locator("[name=product_or_service]").fill("洗衣机")
    form.get_by_label("发生了什么？").fill("洗衣机安装后漏水，售后三次上门都没修好。")
    form.get_by_label("您希望我们怎么处理？").select_option("exchange")
    form.locator("input[type=file]").set_input_files(
        [{"name": "漏水.png", "mimeType": "image/png", "buffer": png_bytes(40, 30)}]
    )
    # The photo is previewed before it is sent.
    preview = form.get_by_test_id("file-preview")
    expect(preview).to_have_count(1)
    expect(preview.locator("img")).to_be_visible()
    expect(preview).to_contain_text("漏水.png")
    form.get_by_label("我已阅读上述个人信息处理说明").check()
    form.get_by_test_id("submit-button").click()

    expect(page.get_by_test_id("submitted")).to_be_visible()
    complaint = Complaint.objects.get()
    expect(page.get_by_test_id("reference")).to_have_text(complaint.reference)
    expect(page.get_by_test_id("first-response-due")).to_be_visible()
    expect(page.get_by_test_id("tracking-link")).to_be_visible()
    assert overflow(page) == 0
    assert not (found := blocking(axe_run(page))), describe("receipt", found)
    screenshot(page, "public-submitted-zh-hans-390")

    assert complaint.channel == Channel.WEB
    assert complaint.department == org.service
    [evidence] = complaint.evidence.all()
    assert evidence.original_name == "漏水.png"
    [message] = mailoutbox
    assert message.to == ["zhang@example.com"]
    assert complaint.reference in message.subject


def test_the_form_is_sent_back_with_the_errors_first_and_what_was_typed(org, open_browser):
    page = open_browser(language="zh-hans")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/complaint/")
    assert overflow(page) == 0
    form = page.get_by_test_id("submit-form")
    form.get_by_label("发生了什么？").fill("门店服务态度差")
    form.locator("input[type=file]").set_input_files(
        [{"name": "照片.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    form.get_by_test_id("submit-button").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("请输入您的姓名。")
    expect(page.get_by_test_id("attach-again")).to_contain_text("照片.png")
    expect(form.get_by_label("发生了什么？")).to_have_value("门店服务态度差")
    # Keyboard: the summary's link puts the focus in the field it names.
    summary.get_by_test_id("error-link-customer_name").press("Enter")
    expect(form.get_by_label("您的姓名")).to_be_focused()
    assert overflow(page) == 0
    assert not Complaint.objects.exists()
