"""The personal-injury record through the API (issue 16 §1): the same services as the case page,
the same refusals (400, 403, 409) in the documented shapes, and nothing lost on a refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import InjuryRecord, State
from complaints.services import evidence_add
from complaints.services.intake import Flags
from tests.api.conftest import error_of
from tests.complaints.test_evidence import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def injured(complaint_in):
    return complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))


def _file(complaint, actor, name):
    return evidence_add(
        complaint=complaint,
        actor=actor,
        kind="receipt",
        upload=SimpleUploadedFile(name, png_bytes(), "image/png"),
    )


def test_the_record_is_written_step_by_step_and_read_back(org, injured, api_for, case_url):
    handler, head = api_for(org.handler), api_for(org.head)

    empty = handler.get(case_url(injured, "injury"))
    assert empty.status_code == 200
    assert empty.json()["accompany"] is None
    assert {row["status"] for row in empty.json()["items"]} == {"missing"}

    answer = handler.post(
        case_url(injured, "injury", "accompany"), {"accompany": True, "staff": "agent"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["accompanied_by"] == "agent"

    assert (
        handler.post(
            case_url(injured, "injury", "advance"), {"advance": True, "amount": "1200.00"}
        ).status_code
        == 200
    )
    assert handler.post(case_url(injured, "injury", "advance", "request"), {}).status_code == 200

    refused = head.post(case_url(injured, "injury", "advance", "approve"))
    assert refused.status_code == 409
    assert "original receipts" in error_of(refused)["message"]

    receipt = _file(injured, org.handler, "收据.png")
    kept = handler.post(
        case_url(injured, "injury", "documents"),
        {"item": "receipts_kept", "evidence_id": receipt.pk},
    )
    assert kept.status_code == 201, kept.content

    approved = head.post(case_url(injured, "injury", "advance", "approve"))
    assert approved.status_code == 200, approved.content
    assert approved.json()["advance_approved_by"] == "head"

    witness = handler.post(
        case_url(injured, "injury", "witnesses"), {"name": "赵女士", "phone": "13900001111"}
    )
    assert witness.status_code == 201
    assert [w["name"] for w in witness.json()["witnesses"]] == ["赵女士"]

    breakdown = handler.put(
        case_url(injured, "injury", "compensation"),
        {
            "heads": [
                {"head": "medical", "amount": "1200.00", "basis": "收据原件"},
                {"head": "transport", "amount": "80.00"},
            ]
        },
    )
    assert breakdown.status_code == 200, breakdown.content
    assert breakdown.json()["compensation_total"] == "1280.00"
    statuses = {row["item"]: row["status"] for row in breakdown.json()["items"]}
    assert statuses["receipts_kept"] == "done" and statuses["witnesses"] == "done"
    assert statuses["insurer"] == "missing"


def test_the_auditor_reads_and_is_refused_writing(org, injured, api_for, case_url):
    auditor = api_for(org.auditor)
    assert auditor.get(case_url(injured, "injury")).status_code == 200
    refused = auditor.post(case_url(injured, "injury", "accompany"), {"accompany": False})
    assert refused.status_code == 403
    assert not InjuryRecord.objects.exists()


def test_bad_input_is_a_400_naming_the_field(org, injured, api_for, case_url):
    handler = api_for(org.handler)
    answer = handler.post(case_url(injured, "injury", "calls"), {"service": "fire"})
    assert answer.status_code == 400
    assert {"service", "called_at"} <= set(error_of(answer)["fields"])
    double = handler.put(
        case_url(injured, "injury", "compensation"),
        {"heads": [{"head": "medical", "amount": "1"}, {"head": "medical", "amount": "2"}]},
    )
    assert double.status_code == 400


def test_a_case_not_flagged_as_an_injury_answers_409_and_404(org, complaint_in, api_for, case_url):
    plain = complaint_in(State.INVESTIGATION)
    handler = api_for(org.handler)
    assert handler.get(case_url(plain, "injury")).status_code == 404
    answer = handler.post(case_url(plain, "injury", "accompany"), {"accompany": False})
    assert answer.status_code == 409


def test_only_senior_management_waives_the_receipts(org, injured, api_for, case_url):
    path = case_url(injured, "injury", "receipts-exception")
    assert api_for(org.manager).post(path, {"reason": "急诊"}).status_code == 403
    answer = api_for(org.executive).post(path, {"reason": "保险公司书面同意无需原件"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["receipts_exception_by"] == "executive"


def test_a_frozen_breakdown_answers_409_and_keeps_what_was_there(
    org, flow, injured, api_for, case_url
):
    handler = api_for(org.handler)
    path = case_url(injured, "injury", "compensation")
    handler.put(path, {"heads": [{"head": "medical", "amount": "900.00"}]})
    injured.refresh_from_db()
    injured = flow.run(injured, "complete_investigation")
    decision = flow.propose(injured, Decimal("900.00"))
    assert decision.amount == Decimal("900.00")

    refused = handler.put(path, {"heads": [{"head": "medical", "amount": "100.00"}]})

    assert refused.status_code == 409
    assert "rests on this breakdown" in error_of(refused)["message"]
    assert handler.get(case_url(injured, "injury")).json()["compensation_total"] == "900.00"
