"""Two-factor sign-in on a phone (390×844), as a complaint manager whose role requires it: the
password leads to enrolment, the key is read off the page into an "authenticator", the first code
turns it on and shows the backup codes, and the next sign-in asks for a code (a wrong one is
refused). Every page is watched for Content-Security-Policy refusals; screenshots of the
enrolment and code pages in both languages at both widths land in var/screenshots/."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_run, blocking, describe
from tests.browser.conftest import screenshot
from tests.browser.test_csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app that was given `secret` (as the page shows it) shows now."""
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def shoot_both_widths(page: Page, name: str) -> None:
    """Screenshots at both widths, each width checked by axe-core (WCAG 2.1 AA)."""
    for width, viewport in ((390, PHONE), (1366, DESKTOP)):
        page.set_viewport_size(viewport)
        found = blocking(axe_run(page))
        assert not found, describe(f"{name} at {width}", found)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size(PHONE)


def sign_in_with_password(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill("demo1234")
    form.get_by_test_id("login-submit").click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_manager_enrols_on_a_phone_then_signs_in_with_a_code(
    org, open_browser, settings, language
):
    settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = ["complaint_manager", "executive"]
    org.manager.language = language
    org.manager.save(update_fields=["language"])
    page = open_browser(language=language)
    page.set_viewport_size(PHONE)
    watcher = watch(page)

    # The password alone leads to enrolment, and nowhere else.
    sign_in_with_password(page, "manager")
    expect(page.get_by_test_id("two-factor-required")).to_be_visible()
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=/dashboard/$"))
    watcher.check("enrolment")
    shoot_both_widths(page, f"two-factor-enrol-{language}")

    # The QR code fits the phone's width and is big enough to scan.
    box = page.get_by_test_id("qr-code").bounding_box()
    assert box is not None and 180 <= box["width"] <= 390 - 24

    # The "authenticator" takes the key typed from the page; its first code turns it on.
    secret = page.get_by_test_id("secret").inner_text()
    page.get_by_test_id("enrol-code-input").fill(code_for(secret))
    page.get_by_test_id("enrol-submit").click()
    codes = page.get_by_test_id("backup-code-list").locator("code")
    expect(codes).to_have_count(10)
    watcher.check("backup codes")
    shoot_both_widths(page, f"two-factor-backup-codes-{language}")
    page.get_by_test_id("backup-codes-done").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # Signing out, then in again: the password, then a code.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    sign_in_with_password(page, "manager")
    expect(page.get_by_test_id("code-form")).to_be_visible()
    watcher.check("code page")
    shoot_both_widths(page, f"two-factor-code-{language}")

    page.get_by_test_id("code-input").fill("000000")
    page.get_by_test_id("code-submit").click()
    expect(page.get_by_test_id("code-error")).to_be_visible()
    found = blocking(axe_run(page))
    assert not found, describe("wrong code", found)
    screenshot(page, f"two-factor-code-wrong-{language}-390")

    # A person takes a moment to type again (django-otp pauses 1 s after a wrong code). The
    # enrolment used this period's code: the app's next one is accepted a step early.
    page.wait_for_timeout(1100)
    page.get_by_test_id("code-input").fill(code_for(secret, steps_ahead=1))
    page.get_by_test_id("code-submit").click()
    # The dashboard after it is the heaviest first page (cold caches): on a loaded CI machine it
    # once took longer than the default five seconds.
    expect(page.get_by_test_id("topbar")).to_be_visible(timeout=15_000)
    assert "/accounts/" not in page.url
    watcher.check("after sign-in")

    # Later, from the account menu: it is on, with ten backup codes left.
    page.get_by_test_id("menu-toggle").click()
    page.get_by_test_id("usermenu").locator("summary").click()
    page.get_by_test_id("nav-two-factor").click()
    expect(page.get_by_test_id("two-factor-on")).to_be_visible()
    expect(page.get_by_test_id("backup-codes-left")).to_contain_text("10")
    watcher.check("two-factor page")
    shoot_both_widths(page, f"two-factor-on-{language}")
