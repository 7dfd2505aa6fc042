"""Who may reach what: every named route of the URL conf (staff pages, API endpoints, exports and
downloads) × every role, a handler of another department and someone signed out × a case in
scope, a case out of scope and a case the person handed off.

The expectations are the product's documented rules (README, "Who sees what"; docs/security.md,
"Who may reach what"), written out here by hand for this small world and not read back from the
code: `READS` and `IN_CHARGE` say which of the three cases each person may read and change, each
row of `MATRIX` which roles may use a route at all. From them, for every request:

- a read of a case the person may not read is a 404 (the same answer as a case that does not
  exist); a write to it is a 404 too;
- a write to a case the person only reads (they worked on it, it moved on) is a 403;
- a role the route is not for gets the route's refusal (403, or 404 where the route says so);
- everything else is allowed: a read answers 200, a write a success or a validation answer
  (2xx, 302, 400, 409, 422), never a 403 or 404 that would hide a permission bug;
- a refused write changes nothing in the database (it is sent twice: with a body that would work,
  and empty, so the role is asked before the body is read);
- a page or answer a person may read never names a case they may not read.

The route list comes from the URL conf (`tests/urlconf.py`): a route without a row here, or in
`NOT_STAFF` with its reason, fails `test_every_route_has_a_row`.

The world is built once for the module inside a transaction rolled back at its end; every write
runs inside a savepoint rolled back after its checks, so each request sees the same world.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from complaints.models import (
    Agreement,
    CaseEvent,
    CaseStudy,
    Complaint,
    ContactReveal,
    Decision,
    DecisionApproval,
    EvidenceFile,
    ImprovementAction,
    LegalDocument,
    LegalDocumentFile,
    LostProperty,
    Notification,
    OffSaleOrder,
    OutsideBody,
    QualityReferral,
    RightsRequest,
    State,
)
from complaints.services import (
    complaint_add_note,
    complaint_create,
    complaint_hand_off,
    complaint_triage,
    evidence_add,
)
from complaints.services.improvement import (
    improvement_action_add_files,
    improvement_action_record,
    improvement_default_due,
)
from complaints.services.legal_documents import legal_document_record
from complaints.services.lost_property import lost_property_record
from complaints.services.rights import (
    rights_export_build,
    rights_export_prepare,
    rights_request_record,
)
from config.dispatch import broker_breaker_reset
from reports.domain import last_full_month
from reports.models import ExportJob, ReportSnapshot
from reports.selectors.exports import ExportSpec
from reports.services.exports import export_job_build, export_job_request
from reports.services.snapshots import snapshot_build
from sla.models import CaseChecklistStep, Clock
from tests.complaints.conftest import Flow
from tests.complaints.test_evidence import png_bytes
from tests.conftest import Org, org_build
from tests.urlconf import routes

pytestmark = pytest.mark.django_db

# --- the people and the cases ---------------------------------------------------------------

# Every role of accounts.roles.Role, by the name of its member in tests/conftest.py's Org, and a
# handler of another department (legal). "anonymous" is someone signed out.
PEOPLE = ("agent", "handler", "head", "manager", "executive", "auditor", "other_handler")
ANONYMOUS = "anonymous"

IN, OUT, HANDED = "in_scope", "out_of_scope", "handed_off"
CASES = (IN, OUT, HANDED)
# IN:     the service department's, assigned to its handler.
# OUT:    the legal department's, assigned to its handler; nobody of service ever touched it.
# HANDED: the service department's, worked on by its handler (evidence, a decision proposed to
#         the head, a note), then handed off to the legal department. The head never worked on it.

EVERYONE = frozenset(PEOPLE)
SEE_ALL = frozenset({"agent", "manager", "executive", "auditor"})
# The documented rule (README, "Who sees what"): agents, complaint managers, senior management and
# auditors see every case; handlers their department's, heads their department and those below;
# everyone the cases assigned to them or recorded by them; and whoever worked on a case keeps
# reading it. Being in charge (may change it) is the same without "worked on".
READS: dict[str, frozenset[str]] = {
    **{person: frozenset(CASES) for person in SEE_ALL},
    "handler": frozenset({IN, HANDED}),
    "head": frozenset({IN}),
    "other_handler": frozenset({OUT, HANDED}),
}
IN_CHARGE: dict[str, frozenset[str]] = {
    **{person: frozenset(CASES) for person in SEE_ALL},
    "handler": frozenset({IN}),
    "head": frozenset({IN}),
    "other_handler": frozenset({OUT, HANDED}),
}

# Who may do what at all (accounts/roles.py as the README's role table states it), by person.
TRIAGE = frozenset({"agent", "head", "manager"})
RECEIVE = frozenset({"agent", "manager"})
COMMENT = frozenset({"agent", "handler", "head", "manager", "executive", "other_handler"})
INVESTIGATE = frozenset({"handler", "head", "manager", "other_handler"})
CONTACT = frozenset({"agent", "handler", "head", "manager", "other_handler"})
FOLLOW_UP = frozenset({"agent", "manager"})
WITHDRAW = frozenset({"agent", "handler", "head", "manager", "other_handler"})
ADD_EVIDENCE = RECEIVE | INVESTIGATE
PROPOSE = INVESTIGATE
APPROVE = frozenset({"head", "manager", "executive"})
PAUSE = TRIAGE | INVESTIGATE | FOLLOW_UP
UNMASK = frozenset({"agent", "handler", "head", "executive", "other_handler"})
LEGAL_HOLD = frozenset({"manager", "executive"})
LINK = RECEIVE | TRIAGE | INVESTIGATE
MERGE = frozenset({"agent", "head", "manager"})  # reject_complaint: a merge ends the duplicate
OUTSIDE_BODY = CONTACT
AGREEMENT = frozenset({"handler", "head", "manager", "other_handler"})
PAYMENT = frozenset({"manager"})
# The personal-injury record (issue 16 §1): those in charge who record injuries; the receipts
# exception is senior management's. (No duty rota in this world.)
INJURY = frozenset({"agent", "handler", "head", "manager", "other_handler"})
WAIVE_RECEIPTS = frozenset({"executive"})
QUALITY = frozenset({"agent", "handler", "head", "manager", "other_handler"})
REPORTS = frozenset({"head", "manager", "executive", "auditor"})
RIGHTS = frozenset({"manager"})
REVEAL_REPORT = frozenset({"auditor"})
# The registers beside the cases (seed 004 §九, §五.3 H).
LEGAL_READ = frozenset({"agent", "head", "manager", "executive", "auditor"})
LEGAL_RECORD = frozenset({"agent", "head", "manager", "executive"})
LOST_RECORD = frozenset({"agent", "handler", "head", "manager", "other_handler"})
LOST_STATISTICS = frozenset({"head", "manager", "executive", "auditor"})
# Improvement actions (issue 18 §1): the world's action is the service department's, owned by its
# handler, started by the manager. Its readers: those who see every action and the department's
# people; the others hear 404. Heads and managers start actions; the owner moves it; a manager
# verifies it.
ACTION_READ = frozenset({"handler", "head", "manager", "executive", "auditor"})
ACTION_MANAGE = frozenset({"head", "manager"})
ACTION_OWNER = frozenset({"handler"})
ACTION_VERIFY = frozenset({"manager"})
REVIEW_LIBRARY = frozenset({"manager"})
ACTION_FILES = frozenset({"handler", "head", "manager"})

# --- what a route expects -------------------------------------------------------------------

READ_OK = frozenset({200})
WRITE_OK = frozenset({200, 201, 204, 302, 400, 409, 422})

# What a route is bound to: nothing, a case (its customer, evidence, decision), or another object
# with owners of its own.
NONE, CASE, EXPORT_JOB, SNAPSHOT, NOTIFICATION = "none", "case", "export", "snapshot", "notice"
ACTION = "action"
TARGETS = {
    ACTION: ("service",),
    NONE: ("-",),
    CASE: CASES,
    EXPORT_JOB: ("own", "others"),
    SNAPSHOT: ("company", "service", "legal"),
    NOTIFICATION: ("own", "others"),
}


@dataclass(frozen=True)
class Check:
    """One way of calling a route: method, who may, what it is bound to, how it is called."""

    method: str = "get"
    who: frozenset[str] = EVERYONE
    bound: str = NONE
    # (world, person, target) → the route's keyword arguments; default: the case's reference.
    kwargs: Callable[[World, str, str], dict[str, Any]] | None = None
    # (world, target) → a body that would work for someone allowed.
    body: Callable[[World, str], dict[str, Any]] | None = None
    query: dict[str, str] = field(default_factory=dict)
    refused: int = 403  # the answer to a role the route is not for
    ok: frozenset[int] = frozenset()  # the answers that mean allowed (default by method)
    api: bool = False
    multipart: bool = False  # an API upload: a form, not JSON
    htmx: bool = False

    @property
    def writes(self) -> bool:
        return self.method != "get"

    def allowed_answers(self) -> frozenset[int]:
        return self.ok or (WRITE_OK if self.writes else READ_OK)


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    org: Org
    cases: dict[str, Complaint]
    evidence: dict[str, EvidenceFile]
    decisions: dict[str, Decision]
    jobs: dict[str, ExportJob]  # exporter → their own job
    snapshots: dict[str, ReportSnapshot]
    notifications: dict[str, Notification]  # person → one of their own
    data_request: RightsRequest
    erasure: RightsRequest
    steps: dict[str, CaseChecklistStep] = field(default_factory=dict)  # case → a checklist step
    bodies: dict[str, OutsideBody] = field(default_factory=dict)  # case → an outside body
    orders: dict[str, OffSaleOrder] = field(default_factory=dict)  # case → an off-sale order
    agreements: dict[str, Agreement] = field(default_factory=dict)  # case → its agreement
    referrals: dict[str, QualityReferral] = field(default_factory=dict)  # case → a referral
    # A lawyer's letter and a lost bag, both about the legal department's case (OUT): their
    # readers who may not read that case must not be told its reference.
    legal_document: LegalDocument | None = None
    lost_property: LostProperty | None = None
    action: ImprovementAction | None = None
    study: CaseStudy | None = None

    def person(self, name: str) -> User:
        return getattr(self.org, name)

    def reference(self, case: str) -> str:
        return self.cases[case].reference


def _build() -> World:
    org = org_build()
    flow = Flow(org)

    def new_case(phone: str) -> Complaint:
        complaint = complaint_create(
            actor=org.agent,
            channel="phone",
            subject="空调维修后仍不制冷",
            description="上周维修过的空调再次不制冷，要求重新维修并赔偿损失。",
            customer_name="王先生",
            customer_phone=phone,
            category=org.category,
        )
        return flow.advance(complaint, State.INVESTIGATION)

    def photo(complaint: Complaint, actor: User) -> EvidenceFile:
        upload = SimpleUploadedFile("外机.png", png_bytes(), content_type="image/png")
        return evidence_add(
            complaint=complaint, actor=actor, kind="photo", upload=upload, description="外机"
        )

    # The manager assigns, so that no head or handler of service becomes a participant by it.
    in_scope = complaint_triage(
        complaint=new_case("13811110001"), actor=org.manager, assignee=org.handler
    )
    out_of_scope = complaint_triage(
        complaint=new_case("13811110002"),
        actor=org.manager,
        department=org.legal,
        assignee=org.other_handler,
    )
    handed = complaint_triage(
        complaint=new_case("13811110003"), actor=org.manager, assignee=org.handler
    )
    # Investigated by the handler in charge: a decision is proposed next.
    in_scope = flow.run(in_scope, "complete_investigation", actor=org.handler)
    out_of_scope = flow.run(out_of_scope, "complete_investigation", actor=org.other_handler)
    handed = flow.run(handed, "complete_investigation", actor=org.handler)
    evidence = {
        IN: photo(in_scope, org.handler),
        OUT: photo(out_of_scope, org.other_handler),
        HANDED: photo(handed, org.handler),
    }
    # Above the proposer's limit: each waits for approval (the head of service is asked for IN
    # and HANDED).
    decisions = {
        IN: flow.propose(in_scope, amount=5000, actor=org.handler),
        OUT: flow.propose(out_of_scope, amount=5000, actor=org.other_handler),
        HANDED: flow.propose(handed, amount=5000, actor=org.handler),
    }
    for decision in decisions.values():
        assert decision.state == Decision.Status.PENDING_APPROVAL
    handed.refresh_from_db()
    complaint_add_note(complaint=handed, actor=org.handler, text="转法务部处理。")
    complaint_hand_off(
        complaint=handed, actor=org.handler, to_department=org.legal, note="涉及合同纠纷"
    )
    # Personal injuries, so that the injury record's routes have their record to read and write
    # (set directly: the escalation it would bring is not what this world is about).
    Complaint.objects.filter(pk__in=[in_scope.pk, out_of_scope.pk, handed.pk]).update(
        personal_injury=True
    )
    cases = {
        name: Complaint.objects.get(pk=complaint.pk)
        for name, complaint in ((IN, in_scope), (OUT, out_of_scope), (HANDED, handed))
    }
    today = timezone.localdate()
    spec = ExportSpec(date_from=today - timedelta(days=1), date_to=today)
    jobs = {}
    for name in sorted(REPORTS):
        job = export_job_request(user=getattr(org, name), spec=spec, language="en")
        export_job_build(job_id=job.pk)  # the build is queued after a commit this world never has
        jobs[name] = job
    period = last_full_month(today)
    snapshots = {
        "company": snapshot_build(period=period)[0],
        "service": snapshot_build(period=period, department=org.service)[0],
        "legal": snapshot_build(period=period, department=org.legal)[0],
    }
    notifications = {
        name: Notification.objects.create(
            recipient=getattr(org, name),
            kind=Notification.Kind.CALENDAR,
            subject="日历待确认",
            body="请确认明年的工作日历。",
            key=f"matrix:{name}",
            created_at=timezone.now(),
        )
        for name in PEOPLE
    }
    data_request, erasure = (
        rights_request_record(
            actor=org.manager,
            kind=kind,
            requester_name="王先生",
            requester_phone="13811110001",
            identity_check="id_document",
        )
        for kind in ("export", "erasure")
    )
    rights_export_prepare(actor=org.manager, request_id=data_request.pk, language="en")
    rights_export_build(request_id=data_request.pk)
    steps = {name: _checklist_step(case) for name, case in cases.items()}
    bodies = {name: _outside_body(case, org.handler) for name, case in cases.items()}
    orders = {name: _off_sale_order(body, org.handler) for name, body in bodies.items()}
    agreements = {name: _agreement_of(case, decisions[name]) for name, case in cases.items()}
    referrals = {name: _referral_of(case) for name, case in cases.items()}
    legal_document = legal_document_record(
        actor=org.agent,
        kind="lawyer_letter",
        sender="某律师事务所",
        delivered_by="张律师",
        identity_check="lawyer_licence",
        addressee="某某有限公司",
        addressee_matches=True,
        receipt="left_unsigned",
        summary="要求赔偿",
        complaint=cases[OUT].reference,
        files=[SimpleUploadedFile("律师函.png", png_bytes(), content_type="image/png")],
    )
    lost_property = lost_property_record(
        actor=org.agent,
        customer_name="陈女士",
        lost_at=timezone.now() - timedelta(hours=2),
        area="2F 沙发区",
        description="黑色手提包",
        complaint=cases[OUT].reference,
    )
    action = improvement_action_record(
        actor=org.manager,
        title="维修完工后增加制冷测试",
        root_cause="process",
        department=org.service,
        owner=org.handler,
        due_date=improvement_default_due(department_id=org.service.pk),
        category=org.category,
        complaint=cases[IN].reference,
    )
    # A case of the library (issue 18 §2), published: every staff role reads it.
    study = CaseStudy.objects.create(
        status=CaseStudy.Status.PUBLISHED,
        title="维修后未试机",
        story="空调维修后仍不制冷。",
        lesson="维修后试机。",
        channel="phone",
        severity="general",
        category=org.category,
        proposed_by=org.handler,
        proposed_at=timezone.now(),
        published_at=timezone.now(),
    )
    improvement_action_add_files(
        actor=org.handler,
        action_id=action.pk,
        files=[SimpleUploadedFile("货架.png", png_bytes(), content_type="image/png")],
    )
    return World(
        action=action,
        legal_document=legal_document,
        lost_property=lost_property,
        study=study,
        steps=steps,
        bodies=bodies,
        orders=orders,
        agreements=agreements,
        referrals=referrals,
        org=org,
        cases=cases,
        evidence=evidence,
        decisions=decisions,
        jobs=jobs,
        snapshots=snapshots,
        notifications=notifications,
        data_request=RightsRequest.objects.get(pk=data_request.pk),
        erasure=erasure,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The people, the three cases and the other objects, once for the module (rolled back)."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            CELERY_TASK_ALWAYS_EAGER=True,
            CELERY_TASK_EAGER_PROPAGATES=True,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _test_settings(world: World) -> None:
    """Replaces tests/conftest.py's: the module's settings hold (its files live in the module's
    media folder); the cache and the broker breaker start fresh for each route."""
    cache.clear()
    broker_breaker_reset()


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker) -> Iterator[dict[str, tuple[Client, APIClient]]]:
    """One page client and one API client per person (and for someone signed out)."""
    made: dict[str, tuple[Client, APIClient]] = {}
    with django_db_blocker.unblock():
        for name in PEOPLE:
            page = Client(HTTP_ACCEPT_LANGUAGE="en")
            page.force_login(world.person(name))
            api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
            api.force_authenticate(world.person(name))
            made[name] = (page, api)
    made[ANONYMOUS] = (Client(), APIClient())
    yield made
    # Seen with `pytest -s`: the matrix's size, for docs/security.md.
    checks = sum(len(rows) for rows in MATRIX.values())
    print(
        f"\npermission matrix: {len(MATRIX)} routes, {checks} ways of calling them, "
        f"{TALLY.requests} requests"
    )


# --- the rows -------------------------------------------------------------------------------


def _case(world: World, person: str, target: str) -> dict[str, Any]:
    return {"reference": world.reference(target)}


def _with(**extra: Callable[[World, str], Any]) -> Callable[[World, str, str], dict[str, Any]]:
    def kwargs(world: World, person: str, target: str) -> dict[str, Any]:
        return {**_case(world, person, target), **{k: f(world, target) for k, f in extra.items()}}

    return kwargs


def _evidence(world: World, case: str) -> int:
    return world.evidence[case].pk


def _checklist_step(case: Complaint) -> CaseChecklistStep:
    """One open procedure step on the case, as a category's checklist would give it."""
    return CaseChecklistStep.objects.create(
        complaint=case,
        template_name="冲突",
        position=1,
        text="劝开双方",
        amount=1,
        unit="hours",
        started_at=case.received_at,
        due_at=case.received_at + timedelta(hours=1),
    )


