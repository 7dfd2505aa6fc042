"""Masking by role, walked: every serializer field, template variable, export column, page, API
answer, admin screen and staff e-mail that could carry a customer's contact details, for every
role, against a customer whose phone, e-mail and address are known. The pages, answers and
screens are also read for the names of the case's sensitive evidence (a medical record, an
identity document), which only the roles allowed may see.

The lists walked are generated (the OpenAPI schema's answers, the template files, the export's
COLUMNS, the URL conf, the admin's registry), so a new field, variable, column, page or screen
that carries contact details without asking complaints.privacy fails here until it does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.roles import Role
from complaints.api.serializers import complaints as complaint_serializers
from complaints.api.serializers import decisions as decision_serializers
from complaints.api.serializers import evidence as evidence_serializers
from complaints.api.serializers import injury as injury_serializers
from complaints.api.serializers import records as record_serializers
from complaints.api.serializers import reference as reference_serializers
from complaints.api.serializers import registers as register_serializers
from complaints.api.serializers.fields import ContactDetailField
from complaints.models import (
    CaseStudy,
    ImprovementAction,
    LegalDocument,
    LostProperty,
    Notification,
    State,
)
from complaints.privacy import (
    CONTACT_FIELDS,
    contact_in_clear,
    may_reveal,
    sees_sensitive_evidence,
)
from complaints.queues import QUEUES
from complaints.services import Flags
from complaints.services.improvement import (
    improvement_action_add_files,
    improvement_action_record,
    improvement_default_due,
)
from complaints.services.legal_documents import legal_document_record
from complaints.services.lost_property import lost_property_record
from complaints.services.rights import rights_request_record
from complaints.views.case.page import PANEL_TEMPLATES
from reports.domain import last_full_month
from reports.selectors.exports import COLUMNS, CONTACT_COLUMNS, ExportSpec, export_rows
from reports.services.exports import export_job_request
from reports.services.snapshots import snapshot_build
from tests.complaints.test_evidence import png_bytes
from tests.privacy.conftest import (
    ADDRESS,
    EMAIL,
    MASKED,
    PHONE,
    ROLES,
    World,
    leaks,
)
from tests.urlconf import routes

pytestmark = pytest.mark.django_db

# The rule itself: who reads contact details in clear, who may reveal them.
IN_CLEAR = {Role.COMPLAINT_MANAGER}
REVEALERS = {Role.AGENT, Role.HANDLER, Role.DEPT_HEAD, Role.EXECUTIVE}
CLEAR_VALUES = {"phone": PHONE, "email": EMAIL, "address": ADDRESS}
CONTACT_WORDS = re.compile(r"phone|e-?mail|address", re.IGNORECASE)


def text_of(response: Any) -> str:
    """What a response carries, as text: pages, JSON, CSV, and the cells of an XLSX."""
    content = (
        b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    )
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if kind.startswith(("text/", "application/json")):
        return content.decode("utf-8")
    return ""  # the bytes of an evidence file: what the customer sent, not a rendering of it


# The names and descriptions of the world's medical record and identity document.
SENSITIVE_TEXTS = ("诊断证明-王伟", "烫伤诊断证明", "身份证-王伟", "身份证正面")


def assert_masked_as_the_role_may(text: str, *, role: Role, user: Any, where: str) -> None:
    for field in CONTACT_FIELDS:
        if not contact_in_clear(user=user, field=field):
            assert not leaks(text, field), f"{role} reads the {field} in clear on {where}"
    if not sees_sensitive_evidence(user=user):
        found = [secret for secret in SENSITIVE_TEXTS if secret in text]
        assert not found, f"{role} reads sensitive evidence ({found}) on {where}"


@pytest.mark.parametrize("role", ROLES)
def test_the_rule_per_role(world: World, role: Role) -> None:
    user = world.user(role)
    for field in CONTACT_FIELDS:
        assert contact_in_clear(user=user, field=field) == (role in IN_CLEAR), (role, field)
    assert may_reveal(user=user) == (role in REVEALERS)


# --- serializer fields: every property of every API answer ---------------------------------------

SERIALIZER_MODULES = (
    complaint_serializers,
    decision_serializers,
    evidence_serializers,
    injury_serializers,
    record_serializers,
    reference_serializers,
    register_serializers,
)
# Properties named like contact details that are not a customer's.
NOT_CUSTOMER_CONTACT = {
    ("Me", "email"): "the signed-in staff member's own address",
    ("LegalDocument", "addressee"): "the name legal papers are addressed to (the company's)",
    ("LegalDocument", "addressee_matches"): "whether that name is the company's",
}


def _answer_components(schema: dict) -> set[str]:
    """The schema components reachable from any response of any operation."""
    components = schema["components"]["schemas"]
    seen: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    visit(components[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for operations in schema["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                visit(operation.get("responses", {}))
    return seen


def test_every_contact_property_of_every_api_answer_asks_the_privacy_rule() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    serializers_by_component = {
        name.removesuffix("Serializer"): value
        for module in SERIALIZER_MODULES
        for name, value in vars(module).items()
        if isinstance(value, type) and name.endswith("Serializer")
    }
    checked = []
    for component in sorted(_answer_components(schema)):
        properties = schema["components"]["schemas"][component].get("properties", {})
        for name in properties:
            if not CONTACT_WORDS.search(name) or (component, name) in NOT_CUSTOMER_CONTACT:
                continue
            serializer = serializers_by_component.get(component)
            assert serializer is not None, f"no serializer found for answer {component}"
            field = serializer().fields[name]
            assert isinstance(field, ContactDetailField), (
                f"{component}.{name} carries contact details without complaints.privacy: "
                "make it a ContactDetailField"
            )
            checked.append(f"{component}.{name}")
    # The walk found the fields it must (and so would find a new one).
    assert {"CustomerSummary.phone", "CustomerSummary.email", "CustomerDetail.address"} <= set(
        checked
    )


# --- template variables: every variable of every template ------------------------------------

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
# Variables named like contact details that are not the customer's, or are masked upstream.
TEMPLATE_VARIABLES_ALLOWED = {
    "contact.phone": "complaints.privacy.ContactDetails: masked by the rule",
    "contact.email": "complaints.privacy.ContactDetails: masked by the rule",
    "contact.address": "complaints.privacy.ContactDetails: masked by the rule",
    "masked_phone": "the tracking page: masked for whoever holds the link (privacy.contact_masker)",
    "masked_email": "the tracking page: masked for whoever holds the link (privacy.contact_masker)",
    "row.ip_address": "the reveal report: the staff member's client address",
    "requester_contact.phone": "a data request's requester: privacy.contact_details_of",
    "requester_contact.email": "a data request's requester: privacy.contact_details_of",
    "customer_contact.phone": "a lost-property entry's phone: privacy.contact_details_of",
    "witness_contact.phone": "an injury witness's phone: privacy.contact_details_of",
    "document.addressee": "the name legal papers are addressed to (the company's)",
    "document.addressee_matches": "whether the papers name the company exactly",
    "mailbox.address": "the company's own complaints mailbox (administrators' notice)",
}
# Variables under these (the field, its value, id, label, errors) are allowed too.
TEMPLATE_ROOTS_ALLOWED = {
    "form.customer_phone": "the intake and public forms: what the person is typing",
    "form.customer_email": "the intake and public forms: what the person is typing",
    "form.customer_address": "the intake and public forms: what the person is typing",
    "form.requester_phone": "recording a data request: what the person is typing",
    "form.requester_email": "recording a data request: what the person is typing",
    "form.addressee": "recording legal papers: the name they are addressed to",
    "form.addressee_matches": "recording legal papers: whether it is the company's",
}


def _allowed(variable: str) -> bool:
    return variable in TEMPLATE_VARIABLES_ALLOWED or any(
        variable == root or variable.startswith(f"{root}.") for root in TEMPLATE_ROOTS_ALLOWED
    )


_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_VARIABLE = re.compile(r"[A-Za-z_][\w]*(?:\.[\w]+)*")


def template_variables() -> Iterator[tuple[str, str]]:
    """(template, variable) for every dotted name in every {{ }} and {% %} of every template."""
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or path.suffix not in (".html", ".txt"):
                continue
            for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
                if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
                    continue
                for variable in _VARIABLE.findall(_QUOTED.sub(" ", token.contents)):
                    yield str(path.relative_to(directory)), variable


def test_every_template_variable_named_like_a_contact_detail_is_a_masked_one() -> None:
    found = {
        (name, variable)
        for name, variable in template_variables()
        if any(CONTACT_WORDS.search(part) for part in variable.split("."))
    }
    unknown = sorted(f"{name}: {variable}" for name, variable in found if not _allowed(variable))
    assert not unknown, (
        "template variables that may carry contact details without complaints.privacy "
        f"(render them from a ContactDetails, or say why they may): {unknown}"
    )
    # The walk sees the variables it must (and so would see a new one).
    assert {variable for _name, variable in found} >= {"contact.phone", "masked_phone"}


def test_the_templates_parse() -> None:
    """The walk above reads every template; each also compiles (no variable hidden in a
    template the walk could not tokenise)."""
    engine = engines["django"]
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            engine.get_template(str(path.relative_to(directory)))


# --- export columns --------------------------------------------------------------------------


def test_every_export_column_for_every_role(world: World) -> None:
    today = timezone.localdate()
    spec = ExportSpec(date_from=today - timedelta(days=1), date_to=today)
    for role in ROLES:
        user = world.user(role)
        rows = list(export_rows(user=user, spec=spec, language="en", using="default"))
        assert [row["reference"] for row in rows] == [world.complaint.reference], role
        for key, _header in COLUMNS:
            value = str(rows[0][key] or "")
            field = CONTACT_COLUMNS.get(key)
            if field is None:
                for detail in CONTACT_FIELDS:
                    assert not leaks(value, detail), f"column {key} carries the {detail}"
            elif contact_in_clear(user=user, field=field):
                assert value == CLEAR_VALUES[field], (role, key)
            else:
                assert value == MASKED[field], (role, key)


# --- pages: every staff page of the URL conf, for every role ---------------------------------


# Pages that show the customer's contact details: in clear to the roles that may read them.
PAGES_WITH_CONTACT = {"case_detail", "customer_detail"}
# Changes (POST only): a GET answers 405, they render nothing to walk.
POST_ONLY = {
    "notifications_mark_all_read",
    "notification_open",
    "case_transition",
    "case_triage",
    "case_handoff",
    "case_note",
    "case_evidence",
    "case_decision",
    "case_decision_approve",
    "case_decision_refuse",
    "case_contact",
    "case_follow_up",
    "case_pause",
    "case_resume",
    "case_checklist_step",
    "case_agreement",
    "case_agreement_hand_over",
    "case_agreement_payment",
    "case_injury",
    "case_quality_refer",
    "case_quality_answer",
    "case_unmask",
    "case_legal_hold",
    "case_link",
    "case_merge",
    "case_outside_body",
    "rights_export",
    "rights_refuse",
    "legal_document_forward",
    "legal_document_files",
    "legal_document_link",
    "lost_property_outcome",
    "lost_property_link",
    "reports:improvement_start",
    "reports:improvement_complete",
    "reports:improvement_verify",
    "reports:improvement_link",
    "library_review",
    "reports:improvement_files",
}
NOT_WALKED = {
    "set_language": "changes the language, no data",
    "language": "changes the language, no data",
    "logout": "signs out, no data",
    "public:resend_link": "the customer asks for a link (POST), no data",
    "public:track_add": "the customer adds information (POST)",
    "public:track_withdraw": "the customer withdraws (POST)",
    "healthz": "a probe: no data",
    "readyz": "a probe: no data",
    "login": "signed out",
    "login_code": "the sign-in's second step: signed out until the code is given",
    "api-schema": "the API's description, no data",
    "api-docs": "the API's description, no data",
    "api-not-found": "any other /api/ path: the JSON 404, no data",
    "api-token": "the token exchange (POST), no data",
    "public:submit": "the customers' form, empty",
    "public:submitted": "the customer's receipt: reference only (tests/public)",
    "public:track_lookup": "the customers' lookup form, empty",
    "public:track": "the customer's own page, masked for anyone (tests/public/tracking)",
    "public:survey": "the customer's survey: no contact details (tests/public/tracking)",
    "public:text_link": "a text's short link: a redirect to a signed link, no data",
    "public:sms_replies": "the SMS provider's callback (POST, secret path), no data",
}


@pytest.fixture
def walk_samples(world: World) -> dict[str, list[tuple[dict[str, Any], dict[str, str]]]]:
    """URL name → the (kwargs, query) the walk requests it with."""
    org, complaint = world.org, world.complaint
    today = timezone.localdate()
    period = {"date_from": str(today - timedelta(days=1)), "date_to": str(today)}
    snapshot, _created = snapshot_build(period=last_full_month(today))
    spec = ExportSpec(date_from=today - timedelta(days=1), date_to=today)
    # One file in a role's masking, one in the clear: neither may reach another reader in clear.
    jobs = [
        export_job_request(user=user, spec=spec, language="en") for user in (org.head, org.manager)
    ]
    # The customer asks for a copy of their data, and for its erasure (recorded by a manager).
    data_request, erasure = (
        rights_request_record(
            actor=org.manager,
            kind=kind,
            requester_name=world.customer.name,
            requester_phone=PHONE,
            requester_email=EMAIL,
            identity_check="id_document",
        )
        for kind in ("export", "erasure")
    )
    legal, lost = _register_entries(world)
    action = _improvement_action(world)
    case = {"reference": complaint.reference}
    panels = [*PANEL_TEMPLATES, "transition:complete_investigation", "transition:withdraw"]
    return {
        "home": [({}, {})],
        "queue": [({"slug": queue.slug}, {}) for queue in QUEUES],
        "queue_tab_counts": [({}, {})],
        "notifications": [({}, {})],
        "customer_detail": [({"pk": world.customer.pk}, {})],
        "contact_reveals": [({}, {}), ({}, {"customer": f"#{world.customer.pk}"})],
        "intake": [({}, {})],
        "customer_lookup": [({}, {"customer_email": EMAIL})],
        "case_detail": [(case, {})],
        "case_panel": [({**case, "key": key}, {}) for key in panels],
        "case_evidence_file": [
            ({**case, "pk": item.pk}, {}) for item in (world.photo, world.medical)
        ],
        "case_decision_approvers": [(case, {"amount": "5000"})],
        "password_change": [({}, {})],
        "two_factor": [({}, {})],
        "notification_settings": [({}, {})],
        "reports:dashboard": [({}, {})],
        "reports:report": [({}, {})],
        "reports:snapshots": [({}, {})],
        "reports:snapshot": [({"pk": snapshot.pk}, {})],
        "reports:snapshot-xlsx": [({"pk": snapshot.pk}, {})],
        "reports:exports": [({}, {})],
        "reports:export-csv": [({}, period)],
        "reports:export-job": [({"pk": job.pk}, {}) for job in jobs],
        "reports:export-download": [({"pk": job.pk}, {}) for job in jobs],
        "rights_list": [({}, {})],
        "rights_new": [({}, {})],
        "rights_detail": [({"pk": data_request.pk}, {}), ({"pk": erasure.pk}, {})],
        "rights_erase": [({"pk": erasure.pk}, {})],
        "rights_download": [({"pk": data_request.pk}, {})],
        "legal_document_list": [({}, {})],
        "legal_document_new": [({}, {})],
        "legal_document_detail": [({"pk": legal.pk}, {})],
        "legal_document_file": [({"pk": legal.pk, "file_id": legal.files.get().pk}, {})],
        "lost_property_list": [({}, {}), ({}, {"q": world.customer.name})],
        "lost_property_new": [({}, {})],
        "lost_property_detail": [({"pk": lost.pk}, {})],
        "lost_property_statistics": [({}, {})],
        "reports:improvement_list": [({}, {}), ({}, {"show": "all", "status": ""})],
        "reports:improvement_new": [({}, {}), ({}, {"complaint": complaint.reference})],
        "reports:improvement_detail": [({"pk": action.pk}, {})],
        "library_list": [({}, {}), ({}, {"q": world.customer.name})],
        "library_detail": [({"pk": _library_case(world).pk}, {})],
        "case_library_propose": [(case, {})],
        "reports:improvement_file": [({"pk": action.pk, "file_id": action.files.get().pk}, {})],
    }


def _library_case(world: World) -> CaseStudy:
    """A library case proposed from the case (issue 18 §2): a copy that names nobody."""
    return CaseStudy.objects.create(
        source=world.complaint,
        title="维修后未试机",
        story="空调维修后仍不制冷。",
        lesson="维修后试机。",
        channel="phone",
        severity="general",
        proposed_by=world.org.handler,
        proposed_at=timezone.now(),
    )


def _register_entries(world: World) -> tuple[LegalDocument, LostProperty]:
    """A lawyer's letter and a lost bag about the case; the bag's owner gave the customer's
    phone, which the register shows as the case page does."""
    org, complaint = world.org, world.complaint
    legal = legal_document_record(
        actor=org.agent,
        kind="lawyer_letter",
        sender="某律师事务所",
        delivered_by="张律师",
        identity_check="lawyer_licence",
        addressee="某某有限公司",
        addressee_matches=True,
        receipt="left_unsigned",
        summary="要求赔偿",
        complaint=complaint.reference,
        files=[SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")],
    )
    lost = lost_property_record(
        actor=org.agent,
        customer_name=world.customer.name,
        customer_phone=PHONE,
        lost_at=timezone.now() - timedelta(hours=1),
        area="2F 沙发区",
        description="黑色手提包",
        complaint=complaint.reference,
    )
    return legal, lost


def _improvement_action(world: World) -> ImprovementAction:
    """An improvement action started from the case (issue 18 §1), with a file showing what was
    done: its page and its API answer list the case."""
    org = world.org
    action = improvement_action_record(
        actor=org.manager,
        title="维修完工后增加制冷测试",
        root_cause="process",
        department=org.service,
        owner=org.handler,
        due_date=improvement_default_due(department_id=org.service.pk),
        category=world.complaint.category,
        complaint=world.complaint.reference,
    )
    improvement_action_add_files(
        actor=org.handler,
        action_id=action.pk,
        files=[SimpleUploadedFile("货架.png", png_bytes(), content_type="image/png")],
    )
    return action


_PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def _any_url(name: str, route: str, world: World) -> str:
    """`name`'s address with a plausible value for each part (for checking the method only)."""
    values = {
        "reference": world.complaint.reference,
        "name": "withdraw",
        "pk": 1,
        "action": "body_close",
    }
    return reverse(name, kwargs={part: values[part] for part in _PLACEHOLDER.findall(route)})


