"""The intake page (/complaints/new/) and its customer look-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import CaseEvent, Complaint, Customer, EvidenceFile, Severity, State
from complaints.services import follow_up_record
from tests.complaints.test_evidence import ELF
from tests.pages.conftest_case import png_bytes

pytestmark = pytest.mark.django_db

INTAKE = "/complaints/new/"


def valid_form(org, **overrides) -> dict:
    data = {
        "channel": "phone",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "customer_name": "李女士",
        "customer_phone": "139 0000 1111",
        "customer_email": "",
        "customer_address": "上海市浦东新区世纪大道 1 号",
        "customer_region": "上海市",
        "subject": "冰箱送货时外壳凹陷",
        "product_or_service": "双开门冰箱 BCD-520",
        "order_ref": "JD-20240501-778",
        "description": "送货师傅搬运时磕到门框，冰箱右侧外壳凹陷。",
        "expected_resolution": "换一台新的。",
        "remedy_sought": "exchange",
        "amount_claimed": "",
        "category": org.category.pk,
        "severity": "",
        "evidence_kind": "photo",
    }
    data.update(overrides)
    return data


# --- who may record complaints -----------------------------------------------------------------


def test_an_agent_gets_the_form_with_the_on_the_spot_answer(client_for, org):
    response = client_for(org.agent).get(INTAKE)

    assert response.status_code == 200
    assert b'data-testid="intake-form"' in response.content
    assert b'data-testid="on-spot"' in response.content
    assert b'data-testid="flags-explained"' in response.content


def test_a_handler_may_not_record_complaints(client_for, org):
    client = client_for(org.handler)

    assert client.get(INTAKE).status_code == 403
    assert client.post(INTAKE, valid_form(org)).status_code == 403
    assert not Complaint.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client_for, org):
    response = client_for(None).get(INTAKE)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- recording ---------------------------------------------------------------------------------


def test_saving_records_the_complaint_and_opens_the_case(client_for, org):
    # when the agent saves a complete form
    response = client_for(org.agent).post(INTAKE, valid_form(org), follow=True)

    # then one complaint is recorded with what was typed, received by the agent
    complaint = Complaint.objects.get()
    assert complaint.subject == "冰箱送货时外壳凹陷"
    assert complaint.order_ref == "JD-20240501-778"
    assert complaint.remedy_sought == "exchange"
    assert complaint.received_by == org.agent
    assert complaint.customer.phone == "+8613900001111"
    assert complaint.state == State.INTAKE
    # and the agent lands on the case page, told the reference
    assert response.redirect_chain[-1][0] == reverse("case_detail", args=[complaint.reference])
    assert f"Complaint {complaint.reference} is recorded." in response.content.decode()


def test_a_letter_with_an_e_mail_address_is_acknowledged_in_the_chosen_language(
    client_for, org, django_capture_on_commit_callbacks, mailoutbox
):
    form = valid_form(
        org, channel="letter", customer_email="li@example.com", customer_language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        client_for(org.agent).post(INTAKE, form)

    complaint = Complaint.objects.get()
    [message] = mailoutbox
    assert message.to == ["li@example.com"]
    assert message.subject == f"We have received your complaint {complaint.reference}"
    assert complaint.customer.language == "en"
    assert complaint.contacts.get().purpose == "acknowledgement"


def test_the_form_offers_the_customers_language(client_for, org):
    html = client_for(org.agent).get(INTAKE).content.decode()

    assert 'name="customer_language"' in html
    assert '<option value="en">English</option>' in html


def test_a_complaint_received_earlier_keeps_its_time_of_receipt(client_for, org):
    yesterday = timezone.localtime() - timedelta(days=1)

    client_for(org.agent).post(
        INTAKE, valid_form(org, received_at=yesterday.strftime("%Y-%m-%dT%H:%M"))
    )

    received = timezone.localtime(Complaint.objects.get().received_at)
    assert received.replace(second=0, microsecond=0) == yesterday.replace(second=0, microsecond=0)


def test_missing_details_are_marked_and_everything_typed_is_kept(client_for, org):
    # given a form without subject, description, name or any way to reach the customer
    data = valid_form(
        org, subject="", description="", customer_name="", customer_phone="", customer_email=""
    )

    response = client_for(org.agent).post(INTAKE, data)

    # then nothing is recorded and the form comes back with every problem at once
    assert response.status_code == 422
    assert not Complaint.objects.exists()
    form = response.context["form"]
    assert set(form.errors) >= {"subject", "description", "customer_name", "customer_phone"}
    # and what was typed is still there, and the agent is told to choose files again
    html = response.content.decode()
    assert 'value="JD-20240501-778"' in html
    assert "上海市浦东新区世纪大道 1 号" in html
    assert "choose them again" in html


def test_a_future_time_of_receipt_is_refused(client_for, org):
    tomorrow = timezone.localtime() + timedelta(days=1)

    response = client_for(org.agent).post(
        INTAKE, valid_form(org, received_at=tomorrow.strftime("%Y-%m-%dT%H:%M"))
    )

    assert response.status_code == 422
    assert "cannot be in the future" in str(response.context["form"].errors["received_at"])
    assert 'value="冰箱送货时外壳凹陷"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_wrong_phone_number_is_marked_on_the_phone_field(client_for, org):
    response = client_for(org.agent).post(INTAKE, valid_form(org, customer_phone="12"))

    assert response.status_code == 422
    assert response.context["form"].errors["customer_phone"] == ["Not a phone number."]
    assert 'value="12"' in response.content.decode()


def test_the_same_phone_twice_is_one_customer(client_for, org):
    client = client_for(org.agent)

    client.post(INTAKE, valid_form(org, customer_phone="139 0000 1111"))
    client.post(INTAKE, valid_form(org, customer_phone="+86-139-0000-1111", subject="第二次投诉"))

    assert Complaint.objects.count() == 2
    assert Customer.objects.count() == 1
    assert {c.customer_id for c in Complaint.objects.all()} == {Customer.objects.get().pk}


def test_urgent_flags_raise_the_severity_and_escalate_at_once(client_for, org):
    client_for(org.agent).post(INTAKE, valid_form(org, personal_injury="on"))

    complaint = Complaint.objects.get()
    assert complaint.personal_injury
    assert complaint.severity == Severity.URGENT
    assert complaint.escalation_level == 3


# --- evidence ----------------------------------------------------------------------------------


def test_files_are_attached_and_a_refused_one_is_named(client_for, org):
    photo = SimpleUploadedFile("dent.png", png_bytes(), content_type="image/png")
    program = SimpleUploadedFile("invoice.pdf", ELF, content_type="application/pdf")

    response = client_for(org.agent).post(
        INTAKE, valid_form(org, evidence_files=[photo, program]), follow=True
    )

    # the complaint exists with the good file; the refused one is named with the reason
    complaint = Complaint.objects.get()
    assert [e.original_name for e in complaint.evidence.all()] == ["dent.png"]
    html = response.content.decode()
    assert "“invoice.pdf” was not added" in html
    assert "This type of file is not accepted." in html
    assert response.redirect_chain[-1][0] == reverse("case_detail", args=[complaint.reference])


# --- answered on the spot ----------------------------------------------------------------------


def test_answered_on_the_spot_goes_straight_to_the_reply(client_for, org):
    data = valid_form(
        org, answered_on_spot="on", on_spot_answer="已说明送货磕碰由物流负责，当场登记换货。"
    )

    response = client_for(org.agent).post(INTAKE, data, follow=True)

    complaint = Complaint.objects.get()
    assert complaint.state == State.REPLY
    assert complaint.findings == "已说明送货磕碰由物流负责，当场登记换货。"
    steps = list(
        complaint.events.filter(kind=CaseEvent.Kind.TRANSITION).values_list("transition", flat=True)
    )
    assert steps == ["start_triage", "answer_on_spot"]
    assert "answered on the spot" in response.content.decode()


def test_answered_on_the_spot_without_the_answer_records_nothing(client_for, org):
    data = valid_form(org, answered_on_spot="on", on_spot_answer="  ")

    response = client_for(org.agent).post(INTAKE, data)

    assert response.status_code == 422
    assert "on_spot_answer" in response.context["form"].errors
    assert not Complaint.objects.exists()
    assert not Customer.objects.exists()


def test_the_on_the_spot_fields_are_ignored_for_a_role_that_may_not_answer(client_for, org):
    # given a role that records complaints but may not answer on the spot
    org.agent.groups.first().permissions.remove(
        *org.agent.groups.first().permissions.filter(codename="answer_on_spot")
    )
    agent = type(org.agent).objects.get(pk=org.agent.pk)  # fresh permission cache
    data = valid_form(org, answered_on_spot="on", on_spot_answer="当场答复")

    response = client_for(agent).get(INTAKE)
    assert b'data-testid="on-spot"' not in response.content
    client_for(agent).post(INTAKE, data)

    assert Complaint.objects.get().state == State.INTAKE


# --- customer look-up --------------------------------------------------------------------------


def test_the_look_up_shows_the_known_customer_with_history_and_satisfaction(
    client_for, org, complaint_in, flow
):
    # given a customer whose earlier complaint was followed up with satisfaction 4
    earlier = complaint_in(State.FOLLOW_UP, customer_phone="13812345678")
    follow_up_record(
        complaint=earlier,
        actor=org.agent,
        method="phone",
        reached=True,
        satisfaction=4,
        resolved=True,
    )

    # when the agent types the number another way
    response = client_for(org.agent).get(
        reverse("customer_lookup"), {"customer_phone": "138-1234-5678"}, HTTP_HX_REQUEST="true"
    )

    # then the partial names the customer, the earlier complaint and its satisfaction
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="customer-found"' in html
    assert earlier.customer.name in html
    assert earlier.reference in html
    assert "satisfaction 4/5" in html
    assert "average satisfaction 4.0/5" in html


def test_the_look_up_says_when_the_customer_is_new(client_for, org):
    response = client_for(org.agent).get(
        reverse("customer_lookup"), {"customer_phone": "13700000000"}
    )

    assert b'data-testid="customer-new"' in response.content


def test_the_look_up_with_nothing_typed_says_nothing(client_for, org):
    response = client_for(org.agent).get(reverse("customer_lookup"))

    assert response.status_code == 200
    assert response.content.strip() == b""


def test_the_look_up_is_for_those_who_record_complaints(client_for, org):
    response = client_for(org.handler).get(
        reverse("customer_lookup"), {"customer_phone": "13700000000"}
    )

    assert response.status_code == 403


def test_the_form_shown_again_after_an_error_shows_the_known_customer(
    client_for, org, new_complaint
):
    earlier = new_complaint(customer_phone="13900001111")

    response = client_for(org.agent).post(INTAKE, valid_form(org, subject=""))

    assert response.status_code == 422
    assert earlier.reference in response.content.decode()


def test_evidence_kind_is_kept_for_every_file(client_for, org):
    receipt = SimpleUploadedFile("receipt.png", png_bytes(), content_type="image/png")

    client_for(org.agent).post(
        INTAKE, valid_form(org, evidence_files=[receipt], evidence_kind="receipt")
    )

    assert EvidenceFile.objects.get().kind == "receipt"
