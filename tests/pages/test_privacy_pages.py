"""The personal-data pages: people's requests (list with due and overdue, recording one, the
export's job and download, erasure with confirmation, refusal) and legal hold on the case page;
who may open them, what a refusal says, and their query counts."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from complaints.models import Complaint, RightsRequest
from complaints.services.rights import rights_request_record
from complaints.tasks import anonymise_expired_cases_task
from tests.complaints.privacy_cases import MARK, worked_case
from tests.pages.conftest_case import case_url, page_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = reverse("rights_list")


def text(response) -> str:
    return response.content.decode()


def record(org, kind: str = "export", **overrides) -> RightsRequest:
    fields = {
        "actor": org.manager,
        "kind": kind,
        "requester_name": "王先生",
        "requester_phone": "13712345678",
        "identity_check": "id_document",
    }
    fields.update(overrides)
    return rights_request_record(**fields)


def detail(request: RightsRequest, name: str = "rights_detail") -> str:
    return reverse(name, args=[request.pk])


class TestWhoMayOpenThem:
    @pytest.mark.parametrize("who", ["agent", "handler", "head", "executive", "auditor"])
    def test_other_roles_are_refused_every_page(self, org, client_for, who) -> None:
        request = record(org)
        client = client_for(getattr(org, who))

        for url in [
            LIST,
            reverse("rights_new"),
            detail(request),
            detail(request, "rights_erase"),
            detail(request, "rights_download"),
        ]:
            assert client.get(url).status_code == 403, url
        for name in ("rights_export", "rights_refuse", "rights_erase"):
            assert client.post(detail(request, name), {"reason": "x"}).status_code == 403
        assert RightsRequest.objects.get(pk=request.pk).status == "open"

    def test_the_menu_links_them_for_the_complaint_manager_only(self, org, client_for) -> None:
        assert 'data-testid="nav-rights"' in text(client_for(org.manager).get(LIST))
        assert 'data-testid="nav-rights"' not in text(client_for(org.head).get(reverse("home")))


class TestList:
    def test_open_requests_are_listed_by_due_date_with_the_overdue_marked(
        self, org, client_for
    ) -> None:
        late = record(org, received_at=timezone.now() - timedelta(days=40))
        fresh = record(org, requester_name="李女士")
        answered = record(org, kind="erasure", requester_name="赵先生")
        answered.status = "refused"
        answered.save()

        response = client_for(org.manager).get(LIST)

        assert [r.code for r in response.context["requests"]] == [late.code, fresh.code]
        html = text(response)
        assert 'data-testid="overdue-count"' in html
        assert "badge-late" in html
        done = client_for(org.manager).get(LIST, {"show": "done"})
        assert [r.code for r in done.context["requests"]] == [answered.code]

    def test_the_query_count_does_not_grow_with_the_rows(
        self, org, client_for, django_assert_num_queries
    ) -> None:
        for i in range(3):
            record(org, requester_name=f"甲{i}")
        client = client_for(org.manager)
        client.get(LIST)

        # Session, user, permissions (two), the open and overdue counts, the page count, the rows
        # with their people; the menu's unread count and role.
        with django_assert_num_queries(9):
            assert client.get(LIST).status_code == 200

        for i in range(30):
            request = record(org, requester_name=f"乙{i}")
            request.handled_by = org.manager
            request.save()
        with django_assert_num_queries(9):
            response = client.get(LIST)
        assert len(response.context["requests"]) == 25


class TestRecording:
    def test_a_request_is_recorded_and_opens_on_its_page(self, org, client_for) -> None:
        response = client_for(org.manager).post(
            reverse("rights_new"),
            {
                "kind": "erasure",
                "requester_name": "王先生",
                "requester_phone": "137 1234 5678",
                "identity_check": "call_back",
            },
        )

        request = RightsRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == detail(request)
        assert (request.kind, request.recorded_by) == ("erasure", org.manager)

    def test_a_bad_form_comes_back_with_what_was_typed_and_the_reasons(
        self, org, client_for
    ) -> None:
        response = client_for(org.manager).post(
            reverse("rights_new"),
            {"kind": "export", "requester_name": "王先生", "identity_check": "other"},
        )

        assert response.status_code == 422
        form = response.context["form"]
        assert set(form.errors) == {"requester_phone", "note"}
        assert 'value="王先生"' in text(response)
        assert not RightsRequest.objects.exists()


class TestExportPages:
    def test_prepare_follow_and_download(
        self, org, flow, new_complaint, client_for, django_capture_on_commit_callbacks
    ) -> None:
        worked_case(org, flow, new_complaint)
        request = record(org)
        client = client_for(org.manager)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(detail(request, "rights_export"))
        assert response.status_code == 302

        fragment = client.get(detail(request), HTTP_HX_REQUEST="true")
        assert 'data-status="done"' in text(fragment)
        assert "hx-trigger" not in text(fragment)  # nothing left to poll for
        download = client.get(detail(request, "rights_download"))

        assert download.status_code == 200
        assert download["Content-Type"] == "application/zip"
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Cache-Control"] == "no-store"
        archive = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
        assert "data.json" in archive.namelist()
        assert AuditEntry.objects.filter(action="export", actor=org.manager).count() == 1

    def test_a_job_waiting_is_polled(self, org, client_for) -> None:
        request = record(org)
        RightsRequest.objects.filter(pk=request.pk).update(export_status="pending")

        fragment = client_for(org.manager).get(detail(request), HTTP_HX_REQUEST="true")

        assert 'hx-trigger="every 2s"' in text(fragment)

    def test_no_download_before_it_is_built(self, org, client_for) -> None:
        assert (
            client_for(org.manager).get(detail(record(org), "rights_download")).status_code == 404
        )

    def test_the_page_costs_a_fixed_number_of_queries(
        self, org, flow, new_complaint, client_for, django_assert_num_queries
    ) -> None:
        worked_case(org, flow, new_complaint)
        worked_case(org, flow, new_complaint, seed=2)
        request = record(org)
        client = client_for(org.manager)
        client.get(detail(request))

        # Session, user, permissions (two), the request with its people, its customer records,
        # their complaints; the menu's unread count and role. An erasure request reads the same.
        with django_assert_num_queries(9):
            assert client.get(detail(request)).status_code == 200
        erasure = record(org, kind="erasure")
        client.get(detail(erasure))
        with django_assert_num_queries(9):
            assert client.get(detail(erasure)).status_code == 200


class TestErasurePages:
    def test_the_confirmation_says_what_goes_and_erasure_needs_the_box_ticked(
        self, org, flow, new_complaint, client_for
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)
        request = record(org, kind="erasure")
        client = client_for(org.manager)

        page = client.get(detail(request, "rights_erase"))
        assert case.reference in text(page)
        unticked = client.post(detail(request, "rights_erase"), {})
        assert unticked.status_code == 422
        assert MARK in Complaint.objects.get(pk=case.pk).subject

        done = client.post(detail(request, "rights_erase"), {"confirm": "on"})

        assert done.status_code == 302
        assert Complaint.objects.get(pk=case.pk).subject == ""
        assert RightsRequest.objects.get(pk=request.pk).status == "completed"
        assert 'data-testid="erasure-done"' in text(client.get(detail(request)))

    def test_legal_hold_is_named_as_the_reason_it_cannot_be_done(
        self, org, flow, new_complaint, client_for, page
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)
        page.post(org.manager, case, "case_legal_hold", {"reason": "(2026)沪0101民初1号"})
        request = record(org, kind="erasure")
        client = client_for(org.manager)

        shown = text(client.get(detail(request)))
        refused = client.post(detail(request, "rights_erase"), {"confirm": "on"})

        assert 'data-testid="erasure-blocked"' in shown and case.reference in shown
        assert 'data-testid="erase-open"' not in shown
        assert refused.status_code == 302
        assert RightsRequest.objects.get(pk=request.pk).status == "open"
        assert MARK in Complaint.objects.get(pk=case.pk).subject

    def test_a_request_is_refused_with_a_reason(self, org, client_for) -> None:
        request = record(org, kind="erasure")
        client = client_for(org.manager)

        empty = client.post(detail(request, "rights_refuse"), {"reason": ""})
        refused = client.post(detail(request, "rights_refuse"), {"reason": "身份无法核实"})

        assert empty.status_code == 422
        assert refused.status_code == 302
        assert "身份无法核实" in text(client.get(detail(request)))


class TestLegalHoldOnTheCasePage:
    def test_a_manager_puts_a_case_on_hold_and_lifts_it(
        self, org, flow, new_complaint, page
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)
        html = text(page.get(org.manager, case))
        assert 'data-testid="legal-hold-panel"' in html  # folded: a button

        held = page.post(org.manager, case, "case_legal_hold", {"reason": "诉讼"})

        assert held.status_code == 302
        html = text(page.get(org.manager, case))
        assert 'data-testid="flag-legal_hold"' in html
        assert 'data-testid="legal-hold-reason">诉讼<' in html
        lifted = page.post(org.manager, case, "case_legal_hold", {"reason": "结案"})
        assert lifted.status_code == 302
        assert not Complaint.objects.get(pk=case.pk).legal_hold

    def test_a_hold_without_a_reason_is_refused_on_the_page(
        self, org, flow, new_complaint, page
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)

        response = page.post(org.manager, case, "case_legal_hold", {"reason": ""})

        assert response.status_code == 422
        assert response.context["open_panel"] == "legal_hold"
        assert "reason" in response.context["legal_hold_form"].errors
        assert not Complaint.objects.get(pk=case.pk).legal_hold

    @pytest.mark.parametrize("who", ["agent", "head"])
    def test_other_roles_see_the_hold_but_cannot_change_it(
        self, org, flow, new_complaint, page, who
    ) -> None:
        case = worked_case(org, flow, new_complaint, ended_days_ago=3)
        page.post(org.manager, case, "case_legal_hold", {"reason": "诉讼"})
        user = getattr(org, who)

        html = text(page.get(user, case))
        refused = page.post(user, case, "case_legal_hold", {"reason": "x"})

        assert 'data-testid="legal-hold-on"' in html
        assert 'data-testid="legal-hold-panel"' not in html
        assert "诉讼" not in html.split('data-testid="legal-hold"')[1][:2000]
        assert refused.status_code == 403

    def test_an_anonymised_case_reads_as_such_with_no_file_to_open(
        self, org, flow, new_complaint, page
    ) -> None:
        case = worked_case(org, flow, new_complaint)
        evidence = case.evidence.get()
        anonymise_expired_cases_task.apply()

        response = page.get(org.manager, case)
        file_url = case_url(case, "case_evidence_file", evidence.pk)

        html = text(response)
        assert response.status_code == 200
        assert 'data-testid="case-anonymised-note"' in html
        assert MARK not in html
        assert file_url not in html
        assert page.client(org.manager).get(file_url).status_code == 404
        assert 'data-testid="legal-hold-panel"' not in html
