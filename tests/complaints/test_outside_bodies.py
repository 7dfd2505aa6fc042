"""Outside bodies (issue 16 §2) and evidence on hold (§6): a body's referral recorded with its
deadline counted like a clock on working days, documents exchanged through the evidence service,
what was signed with the §三.13 reservation text, the matter closed; a regulator's order to take a
product off sale tells the purchasing department; a regulator, court, police or media matter
holds the case's evidence until it is closed, and the hold is lifted only with the permission.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import AuditEntry
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import (
    BodyKind,
    CaseEvent,
    Complaint,
    EvidenceFile,
    Notification,
    OutsideBody,
    OutsideBodyTarget,
)
from complaints.selectors.access import complaint_is_visible_to, complaint_is_workable_by
from complaints.services import complaint_triage, evidence_add
from complaints.services.legal_hold import (
    LegalHoldProtected,
    legal_hold_lift,
)
from complaints.services.outside_bodies import (
    off_sale_order_done,
    off_sale_order_record,
    outside_bodies_remind,
    outside_body_close,
    outside_body_document_add,
    outside_body_record,
    outside_body_sign,
    reminder_key,
    signing_text_fill,
    signing_texts_for,
)
from complaints.services.retention import complaints_anonymise
from sla.models import Escalation
from sla.selectors import forget_policy_book, working_calendar_cache_clear
from sla.services import clocks_pause, clocks_resume
from tests.complaints.test_evidence import png_bytes
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRI_1205_1000 = datetime(2025, 12, 5, 10, tzinfo=SHANGHAI)
REGULATOR, ASSOCIATION = BodyKind.MARKET_REGULATOR, BodyKind.CONSUMER_ASSOCIATION


@pytest.fixture(autouse=True)
def _fresh_caches():
    working_calendar_cache_clear()
    forget_policy_book()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def at(time_machine):
    def move(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


def record(case, actor, kind=REGULATOR, **overrides) -> OutsideBody:
    fields = {
        "complaint": case,
        "actor": actor,
        "kind": kind,
        "name": "朝阳区市场监督管理局",
        "channel": OutsideBody.Channel.ODR_PLATFORM,
        "received_at": FRI_1205_1000,
        "contact_id": actor.pk,
        "their_reference": "12315-2025-0001",
        "notice": "请于10个工作日内与消费者协商和解",
    }
    fields.update(overrides)
    return outside_body_record(**fields)


def events(case, kind) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(complaint=case, kind=kind).order_by("pk"))


# --- the record and its deadline -------------------------------------------------------------


def test_a_12315_referral_is_due_in_ten_working_days_like_a_clock(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()

    body = record(case, org.handler)

    # Received on Friday (not counted): ten working days are 8-12 and 15-19 December.
    assert body.due_at.astimezone(SHANGHAI).isoformat() == "2025-12-19T23:59:59+08:00"
    assert (body.amount, body.unit) == (10, "working_days")
    event = events(case, CaseEvent.Kind.OUTSIDE_BODY)[0]
    assert event.actor == org.handler
    assert event.data["body"]["kind"] == REGULATOR
    assert event.data["their_reference"] == "12315-2025-0001"
    case.refresh_from_db()
    # The fact is set and sends the case to senior management once.
    assert case.regulator_involved


def test_the_target_is_configurable_per_kind_and_their_date_wins(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    OutsideBodyTarget.objects.filter(kind=ASSOCIATION).update(amount=3, unit="working_days")

    counted = record(case, org.handler, kind=ASSOCIATION, name="市消协")
    dated = record(
        case, org.handler, kind=ASSOCIATION, name="区消协", their_deadline=date(2025, 12, 9)
    )
    none = record(case, org.handler, kind=BodyKind.INSURER, name="平安保险")

    assert counted.due_at.astimezone(SHANGHAI).isoformat() == "2025-12-10T23:59:59+08:00"
    assert dated.due_at.astimezone(SHANGHAI).isoformat() == "2025-12-09T23:59:59+08:00"
    assert none.due_at is None


def test_who_may_record(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    with pytest.raises(PermissionDenied):
        record(case, org.executive)  # reads every case, works none
    with pytest.raises((PermissionDenied, NotFound)):
        record(case, org.auditor)
    with pytest.raises(NotFound):
        record(case, org.other_handler)  # another department's case is missing to them
    with pytest.raises(InvalidInput) as refused:
        record(
            case,
            org.handler,
            kind="embassy",
            name="",
            received_at=datetime(2099, 1, 1, tzinfo=SHANGHAI),
        )
    assert {"kind", "name", "received_at"} <= set(refused.value.fields)


def test_the_contact_person_is_told(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()

    record(case, org.handler, contact_id=org.head.pk)

    note = Notification.objects.get(recipient=org.head, complaint=case)
    assert note.key.startswith("outside_body_contact:")


# --- documents, signing, closing ----------------------------------------------------------------


def test_documents_go_through_the_evidence_service(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    body = record(case, org.handler)

    document = outside_body_document_add(
        complaint=case,
        body_id=body.pk,
        actor=org.handler,
        direction="received",
        upload=SimpleUploadedFile("通知书.png", png_bytes(), "image/png"),
        evidence_kind="photo",
    )

    assert document.evidence.complaint == case
    assert EvidenceFile.objects.filter(complaint=case).count() == 1
    assert events(case, CaseEvent.Kind.EVIDENCE)
    assert events(case, CaseEvent.Kind.OUTSIDE_BODY_DOCUMENT)[0].data["direction"] == "received"
    with pytest.raises(ConditionNotMet):
        outside_body_document_add(
            complaint=case,
            body_id=body.pk,
            actor=org.handler,
            direction="sent",
            evidence_id=document.evidence_id,
        )


def test_signing_with_the_reservation_text_of_the_seed(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    body = record(case, org.handler, kind=ASSOCIATION, name="市消费者协会")
    offered = [text.code for text in signing_texts_for(ASSOCIATION)]
    assert offered[0] == "settled_not_admitted"
    assert signing_texts_for(BodyKind.INSURER) == []

    signed = outside_body_sign(
        complaint=case,
        body_id=body.pk,
        actor=org.handler,
        signing_text_code="settled_not_admitted",
        amount_agreed=Decimal("800"),
    )

    assert signed.signed_text == (
        "公司不认可消费者所称的事实，但同意出于顾客服务角度考虑给予该顾客人民币800.00元。"
    )
    assert (signed.signed_by, signed.signing_text_code) == (org.handler, "settled_not_admitted")
    event = events(case, CaseEvent.Kind.OUTSIDE_BODY_SIGNED)[0]
    assert event.comment == signed.signed_text
    with pytest.raises(ConditionNotMet):
        outside_body_sign(complaint=case, body_id=body.pk, actor=org.handler, text="again")


def test_the_signing_text_is_shown_in_the_readers_language(org):
    from complaints.models import SigningText

    text = SigningText.objects.get(code="settled_not_admitted")
    english = signing_text_fill(text, amount=Decimal("800"), english=True)
    assert english.endswith("RMB 800.00.")
    assert signing_text_fill(text, amount=None, english=False).count("____") == 1


def test_closing_settles_the_reminder_and_says_whether_it_was_late(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    body = record(case, org.handler, contact_id=org.head.pk)
    at(datetime(2025, 12, 22, 9, tzinfo=SHANGHAI))
    assert outside_bodies_remind() == 1
    assert outside_bodies_remind() == 0  # once
    reminder = Notification.objects.get(recipient=org.head, kind=Notification.Kind.REMINDER)
    assert events(case, CaseEvent.Kind.REMINDER)[-1].data["outside_body"]["id"] == body.pk

    closed = outside_body_close(
        complaint=case, body_id=body.pk, actor=org.handler, result="settled", note="已和解"
    )

    assert closed.closed_at is not None and closed.result == "settled"
    reminder.refresh_from_db()
    assert reminder.settled_reason == Notification.Settled.BODY_CLOSED
    data = events(case, CaseEvent.Kind.OUTSIDE_BODY_CLOSED)[0].data
    assert data["late"] is True and data["hold_may_be_lifted"] is True
    with pytest.raises(ConditionNotMet):
        outside_body_close(complaint=case, body_id=body.pk, actor=org.handler, result="settled")


# --- the off-sale order ----------------------------------------------------------------------


def test_an_off_sale_order_tells_purchasing_and_records_who_did_it(org, at, new_complaint):
    at(FRI_1205_1000)
    purchasing = DepartmentFactory(name="采购部", code="purchasing", parent=org.management)
    buyer = UserFactory(username="buyer", role="handler", department=purchasing)
    buyer_head = UserFactory(username="buyer_head", role="dept_head", department=purchasing)
    purchasing.head = buyer_head
    purchasing.save()
    case = new_complaint()
    body = record(case, org.handler)
    insurer = record(case, org.handler, kind=BodyKind.INSURER, name="平安保险")
    with pytest.raises(InvalidInput):
        off_sale_order_record(
            complaint=case,
            body_id=insurer.pk,
            actor=org.handler,
            product="X",
            ordered_on=date(2025, 12, 5),
        )

    order = off_sale_order_record(
        complaint=case,
        body_id=body.pk,
        actor=org.handler,
        product="某品牌电暖器 NSB-200",
        ordered_on=date(2025, 12, 5),
        order_reference="朝市监责改〔2025〕12号",
    )

    told = set(
        Notification.objects.filter(kind=Notification.Kind.OFF_SALE).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"buyer", "buyer_head"}
    assert len(events(case, CaseEvent.Kind.OFF_SALE_ORDERED)[0].data["told"]) == 2
    # Those told may read the case they are asked to act on (not change it).
    assert complaint_is_visible_to(user=buyer, complaint=case)
    assert not complaint_is_workable_by(user=buyer, complaint=case)

    done = off_sale_order_done(
        complaint=case, order_id=order.pk, actor=org.handler, done_by_id=buyer.pk, note="已下架"
    )

    assert (done.done_by, done.done_at) == (buyer, FRI_1205_1000)
    assert events(case, CaseEvent.Kind.OFF_SALE_DONE)[0].data["done_by"]
    assert not Notification.objects.filter(
        kind=Notification.Kind.OFF_SALE, settled_at__isnull=True
    ).exists()
    with pytest.raises(ConditionNotMet):
        off_sale_order_done(complaint=case, order_id=order.pk, actor=org.handler)


# --- evidence on hold (§6) -------------------------------------------------------------------


def test_a_regulator_matter_puts_the_case_on_hold_until_it_is_closed(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()

    body = record(case, org.handler, kind=BodyKind.COURT, name="朝阳区人民法院")

    case.refresh_from_db()
    assert case.legal_hold and case.legal_hold_cause == "outside_body"
    held = events(case, CaseEvent.Kind.LEGAL_HOLD_SET)
    assert held[0].data["automatic"] == "outside_body"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LEGAL_HOLD_SET).exists()
    with pytest.raises(ConditionNotMet) as kept:
        legal_hold_lift(actor=org.manager, reference=case.reference, reason="结案")
    assert "朝阳区人民法院" in kept.value.message

    outside_body_close(complaint=case, body_id=body.pk, actor=org.handler, result="judgment")
    with pytest.raises(PermissionDenied):
        legal_hold_lift(actor=org.handler, reference=case.reference, reason="结案")
    with pytest.raises(InvalidInput):
        legal_hold_lift(actor=org.manager, reference=case.reference, reason="")
    legal_hold_lift(actor=org.manager, reference=case.reference, reason="判决已生效，证据已归档")

    case.refresh_from_db()
    assert not case.legal_hold and case.legal_hold_cause == ""
    assert events(case, CaseEvent.Kind.LEGAL_HOLD_LIFTED)[0].comment == "判决已生效，证据已归档"


def test_an_insurer_or_association_does_not_hold_the_case(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    record(case, org.handler, kind=BodyKind.INSURER, name="平安保险")
    case.refresh_from_db()
    assert not case.legal_hold


def test_the_media_flag_set_at_triage_holds_the_case_while_it_is_open(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()

    complaint_triage(complaint=case, actor=org.agent, media_involved=True, comment="记者来电")

    case.refresh_from_db()
    assert case.legal_hold and case.legal_hold_cause == "case_facts"
    with pytest.raises(ConditionNotMet):
        legal_hold_lift(actor=org.manager, reference=case.reference, reason="无需保全")


def test_a_case_received_from_12315_is_held_from_intake(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint(channel="regulator_12315")
    case.refresh_from_db()
    assert case.legal_hold
    assert events(case, CaseEvent.Kind.LEGAL_HOLD_SET)[0].actor == org.agent


def test_the_hold_blocks_deleting_and_anonymising_the_files(org, at, new_complaint):
    at(FRI_1205_1000)
    case = new_complaint()
    # A file of the case that is not among the body's documents: the hold alone keeps it.
    evidence = evidence_add(
        complaint=case,
        actor=org.handler,
        kind="photo",
        upload=SimpleUploadedFile("报警回执.png", png_bytes(), "image/png"),
    )
    record(case, org.handler, kind=BodyKind.POLICE, name="朝阳分局")

    with pytest.raises(LegalHoldProtected), transaction.atomic():
        EvidenceFile.objects.filter(pk=evidence.pk).delete()
    with pytest.raises(LegalHoldProtected), transaction.atomic():
        evidence.delete()

    Complaint.objects.filter(pk=case.pk).update(state="closed")
    summary = complaints_anonymise(complaint_ids=[case.pk], actor=None, cause="retention")
    assert summary.references == []
    evidence.refresh_from_db()
    assert evidence.file and evidence.original_name == "报警回执.png"


# --- the deadline behaves like a stage clock (reminder, breach, escalation, pauses) -----------


def test_the_deadline_reminds_before_then_breaches_and_escalates_like_a_clock(
    org, at, new_complaint
):
    at(FRI_1205_1000)
    case = new_complaint()
    body = record(case, org.handler, contact_id=org.head.pk)
    # Due Fri 19 Dec; the reminder at 75 % of the working time, on Wed 17 Dec.
    assert body.remind_at.astimezone(SHANGHAI).date() == date(2025, 12, 17)
    assert body.next_action_at == body.remind_at

    at(datetime(2025, 12, 18, 9, tzinfo=SHANGHAI))
    assert outside_bodies_remind() == 1
    assert outside_bodies_remind() == 0
    soon = Notification.objects.get(key=reminder_key(body))
    assert soon.recipient == org.head
    assert events(case, CaseEvent.Kind.REMINDER)[-1].data["late"] is False
    assert not Escalation.objects.filter(complaint=case, reason="outside_body").exists()

    at(datetime(2025, 12, 22, 9, tzinfo=SHANGHAI))
    assert outside_bodies_remind() == 1
    late = Notification.objects.get(key=reminder_key(body, late=True))
    assert late.recipient == org.head and late.body != soon.body  # "passed", not "due"
    assert events(case, CaseEvent.Kind.REMINDER)[-1].data["late"] is True
    first = Escalation.objects.get(complaint=case, reason="outside_body")
    assert first.level == 1 and first.key.endswith(f":body:{body.pk}:1")

    # A working day later, the next level, as for a missed stage clock.
    at(datetime(2025, 12, 23, 9, tzinfo=SHANGHAI))
    assert outside_bodies_remind() == 1
    assert sorted(
        Escalation.objects.filter(complaint=case, reason="outside_body").values_list(
            "level", flat=True
        )
    ) == [1, 2]
    body.refresh_from_db()
    assert (body.escalated_level, body.breached_at is not None) == (2, True)

    outside_body_close(complaint=case, body_id=body.pk, actor=org.handler, result="settled")
    body.refresh_from_db()
    assert body.next_action_at is None
    assert not Notification.objects.filter(
        key__startswith=f"outside_body:{body.pk}", settled_at__isnull=True
    ).exists()


def test_a_paused_case_pauses_the_bodys_deadline_and_resuming_gives_the_time_back(
    org, at, new_complaint
):
    at(FRI_1205_1000)
    case = new_complaint()
    counted = record(case, org.handler)
    dated = record(case, org.handler, name="区市监局", their_deadline=date(2025, 12, 12))

    # Waiting on an appraisal from Mon 8 Dec 10:00 (testing time is not counted, SAMR rules).
    at(datetime(2025, 12, 8, 10, tzinfo=SHANGHAI))
    clocks_pause(complaint=case, actor=org.handler, reason="testing_appraisal")
    counted.refresh_from_db()
    dated.refresh_from_db()
    assert counted.paused_at is not None and counted.next_action_at is None
    assert dated.paused_at is None  # the date on their notice is theirs and never moves
    paused = events(case, CaseEvent.Kind.CLOCKS_PAUSED)[-1]
    assert [body["id"] for body in paused.data["outside_bodies"]] == [counted.pk]

    # Past the deadline while paused: nothing is due for it.
    at(datetime(2025, 12, 22, 9, tzinfo=SHANGHAI))
    outside_bodies_remind()
    assert not Notification.objects.filter(key__startswith=f"outside_body:{counted.pk}").exists()

    # The appraisal comes back Mon 22 Dec 09:00: the ten working days left (8-19 Dec) count again
    # after that day, 23 Dec to 6 Jan (1 Jan is a holiday: the default calendar's or not).
    resumed = clocks_resume(complaint=case, actor=org.handler)
    counted.refresh_from_db()
    assert counted.paused_at is None and counted.due_at > datetime(2026, 1, 2, tzinfo=SHANGHAI)
    assert counted.next_action_at is not None
    moved = events(case, CaseEvent.Kind.CLOCKS_RESUMED)[-1].data["outside_bodies"]
    assert moved[0]["outside_body"]["id"] == counted.pk
    assert resumed  # the case's own clocks resumed too


def test_a_kind_whose_target_does_not_stop_for_the_reason_keeps_running(org, at, new_complaint):
    at(FRI_1205_1000)
    OutsideBodyTarget.objects.filter(kind=REGULATOR).update(pause_reasons=["testing_appraisal"])
    case = new_complaint()
    body = record(case, org.handler)
    clocks_pause(complaint=case, actor=org.handler, reason="waiting_customer")
    body.refresh_from_db()
    assert body.paused_at is None and body.next_action_at is not None
