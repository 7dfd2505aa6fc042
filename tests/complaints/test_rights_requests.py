"""People's requests about their data: recorded with a due date on the business calendar, the
export zip (JSON and files, flat memory), the erasure through the one anonymisation service,
refusals, legal hold, and the audit log of every step."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import AuditEntry
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import Complaint, Customer, RightsRequest
from complaints.services import evidence_add
from complaints.services.legal_hold import legal_hold_lift, legal_hold_set
from complaints.services.rights import (
    rights_erase,
    rights_export_build,
    rights_export_download,
    rights_export_prepare,
    rights_exports_purge,
    rights_request_record,
    rights_request_refuse,
)
from complaints.tasks import anonymise_expired_cases_task
from sla.selectors import working_calendar
from tests.complaints.privacy_cases import (
    MARK,
    MARK_PHONE,
    markers_in_database,
    stored_files,
    upload,
    worked_case,
)

pytestmark = pytest.mark.django_db

EMAIL = "zebraquagga.wang@example.com"


def record(org, kind: str = "export", **overrides) -> RightsRequest:
    fields = {
        "actor": org.manager,
        "kind": kind,
        "requester_name": "王先生",
        "requester_phone": "137 1234 5678",
        "identity_check": RightsRequest.IdentityCheck.ID_DOCUMENT,
    }
    fields.update(overrides)
    return rights_request_record(**fields)


@pytest.fixture
def prepare(django_capture_on_commit_callbacks):
    """Ask for the export and run the build queued after the commit (tasks are eager)."""

    def run(org, request: RightsRequest, language: str = "en") -> RightsRequest:
        with django_capture_on_commit_callbacks(execute=True):
            rights_export_prepare(actor=org.manager, request_id=request.pk, language=language)
        request.refresh_from_db()
        return request

    return run


def actions() -> list[str]:
    """The audit log's actions about personal data, oldest first (the fixtures' role changes and
    the worked case's payment left out)."""
    return list(
        AuditEntry.objects.exclude(action__in=["roles_changed", "payment_recorded"])
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


class TestRecording:
    def test_the_persons_records_are_found_by_phone_or_email(
        self, org, flow, new_complaint
    ) -> None:
        by_phone = worked_case(org, flow, new_complaint)
        by_email = worked_case(
            org, flow, new_complaint, phone="13911112222", email="Other@Example.com", seed=2
        )
        stranger = worked_case(
            org, flow, new_complaint, phone="13922223333", email="x@example.com", seed=3
        )

        request = record(org, requester_email="other@example.com")

        assert set(request.customers.values_list("pk", flat=True)) == {
            by_phone.customer_id,
            by_email.customer_id,
        }
        assert stranger.customer_id not in request.customers.values_list("pk", flat=True)
        assert request.requester_phone == "+8613712345678"

    def test_it_is_due_on_the_15th_working_day_after_receipt(self, org) -> None:
        received = timezone.make_aware(datetime(2026, 9, 28, 10, 0))  # before 国庆节

        request = record(org, received_at=received)

        expected = working_calendar().add_working_days(received, 15)
        assert request.due_at == expected
        # The National Day holiday is not counted: more than three calendar weeks.
        assert (timezone.localtime(request.due_at).date() - received.date()).days > 21

    def test_the_number_of_working_days_is_a_setting(self, org, settings) -> None:
        settings.COMPLAINTS_RIGHTS_REQUEST_WORKING_DAYS = 5
        received = timezone.now()

        request = record(org, received_at=received)

        assert request.due_at == working_calendar().add_working_days(received, 5)

    def test_it_is_in_the_audit_log_without_the_persons_name(self, org) -> None:
        request = record(org)

        entry = AuditEntry.objects.get(action=AuditEntry.Action.RIGHTS_REQUEST_RECORDED)
        assert entry.actor == org.manager
        assert entry.target_label.startswith(request.code)
        assert "王" not in entry.target_label

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"kind": "delete_everything"}, "kind"),
            ({"requester_name": " "}, "requester_name"),
            ({"requester_phone": "", "requester_email": ""}, "requester_phone"),
            ({"requester_phone": "12"}, "requester_phone"),
            ({"identity_check": ""}, "identity_check"),
            ({"identity_check": "other", "note": ""}, "note"),
            ({"received_at": timezone.now() + timedelta(days=2)}, "received_at"),
        ],
    )
    def test_bad_input_is_refused_field_by_field(self, org, overrides, field) -> None:
        with pytest.raises(InvalidInput) as refused:
            record(org, **overrides)

        assert field in refused.value.fields
        assert not RightsRequest.objects.exists()

    @pytest.mark.parametrize("who", ["agent", "handler", "head", "executive", "auditor"])
    def test_only_the_permission_holders_handle_requests(self, org, who) -> None:
        with pytest.raises(PermissionDenied):
            record(org, actor=getattr(org, who))