def _agreement_of(case: Complaint, decision: Decision) -> Agreement:
    """An agreement the cash office holds, as the services would leave it (written directly: the
    world's decisions wait for approval, so the service would refuse it; a payment is refused)."""
    return Agreement.objects.create(
        complaint=case,
        decision=decision,
        amount=decision.amount,
        signed_on=timezone.localdate(),
        collected_by=decision.proposed_by,
        status=Agreement.Status.HELD_BY_FINANCE,
        received_by_name="出纳",
        handed_over_at=timezone.now(),
        created_at=timezone.now(),
    )


def _referral_of(case: Complaint) -> QualityReferral:
    return QualityReferral.objects.create(
        complaint=case,
        product="实木餐桌",
        supplier="南康家具",
        problem="桌面开裂",
        referred_by=case.received_by,
        referred_at=timezone.now(),
    )


def _agreement(world: World, case: str) -> int:
    return world.agreements[case].pk


def _referral(world: World, case: str) -> int:
    return world.referrals[case].pk


def _agreement_body(world: World, case: str) -> dict[str, Any]:
    return {
        "decision": world.decisions[case].pk,
        "amount": "100",
        "signed_on": timezone.localdate().isoformat(),
    }


def _answer_body(world: World, case: str) -> dict[str, Any]:
    return {
        "department": "purchasing",
        "answered_on": timezone.localdate().isoformat(),
        "notes": "已联系供应商",
    }


