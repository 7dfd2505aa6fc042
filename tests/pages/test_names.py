"""Names in the reader's language, people by their names: what the product writes itself is stored
as codes and data and put into words for each reader (issue 12, §1.7 and §2.4)."""

from __future__ import annotations

import importlib
import re
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation

from accounts.models import Department, User
from accounts.people import person_label, person_snapshot, snapshot, snapshot_label
from complaints.models import (
    CaseEvent,
    Category,
    Decision,
    DecisionApproval,
    Notification,
    RejectionReason,
    Remedy,
    State,
)
from complaints.services import complaint_assign, complaint_hand_off, complaint_triage
from complaints.timeline import record_event
from tests.conftest import Org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What the automatic approval's comment was stored as, in each language, before it became a code.
AUTOMATIC_EN = "Within the proposer's limit."
AUTOMATIC_ZH = "在提出人的审批权限额度以内。"


@pytest.fixture
def english_names(org: Org) -> None:
    for department, name_en in [
        (org.service, "Service"),
        (org.legal, "Legal"),
        (org.customer_service, "Customer Service"),
        (org.management, "General Manager's Office"),
    ]:
        department.name_en = name_en
        department.save(update_fields=["name_en"])
    org.category.name_en = "Repair quality"
    org.category.save(update_fields=["name_en"])


def page_text(client, complaint) -> str:
    response = client.get(reverse("case_detail", args=[complaint.reference]))
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- one rule for bilingual names ---------------------------------------------------------------


class TestLocalizedNames:
    def test_a_department_reads_in_english_for_english_readers_only(
        self, org: Org, english_names
    ) -> None:
        service = Department.objects.get(pk=org.service.pk)
        with translation.override("en"):
            assert str(service) == "Service"
        with translation.override("zh-hans"):
            assert str(service) == "服务部"

    def test_without_an_english_name_the_chinese_one_is_shown(self, org: Org) -> None:
        with translation.override("en"):
            assert str(Department.objects.get(pk=org.legal.pk)) == "法务部"
            assert Category.objects.get(pk=org.category.pk).local_name == "维修质量"

    def test_a_category_path_follows_the_language_at_both_levels(self, org: Org) -> None:
        parent = Category.objects.create(name="售后服务", name_en="After-sales", code="after-sales")
        child = Category.objects.create(
            name="维修质量(二)", name_en="Repair quality II", code="repair-2", parent=parent
        )
        with translation.override("en"):
            assert str(child) == "After-sales / Repair quality II"
        with translation.override("zh-hans"):
            assert str(child) == "售后服务 / 维修质量(二)"

    def test_the_admin_edits_the_english_names(self, org: Org, admin_client) -> None:
        page = admin_client.get(reverse("admin:accounts_department_change", args=[org.service.pk]))
        category = admin_client.get(
            reverse("admin:complaints_category_change", args=[org.category.pk])
        )

        assert 'name="name_en"' in page.content.decode()
        assert 'name="name_en"' in category.content.decode()

    def test_queues_show_department_and_category_in_the_readers_language(
        self, org: Org, english_names, new_complaint, client_for
    ) -> None:
        new_complaint(department=org.service)
        url = reverse("queue", args=["all"])

        english = client_for(org.manager, language="en").get(url).content.decode()
        chinese = client_for(org.manager, language="zh-hans").get(url).content.decode()

        assert "Repair quality" in english and "Service" in english
        assert "维修质量" not in english
        assert "维修质量" in chinese and "Repair quality" not in chinese


# --- the automatic approval's reason ------------------------------------------------------------


def propose_within_limit(flow, complaint, actor: User, language: str) -> Decision:
    """As the proposer would from a page in `language` (their language is active meanwhile)."""
    with translation.override(language):
        return flow.propose(complaint, amount=100, actor=actor)


class TestAutomaticApproval:
    @pytest.mark.parametrize(
        ("writer", "reader", "shown", "not_shown"),
        [
            ("zh-hans", "en", AUTOMATIC_EN, AUTOMATIC_ZH),
            ("en", "zh-hans", AUTOMATIC_ZH, AUTOMATIC_EN),
        ],
    )
    def test_the_reason_is_in_the_readers_language_whoever_triggered_it(
        self, org: Org, complaint_in, flow, client_for, writer, reader, shown, not_shown
    ) -> None:
        complaint = complaint_in(State.DECISION)
        decision = propose_within_limit(flow, complaint, org.handler, writer)
        assert decision.state == Decision.Status.APPROVED

        html = page_text(client_for(org.manager, language=reader), complaint)

        timeline = html[html.index('data-testid="timeline"') :]
        decisions = html[html.index('data-testid="decisions"') :]
        assert shown in timeline and not_shown not in timeline
        assert shown in decisions and not_shown not in decisions

    def test_nothing_written_in_the_actors_language_is_stored(
        self, org: Org, complaint_in, flow
    ) -> None:
        complaint = complaint_in(State.DECISION)
        decision = propose_within_limit(flow, complaint, org.handler, "zh-hans")

        approval = decision.approvals.get()
        event = complaint.events.get(kind=CaseEvent.Kind.DECISION_APPROVED)
        assert (approval.comment, approval.within_own_limit) == ("", True)
        assert event.comment == ""
        assert event.data["within_own_limit"] is True

    def test_an_approval_stored_as_a_sentence_before_reads_in_the_readers_language(
        self, org: Org, complaint_in, client_for
    ) -> None:
        complaint = complaint_in(State.DECISION)
        record_event(
            complaint=complaint,
            kind=CaseEvent.Kind.DECISION_APPROVED,
            actor=org.handler,
            comment=AUTOMATIC_ZH,
            data={"remedy": "repair", "outcome": "upheld", "amount": "100"},
        )

        html = page_text(client_for(org.manager, language="en"), complaint)

        assert AUTOMATIC_EN in html and AUTOMATIC_ZH not in html

    def test_the_migration_turns_stored_sentences_into_the_fact(
        self, org: Org, complaint_in, flow
    ) -> None:
        migration = importlib.import_module(
            "complaints.migrations.0018_english_names_and_automatic_approvals"
        )
        complaint = complaint_in(State.DECISION)
        approval = flow.propose(complaint, amount=100, actor=org.handler).approvals.get()
        DecisionApproval.objects.filter(pk=approval.pk).update(
            comment=AUTOMATIC_ZH, within_own_limit=False
        )
        by_hand = DecisionApproval.objects.create(
            decision=approval.decision,
            approver=org.head,
            verdict=DecisionApproval.Verdict.APPROVED,
            approver_limit=org.head.approval_limit,
            comment="同意。",
            at=approval.at,
        )

        migration.mark_automatic_approvals(django_apps, None)

        approval.refresh_from_db()
        by_hand.refresh_from_db()
        assert (approval.comment, approval.within_own_limit) == ("", True)
        assert (by_hand.comment, by_hand.within_own_limit) == ("同意。", False)


