"""The case library's pages and the canned reply picker (issue 18 §2-3), as staff use them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import CannedReply, CaseEvent, CaseStudy, CustomerContact
from complaints.services.library import (
    case_study_approve,
    case_study_propose,
    case_study_refuse,
    case_study_unpublish,
)
from tests.complaints.privacy_cases import MARK, MARK_PHONE, worked_case

pytestmark = pytest.mark.django_db

LIST = reverse("library_list")
STORY = {
    "title": "维修后未试机",
    "story": f"{MARK}王先生（{MARK_PHONE}）的空调修后仍不制冷。",
    "went_well": "回访及时。",
    "went_wrong": "没有试机。",
    "lesson": "维修后必须试机半小时。",
}


@pytest.fixture
def closed_case(org, flow, new_complaint):
    return worked_case(org, flow, new_complaint)


def published(org, complaint, **overrides) -> CaseStudy:
    study = case_study_propose(complaint=complaint, actor=org.handler, **{**STORY, **overrides})
    return case_study_approve(study=study, actor=org.manager)


class TestProposeAndReview:
    def test_the_handler_proposes_from_the_closed_case(self, org, client_for, closed_case) -> None:
        client = client_for(org.handler)
        case_page = client.get(
            reverse("case_detail", args=[closed_case.reference])
        ).content.decode()
        propose_url = reverse("case_library_propose", args=[closed_case.reference])
        assert f'href="{propose_url}"' in case_page

        form = client.get(propose_url)
        assert form.status_code == 200
        assert 'data-testid="library-facts"' in form.content.decode()

        response = client.post(propose_url, STORY)

        study = CaseStudy.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "library_detail", args=[study.pk]
        )
        assert MARK not in study.story and MARK_PHONE not in study.story
        page = client.get(reverse("case_detail", args=[closed_case.reference])).content.decode()
        assert 'data-testid="library-copy"' in page and f'href="{propose_url}"' not in page

    def test_a_proposal_without_its_texts_is_answered_on_the_form(
        self, org, client_for, closed_case
    ) -> None:
        response = client_for(org.handler).post(
            reverse("case_library_propose", args=[closed_case.reference]), {"title": "x"}
        )
        assert response.status_code == 422
        assert set(response.context["form"].errors) == {"story", "lesson"}
        assert not CaseStudy.objects.exists()

    def test_no_propose_button_on_an_open_case_nor_for_a_reader(
        self, org, client_for, complaint_in, closed_case
    ) -> None:
        open_case = complaint_in("investigation")
        client = client_for(org.manager)
        assert (
            "library-propose-link"
            not in client.get(reverse("case_detail", args=[open_case.reference])).content.decode()
        )
        assert (
            client.get(reverse("case_library_propose", args=[open_case.reference])).status_code
            == 403
        )
        auditor = client_for(org.auditor)
        assert (
            "library-propose-link"
            not in auditor.get(
                reverse("case_detail", args=[closed_case.reference])
            ).content.decode()
        )

    def test_the_manager_approves_showing_names_and_everyone_reads_it(
        self, org, client_for, closed_case
    ) -> None:
        study = case_study_propose(complaint=closed_case, actor=org.handler, **STORY)
        manager = client_for(org.manager)
        assert "library-waiting-row" in manager.get(LIST).content.decode()
        assert "library-row" not in client_for(org.agent).get(LIST).content.decode()

        response = manager.post(
            reverse("library_review", args=[study.pk, "approve"]), {"show_staff": "on"}
        )

        assert response.status_code == 302
        for reader in (org.agent, org.handler, org.head, org.executive, org.auditor):
            client = client_for(reader)
            assert "library-row" in client.get(LIST).content.decode()
            detail = client.get(reverse("library_detail", args=[study.pk]))
            assert detail.status_code == 200
            text = detail.content.decode()
            assert "试机半小时" in text and org.handler.get_full_name() in text
            assert closed_case.reference not in text and MARK not in text

    def test_refusing_needs_a_reason(self, org, client_for, closed_case) -> None:
        study = case_study_propose(complaint=closed_case, actor=org.handler, **STORY)
        manager = client_for(org.manager)
        url = reverse("library_review", args=[study.pk, "refuse"])

        assert manager.post(url, {"reason": ""}).status_code == 422
        assert manager.post(url, {"reason": "请补充教训"}).status_code == 302

        study.refresh_from_db()
        assert study.status == CaseStudy.Status.REFUSED
        proposer_view = client_for(org.handler).get(reverse("library_detail", args=[study.pk]))
        assert "请补充教训" in proposer_view.content.decode()
        assert (
            client_for(org.agent).get(reverse("library_detail", args=[study.pk])).status_code == 404
        )

    def test_only_the_manager_reviews(self, org, client_for, closed_case) -> None:
        study = published(org, closed_case)
        for other in (org.head, org.handler, org.auditor):
            response = client_for(other).post(
                reverse("library_review", args=[study.pk, "unpublish"]), {"reason": "x"}
            )
            assert response.status_code == 403
        assert (
            client_for(org.manager)
            .post(reverse("library_review", args=[study.pk, "unknown"]), {})
            .status_code
            == 404
        )
        response = client_for(org.manager).post(
            reverse("library_review", args=[study.pk, "unpublish"]), {"reason": "过时"}
        )
        assert response.status_code == 302
        assert "library-row" not in client_for(org.agent).get(LIST).content.decode()


class TestListPage:
    def test_filters(self, org, client_for, closed_case) -> None:
        published(org, closed_case)
        client = client_for(org.agent)

        def rows(**query) -> int:
            return client.get(LIST, query).content.decode().count('data-testid="library-row"')

        assert rows() == 1
        assert rows(q="试机") == 1 and rows(q="冰箱") == 0
        assert rows(category=org.category.pk) == 1
        assert rows(product="空调") == 1 and rows(product="冰箱") == 0
        assert rows(outcome="upheld") == 1 and rows(outcome="not_upheld") == 0

    def test_the_list_costs_a_fixed_number_of_queries(
        self, org, client_for, closed_case, django_assert_num_queries
    ) -> None:
        published(org, closed_case)
        client = client_for(org.agent)
        client.get(LIST)
        # Session, user, permissions (two), the waiting proposals, the page count, the rows with
        # their categories; the filter's categories; the menu's unread count and role.
        with django_assert_num_queries(10):
            client.get(LIST)
        for n in range(6):
            CaseStudy.objects.create(
                status=CaseStudy.Status.PUBLISHED,
                title=f"案例 {n}",
                story="s",
                lesson="l",
                channel="phone",
                severity="general",
                category=org.category,
                proposed_by=org.handler,
                proposed_at=closed_case.closed_at,
                published_at=closed_case.closed_at,
            )
        with django_assert_num_queries(10):
            response = client.get(LIST, {"q": "案例"})
        assert len(response.context["studies"]) == 6

    def test_the_detail_costs_a_fixed_number_of_queries(
        self, org, client_for, closed_case, django_assert_num_queries
    ) -> None:
        study = published(org, closed_case)
        client = client_for(org.agent)
        url = reverse("library_detail", args=[study.pk])
        client.get(url)
        with django_assert_num_queries(7):
            assert client.get(url).status_code == 200

    def test_signed_out_goes_to_sign_in(self, client) -> None:
        assert client.get(LIST).status_code == 302


class TestCannedPicker:
    @pytest.fixture
    def replies(self, org) -> list[CannedReply]:
        return [
            CannedReply.objects.create(
                title="进度答复",
                language="zh-hans",
                body="{customer_name}您好，{reference} 正在处理。",
            ),
            CannedReply.objects.create(
                title="Progress",
                language="en",
                body="Dear {customer_name}, {reference} is in hand.",
            ),
        ]

    def test_the_contact_panel_offers_them_filled_and_records_the_choice(
        self, org, client_for, complaint_in, replies
    ) -> None:
        complaint = complaint_in("investigation")
        client = client_for(org.handler)
        panel = client.get(
            reverse("case_panel", args=[complaint.reference, "contact"]), HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'data-canned-into="id_contact_summary"' in panel
        assert f'data-text="王先生您好，{complaint.reference} 正在处理。"' in panel
        assert f"Dear 王先生, {complaint.reference} is in hand." in panel

        response = client.post(
            reverse("case_contact", args=[complaint.reference]),
            {
                "channel": "phone",
                "direction": "outbound",
                "purpose": "progress",
                "summary": f"王先生您好，{complaint.reference} 正在处理。",
                "canned_reply": replies[0].pk,
            },
        )

        assert response.status_code == 302
        assert CustomerContact.objects.filter(complaint=complaint).last().canned_reply == replies[0]
        page = client.get(reverse("case_detail", args=[complaint.reference])).content.decode()
        assert "Canned reply used" in page and "进度答复" in page

    def test_the_reply_and_on_the_spot_steps_offer_them(
        self, org, client_for, complaint_in, replies
    ) -> None:
        triage = complaint_in("triage")
        reply = complaint_in("reply")
        agent, handler = client_for(org.agent), client_for(org.handler)
        spot = agent.get(
            reverse("case_panel", args=[triage.reference, "transition:answer_on_spot"]),
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert 'data-canned-into="id_answer_on_spot_findings"' in spot
        step = handler.get(
            reverse("case_panel", args=[reply.reference, "transition:send_reply"]),
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert 'data-canned-into="id_send_reply_content"' in step

        response = agent.post(
            reverse("case_transition", args=[triage.reference, "answer_on_spot"]),
            {
                "expected_version": triage.version,
                "findings": "已当场解释",
                "canned_reply": replies[1].pk,
            },
        )

        assert response.status_code == 302
        event = CaseEvent.objects.get(complaint=triage, transition="answer_on_spot")
        assert event.data["canned_reply_id"] == replies[1].pk

    def test_without_canned_replies_there_is_no_picker(self, org, client_for, complaint_in) -> None:
        complaint = complaint_in("investigation")
        panel = (
            client_for(org.handler)
            .get(
                reverse("case_panel", args=[complaint.reference, "contact"]), HTTP_HX_REQUEST="true"
            )
            .content.decode()
        )
        assert "data-canned-into" not in panel


class TestOnTheCasePage:
    """The case page's timeline tells the case's way into the library; the copy tells nothing back."""

    def entries(self, client, complaint) -> list[str]:
        html = client.get(reverse("case_detail", args=[complaint.reference])).content.decode()
        return [part.split("</li>")[0] for part in html.split('data-kind="case_study"')[1:]]

    def test_each_step_is_an_internal_entry_linked_for_who_may_open_the_copy(
        self, org, client_for, closed_case
    ) -> None:
        study = case_study_propose(complaint=closed_case, actor=org.handler, **STORY)
        copy_url = reverse("library_detail", args=[study.pk])

        [proposed] = self.entries(client_for(org.handler, language="zh-hans"), closed_case)
        assert f"将本案推荐进案例库（案例 #{study.pk}）" in proposed
        assert "在案例库中查看" in proposed and "vis-internal" in proposed
        assert f'href="{copy_url}"' in proposed  # the proposer reads their proposal
        # The head reads the case, not someone else's proposal: named, not linked.
        [named] = self.entries(client_for(org.head), closed_case)
        assert f"#{study.pk}" in named and copy_url not in named

        case_study_approve(study=study, actor=org.manager)

        for reader in (org.head, org.handler, org.manager):
            entries = self.entries(client_for(reader), closed_case)
            assert len(entries) == 2 and all(f'href="{copy_url}"' in e for e in entries)
        copy_page = client_for(org.manager).get(copy_url).content.decode()
        assert closed_case.reference not in copy_page

    def test_a_refusal_in_english_with_its_reason(self, org, client_for, closed_case) -> None:
        study = case_study_propose(complaint=closed_case, actor=org.handler, **STORY)
        case_study_refuse(study=study, actor=org.manager, reason="请补充教训")

        refused, _proposed = self.entries(client_for(org.head), closed_case)  # newest first

        assert f"refused to put this case in the case library (library case #{study.pk})" in refused
        assert "请补充教训" in refused and "Open in the case library" not in refused

    def test_the_entries_cost_the_case_page_no_query(
        self, org, client_for, closed_case, django_assert_num_queries
    ) -> None:
        url = reverse("case_detail", args=[closed_case.reference])
        clients = {who: client_for(getattr(org, who)) for who in ("manager", "head")}
        before = {}
        for who, client in clients.items():
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            before[who] = len(captured)
        study = case_study_propose(complaint=closed_case, actor=org.handler, **STORY)
        case_study_unpublish(
            study=case_study_approve(study=study, actor=org.manager),
            actor=org.manager,
            reason="过时",
        )
        case_study_approve(
            study=case_study_propose(complaint=closed_case, actor=org.manager, **STORY),
            actor=org.manager,
        )

        for who, client in clients.items():
            with django_assert_num_queries(before[who]):
                assert len(self.entries(client, closed_case)) == 5
