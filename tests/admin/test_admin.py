"""The admin: every page opens, the record cannot be altered, and every change goes through the
services with the admin user as actor."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from complaints.models import (
    CaseEvent,
    Complaint,
    CustomerContact,
    Decision,
    DecisionApproval,
    EvidenceFile,
    FollowUp,
    Handoff,
    Severity,
    State,
)
from complaints.services import (
    complaint_hand_off,
    complaint_transition,
    complaint_triage,
    decision_approve,
    decision_propose,
    evidence_add,
    follow_up_record,
)
from tests.factories import ComplaintFactory, UserFactory


@pytest.fixture
def admin_user(org):
    return UserFactory(
        username="admin", is_superuser=True, is_staff=True, approval_limit=Decimal(1000000)
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def work_through(org, new_complaint, *, phone: str = "13812345678") -> Complaint:
    """A case taken from intake to follow-up, leaving one row of every record kind."""
    complaint = new_complaint(customer_phone=phone)
    complaint = complaint_transition(complaint=complaint, name="start_triage", actor=org.agent)
    complaint = complaint_triage(complaint=complaint, actor=org.agent, assignee=org.handler)
    complaint = complaint_transition(
        complaint=complaint, name="start_investigation", actor=org.agent
    )
    complaint_hand_off(
        complaint=complaint,
        actor=org.handler,
        to_department=org.service,
        to_user=org.head,
        note="需要部门负责人现场查看。",
    )
    evidence_add(
        complaint=fresh(complaint),
        actor=org.handler,
        kind="witness_statement",
        upload=SimpleUploadedFile("statement.txt", "维修师傅承认未更换部件。".encode()),
    )
    complaint = complaint_transition(
        complaint=fresh(complaint),
        name="complete_investigation",
        actor=org.head,
        data={"findings": "维修未更换压缩机。"},
    )
    decision = decision_propose(
        complaint=complaint,
        actor=org.handler,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal(5000),
        rationale="维修质量问题属实。",
    )
    decision_approve(decision=decision, actor=org.head)
    complaint = complaint_transition(complaint=fresh(complaint), name="decide", actor=org.head)
    complaint = complaint_transition(
        complaint=complaint,
        name="send_reply",
        actor=org.handler,
        data={"channel": "phone", "content": "赔偿5000元并重新维修。"},
    )
    follow_up_record(
        complaint=complaint,
        actor=org.agent,
        method="phone",
        reached=True,
        satisfaction=5,
        resolved=True,
    )
    return fresh(complaint)


def complaint_at_decision(org, new_complaint, *, amount: Decimal) -> tuple[Complaint, Decision]:
    complaint = new_complaint(customer_phone="13900001111")
    for name, data in [
        ("start_triage", None),
        ("start_investigation", None),
        ("complete_investigation", {"findings": "属实。"}),
    ]:
        complaint = complaint_transition(
            complaint=complaint, name=name, actor=org.manager, data=data
        )
    decision = decision_propose(
        complaint=complaint,
        actor=org.handler,
        remedy="compensation",
        outcome="upheld",
        amount=amount,
        rationale="属实。",
    )
    return fresh(complaint), decision


class _FormFields(HTMLParser):
    """What a browser would submit for the change form: every named control's current value."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n")


def change_form_data(client, url: str, **changes) -> dict:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    for name, value in changes.items():
        data[name] = value
    return data


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


RECORD_MODELS = [
    CaseEvent,
    Handoff,
    EvidenceFile,
    Decision,
    DecisionApproval,
    CustomerContact,
    FollowUp,
]


# --- every page opens ---


def test_every_changelist_and_change_page_opens_for_a_superuser(admin_client, org, new_complaint):
    complaint = work_through(org, new_complaint)
    objects = [
        org.service,
        org.handler,
        org.category,
        complaint.customer,
        complaint,
        *(model.objects.first() for model in RECORD_MODELS),
    ]
    objects.append(Group.objects.get(name="handler"))

    assert admin_client.get(reverse("admin:index")).status_code == 200
    for obj in objects:
        assert obj is not None
        assert admin_client.get(changelist_url(type(obj))).status_code == 200, type(obj)
        assert admin_client.get(change_url(obj)).status_code == 200, type(obj)


