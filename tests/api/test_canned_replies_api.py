"""A contact logged through the API says which canned reply it was started from (issue 18 §3)."""

from __future__ import annotations

import pytest

from complaints.models import CannedReply, Category, CustomerContact
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