def _legal(world: World, person: str, target: str) -> dict[str, Any]:
    assert world.legal_document is not None
    return {"pk": world.legal_document.pk}


def _legal_file(world: World, person: str, target: str) -> dict[str, Any]:
    assert world.legal_document is not None
    scan = LegalDocumentFile.objects.get(document=world.legal_document)
    return {"pk": world.legal_document.pk, "file_id": scan.pk}


def _improvement(world: World, person: str, target: str) -> dict[str, Any]:
    assert world.action is not None
    return {"pk": world.action.pk}


def _study(world: World, person: str, target: str) -> dict[str, Any]:
    assert world.study is not None
    return {"pk": world.study.pk}


def _study_action(action: str) -> Callable[[World, str, str], dict[str, Any]]:
    return lambda world, person, target: {**_study(world, person, target), "action": action}


def _improvement_file(world: World, person: str, target: str) -> dict[str, Any]:
    assert world.action is not None
    return {"pk": world.action.pk, "file_id": world.action.files.get().pk}


def _lost(world: World, person: str, target: str) -> dict[str, Any]:
    assert world.lost_property is not None
    return {"pk": world.lost_property.pk}


LEGAL_BODY = {
    "kind": "police",
    "sender": "某派出所",
    "delivered_by": "王警官",
    "identity_check": "work_id",
    "addressee": "某某有限公司",
    "addressee_matches": True,
    "receipt": "refused",
    "summary": "协助调查通知",
}
LOST_BODY = {
    "customer_name": "李先生",
    "lost_at": "2026-01-05T10:00:00+08:00",
    "area": "1F 入口",
    "description": "钱包",
}


