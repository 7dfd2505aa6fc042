"""Canned replies (issue 18 §3): filled from the case, offered by category, picked for the reply,
the on-the-spot answer and the contact log, and recorded with what was written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.admin.canned import CannedReplyForm
from complaints.domain.canned import BLANK
from complaints.errors import InvalidInput
from complaints.models import CannedReply, CaseEvent, Category, Complaint, CustomerContact
from complaints.selectors.canned import canned_replies_for_case
from complaints.services import contact_record
from complaints.services.canned import canned_body_errors

pytestmark = pytest.mark.django_db

ZH = "{customer_name}您好，您的投诉 {reference}（{received_date} 收到）已于 {decision_date} 决定：{amount}。"
EN = "Dear {customer_name}, about {reference} received on {received_date}: {amount} ({decision_date})."


@pytest.fixture
def replies(org) -> dict[str, CannedReply]:
    other = Category.objects.create(name="价格", code="price")
    return {
        "zh": CannedReply.objects.create(
            title="赔偿答复", language="zh-hans", body=ZH, category=org.category
        ),
        "en": CannedReply.objects.create(title="Compensation", language="en", body=EN),
        "other": CannedReply.objects.create(
            title="价格答复", language="zh-hans", body=ZH, category=other
        ),
        "off": CannedReply.objects.create(
            title="停用", language="zh-hans", body=ZH, is_active=False
        ),
    }


class TestOffered:
    def test_filled_for_the_case_in_each_replys_language(self, org, replies, complaint_in) -> None:
        complaint = complaint_in("investigation")
        received = timezone.localdate(complaint.received_at)

        offered = {reply.id: reply for reply in canned_replies_for_case(complaint=complaint)}

        # Its category's and every category's; not another category's, not an inactive one.
        assert set(offered) == {replies["zh"].pk, replies["en"].pk}
        zh = offered[replies["zh"].pk].text
        assert zh.startswith("王先生您好，您的投诉 " + complaint.reference)
        assert f"{received.year}年{received.month}月{received.day}日" in zh
        # No decision yet: the blanks are left for the writer.
        assert zh.endswith(f"已于 {BLANK} 决定：{BLANK}。")
        en = offered[replies["en"].pk].text
        assert f"received on {received.day} {received:%B} {received.year}" in en

    def test_the_decision_fills_its_date_and_amount(self, org, replies, flow, complaint_in) -> None:
        from complaints.services import decision_propose

        complaint = complaint_in("decision")
        decision_propose(
            complaint=complaint,
            actor=org.handler,
            remedy="compensation",
            outcome="upheld",
            amount=Decimal("1234.5"),
            rationale="维修质量问题",
        )
        complaint.refresh_from_db()

        offered = {reply.id: reply.text for reply in canned_replies_for_case(complaint=complaint)}

        assert "1,234.50 元" in offered[replies["zh"].pk]
        assert "¥1,234.50" in offered[replies["en"].pk]
        assert BLANK not in offered[replies["en"].pk]

    def test_two_queries_whatever_the_number(
        self, org, replies, complaint_in, django_assert_num_queries
    ) -> None:
        case = complaint_in("investigation")
        # As the case page loads it: with its customer and category.
        complaint = Complaint.objects.select_related("customer", "category").get(pk=case.pk)
        for n in range(5):
            CannedReply.objects.create(title=f"r{n}", language="en", body=EN)
        with django_assert_num_queries(2):
            assert len(canned_replies_for_case(complaint=complaint)) == 7


class TestRecorded:
    def test_a_logged_contact_keeps_the_reply_used(self, org, replies, complaint_in) -> None:
        complaint = complaint_in("investigation")

        contact = contact_record(
            complaint=complaint,
            actor=org.handler,
            channel="phone",
            direction="outbound",
            summary="已电话告知",
            canned_reply=str(replies["zh"].pk),
        )

        assert CustomerContact.objects.get(pk=contact.pk).canned_reply == replies["zh"]
        event = CaseEvent.objects.filter(complaint=complaint, kind=CaseEvent.Kind.CONTACT).last()
        assert event.data["canned_reply_id"] == replies["zh"].pk
        assert event.data["canned_reply_title"] == "赔偿答复"

    def test_none_chosen_is_recorded_as_none(self, org, complaint_in) -> None:
        complaint = complaint_in("investigation")
        contact = contact_record(
            complaint=complaint,
            actor=org.handler,
            channel="phone",
            direction="outbound",
            summary="x",
        )
        assert contact.canned_reply is None

    @pytest.mark.parametrize("which", ["other", "off", "missing", "junk"])
    def test_a_reply_that_does_not_fit_is_refused(self, org, replies, complaint_in, which) -> None:
        complaint = complaint_in("investigation")
        value = {"missing": 999999, "junk": "abc"}.get(which) or replies[which].pk
        before = CustomerContact.objects.count()

        with pytest.raises(InvalidInput) as raised:
            contact_record(
                complaint=complaint,
                actor=org.handler,
                channel="phone",
                direction="outbound",
                summary="x",
                canned_reply=value,
            )

        assert "canned_reply" in raised.value.fields
        assert CustomerContact.objects.count() == before

    def test_the_reply_step_records_it(self, org, replies, flow, complaint_in) -> None:
        complaint = complaint_in("reply")

        flow.run(complaint, "send_reply", actor=org.handler, canned_reply=replies["en"].pk)

        contact = CustomerContact.objects.filter(complaint=complaint, purpose="reply").get()
        assert contact.canned_reply == replies["en"]
        step = CaseEvent.objects.filter(complaint=complaint, transition="send_reply").get()
        assert step.data["canned_reply_id"] == replies["en"].pk

    def test_the_answer_on_the_spot_records_it(self, org, replies, flow, complaint_in) -> None:
        complaint = complaint_in("triage")

        flow.run(complaint, "answer_on_spot", actor=org.agent, canned_reply=replies["zh"].pk)

        step = CaseEvent.objects.filter(complaint=complaint, transition="answer_on_spot").get()
        assert step.data["canned_reply_title"] == "赔偿答复"

    def test_a_step_with_a_wrong_reply_changes_nothing(
        self, org, replies, flow, complaint_in
    ) -> None:
        complaint = complaint_in("triage")
        with pytest.raises(InvalidInput):
            flow.run(complaint, "answer_on_spot", actor=org.agent, canned_reply=replies["off"].pk)
        complaint.refresh_from_db()
        assert complaint.state == "triage"


class TestAdminCheck:
    def test_known_placeholders_pass(self) -> None:
        assert canned_body_errors(ZH) == [] and canned_body_errors(EN) == []

    @pytest.mark.parametrize("body", ["Dear {name}", "{amount:.2f}", "{reference", "{}"])
    def test_the_admin_form_refuses_with_a_clear_error(self, org, body) -> None:
        form = CannedReplyForm(
            data={"title": "t", "language": "en", "body": body, "is_active": "on", "sort_order": 0}
        )

        assert not form.is_valid()
        message = " ".join(form.errors["body"])
        assert "{customer_name}" in message  # the list of what may be used
        if body.startswith("Dear"):
            assert "{name}" in message

    def test_the_admin_form_saves_a_good_text(self, org) -> None:
        form = CannedReplyForm(
            data={"title": "t", "language": "en", "body": EN, "is_active": "on", "sort_order": 0}
        )
        assert form.is_valid(), form.errors
        assert form.save().pk
