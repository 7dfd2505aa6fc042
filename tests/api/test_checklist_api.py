"""The procedure checklist through the API (issue 16 §8): listed in the reader's language, ticked
through the same service as the case page, with the same refusals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sla.models import CaseChecklistStep, ChecklistTemplate, ChecklistTemplateStep, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(org) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(
        name="冲突", name_en="Conflicts", code="customer-conflict"
    )
    template.categories.add(org.category)
    ChecklistTemplateStep.objects.create(
        template=template, position=1, text="劝开双方", text_en="Separate the parties", amount=1
    )
    ChecklistTemplateStep.objects.create(
        template=template,
        position=2,
        text="请目击证人留下书面证言",
        text_en="Witness statements",
        amount=1,
        unit=Unit.WORKING_DAYS,
        evidence_required=True,
    )
    return template


def test_the_checklist_is_listed_and_ticked(
    checklist, org, new_complaint, api_for, case_url, time_machine
):
    time_machine.move_to(datetime(2025, 12, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    case = new_complaint()
    api = api_for(org.handler)

    listed = api.get(case_url(case, "checklist"))

    assert listed.status_code == 200
    steps = listed.json()
    assert [(s["checklist"], s["text"], s["outcome"]) for s in steps] == [
        ("Conflicts", "Separate the parties", ""),
        ("Conflicts", "Witness statements", ""),
    ]
    assert steps[1]["evidence_required"] is True

    ticked = api.post(case_url(case, "checklist", steps[0]["id"], "tick"), {"outcome": "done"})
    assert ticked.status_code == 200, ticked.content
    assert ticked.json()["done_by"] == org.handler.username
    assert ticked.json()["outcome"] == "done"

    again = api.post(case_url(case, "checklist", steps[0]["id"], "tick"), {"outcome": "done"})
    assert again.status_code in (409, 422)
    no_evidence = api.post(case_url(case, "checklist", steps[1]["id"], "tick"), {"outcome": "done"})
    assert no_evidence.status_code == 400
    assert "evidence" in no_evidence.content.decode()
    bad = api.post(case_url(case, "checklist", steps[1]["id"], "tick"), {"outcome": "maybe"})
    assert bad.status_code == 400
    assert CaseChecklistStep.objects.get(pk=steps[1]["id"]).is_open


def test_readers_may_list_but_not_tick(checklist, org, new_complaint, api_for, case_url):
    case = new_complaint()
    step = CaseChecklistStep.objects.filter(complaint=case).first()

    assert api_for(org.auditor).get(case_url(case, "checklist")).status_code == 200
    refused = api_for(org.auditor).post(
        case_url(case, "checklist", step.pk, "tick"), {"outcome": "done"}
    )
    assert refused.status_code == 403
    unknown = api_for(org.handler).post(
        case_url(case, "checklist", 999999, "tick"), {"outcome": "done"}
    )
    assert unknown.status_code == 404
    assert CaseChecklistStep.objects.get(pk=step.pk).is_open
