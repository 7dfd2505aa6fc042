"""The API documentation renders in Chromium from locally served Swagger UI files (no CDN)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_schema_without_any_outside_request(open_browser, live_server):
    page = open_browser()
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag-section")

    assert "Complaint handling API" in page.inner_text(".swagger-ui .info .title")
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/complaints/" in path for path in operations)
    assert outside == []
    screenshot(page, "api-docs")
