"""The product quality loop (issue 16 §7; seed 004 §四.1, §四.17): a quality complaint passed to
quality control and purchasing with the product and supplier, both departments notified, their
answers recorded (each settling that department's notification), the case showing what is pending.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import Role
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import (
    CaseEvent,
    Notification,
    QualityDepartment,
    QualityReferral,
    State,
)
from complaints.selectors.access import (
    complaint_is_visible_to,
    complaint_is_workable_by,
    complaints_visible_to,
)
from complaints.services.quality import quality_answer_record, quality_pending, quality_refer
from complaints.views.case.timeline import describe
from tests.complaints.conftest import PATH_TO, roles_with, user_of
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # The refusals are asserted in their English words.
    with translation.override("en"):
        yield


QC, PURCHASING = QualityDepartment.QUALITY_CONTROL, QualityDepartment.PURCHASING


@pytest.fixture
def loop(org):
    """品控部 with a head and an inspector; 采购部 without a head, two buyers."""
    quality = DepartmentFactory(name="品控部", code="quality", kind="functional")
    purchasing = DepartmentFactory(name="采购部", code="purchasing")
    qc_head = UserFactory(username="qc_head", role=Role.DEPT_HEAD, department=quality)
    quality.head = qc_head
    quality.save()
    UserFactory(username="qc1", role=Role.HANDLER, department=quality)
    buyers = [
        UserFactory(username=f"buyer{n}", role=Role.HANDLER, department=purchasing) for n in (1, 2)
    ]
    return qc_head, buyers


@pytest.fixture
def case(complaint_in, org):
    return complaint_in(State.INVESTIGATION, product_or_service="实木餐桌 1.6米")


def _refer(case, actor):
    return quality_refer(
        complaint=case,
        actor=actor,
        product="实木餐桌 1.6米",
        product_code="ZT-160-0923",
        supplier="南康家具有限公司",
        problem="桌面开裂，使用两个月",
    )


def _answer(case, referral, actor, **overrides):
    data = {
        "department": PURCHASING,
        "answered_on": timezone.localdate(),
        "supplier_contacted": True,
        "taken_off_sale": True,
        "notes": "供应商同意退货",
    }
    data.update(overrides)
    return quality_answer_record(complaint=case, referral_id=referral.pk, actor=actor, **data)


class TestRefer:
    def test_both_departments_are_told_and_it_is_on_the_timeline(self, org, loop, case):
        qc_head, _buyers = loop
        referral = _refer(case, org.agent)
        event = case.events.order_by("-at", "-id").first()
        assert event.kind == CaseEvent.Kind.QUALITY_REFERRED
        assert event.data["supplier"] == "南康家具有限公司"
        assert event.comment == "桌面开裂，使用两个月"
        told = Notification.objects.filter(kind=Notification.Kind.QUALITY, complaint=case)
        assert {(n.recipient.username, n.key) for n in told} == {
            ("qc_head", f"quality:{referral.pk}:{QC}"),
            ("qc1", f"quality:{referral.pk}:{QC}"),
            ("buyer1", f"quality:{referral.pk}:{PURCHASING}"),
            ("buyer2", f"quality:{referral.pk}:{PURCHASING}"),
        }
        assert "南康家具有限公司" in told.get(recipient=qc_head).body
        assert quality_pending(referral) == [QC, PURCHASING]

    def test_those_told_may_read_the_case_they_were_asked_about_and_no_other(
        self, org, loop, case, complaint_in
    ):
        other = complaint_in(State.INVESTIGATION)
        _refer(case, org.agent)
        for username in ("qc_head", "qc1", "buyer1", "buyer2"):
            person = User.objects.get(username=username)
            assert complaint_is_visible_to(user=person, complaint=case), username
            assert not complaint_is_workable_by(user=person, complaint=case), username
            assert list(complaints_visible_to(user=person)) == [case], username
            assert not complaint_is_visible_to(user=person, complaint=other), username

    @pytest.mark.parametrize("role", sorted(set(Role) - roles_with("refer_to_quality")))
    def test_roles_without_the_permission_are_refused(self, org, loop, case, role):
        with pytest.raises((PermissionDenied, NotFound)):
            _refer(case, user_of(org, role))
        assert not QualityReferral.objects.exists()

    def test_product_supplier_and_problem_are_needed(self, org, loop, case):
        with pytest.raises(InvalidInput) as refused:
            quality_refer(complaint=case, actor=org.agent, product="", supplier=" ", problem="")
        assert set(refused.value.fields) == {"product", "supplier", "problem"}

    def test_not_once_the_case_is_finished(self, org, loop, complaint_in):
        closed = complaint_in(State.CLOSED)
        with pytest.raises(ConditionNotMet):
            _refer(closed, org.manager)

    def test_unknown_department_codes_notify_nobody(self, org, case, settings):
        settings.QUALITY_DEPARTMENT_CODE = "no-such"
        settings.PURCHASING_DEPARTMENT_CODE = "no-such"
        _refer(case, org.agent)
        assert not Notification.objects.filter(kind=Notification.Kind.QUALITY).exists()


class TestAnswer:
    def test_an_answer_settles_its_department_and_tells_the_assignee(self, org, loop, case):
        referral = _refer(case, org.agent)
        answer = _answer(
            case,
            referral,
            org.manager,
            compensated_by_supplier=True,
            compensation_amount=Decimal(800),
        )
        assert answer.recorded_by == org.manager
        event = case.events.order_by("-at", "-id").first()
        assert event.kind == CaseEvent.Kind.QUALITY_ANSWERED
        assert event.data["department"] == PURCHASING
        assert event.data["taken_off_sale"] is True
        assert event.data["compensation_amount"] == "800"
        purchasing = Notification.objects.filter(key=f"quality:{referral.pk}:{PURCHASING}")
        assert all(n.settled_reason == Notification.Settled.ANSWERED for n in purchasing)
        qc = Notification.objects.filter(key=f"quality:{referral.pk}:{QC}")
        assert qc.count() == 2 and all(n.settled_at is None for n in qc)
        # Nobody is assigned: the head of the case's department hears of it.
        told = Notification.objects.get(key=f"quality-answer:{answer.pk}")
        assert told.recipient == org.head
        assert quality_pending(referral) == [QC]

    def test_a_department_may_answer_again_and_nothing_is_pending_once_both_did(
        self, org, loop, case
    ):
        referral = _refer(case, org.agent)
        _answer(case, referral, org.handler)
        _answer(case, referral, org.handler, taken_off_sale=False, returned_to_supplier=True)
        _answer(case, referral, org.handler, department=QC, finding="defect_confirmed")
        assert quality_pending(referral) == []
        assert referral.answers.count() == 3

    def test_whoever_would_be_told_is_not_told_of_their_own_answer(self, org, loop, case):
        referral = _refer(case, org.agent)
        answer = _answer(case, referral, org.head)
        assert not Notification.objects.filter(key=f"quality-answer:{answer.pk}").exists()

    def test_an_empty_answer_and_a_stray_amount_are_refused(self, org, loop, case):
        referral = _refer(case, org.agent)
        with pytest.raises(InvalidInput) as refused:
            _answer(
                case,
                referral,
                org.handler,
                supplier_contacted=False,
                taken_off_sale=False,
                notes="",
            )
        assert "notes" in refused.value.fields
        with pytest.raises(InvalidInput) as refused:
            _answer(case, referral, org.handler, compensation_amount=Decimal(10))
        assert "compensation_amount" in refused.value.fields

    def test_the_day_is_not_before_the_referral_nor_in_the_future(self, org, loop, case):
        referral = _refer(case, org.agent)
        for day in (timezone.localdate() - timedelta(days=2), timezone.localdate() + timedelta(1)):
            with pytest.raises(InvalidInput) as refused:
                _answer(case, referral, org.handler, answered_on=day)
            assert "answered_on" in refused.value.fields

    def test_answers_are_recorded_after_the_case_is_closed(self, org, loop, flow, case):
        referral = _refer(case, org.agent)
        case.refresh_from_db()
        for name in PATH_TO[State.CLOSED][len(PATH_TO[State.INVESTIGATION]) :]:
            case = flow.run(flow.prepare(case, name), name)
        assert case.state == State.CLOSED
        _answer(case, referral, org.manager)
        assert quality_pending(referral) == [QC]

    def test_those_told_may_read_the_case_they_were_asked_about_and_no_other(
        self, org, loop, case, complaint_in
    ):
        other = complaint_in(State.INVESTIGATION)
        _refer(case, org.agent)
        for username in ("qc_head", "qc1", "buyer1", "buyer2"):
            person = User.objects.get(username=username)
            assert complaint_is_visible_to(user=person, complaint=case), username
            assert not complaint_is_workable_by(user=person, complaint=case), username
            assert list(complaints_visible_to(user=person)) == [case], username
            assert not complaint_is_visible_to(user=person, complaint=other), username

    @pytest.mark.parametrize("role", sorted(set(Role) - roles_with("refer_to_quality")))
    def test_roles_without_the_permission_may_not_answer(self, org, loop, case, role):
        referral = _refer(case, org.agent)
        with pytest.raises((PermissionDenied, NotFound)):
            _answer(case, referral, user_of(org, role))


def test_the_timeline_says_what_was_passed_on_and_answered(org, loop, case):
    referral = _refer(case, org.agent)
    _answer(case, referral, org.handler, compensated_by_supplier=True, compensation_amount=800)
    referred, answered = (
        describe(event, reader=org.handler)
        for event in case.events.filter(
            kind__in=[CaseEvent.Kind.QUALITY_REFERRED, CaseEvent.Kind.QUALITY_ANSWERED]
        ).order_by("at", "id")
    )
    assert "南康家具有限公司" in dict(referred.details).values()
    details = dict(answered.details)
    assert len(details) == 3  # the day, what was done, the supplier's compensation
    assert all(value != "—" for value in details.values())
