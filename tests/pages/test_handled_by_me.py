"""A handler who hands a case off keeps reading it, pages and API alike, and writes nothing (12 §1.5)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint, State
from complaints.services import complaint_add_note, complaint_assign
from tests.api.conftest import Api, error_of
from tests.complaints.conftest import snapshot
from tests.pages.conftest_case import case_url, page_fixture, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db

NOTE = "已联系厂家，维修记录显示换过压缩机。"


@pytest.fixture
def handed_off(org, complaint_in, page) -> Complaint:
    """The 服务部 handler held the case, wrote a note and handed it to 法务部 on the case page."""
    case = complaint_assign(
        complaint=complaint_in(State.INVESTIGATION), actor=org.head, assignee=org.handler
    )
    complaint_add_note(complaint=case, actor=org.handler, text=NOTE)
    case.refresh_from_db()
    response = page.post(
        org.handler, case, "case_handoff", {"to_department": org.legal.pk, "note": "转法务审核"}
    )
    assert response.status_code == 302
    # the giver still sees the case: back to it, not to their queue
    assert response["Location"].startswith(case_url(case))
    case.refresh_from_db()
    assert case.department == org.legal
    return case


def test_the_giver_reads_the_case_and_their_note_without_a_single_form(org, page, handed_off):
    response = page.get(org.handler, handed_off)

    assert response.status_code == 200
    html = response.content.decode()
    assert NOTE in html
    assert 'data-testid="case-read-only"' in html
    context = response.context
    assert context["read_only"] is True
    assert context["transitions"] == []
    for form in ("note_form", "handoff_form", "evidence_form", "contact_form", "pause_form"):
        assert context[form] is None, form
    assert 'name="text"' not in html  # no note box


def test_someone_in_charge_sees_no_read_only_notice(org, page, handed_off):
    response = page.get(org.other_handler, handed_off)

    assert response.status_code == 200
    assert not response.context.get("read_only", False)
    assert 'data-testid="case-read-only"' not in response.content.decode()
    assert response.context["note_form"] is not None


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("case_note", (), {"text": "再补充一点"}),
        ("case_transition", ("complete_investigation",), {"findings": "调查结束"}),
        ("case_handoff", (), {"to_department": "service", "note": "拿回来"}),
        ("case_contact", (), {"channel": "phone", "direction": "outbound", "summary": "告知进展"}),
        ("case_pause", (), {"reason": "testing"}),
        ("case_unmask", (), {"details": "phone", "reason": "call_customer"}),
    ],
)
def test_every_case_page_action_refuses_the_giver(org, page, handed_off, name, args, data):
    before = snapshot(handed_off)
    if name == "case_handoff":
        data = {**data, "to_department": org.service.pk}

    response = page.post(org.handler, handed_off, name, data, *args)

    assert response.status_code == 403
    assert snapshot(handed_off) == before


def test_an_upload_is_refused_and_nothing_is_stored(org, page, handed_off):
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")

    response = page.post(org.handler, handed_off, "case_evidence", {"kind": "photo", "file": photo})

    assert response.status_code == 403
    assert not handed_off.evidence.exists()


def test_the_api_agrees_read_yes_write_no(org, case_url_api, handed_off):
    api = Api(org.handler)
    before = snapshot(handed_off)

    assert api.get(case_url_api(handed_off)).status_code == 200
    events = api.get(case_url_api(handed_off, "events")).json()
    rows = events["results"] if isinstance(events, dict) else events
    assert NOTE in [row.get("comment") for row in rows]
    assert api.get(case_url_api(handed_off, "transitions")).json() == []

    writes = {
        "note": api.post(case_url_api(handed_off, "notes"), {"text": "再补充一点"}),
        "transition": api.post(
            case_url_api(handed_off, "transitions", "complete_investigation"),
            {"findings": "调查结束"},
        ),
        "handoff": api.post(
            case_url_api(handed_off, "handoffs"), {"to_department": "service", "note": "拿回来"}
        ),
        "contact": api.post(
            case_url_api(handed_off, "contacts"),
            {"channel": "phone", "direction": "outbound", "summary": "告知进展"},
        ),
        "pause": api.post(case_url_api(handed_off, "pause"), {"reason": "testing"}),
        "triage": api.patch(case_url_api(handed_off), {"severity": "urgent"}),
        "evidence": api.upload(
            case_url_api(handed_off, "evidence"),
            {
                "kind": "photo",
                "file": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
            },
        ),
    }
    for name, response in writes.items():
        assert response.status_code == 403, (name, response.status_code, response.content)
        assert error_of(response)["code"] == "permission_denied", name
    assert snapshot(handed_off) == before
    assert not handed_off.evidence.exists()


@pytest.fixture
def case_url_api():
    def make(complaint: Complaint, *parts: str) -> str:
        tail = "".join(f"{part}/" for part in parts)
        return f"complaints/{complaint.reference}/{tail}"

    return make


class TestHandledByMe:
    def test_the_tab_lists_the_case_the_handler_passed_on(self, org, client_for, handed_off):
        client = client_for(org.handler)

        handled = client.get(reverse("queue", args=["handled"]))
        mine = client.get(reverse("queue", args=["mine"]))
        department = client.get(reverse("queue", args=["department"]))

        assert [c.reference for c in handled.context["complaints"]] == [handed_off.reference]
        counts = client.get(reverse("queue_tab_counts") + "?current=handled")
        assert counts.context["queue_counts"]["handled"] == 1
        # the working queues hold what is theirs to work on, which this case no longer is
        assert handed_off not in list(mine.context["complaints"])
        assert handed_off not in list(department.context["complaints"])

    def test_the_tab_can_show_the_case_once_it_is_closed(self, org, client_for, handed_off):
        from complaints.models import Complaint as Model

        Model.objects.filter(pk=handed_off.pk).update(state=State.CLOSED)
        client = client_for(org.handler)

        default = client.get(reverse("queue", args=["handled"]))
        closed = client.get(reverse("queue", args=["handled"]) + "?state=closed")

        assert list(default.context["complaints"]) == []
        assert [c.reference for c in closed.context["complaints"]] == [handed_off.reference]

    def test_the_receiving_handler_does_not_have_it_under_handled(
        self, org, client_for, handed_off
    ):
        response = client_for(org.other_handler).get(reverse("queue", args=["handled"]))

        assert response.status_code == 200
        assert list(response.context["complaints"]) == []

    def test_roles_that_work_no_case_have_no_such_tab(self, org, client_for):
        response = client_for(org.auditor).get(reverse("queue", args=["handled"]))

        assert response.status_code == 404


@pytest.mark.parametrize(
    "key", ["handoff", "evidence", "contact", "pause", "transition:complete_investigation"]
)
def test_the_giver_opens_no_action_panel(org, page, handed_off, key):
    # The folded panels are fetched on their own: a reader gets none, with or without htmx.
    client = page.client(org.handler)

    fragment = client.get(case_url(handed_off, "case_panel", key), HTTP_HX_REQUEST="true")
    opened = client.get(case_url(handed_off), {"open": key})

    assert fragment.status_code == 404
    assert opened.status_code == 200
    assert opened.context["panels"] == set()
    assert "<select" not in opened.content.decode().split('data-testid="timeline"')[0]
