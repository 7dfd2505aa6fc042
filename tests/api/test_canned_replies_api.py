"""A contact logged, a reply sent or an answer given on the spot through the API says which canned
reply its text was started from (issue 18 §3)."""

from __future__ import annotations

import pytest

from complaints.models import CannedReply, CaseEvent, Category, CustomerContact, State
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

BODY = {"channel": "phone", "direction": "outbound", "summary": "已致电客户"}


def test_the_canned_reply_used_is_recorded(org, api_for, new_complaint, case_url):
    reply = CannedReply.objects.create(title="进度", language="zh-hans", body="{reference} 处理中")
    complaint = new_complaint()

    response = api_for(org.agent).post(
        case_url(complaint, "contacts"), {**BODY, "canned_reply": reply.pk}
    )

    assert response.status_code == 201, response.json()
    assert CustomerContact.objects.get(pk=response.json()["id"]).canned_reply == reply


def test_one_of_another_category_is_a_field_error(org, api_for, new_complaint, case_url):
    other = Category.objects.create(name="价格", code="price")
    reply = CannedReply.objects.create(
        title="价格", language="zh-hans", body="{reference}", category=other
    )
    complaint = new_complaint()

    response = api_for(org.agent).post(
        case_url(complaint, "contacts"), {**BODY, "canned_reply": reply.pk}
    )

    assert response.status_code == 400
    assert "canned_reply" in error_of(response)["fields"]
    assert not CustomerContact.objects.filter(complaint=complaint).exists()


def test_not_a_number_is_a_field_error(org, api_for, new_complaint, case_url):
    response = api_for(org.agent).post(
        case_url(new_complaint(), "contacts"), {**BODY, "canned_reply": "x"}
    )
    assert response.status_code == 400
    assert "canned_reply" in error_of(response)["fields"]


def test_the_reply_step_records_the_canned_reply_used(org, api_for, complaint_in, case_url):
    reply = CannedReply.objects.create(title="答复", language="zh-hans", body="{reference} 已处理")
    complaint = complaint_in(State.REPLY)

    response = api_for(org.handler).post(
        case_url(complaint, "transitions", "send_reply"),
        {"channel": "phone", "content": "已电话告知处理结果", "canned_reply": reply.pk},
    )

    assert response.status_code == 200, response.json()
    contact = CustomerContact.objects.get(complaint=complaint, purpose="reply")
    assert contact.canned_reply == reply
    step = CaseEvent.objects.get(complaint=complaint, transition="send_reply")
    assert (step.data["canned_reply_id"], step.data["canned_reply_title"]) == (reply.pk, "答复")


def test_the_answer_on_the_spot_records_the_canned_reply_used(org, api_for, complaint_in, case_url):
    reply = CannedReply.objects.create(title="当场答复", language="zh-hans", body="{reference}")
    complaint = complaint_in(State.TRIAGE)

    response = api_for(org.agent).post(
        case_url(complaint, "transitions", "answer_on_spot"),
        {"findings": "当场解释了收费标准", "canned_reply": reply.pk},
    )

    assert response.status_code == 200, response.json()
    step = CaseEvent.objects.get(complaint=complaint, transition="answer_on_spot")
    assert step.data["canned_reply_id"] == reply.pk


def test_a_step_with_a_canned_reply_of_another_category_changes_nothing(
    org, api_for, complaint_in, case_url
):
    other = Category.objects.create(name="价格", code="price")
    reply = CannedReply.objects.create(
        title="价格", language="zh-hans", body="{reference}", category=other
    )
    complaint = complaint_in(State.REPLY)

    response = api_for(org.handler).post(
        case_url(complaint, "transitions", "send_reply"),
        {"channel": "phone", "content": "已告知", "canned_reply": reply.pk},
    )

    assert response.status_code == 400
    assert "canned_reply" in error_of(response)["fields"]
    complaint.refresh_from_db()
    assert complaint.state == State.REPLY
    assert not CustomerContact.objects.filter(complaint=complaint, purpose="reply").exists()