def test_every_staff_page_for_every_role(world: World, walk_samples, client_for) -> None:
    known = dict(routes())
    names = {name for name in known if not name.startswith("api-")}
    unknown = names - set(walk_samples) - POST_ONLY - set(NOT_WALKED)
    assert not unknown, f"pages the privacy walk does not know: add a sample for {sorted(unknown)}"
    for role in ROLES:
        user = world.user(role)
        client = client_for(user)
        for name in sorted(POST_ONLY):
            # Honest about being POST only: a page that starts answering a GET must be walked.
            assert client.get(_any_url(name, known[name], world)).status_code == 405, name
        for name, requests in walk_samples.items():
            # Panels are htmx fragments; asked without htmx they redirect to the page.
            headers = {"HX-Request": "true"} if name == "case_panel" else {}
            for kwargs, query in requests:
                response = client.get(reverse(name, kwargs=kwargs), query, headers=headers)
                assert response.status_code in (200, 302, 403, 404), (role, name, kwargs)
                # What the person typed into the address comes back in links (the language
                # form's `next`): their own input, not the database's.
                text = text_of(response).replace(urlencode(query), "")
                assert_masked_as_the_role_may(text, role=role, user=user, where=f"{name} {kwargs}")
                if name in PAGES_WITH_CONTACT and response.status_code == 200:
                    for field in CONTACT_FIELDS:
                        expected = (
                            CLEAR_VALUES[field]
                            if contact_in_clear(user=user, field=field)
                            else MASKED[field]
                        )
                        assert expected in text, (role, name, field)


