"""manage.py seed_demo: the demo organisation and ~200 complaints with consistent histories.

Seeding takes a while, so it runs once for the module inside a transaction that is rolled back at
the end (the tests' own transactions nest in it as savepoints).
"""

from __future__ import annotations

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role
from complaints.models import (
    OPEN_STATES,
    CaseEvent,
    Category,
    Channel,
    Complaint,
    Customer,
    CustomerContact,
    Decision,
    DecisionApproval,
    FollowUp,
    Handoff,
    Mailbox,
    Severity,
    State,
)
from complaints.services.mailboxes import mailboxes_poll
from demo import data as demo_data
from demo.seed.customers import make_customers
from demo.seed.planning import SEED, plan_cases
from demo.seed.run import PHONE_ONLY_CUSTOMER
from sla.models import Escalation

pytestmark = pytest.mark.django_db

COUNTED = (
    Complaint,
    Customer,
    CaseEvent,
    User,
    Department,
    Category,
    Decision,
    DecisionApproval,
    CustomerContact,
    FollowUp,
    Handoff,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run seed_demo once for this module; returns (output, the time it ran)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out, err = StringIO(), StringIO()
            started = timezone.now()
            call_command("seed_demo", stdout=out, stderr=err)
            assert err.getvalue() == ""  # no case was refused by a service
            yield out.getvalue(), started
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_creates_the_departments_under_management(seeded):
    management = Department.objects.get(code="management")
    assert management.name == "总经理办公室"
    assert management.kind == Department.Kind.MANAGEMENT
    expected = {
        "customer-service": "客服部",
        "product": "产品部",
        "service": "服务部",
        "legal": "法务部",
        "marketing": "市场部",
        "quality": "品控部",
        "risk-control": "风险防控部",
        "purchasing": "采购部",
        "finance": "财务部",
    }
    for code, name in expected.items():
        department = Department.objects.get(code=code)
        assert department.name == name
        assert department.parent == management
    assert Department.objects.get(code="customer-service").kind == Department.Kind.CUSTOMER_SERVICE
    assert Department.objects.get(code="service").head.username == "head"
    assert Department.objects.get(code="legal").head.username == "legal_head"
    assert management.head.username == "executive"


@pytest.mark.parametrize(
    ("username", "role", "department", "limit"),
    [
        ("agent", Role.AGENT, "客服部", 500),
        ("handler", Role.HANDLER, "服务部", 2000),
        ("head", Role.DEPT_HEAD, "服务部", 20000),
        ("manager", Role.COMPLAINT_MANAGER, "客服部", 50000),
        ("executive", Role.EXECUTIVE, "总经理办公室", 1000000),
        ("auditor", Role.AUDITOR, None, 0),
        ("legal", Role.HANDLER, "法务部", 2000),
        ("legal_head", Role.DEPT_HEAD, "法务部", 20000),
        ("product", Role.HANDLER, "产品部", 2000),
    ],
)
def test_demo_users_have_their_role_department_and_password(
    seeded, username, role, department, limit
):
    user = User.objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [role.value]
    assert (user.department.name if user.department else None) == department
    assert user.approval_limit == limit
    assert user.check_password("demo1234")
    assert user.is_active and not user.is_superuser
    # Only the auditor (the audit log) and the complaint manager (the canned replies) open the
    # admin site; people's accounts stay shut.
    assert user.is_staff == (role in (Role.AUDITOR, Role.COMPLAINT_MANAGER))
    assert not user.has_perm("accounts.view_user")
    assert user.last_name and user.first_name


def test_the_demo_mailbox_is_switched_off_so_make_run_reads_no_mail(seeded):
    mailbox = Mailbox.objects.get()
    assert not mailbox.is_active and mailbox.department.code == "customer-service"
    assert mailbox.password_name == "COMPLAINTS_MAILBOX_PASSWORD"
    # Beat's job finds nothing to read: no connection attempted, no administrator told.
    assert mailboxes_poll() == []


def test_admin_is_a_superuser(seeded):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("demo1234")


def test_a_demo_seeded_when_every_login_was_staff_is_corrected(seeded):
    User.objects.filter(username="handler").update(is_staff=True)

    call_command("seed_demo", stdout=StringIO())

    assert not User.objects.get(username="handler").is_staff
    assert User.objects.get(username="auditor").is_staff


@pytest.mark.parametrize(
    ("secret_key", "https", "sign"),
    [
        ("a-real-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz", False, "DJANGO_SECRET_KEY"),
        ("django-insecure-demo-key-change-me-in-production", True, "DJANGO_HTTPS"),
    ],
)
def test_seed_demo_refuses_a_production_database(settings, secret_key, https, sign):
    settings.DEBUG = False
    settings.SECRET_KEY = secret_key
    settings.SESSION_COOKIE_SECURE = https
    before = User.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())

    assert "Refusing to load demo data" in str(refused.value)
    assert sign in str(refused.value)
    assert "--force" in str(refused.value)
    assert User.objects.count() == before


