"""The outside bodies card of the case page (issue 16 §2, §6): recorded from its folded panel,
its documents, signature with the §三.13 text in the reader's language, the off-sale order and the
closing; the legal hold it sets is shown; the card costs a fixed number of queries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import CaseEvent, OutsideBody, State
from complaints.services.outside_bodies import (
    off_sale_order_done,
    off_sale_order_record,
    outside_body_record,
)
from tests.complaints.test_evidence import png_bytes
from tests.pages.conftest_case import case_url, page_fixture, stored  # noqa: F401

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def body_on(complaint, actor, kind="consumer_association", name="市消费者协会") -> OutsideBody:
    return outside_body_record(
        complaint=complaint,
        actor=actor,
        kind=kind,
        name=name,
        channel="written_notice",
        received_at=datetime(2025, 12, 5, 10, tzinfo=SHANGHAI),
        contact_id=actor.pk,
        their_reference="消协调字〔2025〕88号",
    )


def test_recording_a_12315_referral_from_the_panel(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(
        org.handler,
        complaint,
        "case_outside_body",
        {
            "kind": "market_regulator",
            "name": "朝阳区市场监督管理局",
            "channel": "odr_platform",
            "their_reference": "12315-0001",
            "received_at": "2025-12-05T10:00",
            "contact": org.handler.pk,
            "notice": "请协商和解",
        },
        "outside_body",
    )

    assert response.status_code == 302
    body = OutsideBody.objects.get(complaint=complaint)
    assert body.due_at is not None and body.their_reference == "12315-0001"
    html = page.get(org.handler, complaint).content.decode()
    assert 'data-testid="outside-body"' in html and "朝阳区市场监督管理局" in html
    assert 'data-testid="legal-hold-cause"' in html
    # On the timeline, in words: the body, and the hold it set by itself.
    assert "took up the case" in html and "went on legal hold by itself" in html


def test_a_refused_form_comes_back_with_its_errors(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    response = page.post(
        org.handler, complaint, "case_outside_body", {"kind": "market_regulator"}, "outside_body"
    )
    assert response.status_code == 422
    assert 'id="outside-body-panel"' in response.content.decode()


def test_signing_offers_the_seed_texts_in_the_readers_language(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    body = body_on(complaint, org.handler)

    english = page.get(org.handler, complaint).content.decode()
    assert "The company does not accept the facts" in english
    page.client(org.handler).cookies["django_language"] = "zh-hans"
    chinese = page.get(org.handler, complaint).content.decode()
    assert "公司不认可消费者所称的事实，但同意出于顾客服务角度考虑给予该顾客人民币____元" in chinese

    response = page.post(
        org.handler,
        complaint,
        "case_outside_body",
        {"body": body.pk, "signing_text": "settled_not_admitted", "amount_agreed": "800"},
        "body_sign",
    )

    assert response.status_code == 302
    body.refresh_from_db()
    assert body.signed_text.startswith("公司不认可消费者所称的事实")
    assert "800.00" in body.signed_text
    html = page.get(org.handler, complaint).content.decode()
    assert 'data-testid="body-signed"' in html


def test_a_document_goes_to_the_evidence(page, org, complaint_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    complaint = complaint_in(State.INVESTIGATION)
    body = body_on(complaint, org.handler)
    response = page.post(
        org.handler,
        complaint,
        "case_outside_body",
        {
            "body": body.pk,
            "direction": "received",
            "evidence_kind": "photo",
            "file": SimpleUploadedFile("调解通知.png", png_bytes(), "image/png"),
        },
        "body_document",
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(
        complaint=complaint, kind=CaseEvent.Kind.OUTSIDE_BODY_DOCUMENT
    ).exists()


def test_a_reader_without_the_permission_gets_no_form_and_a_403(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    body = body_on(complaint, org.handler)
    html = page.get(org.executive, complaint).content.decode()
    assert 'data-testid="outside-body"' in html
    assert "body_sign" not in html
    response = page.post(
        org.executive,
        complaint,
        "case_outside_body",
        {"body": body.pk, "result": "settled"},
        "body_close",
    )
    assert response.status_code == 403


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_card_costs_a_fixed_number_of_queries(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    body = body_on(complaint, org.handler, kind="market_regulator", name="市监局")
    url = case_url(complaint)
    client = page.client(org.manager)
    one = _queries(client, url)
    for name in ("区消协", "市消协", "平安保险"):
        body_on(complaint, org.handler, name=name)
    off_sale_order_record(
        complaint=stored(complaint),
        body_id=body.pk,
        actor=org.handler,
        product="电暖器",
        ordered_on=datetime(2025, 12, 5).date(),
    )

    # However many bodies, documents and orders: the same queries.
    assert _queries(client, url) == one


def test_the_off_sale_order_shows_who_took_it_off_sale_and_when(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    body = body_on(complaint, org.handler, kind="market_regulator", name="市监局")
    order = off_sale_order_record(
        complaint=stored(complaint),
        body_id=body.pk,
        actor=org.handler,
        product="电暖器 NSB-200",
        ordered_on=datetime(2025, 12, 5).date(),
    )
    html = page.get(org.handler, complaint).content.decode()
    assert "not taken off sale yet" in html and 'data-testid="off-sale-done"' not in html

    off_sale_order_done(
        complaint=stored(complaint),
        order_id=order.pk,
        actor=org.handler,
        done_by_id=org.head.pk,
        done_at=datetime(2025, 12, 5, 15, 30, tzinfo=SHANGHAI),
        note="全部门店已下架",
    )

    html = page.get(org.handler, complaint).content.decode()
    assert 'data-testid="off-sale-done"' in html
    done = html.split('data-testid="off-sale-done"')[1].split("</li>")[0]
    assert "2025-12-05 15:30" in done
    assert (org.head.get_full_name() or org.head.username) in done
    assert "全部门店已下架" in done


def test_a_paused_deadline_is_shown_paused(page, org, complaint_in):
    from sla.services import clocks_pause

    complaint = complaint_in(State.INVESTIGATION)
    body_on(complaint, org.handler, kind="market_regulator", name="市监局")
    assert 'data-testid="body-due"' in page.get(org.handler, complaint).content.decode()
    clocks_pause(complaint=stored(complaint), actor=org.handler, reason="testing_appraisal")
    html = page.get(org.handler, complaint).content.decode()
    assert 'data-testid="body-paused"' in html and 'data-testid="body-due"' not in html


def test_the_signing_texts_are_offered_to_insert_while_writing(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    body_on(complaint, org.handler)

    english = page.get(org.handler, complaint).content.decode()
    offered = english.split('data-testid="signing-texts"')[1].split("</ul>")[0]
    # In the reader's language to insert, and the Chinese as written on the paper.
    assert 'data-insert-text="The company does not accept the facts' in offered
    assert 'data-insert-text="公司不认可消费者所称的事实' in offered
    assert "{amount}" in offered  # filled in from the amount typed, by static/js/app.js
    page.client(org.handler).cookies["django_language"] = "zh-hans"
    chinese = page.get(org.handler, complaint).content.decode()
    offered = chinese.split('data-testid="signing-texts"')[1].split("</ul>")[0]
    assert 'data-insert-text="公司不认可消费者所称的事实' in offered
    assert "The company does not accept" not in offered
