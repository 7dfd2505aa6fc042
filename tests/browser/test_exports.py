"""A complaint manager prepares the month's XLSX and downloads it, in both languages and widths."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_manager_exports_the_month(org, new_complaint, sign_in, language):
    case = new_complaint(received_at=datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    page = sign_in(org.manager, language=language)

    page.goto("/reports/exports/")
    form = page.get_by_test_id("export-form")
    form.locator("[name=date_from]").fill("2026-03-01")
    form.locator("[name=date_to]").fill("2026-03-31")
    screenshot(page, f"exports-form-{language}-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    # (what sticks out, should anything: the failure names it)
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    screenshot(page, f"exports-form-{language}-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    form.get_by_test_id("export-xlsx").click()
    status = page.get_by_test_id("export-status")
    expect(status).to_have_attribute("data-status", "done")
    screenshot(page, f"exports-job-{language}-1366")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("complaints-20260301-20260331-")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == case.reference
    assert rows[0][0] == ("投诉编号" if language == "zh-hans" else "Reference")