def _step(world: World, case: str) -> int:
    return world.steps[case].pk


def _outside_body(case: Complaint, contact: User) -> OutsideBody:
    """A 12315 referral on the case, as the outside-body service would record it."""
    return OutsideBody.objects.create(
        complaint=case,
        kind="market_regulator",
        name="市场监督管理局",
        channel="odr_platform",
        received_at=case.received_at,
        contact=contact,
        created_by=contact,
        created_at=case.received_at,
    )


def _off_sale_order(body: OutsideBody, by: User) -> OffSaleOrder:
    return OffSaleOrder.objects.create(
        body=body,
        product="电暖器",
        ordered_on=body.received_at.date(),
        recorded_by=by,
        recorded_at=body.received_at,
    )


def _body_of(world: World, case: str) -> int:
    return world.bodies[case].pk


def _order_of(world: World, case: str) -> int:
    return world.orders[case].pk


def _action(name: str) -> Callable[[World, str], str]:
    return lambda world, case: name


def _decision(world: World, case: str) -> int:
    return world.decisions[case].pk


def _customer(world: World, person: str, target: str) -> dict[str, Any]:
    return {"pk": world.cases[target].customer_id}


def _api_customer(world: World, person: str, target: str) -> dict[str, Any]:
    return {"customer_id": world.cases[target].customer_id}


def _job(world: World, person: str, target: str) -> dict[str, Any]:
    # Their own job (exporters have one), or the head's (the manager's, for the head).
    if target == "own" and person in world.jobs:
        return {"pk": world.jobs[person].pk}
    return {"pk": world.jobs["manager" if person == "head" else "head"].pk}


def _snapshot(world: World, person: str, target: str) -> dict[str, Any]:
    return {"pk": world.snapshots[target].pk}


def _notification(world: World, person: str, target: str) -> dict[str, Any]:
    if target == "own" and person in world.notifications:
        return {"pk": world.notifications[person].pk}
    return {"pk": world.notifications["auditor" if person == "agent" else "agent"].pk}


def _version(world: World, case: str) -> dict[str, Any]:
    return {"expected_version": world.cases[case].version}


def _body(**fields: Any) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, case: {**_version(world, case), **fields}


def _api_body(**fields: Any) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, case: dict(fields)


def _transition(name: str) -> Callable[[World, str, str], dict[str, Any]]:
    return lambda world, person, target: {**_case(world, person, target), "name": name}


def _handoff_body(world: World, case: str) -> dict[str, Any]:
    # Service's cases go to legal, legal's to service.
    to = (
        world.org.service
        if world.cases[case].department_id == world.org.legal.pk
        else world.org.legal
    )
    return {**_version(world, case), "to_department": to.pk, "note": "转交处理"}


def _api_handoff_body(world: World, case: str) -> dict[str, Any]:
    return {k: v for k, v in _handoff_body(world, case).items() if k != "expected_version"}


PERIOD = {"date_from": "2026-01-01", "date_to": "2026-01-31"}

