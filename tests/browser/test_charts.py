"""The chart component drawn by ECharts in Chromium: Chinese labels, SVG with content, its table
beside it, no console errors, and a chart swapped in by htmx drawn too.

The page is a test-only view (this module is its URLconf); the dashboard uses the same include."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]

MONTHS = [f"{month}月" for month in range(1, 13)]
VOLUME = {
    "id": "volume",
    "kind": "line",
    "title": "近12个月投诉量",
    "labels": MONTHS,
    "series": [
        {"name": "投诉量", "values": [12, 15, 9, 20, 18, 25, 30, 22, 19, 17, 14, 21]},
        {"name": "已办结", "values": [10, 14, 9, 18, 15, 20, 27, 21, 18, 15, 12, 8]},
    ],
}
CATEGORIES = {
    "id": "categories",
    "kind": "bar",
    "title": "按投诉类别",
    "labels": ["维修质量", "服务态度", "产品质量", "价格争议"],
    "series": [
        {
            "name": "投诉量",
            "values": [40, 25, 18, 7],
            "links": ["/queues/all/?category=1", "", "", ""],
        }
    ],
}
CHANNELS = {
    "id": "channels",
    "kind": "pie",
    "title": "按渠道",
    "labels": ["电话", "电子邮件", "来访"],
    "series": [{"name": "投诉量", "values": [50, 30, 10]}],
}

PAGE = """{% extends "base.html" %}
{% block content %}
  <h1>图表</h1>
  {% include "reports/_chart.html" with chart=volume %}
  {% include "reports/_chart.html" with chart=categories toggle=True %}
  <button type="button" data-testid="load-more" hx-get="/chart-more/" hx-target="#more" hx-swap="innerHTML">更多</button>
  <div id="more"></div>
{% endblock %}"""
MORE = """{% include "reports/_chart.html" with chart=channels %}"""


def chart_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"volume": VOLUME, "categories": CATEGORIES}, request))


def chart_more(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(MORE)
    return HttpResponse(template.render({"channels": CHANNELS}, request))


urlpatterns = [
    path("chart-page/", chart_page),
    path("chart-more/", chart_more),
    path("", include("config.urls")),
]


def test_two_charts_in_chinese_are_drawn_with_their_tables(open_browser):
    page = open_browser(language="zh-hans")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/chart-page/")

    charts = page.get_by_test_id("chart")
    expect(charts).to_have_count(2)
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    volume = page.locator("[data-chart-id=volume]")
    # Then ECharts drew an SVG with the lines and the Chinese month labels
    expect(volume.locator("[data-chart-canvas] svg")).to_have_count(1)
    expect(volume.locator("svg path").first).to_be_attached()
    assert volume.locator("svg path").count() > 10
    svg_text = volume.locator("svg").text_content()
    assert "1月" in svg_text and "12月" in svg_text, svg_text
    # The Chinese labels take real glyphs: the month label is wider than an empty box would be
    label = volume.locator("svg text", has_text="投诉量").first
    assert label.bounding_box()["width"] > 20

    bars = page.locator("[data-chart-id=categories]")
    expect(bars.locator("svg")).to_have_count(1)
    assert "维修质量" in bars.locator("svg").text_content()

    # The tables hold the same figures (the first beside the chart, the second behind a toggle)
    table = volume.get_by_test_id("chart-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(12)
    expect(table.locator("tbody tr").nth(6)).to_contain_text("7月")
    expect(table.locator("tbody tr").nth(6)).to_contain_text("30")
    expect(bars.get_by_test_id("chart-table")).to_be_hidden()
    bars.locator("summary").click()
    expect(bars.get_by_test_id("chart-table")).to_be_visible()
    expect(bars.get_by_role("link", name="40")).to_have_attribute("href", "/queues/all/?category=1")

    # When the window narrows, the charts follow it
    before = volume.locator("svg").bounding_box()["width"]
    page.set_viewport_size({"width": 390, "height": 844})
    # Polled from here: wait_for_function evaluates a string in the page, which the CSP refuses.
    svg = volume.locator("svg")
    for _ in range(50):
        if svg.bounding_box()["width"] < before:
            break
        page.wait_for_timeout(100)
    assert svg.bounding_box()["width"] < before
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # And a chart that htmx brings in is drawn too
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("load-more").click()
    pie = page.locator("[data-chart-id=channels]")
    expect(pie.locator("svg")).to_have_count(1)
    expect(pie.locator("svg")).to_contain_text("电话")
    screenshot(page, "charts-zh")
    month = "window.complaintCharts.instances()[0].getModel().getLocaleModel().get('time').month[0]"
    assert page.evaluate(month) == "一月"
    assert errors == []


def test_charts_follow_the_english_interface(open_browser):
    page = open_browser(language="en")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/chart-page/")
    volume = page.locator("[data-chart-id=volume]")
    expect(volume.locator("svg")).to_have_count(1)
    # ECharts' own words (its locale) follow <html lang>: the pie's aria and toolbox texts aside,
    # the instance reports the locale it was given.
    locale = page.evaluate(
        "window.complaintCharts.instances()[0].getModel().getLocaleModel().get('time').month[0]"
    )
    assert locale == "January"
    assert errors == []
