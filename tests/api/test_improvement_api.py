"""Improvement actions (issue 18 §1) through the API: the same services as the pages, the same
scope (out of reach is a 404), the same refusals, and the files showing what was done."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from complaints.models import ActionStatus, ImprovementAction
from complaints.services.improvement import improvement_action_complete
from reports.services.improvement import improvement_action_check
from tests.api.conftest import error_of
from tests.complaints.test_evidence import png_bytes, zip_bytes
from tests.complaints.test_improvement import record

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def at_monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)


def body(org, **overrides):
    data = {
        "title": "收银台增加找零复核",
        "root_cause": "process",
        "department": org.service.code,
        "owner": org.handler.username,
        "due_date": "2026-11-27",
    }
    data.update(overrides)
    return data


def test_a_manager_starts_one_from_a_case_and_it_is_read(org, api_for, new_complaint, at_monday):
    case = new_complaint()
    created = api_for(org.manager).post(
        "improvement-actions/", body(org, complaint=case.reference, category=org.category.code)
    )
    assert created.status_code == 201, created.content
    action = created.json()
    assert action["origin"] == "case" and action["status"] == "open"
    assert action["complaints"] == [case.reference] and action["category"] == org.category.code
    assert action["owner"] == org.handler.username and action["files"] == []
    assert action["moves"] == []  # the manager is not its owner
    # The owner reads it with the moves they may make.
    mine = api_for(org.handler).get(f"improvement-actions/{action['id']}/").json()
    assert mine["moves"] == ["start", "complete"] and not mine["overdue"]


def test_from_a_report_row_and_on_its_own(org, api_for, at_monday):
    api = api_for(org.manager)
    row = api.post("improvement-actions/", body(org, product="冷柜 X1", from_report=True)).json()
    assert row["origin"] == "report" and row["product"] == "冷柜 X1"
    assert api.post("improvement-actions/", body(org)).json()["origin"] == "own"


def test_the_services_refusals_are_400s_and_403s(org, api_for, at_monday):
    api = api_for(org.manager)
    past = api.post("improvement-actions/", body(org, due_date="2026-11-10"))
    assert past.status_code == 400 and "due_date" in error_of(past)["fields"]
    unknown = api.post("improvement-actions/", body(org, owner="nobody", category="nope"))
    assert unknown.status_code == 400
    assert {"owner", "category"} <= set(error_of(unknown)["fields"])
    missing = api.post("improvement-actions/", {"root_cause": "nonsense"})
    assert missing.status_code == 400
    assert {"title", "root_cause", "owner"} <= set(error_of(missing)["fields"])
    # A handler does not start actions; a head only for their own department.
    assert api_for(org.handler).post("improvement-actions/", body(org)).status_code == 403
    assert not ImprovementAction.objects.exists()


def test_the_list_is_scoped_and_filtered(org, api_for, new_complaint, at_monday, time_machine):
    case = new_complaint()
    linked = record(org, complaint=case.reference)
    other = record(org, title="另一项", owner=org.head)
    manager = api_for(org.manager)
    everything = manager.get("improvement-actions/").json()["results"]
    assert [a["id"] for a in everything] == [linked.pk, other.pk]
    assert everything[0]["complaints"] == [case.reference]
    assert [
        a["id"]
        for a in manager.get("improvement-actions/", owner=org.head.username).json()["results"]
    ] == [other.pk]
    by_case = manager.get("improvement-actions/", complaint=case.reference).json()["results"]
    assert [a["id"] for a in by_case] == [linked.pk]
    assert manager.get("improvement-actions/", department="nope").json()["results"] == []
    assert manager.get("improvement-actions/", status="done").json()["results"] == []
    assert manager.get("improvement-actions/", overdue="true").json()["results"] == []
    time_machine.move_to(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False)
    late = manager.get("improvement-actions/", overdue="true").json()["results"]
    assert len(late) == 2 and all(a["overdue"] for a in late)
    # Out of the department: nothing listed, and one action is missing (404), not forbidden.
    assert api_for(org.other_handler).get("improvement-actions/").json()["results"] == []
    assert api_for(org.other_handler).get(f"improvement-actions/{linked.pk}/").status_code == 404
    assert api_for(org.agent).get("improvement-actions/").json()["results"] == []


def test_list_query_count_does_not_grow(org, api_for, at_monday, django_assert_max_num_queries):
    for n in range(3):
        record(org, title=f"措施 {n}")
    api = api_for(org.manager)
    api.get("improvement-actions/")
    with django_assert_max_num_queries(12):
        assert len(api.get("improvement-actions/").json()["results"]) == 3


def test_the_moves_in_order_with_409_for_invalid_ones(
    org, api_for, new_complaint, at_monday, time_machine
):
    action = record(org, check_days=7)
    owner, manager = api_for(org.handler), api_for(org.manager)
    url = f"improvement-actions/{action.pk}/"
    assert manager.post(url + "start/", {}).status_code == 403
    assert owner.post(url + "verify/", {"effective": True, "note": "x"}).status_code == 403
    assert owner.post(url + "start/", {"note": "开始"}).json()["status"] == "in_progress"
    assert owner.post(url + "start/", {}).status_code == 409
    empty = owner.post(url + "complete/", {"evidence": " "})
    assert empty.status_code == 400 and "evidence" in error_of(empty)["fields"]
    done = owner.post(url + "complete/", {"evidence": "已在收银台张贴复核流程"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    early = manager.post(url + "verify/", {"effective": True, "note": "下降"})
    assert early.status_code == 409
    time_machine.move_to(MONDAY + timedelta(days=9), tick=False)
    no_verdict = manager.post(url + "verify/", {"effective": None, "note": "x"})
    assert no_verdict.status_code == 400
    verified = manager.post(url + "verify/", {"effective": True, "note": "投诉减少"})
    assert verified.status_code == 200, verified.content
    data = verified.json()
    assert data["status"] == ActionStatus.EFFECTIVE
    assert data["effect_before"] == 0 and data["effect_after"] == 0
    assert data["verified_by"] == org.manager.username


def test_linking_a_case(org, api_for, new_complaint, at_monday):
    action = record(org)
    case = new_complaint()
    url = f"improvement-actions/{action.pk}/link/"
    assert api_for(org.handler).post(url, {"complaint": case.reference}).status_code == 403
    linked = api_for(org.manager).post(url, {"complaint": case.reference})
    assert linked.status_code == 200 and linked.json()["complaints"] == [case.reference]
    again = api_for(org.manager).post(url, {"complaint": case.reference})
    assert again.status_code in (400, 409)
    unknown = api_for(org.manager).post(url, {"complaint": "CP-0000-000000"})
    assert unknown.status_code == 400 and "complaint" in error_of(unknown)["fields"]


def test_files_are_attached_checked_and_downloaded(org, api_for, at_monday):
    action = record(org)
    url = f"improvement-actions/{action.pk}/files/"
    owner = api_for(org.handler)
    photo = SimpleUploadedFile("货架.png", png_bytes(), content_type="image/png")
    attached = owner.upload(url, {"files": [photo]})
    assert attached.status_code == 200, attached.content
    files = attached.json()["files"]
    assert [f["name"] for f in files] == ["货架.png"] and files[0]["content_type"] == "image/png"
    # A zip named like a photo is refused, and nothing is stored (all or none).
    disguised = SimpleUploadedFile("照片.jpg", zip_bytes(), content_type="image/jpeg")
    good = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    refused = owner.upload(url, {"files": [good, disguised]})
    assert refused.status_code == 400 and "照片.jpg" in error_of(refused)["fields"]["files"][0]
    assert action.files.count() == 1
    download = f"improvement-actions/{action.pk}/files/{files[0]['id']}/download/"
    got = api_for(org.auditor).get(download)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == png_bytes()
    assert api_for(org.other_handler).get(download).status_code == 404
    assert api_for(org.agent).get(download).status_code == 404
    # Readers who are neither owner nor managers of actions do not add files.
    assert api_for(org.auditor).upload(url, {"files": [photo]}).status_code == 403


@override_settings(COMPLAINTS_EVIDENCE_MAX_BYTES=50)
def test_an_oversized_file_is_refused(org, api_for, at_monday):
    action = record(org)
    big = SimpleUploadedFile("大图.png", png_bytes(40, 40), content_type="image/png")
    refused = api_for(org.handler).upload(
        f"improvement-actions/{action.pk}/files/", {"files": [big]}
    )
    assert refused.status_code in (400, 413)
    assert not action.files.exists()


def test_no_files_after_verification(org, api_for, at_monday, time_machine):
    action = record(org, check_days=7)
    improvement_action_complete(actor=org.handler, action_id=action.pk, evidence="已完成")
    time_machine.move_to(MONDAY + timedelta(days=9), tick=False)
    improvement_action_check(actor=org.manager, action_id=action.pk, effective=False, note="无效")
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    late = api_for(org.handler).upload(
        f"improvement-actions/{action.pk}/files/", {"files": [photo]}
    )
    assert late.status_code == 409 and not action.files.exists()


def test_hostile_filters_name_nothing(org, api_for, at_monday):
    record(org)
    api = api_for(org.manager)
    for params in ({"department": "a\x00b"}, {"owner": "\x00"}, {"complaint": "CP\x00"}):
        answer = api.get("improvement-actions/", **params)
        assert answer.status_code == 200 and answer.json()["results"] == [], params