class TestExport:
    def test_the_zip_holds_their_data_as_json_and_their_files(
        self, org, flow, new_complaint, prepare
    ) -> None:
        case = worked_case(org, flow, new_complaint)
        evidence_add(
            complaint=worked_case(org, flow, new_complaint, ended_days_ago=None, seed=7),
            actor=org.handler,
            kind="photo",
            upload=upload(8),
        )
        request = record(org)

        request = prepare(org, request, "en")

        assert (request.export_status, request.status) == ("done", "completed")
        assert request.handled_by == org.manager
        archive = zipfile.ZipFile(request.export_file.open("rb"))
        data = json.loads(archive.read("data.json"))
        assert data["request"]["code"] == request.code
        [customer] = data["customer_records"]
        assert (customer["name"], customer["phone"], customer["email"]) == (
            f"{MARK}王先生",
            "+86" + MARK_PHONE,
            EMAIL,
        )
        assert len(data["complaints"]) == 2
        first = next(c for c in data["complaints"] if c["reference"] == case.reference)
        assert first["description"].startswith(MARK)
        assert first["stage"] == {"code": "closed", "label": "Closed"}
        assert first["outcome"][0]["amount"] == "5000.00"
        # The agreement they signed and what was paid them; not the quality referral (internal).
        [agreement] = first["agreements"]
        assert agreement["amount"] == "5000.00"
        assert agreement["payments"][0]["method"] == {
            "code": "bank_transfer",
            "label": "Bank transfer",
        }
        assert "已联系厂家" not in json.dumps(data, ensure_ascii=False)
        assert any(c.get("email") for c in first["contacts"])
        assert first["follow_ups"][0]["satisfaction"] == 4
        # Internal notes and handoffs are not theirs to read; staff are not named.
        assert "客户情绪激动" not in json.dumps(data, ensure_ascii=False)
        assert "请服务部处理" not in json.dumps(data, ensure_ascii=False)
        files = [name for name in archive.namelist() if name.startswith("evidence/")]
        assert len(files) == 3
        assert {e["file"] for c in data["complaints"] for e in c["evidence"]} == set(files)
        assert all(archive.read(name).startswith(b"\x89PNG") for name in files)
        assert request.result == {
            "customers": 1,
            "complaints": 2,
            "files": 3,
            "received_emails": 0,
        }

    def test_every_step_is_audited_and_each_download_too(
        self, org, flow, new_complaint, prepare
    ) -> None:
        worked_case(org, flow, new_complaint)
        request = record(org)
        prepare(org, request, "zh-hans")

        rights_export_download(actor=org.manager, request_id=request.pk)
        rights_export_download(actor=org.manager, request_id=request.pk)

        assert actions() == [
            "rights_request_recorded",
            "rights_export_asked",
            "rights_export_built",
            "export",
            "export",
        ]
        built = AuditEntry.objects.get(action="rights_export_built")
        assert built.actor is None and built.details["files"] == 1

    def test_a_message_delivered_twice_builds_once(self, org, flow, new_complaint, prepare) -> None:
        worked_case(org, flow, new_complaint)
        request = record(org)
        prepare(org, request, "en")

        assert rights_export_build(request_id=request.pk) is None
        assert AuditEntry.objects.filter(action="rights_export_built").count() == 1

    def test_nothing_to_download_before_it_is_built_or_for_others(self, org) -> None:
        request = record(org)

        with pytest.raises(NotFound):
            rights_export_download(actor=org.manager, request_id=request.pk)
        with pytest.raises(PermissionDenied):
            rights_export_download(actor=org.auditor, request_id=request.pk)

    def test_an_erasure_request_cannot_be_exported(self, org, prepare) -> None:
        request = record(org, kind="erasure")

        with pytest.raises(ConditionNotMet):
            prepare(org, request, "en")

    def test_memory_stays_flat_with_many_large_files(
        self, org, flow, new_complaint, settings, prepare
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=None)
        for seed in (10, 11):
            # A PNG with 12 MB of trailing bytes: larger than the peak allowed below.
            content = upload(seed).read() + bytes(range(256)) * (12 * 1024 * 1024 // 256)
            evidence_add(
                complaint=case,
                actor=org.handler,
                kind="photo",
                upload=SimpleUploadedFile(f"big-{seed}.png", content, content_type="image/png"),
            )
        request = record(org)

        tracemalloc.start()
        try:
            prepare(org, request, "en")
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        request.refresh_from_db()
        assert request.export_size > 24 * 1024 * 1024
        # Files are copied a megabyte at a time: the peak is a few megabytes, not a file's 12.
        assert peak < 6 * 1024 * 1024, peak

    def test_prepared_exports_are_deleted_after_their_keeping_time(
        self, org, flow, new_complaint, settings, prepare
    ) -> None:
        worked_case(org, flow, new_complaint)
        request = record(org)
        request = prepare(org, request, "en")
        name = request.export_file.name

        assert rights_exports_purge(now=timezone.now() + timedelta(days=29)) == 0
        assert rights_exports_purge(now=timezone.now() + timedelta(days=31)) == 1

        request.refresh_from_db()
        assert (request.export_status, request.export_file.name) == ("expired", "")
        assert not any(path.name == name.rsplit("/", 1)[-1] for path in stored_files())


class TestErasure:
    def test_erasure_removes_every_trace_and_completes_the_request(
        self, org, flow, new_complaint, prepare
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)  # well within retention
        earlier = record(org)
        prepare(org, earlier, "en")
        request = record(org, kind="erasure", requester_email=EMAIL)

        rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)

        # Requests keep the requester's name (the record that they were answered), not contacts.
        assert markers_in_database() == []
        assert RightsRequest.objects.get(pk=earlier.pk).requester_phone == ""
        assert stored_files() == []
        request.refresh_from_db()
        assert request.status == "completed" and request.handled_by == org.manager
        assert (request.requester_phone, request.requester_email) == ("", "")
        assert request.result["complaints"] == [case.reference]
        assert request.result["exports_deleted"] == 1
        customer = Customer.objects.get(pk=case.customer_id)
        assert customer.anonymised_at is not None and customer.name == ""
        last = Complaint.objects.get(pk=case.pk).events.last()
        assert last.data == {"cause": "erasure", "rights_request": request.code}
        assert last.actor == org.manager
        assert actions()[-2:] == ["anonymised", "rights_erased"]

    def test_an_open_case_refuses_the_erasure_and_changes_nothing(
        self, org, flow, new_complaint
    ) -> None:
        closed = worked_case(org, flow, new_complaint, ended_days_ago=3)
        still_open = worked_case(org, flow, new_complaint, ended_days_ago=None, seed=5)
        request = record(org, kind="erasure")

        with pytest.raises(ConditionNotMet) as refused:
            rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)

        assert still_open.reference in refused.value.message
        assert Complaint.objects.get(pk=closed.pk).anonymised_at is None
        assert RightsRequest.objects.get(pk=request.pk).status == "open"
        assert len(stored_files()) == 2

    def test_legal_hold_refuses_the_erasure_with_the_reason(self, org, flow, new_complaint) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)
        legal_hold_set(actor=org.manager, reference=case.reference, reason="(2026)沪0101民初123号")
        request = record(org, kind="erasure")

        with pytest.raises(ConditionNotMet) as refused, translation.override("en"):
            rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)

        assert "legal hold" in refused.value.message and case.reference in refused.value.message
        assert MARK in Complaint.objects.get(pk=case.pk).subject

        legal_hold_lift(actor=org.manager, reference=case.reference, reason="判决生效")
        rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)
        assert Complaint.objects.get(pk=case.pk).subject == ""

    def test_erasure_needs_the_confirmation(self, org) -> None:
        request = record(org, kind="erasure")

        with pytest.raises(InvalidInput):
            rights_erase(actor=org.manager, request_id=request.pk, confirmed=False)

    def test_a_person_we_hold_nothing_about_is_answered_too(self, org) -> None:
        request = record(org, kind="erasure", requester_phone="13800000001")

        rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)

        request.refresh_from_db()
        assert request.status == "completed" and request.result["complaints"] == []


