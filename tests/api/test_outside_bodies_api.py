"""Outside bodies through the API (issue 16 §2, §6): recorded, documents, signing, off-sale order,
closing, through the same services as the case page, with the same refusals; the signing texts in
the reader's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint
from complaints.services import evidence_add
from tests.complaints.test_evidence import png_bytes

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_12315_referral_through_the_api(org, new_complaint, api_for, case_url, time_machine):
    time_machine.move_to(datetime(2025, 12, 5, 10, tzinfo=SHANGHAI), tick=False)
    case = new_complaint()
    api = api_for(org.handler)

    created = api.post(
        case_url(case, "outside-bodies"),
        {
            "kind": "market_regulator",
            "name": "朝阳区市场监督管理局",
            "channel": "odr_platform",
            "received_at": "2025-12-05T10:00:00+08:00",
            "contact": org.handler.username,
            "their_reference": "12315-0001",
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["due_at"].startswith("2025-12-19T23:59:59")
    assert body["contact"] == org.handler.username
    assert Complaint.objects.get(pk=case.pk).legal_hold

    evidence = evidence_add(
        complaint=case,
        actor=org.handler,
        kind="photo",
        upload=SimpleUploadedFile("调解书.png", png_bytes(), "image/png"),
    )
    document = api.post(
        case_url(case, "outside-bodies", body["id"], "documents"),
        {"direction": "received", "evidence_id": evidence.pk},
    )
    assert document.status_code == 201, document.content

    signed = api.post(
        case_url(case, "outside-bodies", body["id"], "sign"),
        {"signing_text": "settled_not_admitted", "amount_agreed": "500.00"},
    )
    assert signed.status_code == 200, signed.content
    assert "500.00" in signed.json()["signed_text"]

    order = api.post(
        case_url(case, "outside-bodies", body["id"], "off-sale-orders"),
        {"product": "电暖器 NSB-200", "ordered_on": "2025-12-05", "evidence_id": evidence.pk},
    )
    assert order.status_code == 201, order.content
    done = api.post(case_url(case, "off-sale-orders", order.json()["id"], "done"), {})
    assert done.status_code == 200 and done.json()["done_by"] == org.handler.username

    closed = api.post(case_url(case, "outside-bodies", body["id"], "close"), {"result": "settled"})
    assert closed.status_code == 200
    listed = api.get(case_url(case, "outside-bodies")).json()
    assert listed[0]["result"] == "settled" and len(listed[0]["documents"]) == 1
    assert len(listed[0]["off_sale_orders"]) == 1


def test_refusals_are_the_services(org, new_complaint, api_for, case_url):
    case = new_complaint()
    refused = api_for(org.executive).post(
        case_url(case, "outside-bodies"),
        {
            "kind": "media",
            "name": "x",
            "channel": "phone",
            "received_at": "2025-01-01T00:00:00Z",
            "contact": org.executive.username,
        },
    )
    assert refused.status_code == 403
    bad = api_for(org.handler).post(
        case_url(case, "outside-bodies", 999999, "close"), {"result": "settled"}
    )
    assert bad.status_code == 404


def test_signing_texts_in_the_readers_language(org, api_for):
    english = api_for(org.handler)  # the test client reads English
    chinese = api_for(org.handler)
    chinese.client.credentials(
        HTTP_AUTHORIZATION=english.client._credentials["HTTP_AUTHORIZATION"],
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    offered = english.get("signing-texts/", kind="consumer_association").json()
    assert offered[0]["code"] == "settled_not_admitted"
    assert offered[0]["text"].startswith("The company does not accept")
    assert offered[0]["text_zh"].startswith("公司不认可")
    assert chinese.get("signing-texts/").json()[0]["text"].startswith("公司不认可")
    assert english.get("signing-texts/", kind="insurer").json() == []