def test_seed_demo_runs_on_the_embedded_demo_settings_and_with_force(seeded, settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "django-insecure-demo-key-change-me-in-production"
    settings.SESSION_COOKIE_SECURE = False
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()

    settings.SECRET_KEY = "a-real-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    forced = StringIO()
    call_command("seed_demo", "--force", stdout=forced)
    assert "nothing changed" in forced.getvalue()


def test_category_tree_routes_to_departments(seeded):
    injury = Category.objects.get(code="personal-injury")
    assert injury.default_severity == Severity.URGENT
    assert injury.default_department.code == "risk-control"
    sales = Category.objects.get(code="sales")
    assert set(sales.children.values_list("code", flat=True)) == {
        "price",
        "contract-terms",
        "misleading-advertising",
    }
    assert set(
        Category.objects.get(code="after-sales").children.values_list("code", flat=True)
    ) >= {"repair-quality", "service-attitude", "parts"}
    assert Category.objects.filter(default_department__isnull=True).count() == 0


def test_about_200_complaints_in_every_state_channel_and_category(seeded):
    complaints = Complaint.objects.all()
    assert 190 <= complaints.count() <= 210
    states = set(complaints.values_list("state", flat=True))
    assert states == set(State.values)
    assert complaints.filter(state=State.CLOSED).count() > complaints.count() / 2
    for state in OPEN_STATES:
        assert complaints.filter(state=state).count() >= 5, state
    assert set(complaints.values_list("channel", flat=True)) == set(Channel.values)
    leaves = set(Category.objects.filter(children=None).values_list("pk", flat=True))
    assert set(complaints.values_list("category", flat=True)) >= leaves
    customers = Customer.objects.count()
    assert 100 <= customers <= 130
    assert customers < complaints.count()  # some customers complained more than once


def test_a_customer_with_only_a_mobile_number_is_acknowledged_by_text(seeded):
    customer = Customer.objects.get(phone=PHONE_ONLY_CUSTOMER["customer_phone"])
    assert customer.email == ""
    complaint = customer.complaints.get()
    assert complaint.channel == Channel.SMS and complaint.state == State.INTAKE
    created = complaint.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.data["acknowledgement"] == "texted"  # sent by the worker after the commit


def test_the_outside_body_case_has_a_12315_referral_and_a_signed_mediation(seeded):
    from complaints.models import OutsideBody
    from demo.seed.outside_bodies import CUSTOMER

    complaint = Customer.objects.get(phone=CUSTOMER["customer_phone"]).complaints.get()
    bodies = {body.kind: body for body in OutsideBody.objects.filter(complaint=complaint)}
    referral, mediation = bodies["market_regulator"], bodies["consumer_association"]
    assert referral.their_reference and referral.due_at and referral.is_open
    assert mediation.signing_text_code == "settled_not_admitted"
    assert mediation.signed_text.startswith("公司不认可消费者所称的事实")
    assert mediation.result == "settled" and mediation.documents.count() == 1
    assert referral.off_sale_orders.get().done_by.username == "purchasing"
    assert complaint.legal_hold


def test_every_timeline_starts_with_created_and_follows_the_state_machine(seeded):
    _output, started = seeded
    for complaint in Complaint.objects.prefetch_related("events"):
        events = list(complaint.events.all())
        assert events[0].kind == CaseEvent.Kind.CREATED, complaint.reference
        assert events[0].at >= complaint.received_at
        assert events[-1].at <= started
        state = State.INTAKE
        for event in events:
            if event.kind == CaseEvent.Kind.TRANSITION:
                assert event.from_state == state, complaint.reference
                state = event.to_state
        assert state == complaint.state, complaint.reference
        transitions = [e for e in events if e.kind == CaseEvent.Kind.TRANSITION]
        assert bool(transitions) == (complaint.state != State.INTAKE)


def test_history_follows_the_simulated_clock_over_twelve_months(seeded):
    _output, started = seeded
    received = Complaint.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    assert received["first"] <= started - timedelta(days=330)
    assert received["last"] >= started - timedelta(days=1)
    # Rows stamped by the services (and auto_now fields) carry the simulated dates.
    assert CaseEvent.objects.aggregate(at=Min("at"))["at"] <= started - timedelta(days=330)
    assert Decision.objects.aggregate(at=Min("created_at"))["at"] <= started - timedelta(days=300)
    assert FollowUp.objects.aggregate(at=Min("at"))["at"] <= started - timedelta(days=300)
    assert Customer.objects.aggregate(at=Min("created_at"))["at"] <= started - timedelta(days=330)
    for complaint in Complaint.objects.filter(state=State.CLOSED):
        assert complaint.received_at < complaint.closed_at <= started
        assert complaint.created_at == complaint.events.first().at
    months = {
        timezone.localtime(at).strftime("%Y-%m")
        for at in Complaint.objects.values_list("received_at", flat=True)
    }
    assert len(months) >= 12


def test_open_cases_have_recent_and_overdue_ones(seeded):
    _output, started = seeded

    def ages(state: str) -> list[float]:
        return [
            (started - received).total_seconds() / 86400
            for received in Complaint.objects.filter(state=state).values_list(
                "received_at", flat=True
            )
        ]

    for state in (State.INTAKE, State.TRIAGE, State.INVESTIGATION):
        assert min(ages(state)) < 1, state  # received today
    for state in OPEN_STATES:
        assert min(ages(state)) < 5, state  # something recent in every open stage
    # Older investigations for the SLA engine to escalate (four working days ≥ four days).
    assert sum(age >= 4 for age in ages(State.INVESTIGATION)) >= 5


def test_workflow_situations_are_represented(seeded):
    complaints = Complaint.objects.all()
    reopened = complaints.filter(reopen_count__gt=0)
    assert reopened.filter(state=State.CLOSED).count() >= 5
    assert reopened.filter(state__in=OPEN_STATES).exists()
    assert Handoff.objects.filter(to_department__code="legal").count() >= 3
    assert complaints.filter(personal_injury=True).exists()
    assert complaints.filter(media_involved=True).exists()
    assert complaints.filter(regulator_involved=True).exists()
    assert complaints.filter(severity=Severity.MAJOR).exists()
    # Decisions above the handler's limit, approved up the chain.
    approvers = set(
        DecisionApproval.objects.filter(verdict="approved", decision__amount__gt=2000)
        .exclude(approver=F("decision__proposed_by"))
        .values_list("approver__username", flat=True)
    )
    assert "manager" in approvers
    assert approvers & {"head", "legal_head", "risk_head", "product_head", "marketing_head"}
    assert DecisionApproval.objects.filter(verdict="refused").exists()
    assert Decision.objects.filter(state=Decision.Status.PENDING_APPROVAL).count() >= 2
    # Follow-ups: satisfied, dissatisfied and unanswered visits.
    assert FollowUp.objects.filter(reached=False).exists()
    assert FollowUp.objects.filter(satisfaction__lte=2).exists()
    assert FollowUp.objects.filter(satisfaction__gte=4).exists()
    # Simple cases answered on the spot and complaints filed by customers themselves.
    assert CaseEvent.objects.filter(transition="answer_on_spot").exists()
    assert complaints.filter(received_by__isnull=True).exists()


def test_output_lists_the_logins(seeded):
    output, _started = seeded
    assert "demo1234" in output
    for username in ("admin", "agent", "handler", "head", "manager", "executive", "auditor"):
        assert f"  {username} " in output


def test_running_again_changes_nothing(seeded):
    before = {model.__name__: model.objects.count() for model in COUNTED}
    last_change = Complaint.objects.aggregate(at=Max("updated_at"))["at"]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    after = {model.__name__: model.objects.count() for model in COUNTED}
    assert after == before
    assert Complaint.objects.aggregate(at=Max("updated_at"))["at"] == last_change
    assert "nothing changed" in out.getvalue()


def test_the_plan_does_not_depend_on_the_day_it_runs():
    def plan(now):
        rng = random.Random(SEED)
        specs = plan_cases(rng, make_customers(rng), now)
        return sorted(
            (spec.number, spec.target, spec.channel, spec.scenario and spec.scenario.key)
            for spec in specs
        )

    now = timezone.now()
    assert plan(now) == plan(now - timedelta(days=100, hours=7))
    assert len(demo_data.SCENARIOS) >= 40


def test_every_urgent_fact_of_the_demo_went_to_senior_management_once(seeded):
    # issue 12 §1.2: the demo's cases come through the services like any door
    facts = {
        "personal_injury": "personal_injury",
        "media_involved": "media",
        "regulator_involved": "regulator",
        "legal_risk": "legal",
    }
    escalated = set(
        Escalation.objects.filter(level=3, clock__isnull=True).values_list("complaint", "reason")
    )
    for flag, reason in facts.items():
        flagged = set(Complaint.objects.filter(**{flag: True}).values_list("pk", flat=True))
        assert flagged, flag
        assert flagged <= {pk for pk, found in escalated if found == reason}, flag
    assert Complaint.objects.filter(channel="legal_notice", legal_risk=True).exists()
    assert Complaint.objects.filter(channel="government", regulator_involved=True).exists()


def test_last_month_s_report_snapshot_is_kept(seeded, client):
    from reports.domain import last_full_month
    from reports.models import ReportSnapshot

    _output, started = seeded
    period = last_full_month(timezone.localtime(started).date())
    snapshot = ReportSnapshot.objects.get(kind="month", period_start=period.first)
    assert snapshot.department is None
    assert snapshot.emailed_at is None  # the demo's history is not news
    received = snapshot.figures["zh-hans"]["sections"][0]["tables"][0]["rows"][0][1]["value"]
    assert received > 0
    client.force_login(User.objects.get(username="manager"))
    listing = client.get("/reports/snapshots/").content.decode()
    assert f"/reports/snapshots/{snapshot.pk}/" in listing


def test_the_customer_service_department_counts_first_contact_in_service_hours(seeded):
    from sla.models import Clock, ServicePeriod, SlaPolicy, Stage, Unit

    policy = SlaPolicy.objects.get(code="customer-service-general")
    assert policy.category.code == "other"
    assert policy.category.default_department.code == "customer-service"
    first = policy.targets.get(stage=Stage.FIRST_RESPONSE)
    assert (first.amount, first.unit) == (4, Unit.SERVICE_HOURS)
    assert ServicePeriod.objects.filter(calendar=policy.calendar).count() == 10
    # 客服部 keeps that calendar for its own deadlines and its people's quiet hours
    from sla.models import DepartmentCalendar

    own = DepartmentCalendar.objects.get(department__code="customer-service")
    assert own.calendar == policy.calendar
    # the seeded general policy is as it was: 24 clock hours
    seeded_first = SlaPolicy.objects.get(code="default-general").targets.get(
        stage=Stage.FIRST_RESPONSE
    )
    assert (seeded_first.amount, seeded_first.unit) == (24, Unit.HOURS)
    assert Clock.objects.filter(unit=Unit.SERVICE_HOURS, target=first).exists()


def test_the_registers_have_a_lawyers_letter_on_a_case_and_a_month_of_lost_property(seeded):
    """Issue 16 §4-5: one lawyer's letter linked to a demo case and forwarded to the legal
    department, court papers signed for, and lost property over the month for the statistics."""
    from complaints.models import LegalDocument, LostProperty
    from complaints.selectors.registers import lost_property_month

    letter = LegalDocument.objects.get(kind="lawyer_letter")
    assert letter.receipt == "left_unsigned" and letter.complaint is not None
    assert letter.forwarded_to_department.code == "legal"
    assert letter.complaint.events.filter(kind=CaseEvent.Kind.LEGAL_DOCUMENT).exists()
    assert LegalDocument.objects.get(kind="court").receipt == "signed"
    assert LostProperty.objects.count() == 15
    today = timezone.localdate()
    figures = lost_property_month(year=today.year, month=today.month)
    assert figures.total >= 1 and sum(figures.by_hour) == figures.total


def test_the_market_presets_are_loaded_and_not_in_force(seeded):
    """Issue 17 §4: the other markets' presets are there to put in force from the admin; the
    demo company keeps the seeded policies."""
    from sla.presets import PRESETS
    from sla.selectors import policy_for, preset_states

    states = preset_states()
    assert {market: state.loaded for market, state in states.items()} == dict.fromkeys(PRESETS, 4)
    assert not any(state.active for state in states.values())
    assert policy_for(severity="general", category=None).code == "default-general"


def test_the_improvement_actions_have_one_verified_effective_and_one_overdue(seeded):
    """Issue 18 §1: the demo's actions, one verified effective with the figures it was judged on,
    one overdue and escalated; those from a case are on its timeline."""
    from complaints.models import ActionStatus, ImprovementAction

    now = timezone.now()
    actions = list(ImprovementAction.objects.order_by("pk"))
    assert len(actions) == 4
    effective = [a for a in actions if a.status == ActionStatus.EFFECTIVE]
    assert len(effective) == 1
    assert effective[0].effect_before > effective[0].effect_after
    # What was done is shown by files, checked like evidence.
    assert [f.content_type for f in effective[0].files.all()] == ["image/png", "image/png"]
    overdue = [a for a in actions if a.is_overdue(now)]
    assert len(overdue) == 1 and overdue[0].escalated_level >= 1
    assert {"case", "report"} <= {a.origin for a in actions}
    for action in actions:
        for link in action.case_links.all():
            assert link.complaint.events.filter(
                kind=CaseEvent.Kind.IMPROVEMENT_ACTION, data__action_id=action.pk
            ).exists()