MATRIX: dict[str, list[Check]] = {
    # The workspace.
    "home": [Check(ok=frozenset({200, 302}))],
    "queue": [
        Check(who=who, kwargs=lambda w, p, t, slug=slug: {"slug": slug}, refused=404)
        for slug, who in {
            "mine": RECEIVE | INVESTIGATE,
            "department": frozenset({"handler", "head", "other_handler"}),
            "triage": TRIAGE,
            "due-soon": EVERYONE,
            "overdue": EVERYONE,
            "escalated": EVERYONE,
            "all": SEE_ALL,
            "handled": RECEIVE | INVESTIGATE,
        }.items()
    ],
    "queue_tab_counts": [Check()],
    "notifications": [Check()],
    "notifications_mark_all_read": [Check(method="post")],
    # Only one's own notification opens; anyone else's is missing.
    "notification_open": [
        Check(method="post", bound=NOTIFICATION, kwargs=_notification, ok=frozenset({302}))
    ],
    "customer_detail": [Check(bound=CASE, kwargs=_customer)],
    "contact_reveals": [Check(who=REVEAL_REPORT)],
    "intake": [
        Check(who=RECEIVE),
        Check(method="post", who=RECEIVE, body=lambda w, c: {"channel": "phone", "subject": "x"}),
    ],
    "customer_lookup": [Check(who=RECEIVE, query={"customer_phone": "13811110001"})],
    "password_change": [Check()],
    "two_factor": [Check()],
    "notification_settings": [
        Check(),
        Check(method="post", body=lambda w, c: {"notification_delivery": "app_only"}),
    ],
    # The case page and its actions.
    "case_detail": [Check(bound=CASE)],
    "case_panel": [
        # A panel the person may not open on this case now is missing, whoever they are.
        Check(
            bound=CASE,
            who=INVESTIGATE,
            kwargs=lambda w, p, t: {**_case(w, p, t), "key": "handoff"},
            refused=404,
            htmx=True,
            ok=frozenset({200}),
        ),
    ],
    "case_transition": [
        Check(
            method="post",
            bound=CASE,
            who=INVESTIGATE,
            kwargs=_transition("complete_investigation"),
            body=_body(findings="压缩机接线松动。"),
        ),
        Check(
            method="post",
            bound=CASE,
            who=WITHDRAW,
            kwargs=_transition("withdraw"),
            body=_body(comment="客户撤回。"),
        ),
    ],
    "case_triage": [
        Check(method="post", bound=CASE, who=TRIAGE, body=_body(severity="major", comment="升级"))
    ],
    "case_handoff": [Check(method="post", bound=CASE, who=INVESTIGATE, body=_handoff_body)],
    "case_note": [Check(method="post", bound=CASE, who=COMMENT, body=_body(text="备注"))],
    "case_evidence": [Check(method="post", bound=CASE, who=ADD_EVIDENCE, body=_body(kind="photo"))],
    "case_evidence_file": [Check(bound=CASE, kwargs=_with(pk=_evidence))],
    "case_decision": [
        Check(
            method="post",
            bound=CASE,
            who=PROPOSE,
            body=_body(remedy="repair", outcome="upheld", amount="100", rationale="返修"),
        )
    ],
    "case_decision_approvers": [Check(bound=CASE, query={"amount": "5000"})],
    "case_decision_approve": [
        Check(method="post", bound=CASE, who=APPROVE, kwargs=_with(pk=_decision), body=_body())
    ],
    "case_decision_refuse": [
        Check(
            method="post",
            bound=CASE,
            who=APPROVE,
            kwargs=_with(pk=_decision),
            body=_body(comment="金额过高"),
        )
    ],
    "case_contact": [
        Check(
            method="post",
            bound=CASE,
            who=CONTACT,
            body=_body(channel="phone", direction="outbound", purpose="update", summary="告知进度"),
        )
    ],
    "case_follow_up": [
        Check(
            method="post",
            bound=CASE,
            who=FOLLOW_UP,
            body=_body(method="phone", reached="yes", satisfaction="5", resolved="yes"),
        )
    ],
    "case_pause": [
        Check(
            method="post",
            bound=CASE,
            who=PAUSE,
            body=_body(reason="testing_appraisal", note="送检"),
        )
    ],
    "case_resume": [Check(method="post", bound=CASE, who=PAUSE, body=_body())],
    "case_checklist_step": [
        Check(
            method="post",
            bound=CASE,
            who=ADD_EVIDENCE,
            body=lambda world, case: {"step": _step(world, case), "outcome": "done"},
        )
    ],
    "case_agreement": [Check(method="post", bound=CASE, who=AGREEMENT, body=_agreement_body)],
    "case_injury": [
        Check(
            method="post",
            bound=CASE,
            who=INJURY,
            kwargs=_with(action=_action("witness")),
            body=_api_body(name="赵女士", phone="13900001111"),
        ),
        Check(
            method="post",
            bound=CASE,
            who=APPROVE,
            kwargs=_with(action=_action("advance_approve")),
        ),
        Check(
            method="post",
            bound=CASE,
            who=WAIVE_RECEIPTS,
            kwargs=_with(action=_action("receipts_exception")),
            body=_api_body(reason="保险公司书面同意"),
        ),
    ],
    "case_agreement_hand_over": [
        Check(
            method="post",
            bound=CASE,
            who=AGREEMENT,
            body=lambda world, case: {
                "agreement": _agreement(world, case),
                "received_by_name": "出纳",
            },
        )
    ],
    "case_agreement_payment": [
        Check(
            method="post",
            bound=CASE,
            who=PAYMENT,
            body=lambda world, case: {
                "agreement": _agreement(world, case),
                "amount": "100",
                "paid_on": timezone.localdate().isoformat(),
                "method": "cash",
            },
        )
    ],
    "case_quality_refer": [
        Check(
            method="post",
            bound=CASE,
            who=QUALITY,
            body=_body(product="实木餐桌", supplier="南康家具", problem="桌面开裂"),
        )
    ],
    "case_quality_answer": [
        Check(
            method="post",
            bound=CASE,
            who=QUALITY,
            body=lambda world, case: {
                "referral": _referral(world, case),
                **_answer_body(world, case),
            },
        )
    ],
    "case_unmask": [
        Check(
            method="post", bound=CASE, who=UNMASK, body=_body(details=["phone"], reason="callback")
        )
    ],
    "case_legal_hold": [
        Check(method="post", bound=CASE, who=LEGAL_HOLD, body=_body(reason="诉讼中"))
    ],
    "case_link": [
        Check(
            method="post",
            bound=CASE,
            who=LINK,
            body=lambda world, case: {"other": world.cases[case].reference, "comment": "同一事"},
        )
    ],
    "case_merge": [
        Check(
            method="post",
            bound=CASE,
            who=MERGE,
            body=lambda world, case: {"into": world.cases[case].reference},
        )
    ],
    "case_outside_body": [
        Check(
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(action=_action("body_close")),
            body=lambda world, case: {"body": _body_of(world, case), "result": "settled"},
        ),
        Check(
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(action=_action("body_off_sale_done")),
            body=lambda world, case: {"order": _order_of(world, case), "note": "已下架"},
        ),
    ],
    # Reports and exports.
    "reports:dashboard": [Check(who=REPORTS)],
    "reports:report": [Check(who=REPORTS)],
    "reports:snapshots": [Check(who=REPORTS)],
    # A head reads their own department's snapshots only; the company's hold other departments.
    "reports:snapshot": [Check(who=REPORTS, bound=SNAPSHOT, kwargs=_snapshot)],
    "reports:snapshot-xlsx": [Check(who=REPORTS, bound=SNAPSHOT, kwargs=_snapshot)],
    "reports:exports": [
        Check(who=REPORTS),
        Check(method="post", who=REPORTS, body=lambda w, c: dict(PERIOD)),
    ],
    "reports:export-csv": [Check(who=REPORTS, query=PERIOD)],
    # A job is its requester's (a manager reads any); anyone else's is missing.
    "reports:export-job": [Check(bound=EXPORT_JOB, kwargs=_job, refused=404)],
    "reports:export-download": [Check(bound=EXPORT_JOB, kwargs=_job, refused=404)],
    # People's requests about their data: the holders of the permission (complaint managers).
    "rights_list": [Check(who=RIGHTS)],
    "rights_new": [
        Check(who=RIGHTS),
        Check(
            method="post",
            who=RIGHTS,
            body=lambda w, c: {
                "kind": "export",
                "requester_name": "李女士",
                "requester_phone": "13900000000",
                "identity_check": "id_document",
            },
        ),
    ],
    "rights_detail": [
        Check(who=RIGHTS, kwargs=lambda w, p, t: {"pk": w.data_request.pk}),
    ],
    "rights_export": [
        Check(method="post", who=RIGHTS, kwargs=lambda w, p, t: {"pk": w.data_request.pk})
    ],
    "rights_download": [Check(who=RIGHTS, kwargs=lambda w, p, t: {"pk": w.data_request.pk})],
    "rights_erase": [
        Check(who=RIGHTS, kwargs=lambda w, p, t: {"pk": w.erasure.pk}),
        Check(
            method="post",
            who=RIGHTS,
            kwargs=lambda w, p, t: {"pk": w.erasure.pk},
            body=lambda w, c: {"confirm": "on"},
        ),
    ],
    "rights_refuse": [
        Check(
            method="post",
            who=RIGHTS,
            kwargs=lambda w, p, t: {"pk": w.erasure.pk},
            body=lambda w, c: {"reason": "身份无法核实"},
        )
    ],
    # The registers beside the cases: legal papers for their readers (404 to anyone else, as the
    # entry is not theirs to know of), lost property for everyone who works cases.
    "legal_document_list": [Check(who=LEGAL_READ)],
    "legal_document_new": [
        Check(who=LEGAL_RECORD),
        Check(
            method="post",
            who=LEGAL_RECORD,
            body=lambda w, c: {**LEGAL_BODY, "addressee_matches": "on"},
        ),
    ],
    "legal_document_detail": [Check(who=LEGAL_READ, kwargs=_legal, refused=404)],
    "legal_document_forward": [
        Check(
            method="post",
            who=LEGAL_RECORD,
            kwargs=_legal,
            body=lambda w, c: {"department": w.org.legal.pk},
        )
    ],
    "legal_document_files": [
        Check(
            method="post",
            who=LEGAL_RECORD,
            kwargs=_legal,
            body=lambda w, c: {
                "files": SimpleUploadedFile("p2.png", png_bytes(), content_type="image/png")
            },
        )
    ],
    "legal_document_link": [
        Check(
            method="post",
            who=LEGAL_RECORD,
            kwargs=_legal,
            body=lambda w, c: {"complaint": w.reference(OUT)},
        )
    ],
    "legal_document_file": [Check(who=LEGAL_READ, kwargs=_legal_file, refused=404)],
    "lost_property_list": [Check()],
    # The case library (issue 18 §2): every staff role reads it; complaint managers review. The
    # world's cases are open: nobody may propose one (a closed case: tests/pages/test_library.py).
    "library_list": [Check()],
    "library_detail": [Check(kwargs=_study)],
    "library_review": [
        Check(
            method="post",
            who=REVIEW_LIBRARY,
            kwargs=_study_action("unpublish"),
            body=lambda w, c: {"reason": "已过时"},
        )
    ],
    "case_library_propose": [
        Check(who=frozenset(), bound=CASE),
        Check(
            method="post",
            who=frozenset(),
            bound=CASE,
            body=lambda w, c: {"title": "t", "story": "s", "lesson": "l"},
        ),
    ],
    "lost_property_new": [
        Check(who=LOST_RECORD),
        Check(
            method="post",
            who=LOST_RECORD,
            body=lambda w, c: {**LOST_BODY, "lost_at": "2026-01-05T10:00"},
        ),
    ],
    "lost_property_detail": [Check(kwargs=_lost)],
    "lost_property_outcome": [
        Check(
            method="post",
            who=LOST_RECORD,
            kwargs=_lost,
            body=lambda w, c: {"outcome": "not_found"},
        )
    ],
    "lost_property_link": [
        Check(
            method="post",
            who=LOST_RECORD,
            kwargs=_lost,
            body=lambda w, c: {"complaint": w.reference(OUT)},
        )
    ],
    "lost_property_statistics": [Check(who=LOST_STATISTICS)],
    # Improvement actions (issue 18 §1).
    "reports:improvement_list": [Check()],
    "reports:improvement_new": [
        Check(who=ACTION_MANAGE),
        Check(
            method="post",
            who=ACTION_MANAGE,
            body=lambda w, c: {
                "title": "培训",
                "root_cause": "people",
                "department": w.org.service.pk,
                "owner": w.org.handler.pk,
                "due_date": improvement_default_due(department_id=w.org.service.pk).isoformat(),
                "check_days": 30,
            },
        ),
    ],
    "reports:improvement_detail": [Check(who=ACTION_READ, bound=ACTION, kwargs=_improvement)],
    "reports:improvement_start": [
        Check(method="post", who=ACTION_OWNER, bound=ACTION, kwargs=_improvement)
    ],
    "reports:improvement_complete": [
        Check(
            method="post",
            who=ACTION_OWNER,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {"evidence": "已培训"},
        )
    ],
    "reports:improvement_verify": [
        Check(
            method="post",
            who=ACTION_VERIFY,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {"effective": "yes", "note": "有效"},
        )
    ],
    "reports:improvement_link": [
        Check(
            method="post",
            who=ACTION_MANAGE,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {"complaint": w.reference(IN)},
        )
    ],
    "reports:improvement_files": [
        Check(
            method="post",
            who=ACTION_FILES,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {
                "files": SimpleUploadedFile("p4.png", png_bytes(), content_type="image/png")
            },
        )
    ],
    "reports:improvement_file": [Check(who=ACTION_READ, bound=ACTION, kwargs=_improvement_file)],
    # The API.
    "api-legal-documents": [
        # Everyone lists: those without the register get the papers forwarded to them (none).
        Check(api=True),
        Check(api=True, method="post", who=LEGAL_RECORD, body=lambda w, c: dict(LEGAL_BODY)),
    ],
    "api-legal-document-detail": [Check(api=True, who=LEGAL_READ, kwargs=_legal, refused=404)],
    "api-legal-document-forward": [
        Check(
            api=True,
            method="post",
            who=LEGAL_RECORD,
            kwargs=_legal,
            body=lambda w, c: {"department": w.org.legal.code},
        )
    ],
    "api-legal-document-files": [
        Check(
            api=True,
            method="post",
            who=LEGAL_RECORD,
            kwargs=_legal,
            body=lambda w, c: {
                "files": SimpleUploadedFile("p3.png", png_bytes(), content_type="image/png")
            },
            multipart=True,
        )
    ],
    "api-legal-document-link": [
        Check(
            api=True,
            method="post",
            who=LEGAL_RECORD,
            kwargs=_legal,
            body=lambda w, c: {"complaint": w.reference(OUT)},
        )
    ],
    # Improvement actions (issue 18 §1) through the API: the pages' rules.
    "api-improvement-actions": [
        Check(api=True),
        Check(
            api=True,
            method="post",
            who=ACTION_MANAGE,
            body=lambda w, c: {
                "title": "培训",
                "root_cause": "people",
                "department": w.org.service.code,
                "owner": w.org.handler.username,
                "due_date": improvement_default_due(department_id=w.org.service.pk).isoformat(),
            },
        ),
    ],
    "api-improvement-action-detail": [
        Check(api=True, who=ACTION_READ, bound=ACTION, kwargs=_improvement)
    ],
    "api-improvement-action-start": [
        Check(api=True, method="post", who=ACTION_OWNER, bound=ACTION, kwargs=_improvement)
    ],
    "api-improvement-action-complete": [
        Check(
            api=True,
            method="post",
            who=ACTION_OWNER,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {"evidence": "已培训"},
        )
    ],
    "api-improvement-action-verify": [
        Check(
            api=True,
            method="post",
            who=ACTION_VERIFY,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {"effective": True, "note": "有效"},
        )
    ],
    "api-improvement-action-link": [
        Check(
            api=True,
            method="post",
            who=ACTION_MANAGE,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {"complaint": w.reference(IN)},
        )
    ],
    "api-improvement-action-files": [
        Check(
            api=True,
            method="post",
            who=ACTION_FILES,
            bound=ACTION,
            kwargs=_improvement,
            body=lambda w, c: {
                "files": SimpleUploadedFile("p5.png", png_bytes(), content_type="image/png")
            },
            multipart=True,
        )
    ],
    "api-improvement-action-file-download": [
        Check(api=True, who=ACTION_READ, bound=ACTION, kwargs=_improvement_file)
    ],
    "api-lost-property-link": [
        Check(
            api=True,
            method="post",
            who=LOST_RECORD,
            kwargs=_lost,
            body=lambda w, c: {"complaint": w.reference(OUT)},
        )
    ],
    "api-lost-property": [
        Check(api=True),
        Check(api=True, method="post", who=LOST_RECORD, body=lambda w, c: dict(LOST_BODY)),
    ],
    "api-lost-property-detail": [Check(api=True, kwargs=_lost)],
    "api-lost-property-outcome": [
        Check(
            api=True,
            method="post",
            who=LOST_RECORD,
            kwargs=_lost,
            body=lambda w, c: {"outcome": "not_found"},
        )
    ],
    "api-lost-property-statistics": [Check(api=True, who=LOST_STATISTICS)],
    "api-complaints": [
        Check(api=True),
        Check(
            api=True,
            method="post",
            who=RECEIVE,
            body=lambda w, c: {
                "channel": "phone",
                "customer": {"name": "李女士", "phone": "13900000001"},
                "subject": "安装延误",
                "description": "约好的安装一直没人来。",
                "category": "repair-quality",
            },
        ),
    ],
    "api-complaint-detail": [
        Check(api=True, bound=CASE),
        Check(api=True, method="patch", bound=CASE, who=TRIAGE, body=_api_body(severity="major")),
    ],
    "api-transitions": [Check(api=True, bound=CASE)],
    "api-transition-run": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INVESTIGATE,
            kwargs=_transition("complete_investigation"),
            body=_api_body(findings="压缩机接线松动。"),
        ),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=WITHDRAW,
            kwargs=_transition("withdraw"),
            body=_api_body(comment="客户撤回。"),
        ),
    ],
    "api-events": [Check(api=True, bound=CASE)],
    "api-possible-duplicates": [Check(api=True, bound=CASE)],
    "api-links": [
        Check(api=True, bound=CASE),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=LINK,
            body=lambda world, case: {"other": world.cases[case].reference},
        ),
    ],
    "api-merge": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=MERGE,
            body=lambda world, case: {"into": world.cases[case].reference},
        )
    ],
    "api-notes": [
        Check(api=True, method="post", bound=CASE, who=COMMENT, body=_api_body(text="备注"))
    ],
    "api-contacts": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=CONTACT,
            body=_api_body(channel="phone", direction="outbound", summary="告知进度"),
        )
    ],
    "api-follow-ups": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=FOLLOW_UP,
            body=_api_body(method="phone", reached=True, satisfaction=5, resolved=True),
        )
    ],
    "api-handoffs": [
        Check(api=True, method="post", bound=CASE, who=INVESTIGATE, body=_api_handoff_body)
    ],
    "api-pause": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=PAUSE,
            body=_api_body(reason="testing_appraisal", note="送检"),
        )
    ],
    "api-resume": [Check(api=True, method="post", bound=CASE, who=PAUSE, body=_api_body())],
    "api-checklist": [Check(api=True, bound=CASE)],
    "api-checklist-tick": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=ADD_EVIDENCE,
            kwargs=_with(step_id=_step),
            body=_api_body(outcome="not_applicable", note="当场已解决"),
        )
    ],
    "api-outside-bodies": [
        Check(api=True, bound=CASE),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            body=lambda world, case: {
                "kind": "insurer",
                "name": "平安保险",
                "channel": "phone",
                "received_at": "2025-01-02T10:00:00+08:00",
                "contact": "handler",
            },
        ),
    ],
    "api-outside-body-documents": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(body_id=_body_of),
            body=lambda world, case: {"direction": "sent", "evidence_id": _evidence(world, case)},
        )
    ],
    "api-outside-body-sign": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(body_id=_body_of),
            body=_api_body(text="公司不认可消费者所称的事实。"),
        )
    ],
    "api-outside-body-close": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(body_id=_body_of),
            body=_api_body(result="settled"),
        )
    ],
    "api-off-sale-orders": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(body_id=_body_of),
            body=_api_body(product="电暖器", ordered_on="2025-01-02"),
        )
    ],
    "api-off-sale-order-done": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=OUTSIDE_BODY,
            kwargs=_with(order_id=_order_of),
            body=_api_body(note="已下架"),
        )
    ],
    "api-evidence": [
        Check(api=True, bound=CASE),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=ADD_EVIDENCE,
            body=_api_body(kind="photo", description="外机"),
            multipart=True,
        ),
    ],
    "api-evidence-detail": [Check(api=True, bound=CASE, kwargs=_with(evidence_id=_evidence))],
    "api-evidence-download": [Check(api=True, bound=CASE, kwargs=_with(evidence_id=_evidence))],
    "api-decisions": [
        Check(api=True, bound=CASE),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=PROPOSE,
            body=_api_body(remedy="repair", outcome="upheld", amount="100", rationale="返修"),
        ),
    ],
    "api-agreements": [
        Check(api=True, bound=CASE),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=AGREEMENT,
            body=lambda world, case: {
                "decision_id": world.decisions[case].pk,
                "amount": "100",
                "signed_on": timezone.localdate().isoformat(),
            },
        ),
    ],
    "api-injury": [Check(api=True, bound=CASE)],
    "api-injury-accompany": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INJURY,
            body=_api_body(accompany=True, name="保安 李强"),
        )
    ],
    "api-injury-advance": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INJURY,
            body=_api_body(advance=True, amount="800.00"),
        )
    ],
    "api-injury-advance-request": [
        Check(api=True, method="post", bound=CASE, who=INJURY, body=_api_body())
    ],
    "api-injury-advance-approve": [Check(api=True, method="post", bound=CASE, who=APPROVE)],
    "api-injury-advance-paid": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=PAYMENT,
            body=lambda world, case: {"paid_on": timezone.localdate().isoformat()},
        )
    ],
    "api-injury-receipts-exception": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=WAIVE_RECEIPTS,
            body=_api_body(reason="保险公司书面同意无需原件"),
        )
    ],
    "api-injury-witnesses": [
        Check(api=True, method="post", bound=CASE, who=INJURY, body=_api_body(name="赵女士"))
    ],
    "api-injury-documents": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INJURY,
            body=lambda world, case: {
                "item": "accident_report",
                "evidence_id": world.evidence[case].pk,
            },
        )
    ],
    "api-injury-calls": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INJURY,
            body=lambda world, case: {
                "service": "ambulance",
                "called_at": timezone.now().isoformat(),
            },
        )
    ],
    "api-injury-insurer": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INJURY,
            body=lambda world, case: {
                "notified_on": timezone.localdate().isoformat(),
                "claim_number": "PICC-1",
            },
        )
    ],
    "api-injury-insurer-opinion": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=INJURY,
            body=lambda world, case: {"evidence_id": world.evidence[case].pk, "covered": True},
        )
    ],
    "api-injury-compensation": [
        Check(
            api=True,
            method="put",
            bound=CASE,
            who=INJURY,
            body=_api_body(heads=[{"head": "medical", "amount": "100.00"}]),
        )
    ],
    "api-agreement-hand-over": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=AGREEMENT,
            kwargs=_with(agreement_id=_agreement),
            body=_api_body(received_by_name="出纳"),
        )
    ],
    "api-agreement-payments": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=PAYMENT,
            kwargs=_with(agreement_id=_agreement),
            body=lambda world, case: {
                "amount": "100",
                "paid_on": timezone.localdate().isoformat(),
                "method": "cash",
            },
        )
    ],
    "api-quality-referrals": [
        Check(api=True, bound=CASE),
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=QUALITY,
            body=_api_body(product="实木餐桌", supplier="南康家具", problem="桌面开裂"),
        ),
    ],
    "api-quality-answers": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=QUALITY,
            kwargs=_with(referral_id=_referral),
            body=_answer_body,
        )
    ],
    "api-decision-approve": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=APPROVE,
            kwargs=_with(decision_id=_decision),
            body=_api_body(),
        )
    ],
    "api-decision-reject": [
        Check(
            api=True,
            method="post",
            bound=CASE,
            who=APPROVE,
            kwargs=_with(decision_id=_decision),
            body=_api_body(comment="金额过高"),
        )
    ],
    "api-customers": [Check(api=True)],
    "api-customer-detail": [Check(api=True, bound=CASE, kwargs=_api_customer)],
    "api-departments": [Check(api=True)],
    "api-categories": [Check(api=True)],
    "api-me": [Check(api=True)],
    "api-signing-texts": [Check(api=True)],
}

