"""The registers through the API (issue 16 §4-5): the same services as the pages, the same
refusals, the customer's phone masked as elsewhere, and the month's lost-property figures."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import CaseEvent, LegalDocument, LostProperty, Notification
from tests.complaints.test_evidence import png_bytes
from tests.complaints.test_legal_documents import lawyer_letter
from tests.complaints.test_lost_property import record as lost_record

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")

LETTER = {
    "kind": "lawyer_letter",
    "sender": "上海某某律师事务所",
    "delivered_by": "张律师",
    "identity_check": "lawyer_licence",
    "addressee": "某某家居广场有限公司",
    "addressee_matches": True,
    "receipt": "left_unsigned",
    "summary": "要求赔偿",
}


def test_a_lawyers_letter_is_recorded_forwarded_and_read(org, api_for, new_complaint):
    case = new_complaint()
    api = api_for(org.agent)

    created = api.post("legal-documents/", {**LETTER, "complaint": case.reference})

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"].startswith("LD-") and body["complaint"] == case.reference
    assert body["received_by"] == org.agent.username and body["management_notified_at"]
    assert Notification.objects.filter(recipient=org.executive, kind="legal_document").exists()
    forwarded = api.post(
        f"legal-documents/{body['id']}/forward/",
        {"department": org.legal.code, "person": org.other_handler.username},
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["forwarded_to"] == org.other_handler.username
    again = api.post(f"legal-documents/{body['id']}/forward/", {"department": org.legal.code})
    assert again.status_code == 409
    # The legal handler reads what reached them.
    mine = api_for(org.other_handler).get("legal-documents/")
    assert [d["id"] for d in mine.json()["results"]] == [body["id"]]
    assert CaseEvent.objects.filter(complaint=case, kind="legal_doc_forwarded").exists()


def test_the_seed_rules_are_the_same_refusals(org, api_for):
    api = api_for(org.agent)
    signed = api.post(
        "legal-documents/", {**LETTER, "receipt": "signed", "signed_by": org.agent.username}
    )
    assert signed.status_code == 400
    assert "receipt" in signed.json()["error"]["fields"]
    unknown = api.post(
        "legal-documents/",
        {**LETTER, "kind": "court", "receipt": "signed", "signed_by": "nobody"},
    )
    assert unknown.status_code == 400 and "signed_by" in unknown.json()["error"]["fields"]
    assert api_for(org.handler).post("legal-documents/", LETTER).status_code == 403
    assert not LegalDocument.objects.exists()


def test_out_of_reach_is_missing(org, api_for):
    document = lawyer_letter(org.agent)
    assert api_for(org.handler).get(f"legal-documents/{document.pk}/").status_code == 404
    assert api_for(org.auditor).get(f"legal-documents/{document.pk}/").status_code == 200
    assert api_for(org.handler).get("legal-documents/").json()["results"] == []


def test_lost_property_through_the_api(org, api_for, new_complaint):
    case = new_complaint()
    created = api_for(org.agent).post(
        "lost-property/",
        {
            "kind": "stolen",
            "customer_name": "陈女士",
            "customer_phone": "13912345678",
            "lost_at": "2026-11-14T15:20:00+08:00",
            "department": org.service.code,
            "area": "2F 沙发区",
            "description": "黑色手提包",
            "complaint": case.reference,
        },
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["department"] == org.service.code and entry["complaint"] == case.reference
    # The handler (no view_customer_pii) reads the phone masked; the manager in full.
    assert (
        api_for(org.handler).get(f"lost-property/{entry['id']}/").json()["customer_phone"]
        != "+8613912345678"
    )
    assert (
        api_for(org.manager).get(f"lost-property/{entry['id']}/").json()["customer_phone"]
        == "+8613912345678"
    )
    police = api_for(org.handler).post(
        f"lost-property/{entry['id']}/outcome/", {"outcome": "with_police"}
    )
    assert police.status_code == 400 and "police_report_number" in police.json()["error"]["fields"]
    done = api_for(org.handler).post(
        f"lost-property/{entry['id']}/outcome/", {"outcome": "returned", "note": "找到"}
    )
    assert done.status_code == 200 and done.json()["outcome"] == "returned"
    assert LostProperty.objects.get().outcome == "returned"
    assert api_for(org.executive).post("lost-property/", {}).status_code in (400, 403)


def test_the_months_figures(org, api_for, time_machine):
    time_machine.move_to(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI), tick=False)
    lost_record(org.agent, lost_at=datetime(2026, 11, 1, 0, 5, tzinfo=SHANGHAI))
    lost_record(org.agent, lost_at=datetime(2026, 11, 30, 15, 0, tzinfo=SHANGHAI))
    lost_record(org.agent, lost_at=datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI))
    figures = api_for(org.head).get("lost-property/statistics/", month="2026-11")
    assert figures.status_code == 200
    body = figures.json()
    assert body["month"] == "2026-11" and body["total"] == 2
    assert body["by_hour"][0] == 1 and body["by_hour"][15] == 1 and len(body["by_hour"]) == 24
    assert body["by_area"] == [{"name": "2F 沙发区", "count": 2}]
    assert api_for(org.agent).get("lost-property/statistics/").status_code == 403


def test_scans_are_attached_through_the_api(org, api_for):
    document = lawyer_letter(org.agent)
    api = api_for(org.agent)
    url = f"legal-documents/{document.pk}/files/"
    scans = [SimpleUploadedFile(f"p{n}.png", png_bytes(), content_type="image/png") for n in (1, 2)]

    attached = api.upload(url, {"files": scans})

    assert attached.status_code == 200, attached.content
    assert [f["name"] for f in attached.json()["files"]] == ["p1.png", "p2.png"]
    fake = SimpleUploadedFile(
        "x.pdf", b"\x00\x01\x02\x03 not a pdf", content_type="application/pdf"
    )
    refused = api.upload(url, {"files": [fake]})
    assert refused.status_code == 400 and "files" in refused.json()["error"]["fields"]
    assert api.upload(url, {}).status_code == 400
    assert api_for(org.handler).upload(url, {}).status_code == 403
    assert document.files.count() == 2


def test_register_entries_are_linked_to_a_complaint_later(org, api_for, new_complaint):
    case = new_complaint()
    document = lawyer_letter(org.agent)
    entry = lost_record(org.agent)
    api = api_for(org.agent)

    legal = api.post(f"legal-documents/{document.pk}/link/", {"complaint": case.reference})
    lost = api.post(f"lost-property/{entry.pk}/link/", {"complaint": case.reference})

    assert legal.status_code == 200, legal.content
    assert legal.json()["complaint"] == case.reference
    assert lost.status_code == 200 and lost.json()["complaint"] == case.reference
    kinds = set(CaseEvent.objects.filter(complaint=case).values_list("kind", flat=True))
    assert {"legal_document", "lost_property"} <= kinds
    again = api.post(f"lost-property/{entry.pk}/link/", {"complaint": case.reference})
    assert again.status_code == 409
    unknown = api.post(f"legal-documents/{lawyer_letter(org.agent).pk}/link/", {"complaint": "X"})
    assert unknown.status_code == 400 and "complaint" in unknown.json()["error"]["fields"]
    assert (
        api_for(org.executive)
        .post(f"lost-property/{entry.pk}/link/", {"complaint": case.reference})
        .status_code
        == 403
    )