# --- API answers: every GET endpoint of the URL conf, for every role --------------------------


def test_every_api_answer_for_every_role(world: World) -> None:
    complaint = world.complaint
    legal, lost = _register_entries(world)
    action = _improvement_action(world)
    action_file = {"pk": action.pk, "file_id": action.files.get().pk}
    samples: dict[str, list[dict[str, Any]]] = {
        "api-complaints": [{}],
        "api-complaint-detail": [{"reference": complaint.reference}],
        "api-transitions": [{"reference": complaint.reference}],
        "api-events": [{"reference": complaint.reference}],
        "api-possible-duplicates": [{"reference": complaint.reference}],
        "api-links": [{"reference": complaint.reference}],
        "api-evidence": [{"reference": complaint.reference}],
        "api-evidence-detail": [
            {"reference": complaint.reference, "evidence_id": item.pk}
            for item in (world.photo, world.medical)
        ],
        "api-evidence-download": [
            {"reference": complaint.reference, "evidence_id": item.pk}
            for item in (world.photo, world.medical)
        ],
        "api-decisions": [{"reference": complaint.reference}],
        "api-checklist": [{"reference": complaint.reference}],
        "api-outside-bodies": [{"reference": complaint.reference}],
        "api-signing-texts": [{}],
        "api-agreements": [{"reference": complaint.reference}],
        "api-injury": [{"reference": complaint.reference}],
        "api-quality-referrals": [{"reference": complaint.reference}],
        "api-customers": [{}],
        "api-customer-detail": [{"customer_id": world.customer.pk}],
        "api-departments": [{}],
        "api-categories": [{}],
        "api-me": [{}],
        "api-legal-documents": [{}],
        "api-legal-document-detail": [{"pk": legal.pk}],
        "api-lost-property": [{}],
        "api-lost-property-detail": [{"pk": lost.pk}],
        "api-lost-property-statistics": [{}],
        "api-improvement-actions": [{}],
        "api-improvement-action-detail": [{"pk": action.pk}],
        "api-improvement-action-file-download": [action_file],
    }
    # Changes: POST or PATCH only, answering with the record they wrote.
    writes = {
        "api-transition-run",
        "api-notes",
        "api-merge",
        "api-contacts",
        "api-follow-ups",
        "api-handoffs",
        "api-pause",
        "api-resume",
        "api-checklist-tick",
        "api-outside-body-documents",
        "api-outside-body-sign",
        "api-outside-body-close",
        "api-off-sale-orders",
        "api-off-sale-order-done",
        "api-agreement-hand-over",
        "api-agreement-payments",
        "api-injury-accompany",
        "api-injury-advance",
        "api-injury-advance-request",
        "api-injury-advance-approve",
        "api-injury-advance-paid",
        "api-injury-receipts-exception",
        "api-injury-witnesses",
        "api-injury-documents",
        "api-injury-calls",
        "api-injury-insurer",
        "api-injury-insurer-opinion",
        "api-injury-compensation",
        "api-quality-answers",
        "api-decision-approve",
        "api-decision-reject",
        "api-legal-document-forward",
        "api-legal-document-files",
        "api-legal-document-link",
        "api-lost-property-outcome",
        "api-lost-property-link",
        "api-improvement-action-start",
        "api-improvement-action-complete",
        "api-improvement-action-verify",
        "api-improvement-action-link",
        "api-improvement-action-files",
    }
    names = {name for name, _route in routes() if name.startswith("api-")}
    unknown = names - set(samples) - writes - set(NOT_WALKED)
    assert not unknown, f"API endpoints the privacy walk does not know: {sorted(unknown)}"
    for role in ROLES:
        user = world.user(role)
        client = APIClient()
        client.force_authenticate(user)
        for name, requests in samples.items():
            for kwargs in requests:
                response = client.get(reverse(name, kwargs=kwargs))
                assert response.status_code in (200, 403, 404), (role, name)
                text = text_of(response)
                assert_masked_as_the_role_may(text, role=role, user=user, where=name)
        detail = client.get(
            reverse("api-customer-detail", kwargs={"customer_id": world.customer.pk})
        )
        for field in CONTACT_FIELDS:
            expected = (
                CLEAR_VALUES[field] if contact_in_clear(user=user, field=field) else MASKED[field]
            )
            assert detail.json()[field] == expected, (role, field)


