"""The registers' staff pages (issue 16 §4-5): who may open them, recording from the forms, the
detail pages' actions, the statistics page, the case page's card, and fixed query counts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import LegalDocument, LostProperty, Notification
from tests.complaints.test_evidence import png_bytes
from tests.complaints.test_legal_documents import lawyer_letter
from tests.complaints.test_lost_property import record as lost_record

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEGAL = reverse("legal_document_list")
LOST = reverse("lost_property_list")
STATS = reverse("lost_property_statistics")


def text(response) -> str:
    return response.content.decode()


class TestWhoOpensWhat:
    def test_legal_register(self, org, client_for) -> None:
        document = lawyer_letter(org.agent)
        for user in (org.agent, org.manager, org.executive, org.auditor, org.head):
            assert client_for(user).get(LEGAL).status_code == 200, user
        assert client_for(org.handler).get(LEGAL).status_code == 403
        assert client_for(org.handler).get(reverse("legal_document_new")).status_code == 403
        assert client_for(org.auditor).get(reverse("legal_document_new")).status_code == 403
        # Out of reach reads as missing.
        detail = reverse("legal_document_detail", args=[document.pk])
        assert client_for(org.handler).get(detail).status_code == 404
        assert client_for(org.auditor).get(detail).status_code == 200

    def test_lost_property_register(self, org, client_for) -> None:
        for user in (org.agent, org.handler, org.head, org.manager, org.auditor):
            assert client_for(user).get(LOST).status_code == 200, user
        assert client_for(org.executive).get(reverse("lost_property_new")).status_code == 403
        assert client_for(org.agent).get(STATS).status_code == 403
        assert client_for(org.handler).get(STATS).status_code == 403
        for user in (org.head, org.manager, org.executive, org.auditor):
            assert client_for(user).get(STATS).status_code == 200, user

    def test_the_menu_links(self, org, client_for) -> None:
        agent = text(client_for(org.agent).get(reverse("home"), follow=True))
        assert 'data-testid="nav-legal"' in agent and 'data-testid="nav-lost"' in agent
        handler = text(client_for(org.handler).get(reverse("home"), follow=True))
        assert 'data-testid="nav-legal"' not in handler and 'data-testid="nav-lost"' in handler


class TestLegalPages:
    def test_recording_from_the_form(self, org, client_for, new_complaint) -> None:
        complaint = new_complaint()
        client = client_for(org.agent)
        form = client.get(reverse("legal_document_new"), {"complaint": complaint.reference})
        assert complaint.reference in text(form)
        response = client.post(
            reverse("legal_document_new"),
            {
                "kind": "lawyer_letter",
                "sender": "某律师事务所",
                "delivered_by": "张律师",
                "identity_check": "lawyer_licence",
                "addressee": "某某家居广场有限公司",
                "addressee_matches": "on",
                "receipt": "left_unsigned",
                "summary": "要求赔偿",
                "complaint": complaint.reference,
                "files": [SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")],
            },
        )
        document = LegalDocument.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("legal_document_detail", args=[document.pk])
        assert document.files.count() == 1 and document.complaint == complaint
        assert Notification.objects.filter(recipient=org.executive).exists()
        page = text(client.get(response["Location"]))
        assert 'data-testid="lawyer-letter-rule"' in page and 'data-testid="legal-scan"' in page
        scan = client.get(
            reverse("legal_document_file", args=[document.pk, document.files.get().pk])
        )
        assert scan.status_code == 200

    def test_a_signed_lawyers_letter_comes_back_with_the_rule(self, org, client_for) -> None:
        response = client_for(org.agent).post(
            reverse("legal_document_new"),
            {
                "kind": "lawyer_letter",
                "sender": "某律师事务所",
                "delivered_by": "张律师",
                "identity_check": "not_checked",
                "addressee": "某某",
                "receipt": "signed",
                "signed_by": org.agent.pk,
                "summary": "x",
            },
        )
        assert response.status_code == 422
        assert "never signed for" in text(response)
        assert not LegalDocument.objects.exists()

    def test_forwarding_from_the_page(self, org, client_for) -> None:
        document = lawyer_letter(org.agent)
        client = client_for(org.agent)
        url = reverse("legal_document_forward", args=[document.pk])
        wrong = client.post(url, {"department": org.legal.pk, "person": org.handler.pk})
        assert wrong.status_code == 422
        done = client.post(url, {"department": org.legal.pk, "person": org.other_handler.pk})
        assert done.status_code == 302
        page = text(client_for(org.other_handler).get(done["Location"]))
        assert 'data-testid="legal-forwarded-to"' in page

    def test_the_list_costs_a_fixed_number_of_queries(
        self, org, client_for, django_assert_num_queries
    ) -> None:
        for _i in range(3):
            lawyer_letter(org.manager)
        client = client_for(org.manager)
        client.get(LEGAL)
        # Session, user, permissions (two), the page count, the rows with their people and
        # departments; the menu's unread count and role.
        with django_assert_num_queries(8):
            client.get(LEGAL)
        for _i in range(10):
            lawyer_letter(org.manager)
        with django_assert_num_queries(8):
            response = client.get(LEGAL, {"q": "律师"})
        assert len(response.context["documents"]) == 13


class TestLostPages:
    def test_recording_and_the_outcome(self, org, client_for, new_complaint) -> None:
        complaint = new_complaint()
        client = client_for(org.agent)
        response = client.post(
            reverse("lost_property_new"),
            {
                "kind": "stolen",
                "customer_name": "陈女士",
                "customer_phone": "13912345678",
                "lost_at": "2026-11-14T15:20",
                "department": org.service.pk,
                "area": "2F 沙发区",
                "description": "黑色手提包",
                "complaint": complaint.reference,
            },
        )
        entry = LostProperty.objects.get()
        assert response.status_code == 302 and entry.complaint == complaint
        assert entry.lost_at == datetime(2026, 11, 14, 15, 20, tzinfo=SHANGHAI)
        outcome = reverse("lost_property_outcome", args=[entry.pk])
        refused = client.post(outcome, {"outcome": "with_police"})
        assert refused.status_code == 422 and "police report number" in text(refused)
        assert client.post(outcome, {"outcome": "returned", "note": "找到"}).status_code == 302
        entry.refresh_from_db()
        assert entry.outcome == "returned"

    def test_the_list_filters(self, org, client_for) -> None:
        lost_record(org.agent, description="红色背包", department=org.service)
        lost_record(org.agent, description="钱包")
        client = client_for(org.agent)
        assert len(client.get(LOST, {"q": "红色"}).context["entries"]) == 1
        assert len(client.get(LOST, {"department": org.service.pk}).context["entries"]) == 1
        assert (
            len(client.get(LOST, {"since": "2026-11-01", "until": "2026-11-14"}).context["entries"])
            == 2
        )
        assert len(client.get(LOST, {"until": "2026-11-13"}).context["entries"]) == 0

    def test_the_statistics_page(self, org, client_for, time_machine) -> None:
        time_machine.move_to(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI), tick=False)
        lost_record(org.agent, lost_at=datetime(2026, 11, 7, 15, 5, tzinfo=SHANGHAI))
        lost_record(org.agent, lost_at=datetime(2026, 11, 8, 15, 50, tzinfo=SHANGHAI))
        lost_record(org.agent, lost_at=datetime(2026, 11, 9, 19, 0, tzinfo=SHANGHAI), area="收银台")
        response = client_for(org.head).get(STATS, {"month": "2026-11"})
        figures = response.context["figures"]
        assert figures.total == 3 and figures.by_hour[15] == 2
        html = text(response)
        assert 'data-testid="stats-busiest">15:00–16:00' in html
        assert 'data-testid="stats-next">2026-12' in html
        # This month: no next link; a bad month falls back to this month.
        this = client_for(org.head).get(STATS, {"month": "2026-99"})
        assert this.context["month_label"] == "2026-12" and 'data-testid="stats-next"' not in text(
            this
        )


class TestTheCaseCard:
    def test_the_card_lists_the_case_entries(self, org, client_for, new_complaint) -> None:
        complaint = new_complaint()
        lawyer_letter(org.agent, complaint=complaint.reference)
        lost_record(org.agent, complaint=complaint.reference)
        page = text(client_for(org.agent).get(reverse("case_detail", args=[complaint.reference])))
        assert page.count('data-testid="case-legal-document"') == 1
        assert page.count('data-testid="case-lost-entry"') == 1
        assert 'data-testid="case-record-lost"' in page
        # The timeline says it too.
        assert "recorded legal papers received" in page
        assert "lost property in the register" in page

    def test_the_card_costs_the_same_queries_with_entries(
        self, org, client_for, new_complaint
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        complaint = new_complaint()
        client = client_for(org.agent)
        url = reverse("case_detail", args=[complaint.reference])
        client.get(url)
        with CaptureQueriesContext(connection) as empty:
            client.get(url)
        for _i in range(3):
            lawyer_letter(org.agent, complaint=complaint.reference)
            lost_record(org.agent, complaint=complaint.reference)
        client.get(url)
        with CaptureQueriesContext(connection) as full:
            page = text(client.get(url))
        assert page.count('data-testid="case-lost-entry"') == 3
        # The timeline grows (one writer per entry, no query); the card's two prefetches do not.
        assert len(full.captured_queries) == len(empty.captured_queries)