class TestRefusal:
    def test_a_refusal_keeps_its_reason_and_is_audited(self, org) -> None:
        request = record(org, kind="erasure")

        rights_request_refuse(actor=org.manager, request_id=request.pk, reason="身份无法核实")

        request.refresh_from_db()
        assert (request.status, request.refusal_reason) == ("refused", "身份无法核实")
        assert actions()[-1] == "rights_request_refused"
        with pytest.raises(ConditionNotMet):
            rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)

    def test_a_refusal_needs_a_reason(self, org) -> None:
        request = record(org)

        with pytest.raises(InvalidInput):
            rights_request_refuse(actor=org.manager, request_id=request.pk, reason=" ")


class TestLegalHold:
    def test_set_and_lift_are_on_the_timeline_and_in_the_audit_log(
        self, org, flow, new_complaint
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)

        legal_hold_set(actor=org.manager, reference=case.reference, reason="诉讼")
        legal_hold_lift(actor=org.executive, reference=case.reference, reason="结案")

        kinds = list(case.events.values_list("kind", "comment").order_by("-id")[:2])
        assert kinds == [("legal_hold_lifted", "结案"), ("legal_hold_set", "诉讼")]
        entries = AuditEntry.objects.filter(action__startswith="legal_hold").order_by("id")
        assert [(e.action, e.actor, e.target_label, e.details["reason"]) for e in entries] == [
            ("legal_hold_set", org.manager, case.reference, "诉讼"),
            ("legal_hold_lifted", org.executive, case.reference, "结案"),
        ]

    @pytest.mark.parametrize("who", ["agent", "handler", "head", "auditor"])
    def test_only_the_permission_holders_set_it(self, org, flow, new_complaint, who) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)

        with pytest.raises(PermissionDenied):
            legal_hold_set(actor=getattr(org, who), reference=case.reference, reason="x")

    def test_a_reason_is_required_and_an_anonymised_case_cannot_be_held(
        self, org, flow, new_complaint
    ) -> None:
        case = worked_case(org, flow, new_complaint)
        with pytest.raises(InvalidInput):
            legal_hold_set(actor=org.manager, reference=case.reference, reason="")
        anonymise_expired_cases_task.apply()

        with pytest.raises(ConditionNotMet):
            legal_hold_set(actor=org.manager, reference=case.reference, reason="太晚了")