# --- the admin: every registered screen, for every role given admin access --------------------


def _admin_objects(world: World, model: type) -> list[Any]:
    """Rows of `model` about the world's case or customer (or any one row)."""
    for lookup in ({"complaint": world.complaint}, {"customer": world.customer}):
        try:
            rows = list(model._default_manager.filter(**lookup)[:3])
        except Exception:
            continue
        if rows:
            return rows
    if model is type(world.customer):
        return [world.customer]
    if model is type(world.complaint):
        return [world.complaint]
    first = model._default_manager.first()
    return [first] if first is not None else []


def test_every_admin_screen_for_every_role(world: World) -> None:
    for role in ROLES:
        user = world.user(role)
        user.is_staff = True
        user.save()
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for model, _model_admin in admin.site._registry.items():
            info = (model._meta.app_label, model._meta.model_name)
            urls = [reverse("admin:{}_{}_changelist".format(*info))]
            urls += [
                reverse("admin:{}_{}_change".format(*info), args=[row.pk])
                for row in _admin_objects(world, model)
            ]
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 302, 403, 404), (role, url)
                assert_masked_as_the_role_may(text_of(response), role=role, user=user, where=url)
        customer_page = client.get(
            reverse("admin:complaints_customer_change", args=[world.customer.pk])
        )
        if customer_page.status_code == 200:
            for field in CONTACT_FIELDS:
                expected = (
                    CLEAR_VALUES[field]
                    if contact_in_clear(user=user, field=field)
                    else MASKED[field]
                )
                assert expected in text_of(customer_page), (role, field)