def test_changelists_search_and_filter(admin_client, org, new_complaint):
    complaint = work_through(org, new_complaint)

    response = admin_client.get(
        changelist_url(Complaint),
        {
            "q": "13812345678",
            "state__exact": State.FOLLOW_UP,
            "category__id__exact": org.category.pk,
        },
    )

    assert list(response.context["cl"].result_list) == [complaint]


def test_complaints_cannot_be_added_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:complaints_complaint_add"))

    assert response.status_code == 403


# --- the record is unalterable ---


def test_a_case_event_cannot_be_changed_or_deleted_through_the_admin(admin_client, new_complaint):
    complaint = new_complaint()
    event = complaint.events.get()
    before = CaseEvent.objects.values().get(pk=event.pk)

    changed = admin_client.post(change_url(event), {"comment": "rewritten", "kind": "note"})
    deleted = admin_client.post(
        reverse("admin:complaints_caseevent_delete", args=[event.pk]), {"post": "yes"}
    )
    bulk = admin_client.post(
        changelist_url(CaseEvent),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code in (200, 302)
    assert CaseEvent.objects.values().get(pk=event.pk) == before


@pytest.mark.parametrize("model", [Complaint, *RECORD_MODELS])
def test_no_complaint_record_can_be_deleted_or_added(admin_user, model, rf):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]

    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


# --- stage changes go through the transition runner ---


def test_a_stage_action_moves_the_case_and_records_the_admin_as_actor(
    admin_client, admin_user, new_complaint
):
    complaint = new_complaint()

    response = admin_client.post(
        changelist_url(Complaint),
        {"action": "transition_start_triage", "_selected_action": [complaint.pk]},
    )

    assert response.status_code == 302
    complaint = fresh(complaint)
    assert complaint.state == State.TRIAGE
    event = complaint.events.latest("at", "id")
    assert (event.kind, event.transition, event.actor) == (
        CaseEvent.Kind.TRANSITION,
        "start_triage",
        admin_user,
    )


def test_an_impossible_stage_action_shows_the_reason_and_changes_nothing(
    admin_client, new_complaint
):
    complaint = new_complaint()
    events_before = complaint.events.count()

    response = admin_client.post(
        changelist_url(Complaint),
        {"action": "transition_close", "_selected_action": [complaint.pk]},
    )

    assert any(
        complaint.reference in text and "is not possible while the complaint is in" in text
        for text in message_texts(response)
    )
    complaint_after = fresh(complaint)
    assert complaint_after.state == State.INTAKE
    assert complaint_after.version == complaint.version
    assert complaint_after.events.count() == events_before


def test_the_change_form_runs_a_transition_with_its_input(
    admin_client, admin_user, org, new_complaint
):
    complaint = complaint_transition(
        complaint=new_complaint(), name="start_triage", actor=org.agent
    )
    url = change_url(complaint)

    response = admin_client.post(
        url,
        change_form_data(
            admin_client,
            url,
            transition="reject",
            transition_reason="duplicate",
            transition_comment="已在处理中。",
        ),
    )

    assert response.status_code == 302
    complaint = fresh(complaint)
    assert (complaint.state, complaint.rejection_reason) == (State.REJECTED, "duplicate")
    event = complaint.events.latest("at", "id")
    assert (event.transition, event.actor, event.comment) == ("reject", admin_user, "已在处理中。")


