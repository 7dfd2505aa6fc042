"""The personal-data pages used in Chromium by a complaint manager, in both languages: a request
recorded through the form, its export prepared (the job's status polled by htmx until the zip is
ready) and downloaded, an erasure confirmed, a case put on legal hold through its folded panel.
Every page keeps the Content-Security-Policy and passes axe-core at both widths."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import Complaint, RightsRequest
from tests.browser.axe import axe_run, blocking, describe
from tests.browser.test_csp import watch
from tests.complaints.privacy_cases import worked_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})


def accessible(page, name: str) -> None:
    for size in WIDTHS:
        page.set_viewport_size(size)
        found = blocking(axe_run(page))
        assert not found, describe(f"{name} @ {size['width']}", found)
    page.set_viewport_size(WIDTHS[0])


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_manager_answers_an_export_and_an_erasure(
    org, flow, new_complaint, sign_in, language
) -> None:
    exported = worked_case(org, flow, new_complaint, ended_days_ago=3)
    erased = worked_case(
        org, flow, new_complaint, phone="13900002222", email="li@example.com", seed=4
    )
    page = sign_in(org.manager, language=language)
    w = watch(page)

    # The export: recorded through the form, prepared, polled until ready, downloaded.
    w.visit(reverse("rights_new"))
    accessible(page, f"new request ({language})")
    page.get_by_test_id("rights-submit").click()  # empty: sent back with the reasons
    w.settle()
    w.check("the form sent back")
    accessible(page, f"new request with errors ({language})")
    page.locator("[name=kind][value=export]").check()
    page.locator("[name=requester_name]").fill("王先生")
    page.locator("[name=requester_phone]").fill("137 1234 5678")
    page.locator("[name=identity_check]").select_option("id_document")
    page.get_by_test_id("rights-submit").click()
    expect(page.get_by_test_id("rights-code")).to_be_visible()
    request = RightsRequest.objects.get()
    assert list(request.customers.values_list("pk", flat=True)) == [exported.customer_id]
    page.get_by_test_id("export-prepare").click()
    expect(page.get_by_test_id("export-download")).to_be_visible()
    w.check("the export prepared")
    accessible(page, f"export ready ({language})")
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    assert download.value.suggested_filename == f"{request.code}.zip"

    # The erasure: recorded, then confirmed on its own page.
    w.visit(reverse("rights_new"))
    page.locator("[name=kind][value=erasure]").check()
    page.locator("[name=requester_name]").fill("李女士")
    page.locator("[name=requester_email]").fill("li@example.com")
    page.locator("[name=identity_check]").select_option("call_back")
    page.get_by_test_id("rights-submit").click()
    page.get_by_test_id("erase-open").click()
    expect(page.get_by_test_id("erase-confirm")).to_be_visible()
    w.check("the erasure's confirmation")
    accessible(page, f"erasure confirmation ({language})")
    page.locator("[name=confirm]").check()
    page.get_by_test_id("erase-submit").click()
    expect(page.get_by_test_id("erasure-done")).to_be_visible()
    assert Complaint.objects.get(pk=erased.pk).anonymised_at is not None

    # The list, both requests answered.
    w.visit(reverse("rights_list") + "?show=all")
    expect(page.get_by_test_id("rights-row")).to_have_count(2)
    accessible(page, f"requests ({language})")


def test_a_manager_puts_a_case_on_legal_hold_from_its_page(
    org, flow, new_complaint, sign_in
) -> None:
    case = worked_case(org, flow, new_complaint, ended_days_ago=3)
    page = sign_in(org.manager)
    w = watch(page)

    w.visit(reverse("case_detail", args=[case.reference]))
    page.get_by_test_id("legal-hold").get_by_test_id("opener").click()
    page.locator("#legal-hold-panel [name=reason]").fill("(2026)沪0101民初1号")
    page.get_by_test_id("legal-hold-submit").click()

    expect(page.get_by_test_id("legal-hold-on")).to_be_visible()
    expect(page.get_by_test_id("flag-legal_hold")).to_be_visible()
    w.check("the case on legal hold")
    accessible(page, "case on legal hold")
    assert Complaint.objects.get(pk=case.pk).legal_hold