# Routes that are not the staff's, each with the reason (their own tests cover them).
NOT_STAFF = {
    "healthz": "a probe: public by design, no data (tests/health)",
    "readyz": "a probe: public by design, no data (tests/health)",
    "set_language": "Django's language switch: no data",
    "language": "the language switch: changes only the person's own setting",
    "login": "the sign-in (tests/accounts)",
    "login_code": "the sign-in's second step (tests/accounts/test_two_factor.py)",
    "logout": "signs out",
    "api-token": "the token exchange: a password, not a role (tests/accounts)",
    "api-schema": "the API's description, no data",
    "api-docs": "the API's description, no data",
    "api-not-found": "any other /api/ path: the JSON 404 (tests/api/test_hostile_input.py)",
    "public:submit": "the customers' form, anonymous by design (tests/public)",
    "public:submitted": "the customer's receipt, by its signed token (tests/public)",
    "public:track_lookup": "the customers' lookup form (tests/public/tracking)",
    "public:resend_link": "the customer asks for their link (tests/public/tracking)",
    "public:track": "the customer's page, by its signed token (tests/public/tracking)",
    "public:track_add": "the customer adds information, by the signed token",
    "public:track_withdraw": "the customer withdraws, by the signed token",
    "public:survey": "the customer's survey, by its signed token",
    "public:text_link": "a text's short link: a redirect to a freshly signed link (tests/complaints/test_customer_texts.py)",
    "public:sms_replies": "the SMS provider's callback, by the secret in its path (tests/complaints/test_customer_texts.py)",
}


