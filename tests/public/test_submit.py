"""The customers' complaint form (issue 13 §1, §2, §6): a complaint sent from /complaint/ is
recorded by the staff intake service, acknowledged with a tracking link, and recorded once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints import sms
from complaints.models import (
    CaseEvent,
    Channel,
    Complaint,
    Customer,
    CustomerEmail,
    EscalationLevel,
    EvidenceFile,
    PublicSubmission,
    Severity,
)
from complaints.public_links import read_tracking_token, submitted_token
from complaints.selectors.categories import intake_category
from complaints.services.public_intake import PRIVACY_NOTICE_VERSION, subject_from
from sla.models import Clock, Stage
from tests.public.conftest import SUBMIT_URL, form_data, pdf, photo, submitted_path

pytestmark = pytest.mark.django_db


# --- the page -----------------------------------------------------------------------------------


def test_the_page_opens_without_signing_in_in_chinese_with_the_notice_and_a_one_time_key(client):
    response = client.get(SUBMIT_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "我要投诉" in page
    assert 'data-testid="privacy-notice"' in page
    assert f"版本 {PRIVACY_NOTICE_VERSION}" in page
    form = response.context["form"]
    key = form["submission_key"].value()
    assert len(key) >= 32
    assert client.get(SUBMIT_URL).context["form"]["submission_key"].value() != key
    # No asset from elsewhere: every script and stylesheet is served by the site itself.
    assets = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert assets and all(url.startswith(("/", "#", "data:")) for url in assets), assets


def test_the_page_speaks_english_after_the_switch(client):
    client.cookies["django_language"] = "en"
    page = client.get(SUBMIT_URL).content.decode()
    assert "Make a complaint" in page
    assert "How we use your personal information" in page


def test_the_staff_sign_in_page_links_to_the_portal(client):
    page = client.get("/accounts/login/").content.decode()
    assert f'href="{reverse("public:submit")}"' in page


# --- a complaint sent -------------------------------------------------------------------------


def test_a_complaint_sent_is_recorded_as_any_intake_routed_by_its_category(
    org, submit, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(category=str(org.category.pk))

    complaint = Complaint.objects.get()
    assert submitted_path(response)
    assert complaint.channel == Channel.WEB
    assert complaint.received_by is None
    assert complaint.category == org.category
    assert complaint.department == org.service  # the category's default department
    assert complaint.state == "intake"
    assert complaint.subject == "安装后第二天就漏水，地板被泡坏了。"
    assert complaint.description.startswith("安装后第二天就漏水")
    assert complaint.product_or_service == "KFR-35GW 空调"
    assert complaint.order_ref == "JD-20261201-778"
    assert complaint.remedy_sought == "repair"
    assert complaint.expected_resolution == "尽快上门维修，并赔偿地板损失。"
    assert complaint.amount_claimed == Decimal("800.00")
    assert complaint.region == "上海市"
    customer = complaint.customer
    assert (customer.name, customer.phone, customer.email) == (
        "李女士",
        "+8613912345678",
        "li.na@example.com",
    )
    assert customer.language == "zh-hans"
    created = complaint.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.actor is None
    assert created.data["acknowledgement"] == "emailed"
    assert set(Clock.objects.filter(complaint=complaint).values_list("stage", flat=True)) >= {
        Stage.FIRST_RESPONSE,
        Stage.DECISION,
    }


def test_the_category_sent_is_read_from_the_cache_with_its_department(
    org, submit, django_assert_num_queries
):
    submitted_path(submit(category=str(org.category.pk)))  # the cached list is made

    with django_assert_num_queries(0):
        category = intake_category(pk=org.category.pk)
        department = category.default_department

    assert (category, department) == (org.category, org.service)
    assert category.default_severity == org.category.default_severity
    assert intake_category(pk=category.pk) is not category  # each caller has its own copy


def test_a_category_changed_in_the_admin_routes_the_next_complaint_at_once(org, submit):
    submitted_path(submit(category=str(org.category.pk)))
    org.category.default_department = org.legal
    org.category.save()
    submitted_path(submit(category=str(org.category.pk)))
    org.legal.name = "法务与合规部"
    org.legal.save()
    submitted_path(submit(category=str(org.category.pk)))
    org.category.is_active = False
    org.category.save()

    refused = submit(category=str(org.category.pk))

    first, second, third = Complaint.objects.order_by("pk")
    assert (first.department, second.department) == (org.service, org.legal)
    assert intake_category(pk=org.category.pk) is None
    assert refused.status_code == 422
    assert refused.context["form"].has_error("category", "invalid_choice")
    assert Complaint.objects.count() == 3
    assert third.department.name == "法务与合规部"


def test_the_consent_is_stored_with_the_complaint(submit):
    before = timezone.now()
    submit()

    consent = PublicSubmission.objects.get()
    assert consent.complaint == Complaint.objects.get()
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert consent.notice_language == "zh-hans"
    assert before <= consent.consent_at <= timezone.now()


def test_the_known_customer_is_found_again_by_phone(org, submit, new_complaint):
    known = new_complaint(customer_phone="+86 139-1234-5678", customer_name="李娜")
    submit()

    assert Customer.objects.count() == 1
    assert Complaint.objects.filter(channel=Channel.WEB).get().customer == known.customer


def test_an_injury_makes_the_case_urgent_and_goes_to_senior_management_at_once(org, submit):
    submit(personal_injury="on")

    complaint = Complaint.objects.get()
    assert complaint.personal_injury
    assert complaint.severity == Severity.URGENT
    assert complaint.escalation_level == EscalationLevel.SENIOR_MANAGEMENT


def test_the_receipt_shows_the_reference_the_promised_dates_and_the_tracking_link(client, submit):
    response = submit(follow=True)

    complaint = Complaint.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 302
    page = response.content.decode()
    assert complaint.reference in page
    assert 'data-testid="first-response-due"' in page
    assert 'data-testid="decision-due"' in page
    assert complaint.reference not in response.redirect_chain[0][0]  # a signed token, not the ref
    tracking = response.context["tracking_url"]
    assert f'href="{tracking}"' in page
    token = tracking.rstrip("/").rsplit("/", 1)[-1]
    assert read_tracking_token(token) == complaint.public_token
    assert client.get(tracking.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_a_tampered_receipt_link_is_not_found(client, submit):
    submit()
    token = submitted_token(Complaint.objects.get())
    assert client.get(reverse("public:submitted", args=[token[:-3] + "xyz"])).status_code == 404
    assert client.get(reverse("public:submitted", args=["nonsense"])).status_code == 404


def test_the_acknowledgment_carries_the_reference_the_dates_and_a_working_tracking_link(
    client, submit, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        submit()

    complaint = Complaint.objects.get()
    [message] = mailoutbox
    assert message.to == ["li.na@example.com"]
    assert complaint.reference in message.subject
    assert "工作人员将与您联系" in message.body or "联系您" in message.body
    line = next(line for line in message.body.splitlines() if "/complaint/track/" in line)
    url = line.strip()
    assert read_tracking_token(url.rstrip("/").rsplit("/", 1)[-1]) == complaint.public_token
    html = message.alternatives[0][0]
    assert f'href="{url}"' in html
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    # Automatic: never the first response, whose clock keeps running.
    complaint.refresh_from_db()
    assert complaint.first_response_at is None
    assert CustomerEmail.objects.get().emailed_at is not None


def test_an_english_reader_gets_english_e_mails(
    client, submit, django_capture_on_commit_callbacks, mailoutbox
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        submit()

    complaint = Complaint.objects.get()
    assert complaint.customer.language == "en"
    assert complaint.public_submission.notice_language == "en"
    [message] = mailoutbox
    assert "Follow your complaint online" in message.body


def test_a_phone_only_complaint_is_acknowledged_by_text_message(
    submit, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_path(submit(customer_email=""))

    assert mailoutbox == []
    complaint = Complaint.objects.get()
    created = complaint.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.data["acknowledgement"] == "texted"
    [text] = sms.outbox
    assert text.to == "+8613912345678" and complaint.reference in text.body


def test_a_landline_only_complaint_is_recorded_without_a_message(
    submit, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_path(submit(customer_email="", customer_phone="021 6212 3456"))

    assert mailoutbox == [] and sms.outbox == []
    created = Complaint.objects.get().events.get(kind=CaseEvent.Kind.CREATED)
    assert created.data["acknowledgement"] == "no_email"


def test_the_subject_is_the_start_of_the_first_line():
    assert subject_from("\n  门店态度差  \n其他") == "门店态度差"
    long = "很" * 100
    assert subject_from(long) == "很" * 59 + "…"


# --- one complaint per form -------------------------------------------------------------------


def test_a_double_click_records_one_complaint_and_both_land_on_its_receipt(
    client, submit, django_capture_on_commit_callbacks, mailoutbox
):
    data = form_data()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(SUBMIT_URL, data)
        second = client.post(SUBMIT_URL, data)

    assert Complaint.objects.count() == 1
    assert len(mailoutbox) == 1
    complaint = Complaint.objects.get()
    for response in (first, second):
        page = client.get(submitted_path(response))
        assert page.context["complaint"] == complaint


def test_two_sends_of_one_form_at_the_same_instant_record_one_complaint(
    client, submit, monkeypatch
):
    """The second send passed the look-up before the first committed: the unique key refuses
    its complaint, which rolls back, and it answers with the first one's receipt."""
    data = form_data()
    submitted_path(client.post(SUBMIT_URL, data))
    first = Complaint.objects.get()
    monkeypatch.setattr(
        "complaints.services.public_intake.submission_find",
        _none_once("complaints.selectors.public_submissions.submission_find"),
    )

    response = client.post(SUBMIT_URL, data)

    assert Complaint.objects.count() == 1
    assert client.get(submitted_path(response)).context["complaint"] == first


def _none_once(target: str):
    from importlib import import_module

    module, name = target.rsplit(".", 1)
    real = getattr(import_module(module), name)
    calls = []

    def find(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    return find


def test_a_new_form_is_a_new_complaint(submit):
    submit()
    submit()
    assert Complaint.objects.count() == 2
    assert Customer.objects.count() == 1


# --- files --------------------------------------------------------------------------------------


def test_photos_and_pdfs_become_the_cases_evidence_sent_by_the_customer(org, client, submit):
    response = submit(evidence_files=[photo(), pdf()])

    submitted_path(response)
    complaint = Complaint.objects.get()
    files = {file.original_name: file for file in complaint.evidence.all()}
    assert files["空调.png"].kind == EvidenceFile.Kind.PHOTO
    assert files["空调.png"].content_type == "image/png"
    assert files["发票.pdf"].kind == EvidenceFile.Kind.OTHER
    assert all(file.uploaded_by is None for file in files.values())
    assert complaint.events.filter(kind=CaseEvent.Kind.EVIDENCE, actor=None).count() == 2

    # Staff read that the customer sent them.
    staff = Client()
    staff.force_login(org.manager)
    page = staff.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "客户 添加了证据：空调.png。" in page