# --- people by their names ----------------------------------------------------------------------


class TestPeople:
    def test_a_person_is_named_with_their_department_in_the_readers_language(
        self, org: Org, english_names
    ) -> None:
        handler = User.objects.select_related("department").get(pk=org.handler.pk)
        name = handler.get_full_name()
        with translation.override("en"):
            assert person_label(handler) == f"{name} · Service"
        with translation.override("zh-hans"):
            assert person_label(handler) == f"{name} · 服务部"
        assert person_label(org.auditor) == org.auditor.get_full_name()  # no department

    def test_a_snapshot_reads_in_each_language_and_old_strings_lose_the_login(
        self, org: Org, english_names
    ) -> None:
        stored = person_snapshot(org.handler)
        name = org.handler.get_full_name()
        with translation.override("en"):
            assert snapshot_label(stored) == f"{name} · Service"
            assert snapshot_label(snapshot(org.legal)) == "Legal"
            assert snapshot_label("王志强 (handler)") == "王志强"
            assert snapshot_label("法务部") == "法务部"
        with translation.override("zh-hans"):
            assert snapshot_label(stored) == f"{name} · 服务部"

    def test_the_timeline_names_people_never_by_login(
        self, org: Org, english_names, complaint_in, client_for
    ) -> None:
        complaint = complaint_in(State.INVESTIGATION)
        colleague = UserFactory(username="colleague7", department=org.service)
        complaint = complaint_assign(complaint=complaint, actor=org.head, assignee=colleague)
        complaint_triage(complaint=complaint, actor=org.head, assignee=org.handler)
        complaint.refresh_from_db()
        complaint_hand_off(
            complaint=complaint,
            actor=org.handler,
            to_department=org.legal,
            to_user=org.other_handler,
            note="请法务部处理。",
        )

        html = page_text(client_for(org.manager, language="en"), complaint)

        timeline = html[html.index('data-testid="timeline"') :]
        for user in (colleague, org.handler, org.other_handler, org.head, org.agent):
            assert f"({user.username})" not in timeline
        assert f"assigned the case to {colleague.get_full_name()} · Service." in timeline
        assert f"{org.other_handler.get_full_name()} · Legal" in timeline
        assert f"{org.head.get_full_name()} · Service changed the triage details." in timeline

    def test_lists_and_the_case_page_name_people_with_their_department(
        self, org: Org, english_names, new_complaint, client_for
    ) -> None:
        complaint = complaint_assign(
            complaint=new_complaint(department=org.service), actor=org.head, assignee=org.handler
        )
        label = f"{org.handler.get_full_name()} · Service"
        client = client_for(org.manager, language="en")

        queue = client.get(reverse("queue", args=["all"])).content.decode()
        case = page_text(client, complaint)

        assert label in queue
        assert label in case
        assert f"{org.agent.get_full_name()} · Customer Service" in case  # received by

    def test_the_queue_filter_names_assignees_without_login(self, org: Org, client_for) -> None:
        html = client_for(org.manager).get(reverse("queue", args=["all"])).content.decode()
        options = re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', html)

        assert f"{org.handler.get_full_name()} · 服务部" in options
        assert not any(f"({org.handler.username})" in option for option in options)

    def test_an_assignment_email_names_the_actor_and_department_in_the_recipients_language(
        self, org: Org, english_names, new_complaint
    ) -> None:
        User.objects.filter(pk=org.handler.pk).update(language="en")
        handler = User.objects.get(pk=org.handler.pk)
        complaint = new_complaint(department=org.service)

        complaint_assign(complaint=complaint, actor=org.head, assignee=handler)

        body = Notification.objects.get(recipient=handler).body
        assert f"{org.head.get_full_name()} · Service has assigned" in body
        assert "Owning department: Service" in body
        assert f"({org.head.username})" not in body


@pytest.mark.parametrize("choices", [RejectionReason, Remedy])
def test_rejection_reasons_and_remedies_are_coded_lists_read_in_both_languages(choices) -> None:
    # Not data: codes whose labels go through the translations, so nothing to add beside them.
    for value in choices.values:
        with translation.override("en"):
            english = str(choices(value).label)
        with translation.override("zh-hans"):
            chinese = str(choices(value).label)
        assert english.isascii() and english != chinese
        assert any("\u4e00" <= char <= "\u9fff" for char in chinese), value