# --- the oracle -----------------------------------------------------------------------------


def expected(check: Check, person: str, target: str) -> frozenset[int]:
    """The answers the documented rule allows for `person` calling `check` on `target`."""
    if person == ANONYMOUS:
        return frozenset({401, 403}) if check.api else frozenset({302})
    if check.bound == CASE:
        if target not in READS[person]:
            return frozenset({404})
        if check.writes and target not in IN_CHARGE[person]:
            return frozenset({check.refused if check.refused == 404 else 403})
    if check.bound == ACTION and person not in ACTION_READ:
        return frozenset({404})
    if person not in check.who:
        return frozenset({check.refused})
    if check.bound == CASE and check.refused == 404 and target not in IN_CHARGE[person]:
        # A form of a case one only reads (a panel) is not offered: missing.
        return frozenset({404})
    if check.bound == EXPORT_JOB and not (
        person == "manager" or (target == "own" and person in REPORTS)
    ):
        return frozenset({404})
    if check.bound == NOTIFICATION and target != "own":
        return frozenset({404})
    if check.bound == SNAPSHOT and person == "head" and target != "service":
        return frozenset({404})
    return check.allowed_answers()


# --- running it -----------------------------------------------------------------------------


def fingerprint() -> tuple[Any, ...]:
    """What a refused write must leave as it was."""
    return (
        list(
            Complaint.objects.order_by("pk").values_list(
                "pk", "state", "version", "legal_hold", "department_id", "assignee_id", "severity"
            )
        ),
        CaseEvent.objects.count(),
        list(Decision.objects.order_by("pk").values_list("pk", "state")),
        DecisionApproval.objects.count(),
        EvidenceFile.objects.count(),
        ContactReveal.objects.count(),
        Notification.objects.filter(read_at__isnull=False).count(),
        ExportJob.objects.count(),
        list(RightsRequest.objects.order_by("pk").values_list("pk", "status", "export_status")),
        Clock.objects.filter(paused_at__isnull=False).count(),
        AuditEntry.objects.count(),
        LegalDocument.objects.count(),
        LegalDocumentFile.objects.count(),
        list(LegalDocument.objects.order_by("pk").values_list("pk", "forwarded_at")),
        list(LostProperty.objects.order_by("pk").values_list("pk", "outcome")),
    )


