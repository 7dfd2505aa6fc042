"""The case library (issue 18 §2): a closed case proposed, reviewed, published and withdrawn; the
copy holds no personal data in any field, and the case's anonymisation leaves it as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import models

from complaints.errors import ConditionNotMet, InvalidInput, PermissionDenied
from complaints.models import CaseEvent, CaseStudy, Complaint, Customer
from complaints.selectors.library import (
    case_studies_published,
    case_studies_waiting,
    case_study_for_user,
)
from complaints.services.library import (
    case_study_approve,
    case_study_propose,
    case_study_refuse,
    case_study_unpublish,
    may_propose,
    rounded_amount,
)
from complaints.services.retention import (
    CAUSE_ERASURE,
    complaints_anonymise,
    retention_anonymise_batch,
)
from tests.complaints.privacy_cases import MARK, MARK_PHONE, worked_case

pytestmark = pytest.mark.django_db

EMAIL = "zebraquagga.wang@example.com"


@pytest.fixture
def closed_case(org, flow, new_complaint) -> Complaint:
    return worked_case(org, flow, new_complaint)


def the_story(complaint: Complaint, org) -> dict[str, str]:
    """What a careless proposer writes: every personal detail of the case, in the texts."""
    customer = complaint.customer
    details = (
        f"{customer.name}（电话 {MARK_PHONE}，邮箱 {EMAIL}，住 {customer.address}）"
        f"订单 {complaint.order_ref}，案件 {complaint.reference}，身份证 11010519491231002X；"
        f"{org.handler.get_full_name() or org.handler.username} 接手，{org.head.username} 批准。"
    )
    return {
        "title": f"{customer.name} 的空调维修投诉",
        "story": "空调维修后仍不制冷。" + details,
        "went_well": "回访及时。" + details,
        "went_wrong": "第一次维修没有检查接线。" + details,
        "lesson": "维修后必须试机半小时。" + details,
    }


def personal_values(complaint: Complaint, org) -> list[str]:
    customer = Customer.objects.get(pk=complaint.customer_id)
    return [
        value
        for value in (
            customer.name,
            MARK,
            MARK_PHONE,
            "12345678",
            EMAIL,
            "example.com",
            customer.address,
            complaint.order_ref,
            complaint.reference,
            "11010519491231002X",
            org.handler.username,
            org.head.username,
            org.handler.get_full_name(),
            org.head.get_full_name(),
        )
        if value
    ]


def assert_no_personal_data(study: CaseStudy, values: list[str]) -> None:
    """Every field of the copy, text or not, holds none of the values."""
    for field in CaseStudy._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            continue  # ids: the category, the case drawn from (never shown), the staff
        stored = str(getattr(study, field.attname) or "")
        for value in values:
            assert value.lower() not in stored.lower(), (field.name, value, stored)


def propose(complaint: Complaint, org, actor=None) -> CaseStudy:
    return case_study_propose(
        complaint=complaint, actor=actor or org.handler, **the_story(complaint, org)
    )


class TestProposing:
    def test_the_copy_holds_no_personal_data_in_any_field(self, org, closed_case) -> None:
        study = propose(closed_case, org)

        study.refresh_from_db()
        assert_no_personal_data(study, personal_values(closed_case, org))
        assert study.status == CaseStudy.Status.PROPOSED
        assert "空调维修后仍不制冷" in study.story and "试机半小时" in study.lesson

    def test_the_facts_are_copied_as_codes(self, org, closed_case) -> None:
        study = propose(closed_case, org)

        assert study.category_id == closed_case.category_id
        assert (study.channel, study.severity) == (closed_case.channel, closed_case.severity)
        assert (study.outcome, study.remedy) == ("upheld", "compensation")
        assert study.amount == Decimal(5000)
        assert study.product == "空调"
        assert study.working_days is not None and study.working_days >= 0
        assert study.period.startswith(str(closed_case.closed_at.year))
        assert study.reopened is False

    def test_amounts_are_rounded_to_the_hundred(self) -> None:
        assert rounded_amount(Decimal("1234.50")) == Decimal(1200)
        assert rounded_amount(Decimal("1250")) == Decimal(1300)
        assert rounded_amount(None) is None

    def test_only_a_closed_case(self, org, complaint_in) -> None:
        open_case = complaint_in("investigation")
        assert may_propose(user=org.manager, complaint=open_case) is False
        with pytest.raises(ConditionNotMet):
            case_study_propose(
                complaint=open_case, actor=org.manager, title="t", story="s", lesson="l"
            )
        assert not CaseStudy.objects.exists()

    def test_roles_that_propose_and_roles_that_do_not(self, org, closed_case) -> None:
        assert may_propose(user=org.handler, complaint=closed_case)
        assert may_propose(user=org.head, complaint=closed_case)
        assert may_propose(user=org.manager, complaint=closed_case)
        for reader in (org.agent, org.auditor, org.executive):
            assert not may_propose(user=reader, complaint=closed_case)
        # A handler of another department does not read the case.
        assert not may_propose(user=org.other_handler, complaint=closed_case)
        with pytest.raises(PermissionDenied):
            propose(closed_case, org, actor=org.other_handler)
        with pytest.raises(PermissionDenied):
            propose(closed_case, org, actor=org.auditor)

    def test_the_story_title_and_lesson_are_required(self, org, closed_case) -> None:
        with pytest.raises(InvalidInput) as raised:
            case_study_propose(
                complaint=closed_case, actor=org.handler, title=" ", story="", lesson=""
            )
        assert set(raised.value.fields) == {"title", "story", "lesson"}

    def test_one_live_copy_per_case(self, org, closed_case) -> None:
        first = propose(closed_case, org)
        with pytest.raises(ConditionNotMet):
            propose(closed_case, org, actor=org.manager)
        case_study_refuse(study=first, actor=org.manager, reason="太简单")
        again = propose(closed_case, org, actor=org.manager)
        assert again.pk != first.pk


class TestReviewing:
    def test_approved_it_is_in_the_library_for_every_role(self, org, closed_case) -> None:
        study = propose(closed_case, org)
        assert list(case_studies_published()) == []
        assert case_study_for_user(user=org.agent, pk=study.pk) is None
        assert case_study_for_user(user=org.handler, pk=study.pk) == study  # the proposer

        case_study_approve(study=study, actor=org.manager)

        assert list(case_studies_published()) == [study]
        for reader in (org.agent, org.handler, org.head, org.executive, org.auditor):
            assert case_study_for_user(user=reader, pk=study.pk) == study
        study.refresh_from_db()
        assert study.staff_names == "" and study.show_staff is False

    def test_staff_names_only_when_the_approver_chooses(self, org, closed_case) -> None:
        study = propose(closed_case, org)

        case_study_approve(study=study, actor=org.manager, show_staff=True)

        study.refresh_from_db()
        assert study.show_staff is True
        assert org.handler.get_full_name() in study.staff_names
        # Still nothing of the customer.
        assert_no_personal_data(
            study,
            [v for v in personal_values(closed_case, org) if v not in study.staff_names],
        )

    def test_refused_with_a_reason_the_proposer_reads(self, org, closed_case) -> None:
        study = propose(closed_case, org)
        with pytest.raises(InvalidInput):
            case_study_refuse(study=study, actor=org.manager, reason="  ")

        case_study_refuse(study=study, actor=org.manager, reason=f"请去掉 {MARK_PHONE} 再提交")

        study.refresh_from_db()
        assert study.status == CaseStudy.Status.REFUSED
        assert MARK_PHONE not in study.review_reason and "再提交" in study.review_reason
        assert list(case_studies_waiting(user=org.handler)) == [study]
        assert list(case_studies_waiting(user=org.manager)) == []

    def test_only_a_complaint_manager_reviews(self, org, closed_case) -> None:
        study = propose(closed_case, org)
        for other in (org.handler, org.head, org.executive, org.auditor, org.agent):
            with pytest.raises(PermissionDenied):
                case_study_approve(study=study, actor=other)
            with pytest.raises(PermissionDenied):
                case_study_refuse(study=study, actor=other, reason="no")

    def test_withdrawn_from_the_library(self, org, closed_case) -> None:
        study = case_study_approve(study=propose(closed_case, org), actor=org.manager)
        with pytest.raises(ConditionNotMet):
            case_study_approve(study=study, actor=org.manager)

        case_study_unpublish(study=study, actor=org.manager, reason="已过时")

        assert list(case_studies_published()) == []
        assert case_study_for_user(user=org.agent, pk=study.pk) is None
        assert case_study_for_user(user=org.manager, pk=study.pk) is not None
        # A case taken out can be proposed again.
        propose(closed_case, org)

    def test_search_by_category_product_outcome_and_words(self, org, closed_case) -> None:
        study = case_study_approve(study=propose(closed_case, org), actor=org.manager)

        assert list(case_studies_published(category=org.category)) == [study]
        assert list(case_studies_published(product="空")) == [study]
        assert list(case_studies_published(outcome="upheld")) == [study]
        assert list(case_studies_published(search="试机 半小时")) == [study]
        assert list(case_studies_published(outcome="not_upheld")) == []
        assert list(case_studies_published(search="冰箱")) == []
        assert list(case_studies_published(product="冰箱")) == []


class TestSurvivesAnonymisation:
    def _fields(self, study: CaseStudy) -> dict[str, object]:
        study.refresh_from_db()
        return {f.attname: getattr(study, f.attname) for f in CaseStudy._meta.concrete_fields}

    def test_the_retention_job_leaves_the_library_copy_as_it_was(self, org, closed_case) -> None:
        study = case_study_approve(study=propose(closed_case, org), actor=org.manager)
        before = self._fields(study)

        summary = retention_anonymise_batch(complaint_ids=[closed_case.pk])

        assert summary.references == [closed_case.reference]
        closed_case.refresh_from_db()
        assert closed_case.anonymised_at is not None
        assert self._fields(study) == before
        assert list(case_studies_published()) == [study]

    def test_an_erasure_request_leaves_it_too(self, org, closed_case) -> None:
        study = propose(closed_case, org)
        before = self._fields(study)

        complaints_anonymise(complaint_ids=[closed_case.pk], actor=org.manager, cause=CAUSE_ERASURE)

        assert self._fields(study) == before
        # Still reviewable after the case lost its data; staff names come from the people.
        case_study_approve(study=study, actor=org.manager, show_staff=True)
        study.refresh_from_db()
        assert study.status == CaseStudy.Status.PUBLISHED


class TestOnTheCaseTimeline:
    """Each step writes one internal entry on the case it was drawn from: codes and the copy's id,
    a reviewer's reason as the comment. The copy itself keeps no way back to the case."""

    def entries(self, complaint: Complaint) -> list[CaseEvent]:
        return list(complaint.events.filter(kind=CaseEvent.Kind.CASE_STUDY).order_by("id"))

    def test_proposing_writes_one_entry_by_the_proposer(self, org, closed_case) -> None:
        study = propose(closed_case, org)

        [entry] = self.entries(closed_case)
        assert (entry.actor, entry.customer_visible, entry.comment) == (org.handler, False, "")
        assert entry.data == {"status": "proposed", "study": study.pk}

    def test_approving_writes_one_entry_by_the_approver(self, org, closed_case) -> None:
        study = propose(closed_case, org)

        case_study_approve(study=study, actor=org.manager, show_staff=True)

        entry = self.entries(closed_case)[-1]
        assert len(self.entries(closed_case)) == 2
        assert (entry.actor, entry.customer_visible) == (org.manager, False)
        assert entry.data == {"status": "published", "study": study.pk, "show_staff": True}

    @pytest.mark.parametrize("step", ["refuse", "unpublish"])
    def test_refusing_or_withdrawing_writes_one_entry_with_the_reason(
        self, org, closed_case, step
    ) -> None:
        study = propose(closed_case, org)
        if step == "unpublish":
            study = case_study_approve(study=study, actor=org.manager)
        before = len(self.entries(closed_case))
        act = case_study_refuse if step == "refuse" else case_study_unpublish

        act(study=study, actor=org.manager, reason=" 结论不够典型 ")

        entries = self.entries(closed_case)
        assert len(entries) == before + 1
        entry = entries[-1]
        assert (entry.actor, entry.customer_visible) == (org.manager, False)
        assert entry.comment == "结论不够典型"
        status = "refused" if step == "refuse" else "unpublished"
        assert entry.data == {"status": status, "study": study.pk}

    @pytest.mark.parametrize(
        "attempt",
        [
            "propose_by_a_reader",
            "propose_twice",
            "propose_without_a_story",
            "approve_by_a_handler",
            "approve_twice",
            "refuse_without_a_reason",
            "refuse_by_a_head",
            "unpublish_a_proposal",
        ],
    )
    def test_a_failed_step_writes_nothing(self, org, closed_case, attempt) -> None:
        study = propose(closed_case, org)
        if attempt == "approve_twice":
            case_study_approve(study=study, actor=org.manager)
        before = len(self.entries(closed_case))
        steps = {
            "propose_by_a_reader": lambda: propose(closed_case, org, actor=org.auditor),
            "propose_twice": lambda: propose(closed_case, org, actor=org.manager),
            "propose_without_a_story": lambda: case_study_propose(
                complaint=closed_case, actor=org.manager, title="t", story=" ", lesson="l"
            ),
            "approve_by_a_handler": lambda: case_study_approve(study=study, actor=org.handler),
            "approve_twice": lambda: case_study_approve(study=study, actor=org.manager),
            "refuse_without_a_reason": lambda: case_study_refuse(
                study=study, actor=org.manager, reason=" "
            ),
            "refuse_by_a_head": lambda: case_study_refuse(study=study, actor=org.head, reason="x"),
            "unpublish_a_proposal": lambda: case_study_unpublish(
                study=study, actor=org.manager, reason="x"
            ),
        }

        with pytest.raises((PermissionDenied, ConditionNotMet, InvalidInput)):
            steps[attempt]()

        assert len(self.entries(closed_case)) == before

    def test_the_copy_names_no_case(self, org, closed_case) -> None:
        study = case_study_approve(study=propose(closed_case, org), actor=org.manager)

        # Its texts hold no reference (above); the only link is the reviewers' `source` id.
        assert [
            field.name
            for field in CaseStudy._meta.concrete_fields
            if field.is_relation and field.related_model is Complaint
        ] == ["source"]
        assert closed_case.reference not in str(self_fields(study))

    def test_anonymising_the_case_keeps_the_entries_and_drops_the_reasons(
        self, org, closed_case
    ) -> None:
        study = propose(closed_case, org)
        case_study_refuse(study=study, actor=org.manager, reason=f"请去掉 {MARK_PHONE}")
        again = case_study_approve(study=propose(closed_case, org), actor=org.manager)
        case_study_unpublish(study=again, actor=org.manager, reason=f"{MARK} 不同意公开")

        complaints_anonymise(complaint_ids=[closed_case.pk], actor=org.manager, cause=CAUSE_ERASURE)

        entries = self.entries(closed_case)
        assert [entry.data["status"] for entry in entries] == [
            "proposed",
            "refused",
            "proposed",
            "published",
            "unpublished",
        ]
        assert all(entry.comment == "" for entry in entries)
        assert [entry.data["study"] for entry in entries] == [study.pk] * 2 + [again.pk] * 3


def self_fields(study: CaseStudy) -> dict[str, object]:
    study.refresh_from_db()
    return {f.attname: getattr(study, f.attname) for f in CaseStudy._meta.concrete_fields}