def test_a_transition_refused_in_the_change_form_is_shown_and_changes_nothing(
    admin_client, org, new_complaint
):
    complaint = complaint_transition(
        complaint=new_complaint(category=None), name="start_triage", actor=org.agent
    )
    url = change_url(complaint)
    events_before = complaint.events.count()

    response = admin_client.post(
        url, change_form_data(admin_client, url, transition="start_investigation")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "Set the category, severity and owning department first." in form.non_field_errors()
    assert fresh(complaint).state == State.TRIAGE
    assert fresh(complaint).events.count() == events_before


def test_missing_transition_input_is_shown_on_its_field(admin_client, org, new_complaint):
    complaint = complaint_transition(
        complaint=new_complaint(), name="start_triage", actor=org.agent
    )
    url = change_url(complaint)

    response = admin_client.post(url, change_form_data(admin_client, url, transition="reject"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["transition_reason"]
    assert fresh(complaint).state == State.TRIAGE


# --- routing changes go through triage ---


def test_editing_severity_in_the_change_form_writes_a_triage_event(
    admin_client, admin_user, new_complaint
):
    complaint = new_complaint()
    url = change_url(complaint)

    response = admin_client.post(
        url,
        change_form_data(
            admin_client, url, severity=Severity.COMPLEX, triage_comment="涉及多次维修。"
        ),
    )

    assert response.status_code == 302
    complaint_after = fresh(complaint)
    assert complaint_after.severity == Severity.COMPLEX
    assert complaint_after.version == complaint.version + 1
    event = complaint_after.events.filter(kind=CaseEvent.Kind.TRIAGED).latest("at", "id")
    assert (event.kind, event.actor, event.comment) == (
        CaseEvent.Kind.TRIAGED,
        admin_user,
        "涉及多次维修。",
    )
    assert event.data["changes"] == {"severity": [Severity.GENERAL, Severity.COMPLEX]}


def test_routing_and_stage_change_together(admin_client, org, new_complaint):
    complaint = complaint_transition(
        complaint=new_complaint(category=None), name="start_triage", actor=org.agent
    )
    url = change_url(complaint)

    response = admin_client.post(
        url,
        change_form_data(
            admin_client,
            url,
            category=org.category.pk,
            department=org.service.pk,
            assignee=org.handler.pk,
            transition="start_investigation",
        ),
    )

    assert response.status_code == 302
    complaint = fresh(complaint)
    assert (complaint.state, complaint.department, complaint.assignee) == (
        State.INVESTIGATION,
        org.service,
        org.handler,
    )
    kinds = list(complaint.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEvent.Kind.TRIAGED, CaseEvent.Kind.TRANSITION]


def test_a_refused_routing_change_is_shown_on_its_field_and_nothing_is_saved(
    admin_client, org, new_complaint
):
    complaint = new_complaint()
    url = change_url(complaint)

    response = admin_client.post(
        url, change_form_data(admin_client, url, assignee=org.other_handler.pk)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["assignee"] == [
        "The assignee must belong to the owning department."
    ]
    assert fresh(complaint).assignee is None
    assert fresh(complaint).events.count() == 1


def test_a_stale_change_form_is_refused_with_a_conflict(admin_client, org, new_complaint):
    complaint = new_complaint()
    url = change_url(complaint)
    stale = change_form_data(admin_client, url, severity=Severity.COMPLEX)
    complaint_triage(complaint=complaint, actor=org.agent, severity=Severity.URGENT)

    response = admin_client.post(url, stale)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("Someone else changed this complaint first" in error for error in errors)
    assert fresh(complaint).severity == Severity.URGENT


def test_a_finished_complaint_is_view_only(admin_client, org, new_complaint):
    complaint = complaint_transition(complaint=new_complaint(), name="withdraw", actor=org.agent)
    url = change_url(complaint)

    response = admin_client.post(url, {"severity": Severity.MAJOR})

    assert response.status_code == 403
    assert fresh(complaint).severity == Severity.GENERAL


# --- decisions ---


def test_approving_decisions_from_the_admin_goes_through_the_service(
    admin_client, admin_user, org, new_complaint
):
    complaint, decision = complaint_at_decision(org, new_complaint, amount=Decimal(30000))
    assert decision.state == Decision.Status.PENDING_APPROVAL

    response = admin_client.post(
        changelist_url(Decision),
        {"action": "approve_decisions", "_selected_action": [decision.pk]},
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.state, decision.approved_by) == (Decision.Status.APPROVED, admin_user)
    approval = decision.approvals.get()
    assert approval.approver == admin_user
    assert complaint.events.filter(kind=CaseEvent.Kind.DECISION_APPROVED, actor=admin_user).exists()


def test_a_decision_beyond_the_admin_users_limit_is_reported(
    admin_client, admin_user, org, new_complaint
):
    admin_user.approval_limit = Decimal(100)
    admin_user.save()
    _complaint, decision = complaint_at_decision(org, new_complaint, amount=Decimal(30000))

    response = admin_client.post(
        changelist_url(Decision),
        {"action": "approve_decisions", "_selected_action": [decision.pk]},
    )

    assert any("approval limit" in text for text in message_texts(response))
    decision.refresh_from_db()
    assert decision.state == Decision.Status.PENDING_APPROVAL


# --- organisation set-up ---


def test_a_department_cannot_be_put_below_its_own_sub_department(admin_client, org):
    url = change_url(org.management)

    response = admin_client.post(
        url,
        change_form_data(admin_client, url, parent=org.service.pk),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]


def test_an_administrator_creates_a_user_with_department_role_and_limit(admin_client, org):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_handler",
            "usable_password": "true",
            "password1": "a-Long-password-42",
            "password2": "a-Long-password-42",
            "department": org.service.pk,
            "approval_limit": "3000",
            "groups": [Group.objects.get(name="handler").pk],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new_handler")
    assert (user.department, user.approval_limit) == (org.service, Decimal(3000))
    assert user.has_perm("complaints.investigate_complaint")


def test_role_groups_are_read_only(admin_client):
    group = Group.objects.get(name="handler")

    response = admin_client.post(change_url(group), {"name": "renamed"})

    assert response.status_code == 403
    assert Group.objects.filter(name="handler").exists()


def test_customer_contact_details_are_masked_for_staff_without_the_right(
    client, org, new_complaint
):
    new_complaint()
    org.agent.is_staff = True
    org.agent.save()
    client.force_login(org.agent)

    response = client.get(changelist_url(Complaint.customer.field.related_model))

    assert response.status_code == 200
    assert "138****5678" in response.content.decode()
    assert "+8613812345678" not in response.content.decode()


# --- no N+1 ---


def test_the_complaint_list_runs_the_same_queries_for_3_and_20_complaints(admin_client, org):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(changelist_url(Complaint))
        assert response.status_code == 200
        return len(queries)

    def add(n: int) -> None:
        ComplaintFactory.create_batch(
            n,
            category=org.category,
            department=org.service,
            assignee=org.handler,
            received_by=org.agent,
        )

    add(3)
    with_3 = count_queries()
    add(17)
    with_20 = count_queries()

    assert with_20 == with_3


def test_every_changelist_runs_the_same_queries_for_1_and_3_cases(admin_client, org, new_complaint):
    urls = [
        changelist_url(model)
        for model in admin.site._registry
        if model._meta.app_label in ("accounts", "auth", "complaints")
    ]

    def count_all() -> dict[str, int]:
        counts = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(url).status_code == 200
            counts[url] = len(queries)
        return counts

    work_through(org, new_complaint, phone="13800000001")
    with_1 = count_all()
    work_through(org, new_complaint, phone="13800000002")
    work_through(org, new_complaint, phone="13800000003")
    with_3 = count_all()

    assert with_3 == with_1


# --- staff other than the administrator ---


def test_an_auditor_sees_the_case_read_only_and_cannot_move_it(client, org, new_complaint):
    complaint = new_complaint()
    org.auditor.is_staff = True
    org.auditor.save()
    client.force_login(org.auditor)

    page = client.get(change_url(complaint))
    listing = client.get(changelist_url(Complaint))
    post = client.post(change_url(complaint), {"severity": Severity.MAJOR})

    assert page.status_code == 200
    shown = flatten_fieldsets(page.context["adminform"].fieldsets)
    assert "transition" not in shown
    assert "severity" in page.context["adminform"].readonly_fields
    assert listing.context["action_form"] is None  # no workflow role, so no stage actions
    assert post.status_code == 403
    assert fresh(complaint).severity == Severity.GENERAL


def test_a_handler_sees_only_the_cases_of_their_department(client, org, new_complaint):
    ours = new_complaint(customer_phone="13800000001")
    theirs = new_complaint(customer_phone="13800000002", department=org.legal)
    org.handler.is_staff = True
    org.handler.save()
    client.force_login(org.handler)

    listing = client.get(changelist_url(Complaint))
    events = client.get(changelist_url(CaseEvent))

    assert list(listing.context["cl"].result_list) == [ours]
    assert {event.complaint_id for event in events.context["cl"].result_list} == {ours.pk}
    assert client.get(change_url(theirs)).status_code == 302  # "does not exist", like elsewhere


def test_a_stage_action_the_role_does_not_allow_is_refused_case_by_case(client, org, new_complaint):
    complaint = new_complaint()
    org.handler.is_staff = True
    org.handler.save()
    client.force_login(org.handler)

    response = client.post(
        changelist_url(Complaint),
        {"action": "transition_start_triage", "_selected_action": [complaint.pk]},
    )

    assert message_texts(response) == [
        f"{complaint.reference}: Your role does not allow this action."
    ]
    assert fresh(complaint).state == State.INTAKE


def test_an_administrator_corrects_a_customer_phone_in_its_stored_form(admin_client, new_complaint):
    customer = new_complaint().customer
    url = change_url(customer)

    response = admin_client.post(url, change_form_data(admin_client, url, phone="139 0000 1111"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.phone == "+8613900001111"
