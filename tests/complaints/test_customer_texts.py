"""Text messages to customers with a mobile number and no e-mail address (issue 19 §3): the
acknowledgment, the tracking link and the reply notice with the survey's link, by the notify
queue after the commit, once per event whatever the retries, STOP / 退订 honoured, only within
the hours customers may be texted unless they asked for urgent contact."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import sms
from complaints.models import (
    CaseEvent,
    ContactDirection,
    ContactPurpose,
    Customer,
    CustomerContact,
    CustomerText,
    State,
)
from complaints.public_links import read_survey_token, read_tracking_token
from complaints.services.customer_portal import tracking_link_request
from complaints.services.customer_texts import (
    MAX_SEGMENTS,
    customer_text_create,
    customer_text_event,
    customer_text_send,
    customer_texts_send_due,
    render_text,
    window_opens,
)
from complaints.services.retention import complaints_anonymise
from complaints.tasks import send_tracking_link_task, text_customer_task
from sla.models import EscalationSettings

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECRET = "s3cret-callback-path-0123456789"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def replies_url(secret: str = SECRET) -> str:
    return reverse("public:sms_replies", kwargs={"secret": secret})


# --- the acknowledgment ------------------------------------------------------------------------


def test_a_customer_with_only_a_mobile_number_is_acknowledged_by_text_after_the_commit(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint()  # phone 13812345678, no e-mail
        assert sms.outbox == []  # not before the commit
        assert not CustomerText.objects.exists()  # nor stored in the intake's transaction

    assert mailoutbox == []
    [text] = sms.outbox
    assert text.to == "+8613812345678"
    assert text.key == f"acknowledgement:{complaint.pk}"
    assert text.body.startswith("【客户服务中心】")
    assert complaint.reference in text.body
    assert "回复T退订" in text.body  # the opt-out hint the providers require
    assert text.params == {
        "reference": complaint.reference,
        "code": CustomerText.objects.get().link_code,
    }
    # stored as codes and data, and recorded as the system's outbound SMS contact with the text
    stored = CustomerText.objects.get()
    assert (stored.kind, stored.status, stored.language) == ("acknowledgement", "sent", "zh-hans")
    assert stored.params == {"reference": complaint.reference}
    contact = CustomerContact.objects.get(complaint=complaint)
    assert (contact.channel, contact.direction, contact.purpose, contact.by) == (
        "sms",
        ContactDirection.OUTBOUND,
        ContactPurpose.ACKNOWLEDGEMENT,
        None,
    )
    assert contact.summary == text.body
    assert stored.contact == contact and stored.sent_at is not None
    created = complaint.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.data["acknowledgement"] == "texted"
    complaint.refresh_from_db()
    assert complaint.first_response_at is None  # an automatic text is not the first response


def test_a_retried_task_never_sends_a_second_text(
    new_complaint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint()
    assert len(sms.outbox) == 1

    # the broker delivers the same task again (acks_late after a lost worker), twice
    for _attempt in range(2):
        text_customer_task.apply(
            args=[complaint.pk, "acknowledgement", f"acknowledgement:{complaint.pk}"]
        )

    assert len(sms.outbox) == 1
    assert CustomerText.objects.count() == 1
    assert CustomerContact.objects.filter(channel="sms").count() == 1


def test_the_text_is_in_the_customers_language(new_complaint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_language="en")

    [text] = sms.outbox
    assert f"Complaint {complaint.reference} received. Track it: " in text.body
    assert text.body.endswith("Reply T to opt out")


def test_a_customer_with_an_e_mail_address_or_a_landline_is_not_texted(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        new_complaint(customer_email="wang@example.com")
        landline = new_complaint(customer_name="赵先生", customer_phone="010 6512 3456")

    assert len(mailoutbox) == 1
    assert sms.outbox == []
    created = landline.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.data["acknowledgement"] == "no_email"


def test_no_text_while_automatic_messages_are_switched_off(
    new_complaint, django_capture_on_commit_callbacks
):
    EscalationSettings.objects.filter(pk=1).update(send_email=False)
    EscalationSettings.forget()
    with django_capture_on_commit_callbacks(execute=True):
        new_complaint()

    assert sms.outbox == []
    assert not CustomerText.objects.exists()


# --- length ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", CustomerText.Kind.values)
def test_every_text_keeps_within_the_segment_limit(settings, new_complaint, kind, language):
    settings.COMPLAINTS_PUBLIC_URL = "https://complaints.example.com"
    complaint = new_complaint(customer_language=language)
    text = customer_text_create(complaint_id=complaint.pk, kind=kind, key=f"{kind}:{language}")
    body = render_text(text)

    assert sms.sms_segments(body) <= MAX_SEGMENTS
    length, _single, _part = sms.sms_units(body)
    assert length <= 500  # the provider's limit for one message
    assert f"https://complaints.example.com/complaint/m/{text.link_code}/" in body


def test_segments_follow_the_gsm_and_ucs2_rules():
    assert sms.sms_segments("a" * 160) == 1
    assert sms.sms_segments("a" * 161) == 2  # 153 per part
    assert sms.sms_segments("a" * 306) == 2
    assert sms.sms_segments("中" * 70) == 1
    assert sms.sms_segments("中" * 71) == 2  # 67 per part
    assert sms.sms_segments("中" * 134) == 2
    assert sms.sms_segments("{" * 80) == 1  # escaped characters count two
    assert sms.sms_segments("{" * 81) == 2


# --- the tracking link and the reply notice ----------------------------------------------------


def test_each_tracking_link_request_is_one_text(
    client, new_complaint, django_capture_on_commit_callbacks
):
    complaint = new_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        tracking_link_request(complaint=complaint)
        tracking_link_request(complaint=complaint)

    assert [t.key.split(":")[0] for t in sms.outbox] == ["tracking_link", "tracking_link"]
    assert len({t.key for t in sms.outbox}) == 2
    # a retry of one request's task sends nothing more
    send_tracking_link_task.apply(args=[complaint.pk, sms.outbox[0].key.rsplit(":", 1)[1]])
    assert len(sms.outbox) == 2

    # the short link opens the tracking page through a freshly signed link
    text = CustomerText.objects.filter(kind="tracking_link").first()
    response = client.get(reverse("public:text_link", kwargs={"code": text.link_code}))
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert read_tracking_token(token) == complaint.public_token
    assert client.get(response["Location"]).status_code == 200


def test_the_reply_notice_carries_the_survey_link(
    client, complaint_in, flow, django_capture_on_commit_callbacks
):
    complaint = complaint_in(State.REPLY)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = flow.run(complaint, "send_reply")  # by phone

    [text] = [t for t in sms.outbox if t.key.startswith("reply:")]
    stored = CustomerText.objects.get(kind="reply")
    assert complaint.reference in text.body
    assert stored.contact.purpose == ContactPurpose.REPLY
    assert complaint.events.get(transition="send_reply").data["texted"] is True
    response = client.get(reverse("public:text_link", kwargs={"code": stored.link_code}))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert read_survey_token(token).public_token == complaint.public_token


def test_an_unknown_or_old_short_link_leads_to_the_page_for_a_new_one(
    client, settings, new_complaint
):
    complaint = new_complaint()
    text = customer_text_create(complaint_id=complaint.pk, kind="acknowledgement", key="k")
    CustomerText.objects.filter(pk=text.pk).update(
        created_at=timezone.now() - timedelta(days=settings.COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS + 1)
    )
    lookup = reverse("public:track_lookup")
    for code in (text.link_code, "nosuchcode"):
        response = client.get(reverse("public:text_link", kwargs={"code": code}))
        assert (response.status_code, response["Location"]) == (302, lookup)


# --- STOP / 退订 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reply", ["退订", "T", " td ", "STOP", "stop"])
def test_a_stop_reply_is_recorded_and_no_text_follows(
    settings, client, new_complaint, django_capture_on_commit_callbacks, reply
):
    settings.COMPLAINTS_SMS_INBOUND_SECRET = SECRET
    complaint = new_complaint()
    held = customer_text_create(complaint_id=complaint.pk, kind="tracking_link", key="held")
    pushed = [
        {
            "phone_number": "13812345678",
            "send_time": "2026-12-05 10:00:00",
            "content": reply,
            "sign_name": "客户服务中心",
            "dest_code": "1234",
            "sequence_id": 1,
        }
    ]
    response = client.post(replies_url(), json.dumps(pushed), content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {"code": 0, "msg": "成功"}
    customer = Customer.objects.get()
    assert customer.sms_opted_out_at is not None
    held.refresh_from_db()
    assert held.status == CustomerText.Status.CANCELLED
    assert customer_text_send(held.pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        tracking_link_request(complaint=complaint)
        new_complaint(subject="又一次")
    assert sms.outbox == []


def test_other_replies_change_nothing(settings, client, new_complaint):
    settings.COMPLAINTS_SMS_INBOUND_SECRET = SECRET
    new_complaint()
    pushed = {"phone_number": "13812345678", "content": "请尽快处理，谢谢"}
    client.post(replies_url(), json.dumps(pushed), content_type="application/json")

    assert Customer.objects.get().sms_opted_out_at is None


def test_the_replies_callback_needs_its_secret(settings, client, new_complaint):
    new_complaint()
    pushed = json.dumps([{"phone_number": "13812345678", "content": "退订"}])
    # no secret configured: nothing is taken, whatever the address
    assert client.post(replies_url(), pushed, content_type="application/json").status_code == 404
    settings.COMPLAINTS_SMS_INBOUND_SECRET = SECRET
    wrong = replies_url("s3cret-callback-path-0123456780")
    assert client.post(wrong, pushed, content_type="application/json").status_code == 404
    assert client.get(replies_url()).status_code == 405
    assert Customer.objects.get().sms_opted_out_at is None


# --- the hours customers may be texted ----------------------------------------------------------


def test_the_window_opens_at_eight_and_closes_at_nine_in_the_evening(settings):
    settings.COMPLAINTS_SMS_WINDOW_START, settings.COMPLAINTS_SMS_WINDOW_END = "08:00", "21:00"
    assert window_opens(local(2026, 12, 5, 7, 59)) == local(2026, 12, 5, 8, 0)
    assert window_opens(local(2026, 12, 5, 8, 0)) == local(2026, 12, 5, 8, 0)
    assert window_opens(local(2026, 12, 5, 20, 59)) == local(2026, 12, 5, 20, 59)
    assert window_opens(local(2026, 12, 5, 21, 0)) == local(2026, 12, 6, 8, 0)
    assert window_opens(local(2026, 12, 5, 23, 30)) == local(2026, 12, 6, 8, 0)
    # a window across midnight (a night service)
    settings.COMPLAINTS_SMS_WINDOW_START, settings.COMPLAINTS_SMS_WINDOW_END = "20:00", "02:00"
    assert window_opens(local(2026, 12, 5, 1, 0)) == local(2026, 12, 5, 1, 0)
    assert window_opens(local(2026, 12, 5, 12, 0)) == local(2026, 12, 5, 20, 0)


def test_a_text_at_night_waits_for_eight_oclock(settings, new_complaint):
    settings.COMPLAINTS_SMS_WINDOW_START, settings.COMPLAINTS_SMS_WINDOW_END = "08:00", "21:00"
    complaint = new_complaint()
    night = local(2026, 12, 5, 22, 30)
    text = customer_text_create(
        complaint_id=complaint.pk, kind="acknowledgement", key="n", now=night
    )
    assert text.not_before == local(2026, 12, 6, 8, 0)
    assert customer_text_send(text.pk, now=night) is False
    assert customer_texts_send_due(now=local(2026, 12, 6, 7, 59)) == 0
    assert sms.outbox == []

    assert customer_texts_send_due(now=local(2026, 12, 6, 8, 0, 30)) == 1
    assert len(sms.outbox) == 1
    assert customer_texts_send_due(now=local(2026, 12, 6, 8, 1, 30)) == 0  # once
    text.refresh_from_db()
    assert text.status == CustomerText.Status.SENT


def test_a_customer_who_asked_for_urgent_contact_is_texted_at_night(settings, new_complaint):
    settings.COMPLAINTS_SMS_WINDOW_START, settings.COMPLAINTS_SMS_WINDOW_END = "08:00", "21:00"
    complaint = new_complaint()
    Customer.objects.update(urgent_contact=True)
    night = local(2026, 12, 5, 2, 0)
    text = customer_text_create(
        complaint_id=complaint.pk, kind="acknowledgement", key="u", now=night
    )

    assert text.not_before == night
    assert customer_text_send(text.pk, now=night) is True
    assert len(sms.outbox) == 1


# --- the provider failing ----------------------------------------------------------------------


class Flaky(sms.BaseSmsBackend):
    """Fails as told, then takes the texts."""

    failures: list[sms.SmsError] = []
    sent: list[sms.Text] = []

    def send(self, text: sms.Text) -> str:
        if Flaky.failures:
            raise Flaky.failures.pop(0)
        Flaky.sent.append(text)
        return "biz-1"


@pytest.fixture
def flaky(settings):
    settings.COMPLAINTS_SMS_BACKEND = f"{__name__}.Flaky"
    Flaky.failures, Flaky.sent = [], []
    return Flaky


def test_a_refusal_for_now_is_retried_and_sends_once(flaky, new_complaint):
    complaint = new_complaint()
    flaky.failures = [sms.SmsError("isv.BUSINESS_LIMIT_CONTROL")]
    # the task's first run fails (Celery's autoretry sees the error), the text waits again
    with pytest.raises(sms.SmsError):
        customer_text_event(complaint_id=complaint.pk, kind="acknowledgement", key="r")
    assert CustomerText.objects.get().status == CustomerText.Status.PENDING
    # the retry, and a second delivery of the same task besides
    for _run in range(2):
        customer_text_event(complaint_id=complaint.pk, kind="acknowledgement", key="r")

    assert len(flaky.sent) == 1
    text = CustomerText.objects.get()
    assert (text.status, text.attempts, text.provider_id) == ("sent", 2, "biz-1")


def test_an_unanswered_request_is_never_sent_again(flaky, new_complaint):
    complaint = new_complaint()
    flaky.failures = [sms.SmsUncertain("read timed out")]
    text_customer_task.apply(args=[complaint.pk, "acknowledgement", "x"])
    assert customer_texts_send_due(now=timezone.now() + timedelta(minutes=5)) == 0

    assert flaky.sent == []
    text = CustomerText.objects.get()
    assert text.status == CustomerText.Status.UNKNOWN
    assert not CustomerContact.objects.filter(channel="sms").exists()


def test_a_final_refusal_is_recorded_and_not_retried(flaky, new_complaint):
    complaint = new_complaint()
    flaky.failures = [sms.SmsError("isv.MOBILE_NUMBER_ILLEGAL", retry=False)]
    text_customer_task.apply(args=[complaint.pk, "acknowledgement", "f"])

    text = CustomerText.objects.get()
    assert (text.status, text.attempts) == ("failed", 1)
    assert "MOBILE_NUMBER_ILLEGAL" in text.error


# --- what it costs, and people's data ----------------------------------------------------------


def test_anonymisation_removes_the_number_and_unsent_texts(org, complaint_in):
    complaint = complaint_in(State.REJECTED)
    sent = customer_text_create(complaint_id=complaint.pk, kind="acknowledgement", key="a")
    customer_text_send(sent.pk)
    customer_text_create(complaint_id=complaint.pk, kind="tracking_link", key="b")

    complaints_anonymise(complaint_ids=[complaint.pk], actor=None, cause="test")

    [kept] = CustomerText.objects.all()
    assert (kept.pk, kept.to, kept.params) == (sent.pk, "", {})


def test_the_file_and_console_backends_write_the_text(tmp_path, capsys):
    text = sms.Text(to="+8613812345678", body="【客户服务中心】测试 回复T退订", key="k1")
    sms.get_backend("complaints.sms.backends.FileBackend", file_path=str(tmp_path)).send(text)
    sms.get_backend("complaints.sms.backends.ConsoleBackend").send(text)

    [written] = tmp_path.iterdir()
    assert "【客户服务中心】测试 回复T退订" in written.read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "SMS to: +8613812345678" in out and "测试" in out