def send(
    clients: dict[str, tuple[Client, APIClient]],
    check: Check,
    person: str,
    url: str,
    body: dict[str, Any] | None,
):
    page, api = clients[person]
    if check.api:
        call = getattr(api, check.method)
        if check.writes:
            return call(url, body or {}, format="multipart" if check.multipart else "json")
        return call(url, check.query)
    headers = {"HX-Request": "true"} if check.htmx else {}
    if check.writes:
        return page.post(url, body or {}, headers=headers)
    return page.get(url, check.query, headers=headers)


@dataclass
class Tally:
    requests: int = 0


TALLY = Tally()


def run_check(
    world: World, clients: dict[str, tuple[Client, APIClient]], name: str, check: Check
) -> list[str]:
    wrong: list[str] = []
    hidden_from = {person: set(CASES) - READS[person] for person in PEOPLE}
    # Every request runs in a savepoint rolled back after it: the world it meets is this one.
    world_as_built = fingerprint() if check.writes else None
    for person in (*PEOPLE, ANONYMOUS):
        targets = TARGETS[check.bound]
        for target in targets[:1] if person == ANONYMOUS else targets:
            kwargs = (check.kwargs or (_case if check.bound == CASE else lambda w, p, t: {}))(
                world, "agent" if person == ANONYMOUS else person, target
            )
            url = reverse(name, kwargs=kwargs)
            want = expected(check, person, target)
            allowed = want == check.allowed_answers()
            where = f"{name} {check.method.upper()} {person} {target}"
            bodies: list[dict[str, Any] | None] = [
                check.body(world, target if check.bound == CASE else IN) if check.body else {}
            ]
            if check.writes and not allowed:
                bodies.append(None)  # the role is asked before the body is read
            for body in bodies:
                with transaction.atomic():
                    refused_write = check.writes and not allowed
                    response = send(clients, check, person, url, body)
                    TALLY.requests += 1
                    status = response.status_code
                    if status not in want:
                        wrong.append(f"{where}: {status}, expected {sorted(want)}")
                    elif person == ANONYMOUS and not check.api and not _to_sign_in(response):
                        wrong.append(
                            f"{where}: {status} to {response['Location']}, not the sign-in"
                        )
                    elif refused_write and fingerprint() != world_as_built:
                        wrong.append(f"{where}: refused with {status} but the database changed")
                    elif (
                        status == 200
                        and person != ANONYMOUS
                        and not response.streaming
                        and response.get("Content-Type", "").startswith(
                            ("text/", "application/json")
                        )
                    ):
                        text = response.content.decode()
                        leaked = [
                            case
                            for case in hidden_from[person]
                            if _names(name, text, world.reference(case))
                        ]
                        if leaked:
                            wrong.append(f"{where}: names the case(s) {leaked} it may not read")
                    transaction.set_rollback(True)
    return wrong


def _to_sign_in(response: Any) -> bool:
    return response["Location"].split("?")[0] == reverse("login")


def _names(route: str, text: str, reference: str) -> bool:
    """Whether an answer names (or, in the inbox, links to) the case."""
    if route == "notifications":
        # A message keeps its text as it was sent, when the case was the reader's (an approval
        # request to the head before the handoff); the inbox may not link to the case any more.
        return f'href="{reverse("case_detail", args=[reference])}"' in text
    return reference in text


def test_every_route_has_a_row() -> None:
    known = {name for name, _route in routes()}
    missing = known - set(MATRIX) - set(NOT_STAFF)
    assert not missing, f"routes without a row in the permission matrix: {sorted(missing)}"
    stale = (set(MATRIX) | set(NOT_STAFF)) - known
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"
    assert not set(MATRIX) & set(NOT_STAFF)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route(world: World, clients, name: str) -> None:
    wrong: list[str] = []
    for check in MATRIX[name]:
        wrong += run_check(world, clients, name, check)
    assert not wrong, "\n".join(wrong)


def test_the_world_is_as_the_oracle_says(world: World) -> None:
    """The oracle's READS and IN_CHARGE describe this world (checked through the product's
    selector once, so that a world built wrong cannot make every row agree by accident)."""
    from complaints.selectors import complaint_is_visible_to, complaint_is_workable_by

    for person in PEOPLE:
        user = world.person(person)
        for case in CASES:
            complaint = world.cases[case]
            assert complaint_is_visible_to(user=user, complaint=complaint) == (
                case in READS[person]
            ), (person, case)
            assert complaint_is_workable_by(user=user, complaint=complaint) == (
                case in IN_CHARGE[person]
            ), (person, case)
    assert world.cases[HANDED].department_id == world.org.legal.pk
    assert world.cases[HANDED].assignee_id is None
    assert Decimal(world.decisions[IN].amount) == Decimal(5000)
