"""The case page's personal-injury card (issue 16 §1): what is done and what is missing, the
forms of what this user may record, refusals said on the page, and a pinned number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import InjuryRecord, State
from complaints.services import evidence_add
from complaints.services.injury import (
    injury_accompany_decide,
    injury_advance_decide,
    injury_advance_request,
    injury_compensation_set,
    injury_witness_add,
)
from complaints.services.intake import Flags
from tests.pages.conftest_case import case_url, page_fixture, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def injured(complaint_in):
    return complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_only_an_injury_case_has_the_card(page, org, complaint_in, injured):
    plain = complaint_in(State.INVESTIGATION)
    assert 'data-testid="injury"' not in text(page.get(org.handler, plain))
    shown = text(page.get(org.handler, injured))
    assert 'data-testid="injury"' in shown
    assert shown.count('data-status="missing"') == 7
    assert 'data-testid="injury-form-accompany"' in shown


def test_the_record_is_written_through_the_page(page, org, injured):
    answer = page.post(
        org.handler,
        injured,
        "case_injury",
        {"accompany": "yes", "name": "保安 李强"},
        "accompany",
    )
    assert answer.status_code == 302, text(answer)
    assert answer["Location"].endswith("#injury")
    shown = text(page.get(org.handler, injured))
    assert "保安 李强" in shown
    assert 'data-testid="injury-form-accompany"' not in shown  # decided

    refused = page.post(org.handler, injured, "case_injury", {"advance": "yes"}, "advance")
    assert refused.status_code == 422
    assert "Enter the amount to advance" in text(refused) or "垫付" in text(refused)
    assert InjuryRecord.objects.get(complaint=injured).advance is None


def test_the_auditor_reads_the_card_without_forms_and_is_refused(page, org, injured):
    injury_accompany_decide(complaint=injured, actor=org.handler, accompany=False)
    shown = text(page.get(org.auditor, injured))
    assert 'data-testid="injury"' in shown
    assert 'data-testid="injury-form-' not in shown
    refused = page.post(org.auditor, injured, "case_injury", {"accompany": "no"}, "accompany")
    assert refused.status_code == 403


def test_the_approver_sees_the_approval_and_the_receipts_rule_is_said(page, org, injured):
    injury_advance_decide(complaint=injured, actor=org.handler, advance=True, amount=Decimal(900))
    injury_advance_request(complaint=injured, actor=org.handler)
    assert 'data-testid="injury-form-advance_approve"' not in text(page.get(org.handler, injured))
    assert 'data-testid="injury-form-advance_approve"' in text(page.get(org.head, injured))

    refused = page.post(org.head, injured, "case_injury", {}, "advance_approve")

    assert refused.status_code == 422
    assert 'open data-testid="injury-panel-advance_approve"' in text(refused)
    assert InjuryRecord.objects.get(complaint=injured).advance_approved_at is None


def _fill(complaint, org, witnesses: int) -> None:
    injury_accompany_decide(complaint=complaint, actor=org.handler, accompany=True, name="李强")
    for i in range(witnesses):
        statement = evidence_add(
            complaint=complaint,
            actor=org.handler,
            kind="witness_statement",
            upload=SimpleUploadedFile(f"证言{i}.png", png_bytes(), "image/png"),
        )
        injury_witness_add(
            complaint=complaint, actor=org.handler, name=f"证人{i}", statement_id=statement.pk
        )
    injury_compensation_set(
        complaint=complaint,
        actor=org.handler,
        heads={"medical": (Decimal(100 + witnesses), ""), "transport": (Decimal(20), "")},
    )


def test_the_card_costs_a_fixed_number_of_queries(page, org, complaint_in):
    few = complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))
    many = complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))
    plain = complaint_in(State.INVESTIGATION)
    _fill(few, org, 1)
    _fill(many, org, 6)
    client = page.client(org.handler)

    baseline = _queries(client, case_url(plain))
    count = _queries(client, case_url(few))

    assert count == _queries(client, case_url(many))
    # Five for the card: the record, its witnesses, documents and breakdown, and the day's duty
    # manager; three for what any injury case has already: its escalation to senior management
    # and the two departments its card names.
    assert count == baseline + 8, (count, baseline)
