"""The Content-Security-Policy holds on every page without breaking one (issue 15 §1).

Each page is opened in Chromium with a listener for `securitypolicyviolation` installed before
any of the page's own script runs; a blocked inline script or style, an eval, a refused request
or a console error fails the test with the page and what was refused. The pages are used, not
only loaded: the case page's folded panels opened, a chart hovered for its tooltip, the intake's
customer lookup, the portal's forms sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints.models import State
from complaints.public_links import submitted_token, survey_token, tracking_token
from reports.domain import month_period
from reports.services.snapshots import snapshot_build
from tests.browser.conftest import screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED_STATUS = re.compile(r"Failed to load resource: .* status of 4(04|22)\b")
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline") +
    " @" + event.sourceFile + ":" + event.lineNumber + " " + (event.sample || ""));
});
"""


@dataclass
class Watch:
    """Everything refused or failing on a page, collected while a person uses it."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        refused = self.page.evaluate("() => window.__csp || []")
        return [*refused, *self.errors]

    def visit(self, address: str, *, status: int = 200) -> None:
        response = self.page.goto(address)
        assert response is not None and response.status == status, address
        assert "Content-Security-Policy" in response.headers or any(
            name.lower() == "content-security-policy" for name in response.headers
        ), f"{address}: no Content-Security-Policy header"
        self.settle()
        self.check(address)

    def settle(self) -> None:
        self.page.wait_for_load_state("networkidle")

    def check(self, where: str) -> None:
        found = self.problems()
        assert not found, f"{where}:\n  " + "\n  ".join(found)


def watch(page: Page) -> Watch:
    watcher = Watch(page)
    page.add_init_script(COLLECT)

    def console(message) -> None:
        # A form sent back (422) or a missing page (404) is logged by Chromium as a failed load:
        # that is the page's answer, not a refusal. A refusal says "Refused to ...".
        if message.type == "error" and not EXPECTED_STATUS.match(message.text):
            watcher.errors.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: watcher.errors.append(f"page error: {error}"))
    return watcher


def test_every_workspace_page_keeps_the_policy(org, complaint_in, flow, sign_in):
    investigation = complaint_in(State.INVESTIGATION)
    complaint_in(State.TRIAGE)
    closed = complaint_in(State.CLOSED)
    today = timezone.localdate()
    snapshot, _ = snapshot_build(period=month_period(today.year, today.month))
    page = sign_in(org.manager)
    w = watch(page)

    # Every queue tab (their counts arrive by htmx)
    w.visit(reverse("queue", args=["all"]))
    tabs = page.get_by_test_id("queue-nav").locator("a")
    for address in [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]:
        w.visit(address)
    # The queue's filters sent (its formdata listener is in queue.js)
    w.visit(reverse("queue", args=["all"]) + "?state=investigation")

    # The case page, each folded panel opened in turn (htmx fetches them)
    for complaint in (investigation, closed):
        w.visit(reverse("case_detail", args=[complaint.reference]))
        openers = page.get_by_test_id("opener")
        for _ in range(openers.count()):
            if not openers.count():
                break
            openers.first.click()
            w.settle()
        w.check(f"case {complaint.reference} with its panels open")

    # Intake, with the customer lookup (htmx) and the "use this name" button
    w.visit(reverse("intake"))
    page.locator("[name=customer_phone]").fill(investigation.customer.phone)
    page.locator("[name=customer_phone]").blur()
    w.settle()
    if page.get_by_test_id("use-customer").count():
        page.get_by_test_id("use-customer").click()
        expect(page.locator("[name=customer_name]")).to_have_value(investigation.customer.name)
    w.check("intake with the customer lookup")
    page.get_by_test_id("intake-submit").click()
    w.settle()
    w.check("intake sent back with errors")

    # Pages whose style="" attributes became classes: kept as screenshots to look at
    w.visit(reverse("customer_detail", args=[investigation.customer_id]))
    screenshot(page, "csp-customer")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "csp-customer-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    w.visit(reverse("notifications"))
    w.visit(reverse("password_change"))
    screenshot(page, "csp-password-change")

    # Reports: the dashboard's charts (ECharts, SVG) with a tooltip shown
    w.visit(reverse("reports:dashboard"))
    chart = page.locator("[data-chart-canvas] svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    for step in range(1, 10):
        page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] / 2)
    w.check("dashboard with a chart tooltip")
    w.visit(reverse("reports:report"))
    w.visit(reverse("reports:report") + f"?period=month&month={today:%Y-%m}")
    w.visit(reverse("reports:exports"))
    screenshot(page, "csp-exports")
    w.visit(reverse("reports:snapshots"))
    w.visit(reverse("reports:snapshot", args=[snapshot.pk]))

    # Error pages
    w.visit("/complaints/TS-0000-000000/", status=404)


def test_the_public_portal_keeps_the_policy(org, complaint_in, open_browser):
    follow_up = complaint_in(State.FOLLOW_UP, customer_email="wang.wei@example.com")
    page = open_browser(language="zh-hans")
    w = watch(page)

    w.visit(reverse("public:submit"))
    page.get_by_test_id("submit-button").click()  # empty: the form comes back with its errors
    w.settle()
    w.check("submit page with errors")
    w.visit(reverse("public:submitted", args=[submitted_token(follow_up)]))
    w.visit(reverse("public:track_lookup"))
    w.visit(reverse("public:track", args=[tracking_token(follow_up)]))
    w.visit(reverse("public:survey", args=[survey_token(follow_up)]))


def test_the_sign_in_page_and_the_admin_keep_their_policy(org, open_browser):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page = open_browser()
    w = watch(page)
    w.visit(reverse("login"))
    w.visit(reverse("admin:login"))
    page.locator("input[name=username]").fill("root")
    page.locator("input[name=password]").fill("demo1234")
    page.locator("input[type=submit]").click()
    w.settle()
    expect(page.locator("#site-name")).to_be_visible()
    w.check("admin index")
    w.visit(reverse("admin:complaints_complaint_changelist"))
    w.visit(reverse("admin:accounts_user_change", args=[org.handler.pk]))


def test_the_api_docs_keep_their_policy(open_browser):
    page = open_browser()
    w = watch(page)
    w.visit(reverse("api-docs"))
    page.wait_for_selector(".opblock-tag-section")
    w.check("api docs")
