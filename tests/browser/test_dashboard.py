"""A complaint manager signs in and lands on the dashboard: in Chinese, its charts drawn, no error
in the console, and a figure opens the queue of exactly the cases it counts."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import State
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_lands_on_the_dashboard_in_chinese_with_its_charts(
    org, new_complaint, complaint_in, sign_in
):
    now = timezone.now()
    for state in (State.INTAKE, State.INVESTIGATION, State.INVESTIGATION, State.CLOSED):
        complaint_in(state, received_at=now)
    new_complaint(received_at=now)
    org.manager.language = "zh-hans"
    org.manager.save(update_fields=["language"])

    page = sign_in(org.manager, language="zh-hans")
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.reload()  # the sign-in's landing page, with the listeners on

    assert page.url.endswith("/dashboard/")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("投诉看板")
    charts = page.get_by_test_id("chart")
    expect(charts.first.locator("[data-chart-canvas] svg")).to_be_visible()
    drawn = page.evaluate(
        "[...document.querySelectorAll('[data-chart-canvas]')]"
        ".map(c => c.querySelectorAll('svg path, svg text').length)"
    )
    assert drawn and all(count > 5 for count in drawn), drawn
    # The chart labels are in Chinese: the trend's months and the state names.
    labels = page.locator("[data-chart-canvas] svg text").all_text_contents()
    assert any("月" in label for label in labels), labels
    screenshot(page, "dashboard-browser-zh-hans-1366")

    open_cases = page.get_by_test_id("kpi-open")
    count = int(open_cases.locator(".kpi-value").inner_text())
    assert count == 4
    open_cases.get_by_role("link").click()
    expect(page.get_by_test_id("queue-row")).to_have_count(count)
    assert not problems, problems
