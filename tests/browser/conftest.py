"""Playwright for Python driving Debian's Chromium against the live test server.

The browser is the system's /usr/bin/chromium (Playwright never downloads one here). Playwright's
sync API keeps an event loop running in the test thread, which makes Django refuse ORM calls
from that thread; the tests themselves are synchronous, so the guard is switched off for them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from sla.selectors import working_calendar_cache_clear
from tests.complaints.conftest import complaint_in, flow  # noqa: F401  (fixtures: cases in any state)
from tests.sla.conftest import china, cn  # noqa: F401  (fixtures: the calendar deadlines run on)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The live server shares this process's calendar cache; tables are emptied between tests.
    working_calendar_cache_clear()
    yield
    working_calendar_cache_clear()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_browser(chromium, live_server):
    """A factory of separate browsers (contexts): each person in a story has their own session."""
    contexts = []

    def make(*, language: str = "en"):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport={"width": 1366, "height": 900},
            locale="en-US" if language == "en" else "zh-CN",
        )
        context.set_default_timeout(15_000)
        # Django picks the interface language from this cookie before the browser's locale.
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(open_browser):
    """Open a browser for `user` and sign in through the login page, as a person would."""

    def make(user, *, password: str = "demo1234", language: str = "en"):
        # Signing in restores the language saved on the user (accounts.signals): save the one wanted.
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        page = open_browser(language=language)
        page.goto("/accounts/login/")
        # The login page has language buttons too: submit the sign-in form itself.
        form = page.get_by_test_id("login-form")
        form.locator("input[name=username]").fill(user.username)
        form.locator("input[name=password]").fill(password)
        form.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("topbar")).to_be_visible()
        assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page

    return make


def screenshot(page, name: str) -> Path:
    """Full-page screenshots land in var/screenshots/ (kept out of git) for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- the case page, as a person uses it ------------------------------------------------------


def open_case(page: Page, reference: str) -> None:
    page.goto(f"/complaints/{reference}/")
    expect(page.get_by_test_id("case-reference")).to_have_text(reference)


def fill_fields(container: Locator, values: dict[str, str]) -> None:
    """Type into text fields and choose in selects, found by their form field name."""
    for name, value in values.items():
        field = container.locator(f"[name={name}]").first
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def open_panel(panel: Locator) -> None:
    """Open a folded action (a step, triage, handoff, ...): its button fetches the form."""
    panel.get_by_test_id("opener").click()
    expect(panel).to_have_attribute("open", "")


def take_step(page: Page, name: str, **values: str) -> None:
    """Open a step of "Next steps", fill in what it asks, and confirm it."""
    panel = page.get_by_test_id(f"transition-{name}")
    open_panel(panel)
    fill_fields(panel, values)
    panel.get_by_test_id(f"confirm-{name}").click()


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_test_id("messages")).to_contain_text(text)


def expect_state(page: Page, label: str) -> None:
    expect(page.get_by_test_id("case-state")).to_have_text(label)


def events(page: Page, kind: str) -> Locator:
    """The timeline entries of one kind (CaseEvent.Kind value), newest first."""
    return page.locator(f"[data-testid=event][data-kind={kind}]")


def csrf_token(page: Page) -> str:
    """The CSRF token the forms of the current page send."""
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
