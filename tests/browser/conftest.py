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
        page = open_browser(language=language)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page

    return make


def screenshot(page, name: str) -> Path:
    """Full-page screenshots land in var/screenshots/ (kept out of git) for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
