"""The tracking page: by link or by reference and contact; what it shows and never shows."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from complaints.models import CaseEvent, ContactPurpose, CustomerContact
from complaints.public_links import tracking_token
from complaints.services import complaint_add_note, complaint_assign
from sla.services.pauses import clocks_pause
from tests.public.tracking.conftest import EMAIL, PHONE, track_url

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find a complaint with this reference and contact."


def lookup(client, reference: str, contact: str):
    return client.post("/complaint/track/", {"reference": reference, "contact": contact})


def test_the_signed_link_opens_the_tracking_page_in_customer_words(client, customer_case):
    complaint = customer_case("investigation")

    response = client.get(track_url(complaint))

    assert response.status_code == 200
    html = response.content.decode()
    assert complaint.reference in html
    assert "Being looked into" in html  # not the internal "Investigation"
    assert 'data-testid="promise-first_response"' in html
    assert 'data-testid="promise-decision"' in html


@pytest.mark.parametrize(
    "contact", [PHONE, "+86 138-1234-5678", "138 1234 5678", EMAIL, "Wang.Wei@Example.com"]
)
def test_reference_and_the_phone_or_email_given_open_the_case(client, customer_case, contact):
    complaint = customer_case("triage")

    response = lookup(client, complaint.reference.lower(), contact)

    assert response.status_code == 302
    assert response["Location"].startswith("/complaint/track/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert complaint.reference in page.content.decode()


def test_an_unknown_reference_and_a_wrong_contact_answer_alike(client, customer_case):
    complaint = customer_case("triage")

    unknown = lookup(client, "CP-2099-999999", PHONE)
    wrong_phone = lookup(client, complaint.reference, "13900000000")
    wrong_email = lookup(client, complaint.reference, "someone@example.com")

    assert unknown.status_code == wrong_phone.status_code == wrong_email.status_code == 200
    for response in (unknown, wrong_phone, wrong_email):
        assert NOT_FOUND in response.content.decode()
    # Same page apart from the values typed back, the CSRF token and the CSP nonce.
    strip = lambda r, *typed: _without(r.content.decode(), *typed)  # noqa: E731
    assert strip(unknown, "CP-2099-999999", PHONE) == strip(
        wrong_phone, complaint.reference, "13900000000"
    )


def _without(html: str, *values: str) -> str:
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    for value in values:
        html = html.replace(value, "")
    return html


def test_lookup_errors_keep_what_was_typed(client):
    response = lookup(client, "CP-2026-000001", "")

    html = response.content.decode()
    assert 'value="CP-2026-000001"' in html
    assert "This field is required." in html


def test_lookup_answers_in_chinese_by_default(client, customer_case):
    customer_case("triage")
    client.cookies["django_language"] = "zh-hans"

    response = lookup(client, "CP-2099-999999", PHONE)

    assert "我们没有找到" in response.content.decode()


def test_a_tampered_link_answers_as_an_unknown_case(client, customer_case):
    complaint = customer_case("triage")
    token = tracking_token(complaint)

    tampered = client.get(f"/complaint/track/{token[:-3]}xyz/")
    garbage = client.get("/complaint/track/not-a-link/")

    assert tampered.status_code == garbage.status_code == 404
    # The same page, apart from the address the language switch returns to.
    assert _without(tampered.content.decode(), f"{token[:-3]}xyz") == _without(
        garbage.content.decode(), "not-a-link"
    )


@override_settings(COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS=30)
def test_an_expired_link_offers_a_new_one_by_email(
    client, customer_case, django_capture_on_commit_callbacks
):
    complaint = customer_case("triage")
    with time_machine.travel(timezone.now()):
        token = tracking_token(complaint)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=31)):
        expired = client.get(f"/complaint/track/{token}/")
        assert expired.status_code == 410
        assert 'data-testid="link-expired"' in expired.content.decode()
        assert complaint.subject not in expired.content.decode()
        mail.outbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post("/complaint/track/resend/", {"token": token})

    assert sent.status_code == 200
    assert 'data-testid="link-sent"' in sent.content.decode()
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert "/complaint/track/" in mail.outbox[0].body
    contact = CustomerContact.objects.get(complaint=complaint, purpose=ContactPurpose.TRACKING_LINK)
    assert contact.by is None


def test_resend_answers_alike_whether_or_not_the_details_match(
    client, customer_case, django_capture_on_commit_callbacks
):
    complaint = customer_case("triage")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        matched = client.post(
            "/complaint/track/resend/", {"reference": complaint.reference, "contact": PHONE}
        )
    sent_after_match = len(mail.outbox)
    unmatched = client.post(
        "/complaint/track/resend/", {"reference": complaint.reference, "contact": "13900000000"}
    )
    unknown = client.post("/complaint/track/resend/", {"reference": "CP-1-1", "contact": PHONE})
    tampered = client.post("/complaint/track/resend/", {"token": "forged"})

    assert sent_after_match == 1 and len(mail.outbox) == 1
    bodies = {_without(r.content.decode()) for r in (matched, unmatched, unknown, tampered)}
    assert len(bodies) == 1
    assert {r.status_code for r in (matched, unmatched, unknown, tampered)} == {200}


def test_staff_only_data_never_reaches_the_tracking_page(client, customer_case, org):
    complaint = customer_case("investigation")
    complaint = complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)
    complaint_add_note(complaint=complaint, actor=org.handler, text="内部：客户可能夸大损失")

    html = client.get(track_url(complaint)).content.decode()

    assert "内部：客户可能夸大损失" not in html
    for person in (org.handler, org.head, org.agent):
        assert person.get_full_name() and person.get_full_name() not in html
        assert f"({person.username})" not in html
    # The customer's own contacts only masked.
    assert PHONE not in html and EMAIL not in html
    assert "138****5678" in html and "w***@example.com" in html


def test_another_customers_case_is_not_reachable_with_my_contact(client, customer_case):
    mine = customer_case("triage")
    theirs = customer_case("triage", customer_phone="13900001111", customer_email="li@example.com")

    response = lookup(client, theirs.reference, PHONE)

    assert NOT_FOUND in response.content.decode()
    assert mine.reference != theirs.reference


def test_the_answer_shows_but_other_contact_summaries_do_not(client, customer_case):
    complaint = customer_case("follow_up")  # the flow replied by phone with VALID_INPUT content

    html = client.get(track_url(complaint)).content.decode()

    assert "已告知客户处理结果：免费返修并赔偿 200 元。" in html
    assert "Answered" in html
    assert 'data-testid="survey-link"' in html


def test_waiting_on_the_customer_is_said_on_the_page(client, customer_case, org):
    complaint = customer_case("investigation")
    clocks_pause(complaint=complaint, actor=org.head, reason="waiting_customer", note="等客户发票")

    html = client.get(track_url(complaint)).content.decode()

    assert 'data-testid="waiting-on-you"' in html
    assert "等客户发票" not in html  # the pause note is internal


def test_met_dates_show_when_a_stage_is_done(client, customer_case):
    complaint = customer_case("follow_up")

    html = client.get(track_url(complaint)).content.decode()

    assert html.count("done on") == 2  # first response (the reply) and the decision


def test_a_finished_case_offers_no_forms(client, customer_case):
    complaint = customer_case("closed")

    html = client.get(track_url(complaint)).content.decode()

    assert "Closed" in html
    assert 'data-testid="add-form"' not in html
    assert 'data-testid="withdraw-form"' not in html


def test_the_tracking_page_costs_a_fixed_number_of_queries(
    client, customer_case, org, django_assert_max_num_queries
):
    complaint = customer_case("follow_up")
    for number in range(15):
        complaint_add_note(complaint=complaint, actor=org.agent, text=f"note {number}")
    url = track_url(complaint)
    client.get(url)  # warm the calendar cache and the session machinery

    # The case with its customer, the visible entries, the clocks, the survey answer.
    with django_assert_max_num_queries(4):
        response = client.get(url)

    assert response.status_code == 200
    assert CaseEvent.objects.filter(complaint=complaint).count() > 15


def test_the_blank_forms_are_rendered_once_per_language(client, customer_case):
    """The add-information and withdraw forms of the page are kept rendered per language
    (templates/public/track.html); each language still gets its own words."""
    first, second = customer_case("investigation"), customer_case("investigation")
    # Signed addresses carry a timestamp: take each once so a second boundary cannot split them.
    first_url, second_url = track_url(first), track_url(second)

    english = client.get(first_url).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(second_url).content.decode()
    client.cookies["django_language"] = "en"
    english_again = client.get(second_url).content.decode()

    assert "Your message" in english and "Your message" in english_again
    assert "您的留言" in chinese and "Your message" not in chinese
    # Each page keeps its own form addresses and CSRF token (outside the kept part).
    assert f"{second_url}add/" in chinese and f"{first_url}add/" not in chinese
    assert 'name="csrfmiddlewaretoken"' in chinese


def test_a_form_sent_back_with_errors_is_not_the_kept_blank_one(client, customer_case):
    complaint = customer_case("investigation")
    client.get(track_url(complaint))  # the blank forms are kept now

    response = client.post(track_url(complaint) + "withdraw/", {"reason": "不想等了"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick the box to confirm." in html
    assert "不想等了" in html  # what was typed is kept