# --- e-mails and in-app notifications to staff ------------------------------------------------


def test_no_staff_notification_or_email_carries_contact_details(
    world: World, new_complaint, flow, django_capture_on_commit_callbacks
) -> None:
    org = world.org
    with django_capture_on_commit_callbacks(execute=True):
        # The same customer again: injured, so senior management hears at once; then a
        # decision above the handler's limit asks the head for approval.
        injured = new_complaint(
            customer_phone=PHONE, customer_email=EMAIL, flags=Flags(personal_injury=True)
        )
        injured = flow.advance(injured, State.DECISION)
        flow.propose(injured, amount=5000)
    notifications = list(Notification.objects.all())
    kinds = {notification.kind for notification in notifications}
    assert {"assignment", "escalation", "approval_request"} <= kinds, kinds
    texts = [f"{n.subject}\n{n.body}\n{n.body_html}" for n in notifications] + [
        f"{m.subject}\n{m.body}\n{m.alternatives}" for m in mail.outbox
    ]
    for text in texts:
        for field in CONTACT_FIELDS:
            # Whoever reads it: a mailbox is outside the role check.
            assert not leaks(text, field), (field, text[:200])
    # Those who read contact details in clear on the pages get the same e-mails.
    assert org.manager.pk in {n.recipient_id for n in notifications}
