"""SLA policies, escalation settings and deadline clocks in the admin (sla/admin_policies.py)."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sla.models import (
    Clock,
    ClockPause,
    EscalationSettings,
    PauseReason,
    SlaPolicy,
    SlaTarget,
    Stage,
)
from sla.services import calendar_service_hours_set, clocks_pause
from tests.sla.china import SHANGHAI

pytestmark = pytest.mark.django_db

MON_1110_10 = datetime(2025, 11, 10, 10, tzinfo=SHANGHAI)


def policy_form(policy: SlaPolicy, **changes) -> dict[str, object]:
    """The change form of `policy` as the admin page would post it back, with its target rows."""
    targets = list(policy.targets.order_by("pk"))
    data: dict[str, object] = {
        "name": policy.name,
        "code": policy.code,
        "severity": policy.severity,
        "category": policy.category_id or "",
        "calendar": policy.calendar_id or "",
        "description": policy.description,
        "is_active": "on" if policy.is_active else "",
        "targets-TOTAL_FORMS": len(targets),
        "targets-INITIAL_FORMS": len(targets),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    for number, target in enumerate(targets):
        for field in ("stage", "amount", "unit", "start_event", "reminder_percent", "breach_level"):
            data[f"targets-{number}-{field}"] = getattr(target, field)
        data[f"targets-{number}-pause_reasons"] = list(target.pause_reasons)
        data[f"targets-{number}-id"] = target.pk
        data[f"targets-{number}-policy"] = policy.pk
    data.update(changes)
    return data


def row_of(policy: SlaPolicy, stage: str) -> int:
    return list(policy.targets.order_by("pk").values_list("stage", flat=True)).index(stage)


@pytest.fixture
def general() -> SlaPolicy:
    return SlaPolicy.objects.get(code="default-general")


@pytest.fixture
def case_with_a_pause(org, now_is, new_complaint):
    now_is(MON_1110_10)
    complaint = new_complaint()
    clocks_pause(complaint=complaint, actor=org.agent, reason=PauseReason.TESTING_APPRAISAL)
    return complaint


# --- the pages open ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:sla_slapolicy_changelist"),
        reverse("admin:sla_slapolicy_changelist") + "?severity__exact=urgent&is_active__exact=1",
        reverse("admin:sla_slapolicy_changelist") + "?q=general",
        reverse("admin:sla_slapolicy_add"),
        reverse("admin:sla_escalationsettings_changelist"),
        reverse("admin:sla_clock_changelist"),
        reverse("admin:sla_clock_changelist") + "?stage__exact=decision&status=unmet",
        reverse("admin:sla_clock_changelist") + "?status=met",
        reverse("admin:sla_clock_changelist") + "?status=paused&provisional__exact=0",
        reverse("admin:sla_clock_changelist") + "?status=stopped",
        reverse("admin:sla_clock_changelist") + "?q=CP-2025",
    ],
)
def test_the_lists_open(admin_client, case_with_a_pause, url):
    assert admin_client.get(url).status_code == 200


def test_the_policy_page_shows_its_targets(admin_client, general):
    response = admin_client.get(reverse("admin:sla_slapolicy_change", args=[general.pk]))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert {form.instance.stage for form in formset.forms} == set(Stage.values)
    assert list(formset.forms[0].fields) >= [
        "stage",
        "amount",
        "unit",
        "start_event",
        "reminder_percent",
        "breach_level",
    ]


def test_the_policy_list_filters_by_severity(admin_client):
    response = admin_client.get(
        reverse("admin:sla_slapolicy_changelist") + "?severity__exact=urgent"
    )

    assert [policy.code for policy in response.context["cl"].result_list] == ["default-urgent"]


# --- editing policies -------------------------------------------------------------------------


def test_editing_a_target_through_the_admin_changes_it_and_leaves_running_clocks(
    admin_client, general, case_with_a_pause
):
    running = Clock.objects.get(complaint=case_with_a_pause, stage=Stage.INVESTIGATION)
    row = row_of(general, Stage.INVESTIGATION)

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(general, **{f"targets-{row}-amount": 4, f"targets-{row}-reminder_percent": 50}),
        follow=True,
    )

    assert response.status_code == 200
    target = general.targets.get(stage=Stage.INVESTIGATION)
    assert (target.amount, target.reminder_percent) == (4, 50)
    # ...and the administrator is told that running clocks keep their deadlines
    assert [m.level for m in response.context["messages"]] == [messages.INFO, messages.SUCCESS]
    # the running clock copied its target when planned
    clock = Clock.objects.get(pk=running.pk)
    assert (clock.amount, clock.due_at) == (3, running.due_at)


def test_the_policy_page_ticks_the_pauses_that_stop_each_clock(admin_client, general):
    response = admin_client.get(reverse("admin:sla_slapolicy_change", args=[general.pk]))

    formset = response.context["inline_admin_formsets"][0].formset
    ticked = {form.instance.stage: set(form["pause_reasons"].value()) for form in formset.forms}
    assert ticked[Stage.RESOLUTION] == set()
    assert ticked[Stage.REPLY] == {PauseReason.WAITING_CUSTOMER, PauseReason.OTHER}
    assert ticked[Stage.INVESTIGATION] == set(PauseReason.values)
    html = response.content.decode()
    assert f'name="targets-{row_of(general, Stage.REPLY)}-pause_reasons"' in html
    assert 'type="checkbox"' in html


def test_the_company_decides_that_waiting_on_the_customer_does_not_stop_the_investigation(
    admin_client, general, org, now_is, new_complaint
):
    row = row_of(general, Stage.INVESTIGATION)
    others = [r for r in PauseReason.values if r != PauseReason.WAITING_CUSTOMER]

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(general, **{f"targets-{row}-pause_reasons": others}),
    )

    assert response.status_code == 302
    assert general.targets.get(stage=Stage.INVESTIGATION).pause_reasons == others
    # the other targets keep theirs
    assert general.targets.get(stage=Stage.REPLY).pause_reasons == ["waiting_customer", "other"]
    # and a case waiting on its customer now keeps its investigation clock running
    now_is(MON_1110_10)
    complaint = new_complaint()
    stopped = clocks_pause(
        complaint=complaint, actor=org.agent, reason=PauseReason.WAITING_CUSTOMER
    )
    assert [clock.stage for clock in stopped] == [Stage.DECISION]


def test_an_unknown_pause_reason_is_refused_and_nothing_is_saved(admin_client, general):
    row = row_of(general, Stage.DECISION)
    before = general.targets.get(stage=Stage.DECISION).pause_reasons

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(general, **{f"targets-{row}-pause_reasons": ["lunch"]}),
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[row].errors
    assert set(errors) == {"pause_reasons"}
    assert general.targets.get(stage=Stage.DECISION).pause_reasons == before


def test_the_model_refuses_unknown_or_repeated_pause_reasons(general):
    target = general.targets.get(stage=Stage.DECISION)

    for bad in (["lunch"], ["other", "other"], "other", [1]):
        target.pause_reasons = bad
        with pytest.raises(ValidationError):
            target.full_clean()


def test_a_stage_set_twice_is_refused_with_a_message(admin_client, general):
    row = row_of(general, Stage.DECISION)

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(general, **{f"targets-{row}-stage": Stage.INVESTIGATION}),
    )

    assert response.status_code == 200  # the form again, with the error
    formset = response.context["inline_admin_formsets"][0].formset
    assert "stage" in str(formset.non_form_errors())
    assert set(general.targets.values_list("stage", flat=True)) == set(Stage.values)


def test_a_target_that_clocks_were_planned_from_cannot_be_deleted(
    admin_client, general, case_with_a_pause
):
    row = row_of(general, Stage.INVESTIGATION)

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(general, **{f"targets-{row}-DELETE": "on"}),
    )

    # the admin names the protected clocks instead of deleting them (a policy is retired instead)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert general.targets.filter(stage=Stage.INVESTIGATION).exists()


def test_an_unused_target_can_be_deleted(admin_client, general):
    row = row_of(general, Stage.FOLLOW_UP)

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(general, **{f"targets-{row}-DELETE": "on"}),
    )

    assert response.status_code == 302
    assert not general.targets.filter(stage=Stage.FOLLOW_UP).exists()


def test_out_of_range_reminder_and_level_are_refused(admin_client, general):
    row = row_of(general, Stage.DECISION)

    response = admin_client.post(
        reverse("admin:sla_slapolicy_change", args=[general.pk]),
        policy_form(
            general, **{f"targets-{row}-reminder_percent": 100, f"targets-{row}-breach_level": 4}
        ),
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[row].errors
    assert set(errors) == {"reminder_percent", "breach_level"}


def test_a_second_active_general_policy_for_a_severity_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:sla_slapolicy_add"),
        {
            "name": "另一个一般",
            "code": "another-general",
            "severity": "general",
            "is_active": "on",
            "targets-TOTAL_FORMS": 0,
            "targets-INITIAL_FORMS": 0,
            "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not SlaPolicy.objects.filter(code="another-general").exists()


def test_a_category_policy_can_be_added_with_its_targets(admin_client, org):
    response = admin_client.post(
        reverse("admin:sla_slapolicy_add"),
        {
            "name": "维修质量一般",
            "code": "repair-general",
            "severity": "general",
            "category": org.category.pk,
            "is_active": "on",
            "targets-TOTAL_FORMS": 1,
            "targets-INITIAL_FORMS": 0,
            "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000,
            "targets-0-stage": "investigation",
            "targets-0-amount": 2,
            "targets-0-unit": "working_days",
            "targets-0-start_event": "received",
            "targets-0-reminder_percent": 75,
            "targets-0-breach_level": 1,
        },
    )

    assert response.status_code == 302
    policy = SlaPolicy.objects.get(code="repair-general")
    assert (policy.category, [str(t) for t in policy.targets.all()]) == (
        org.category,
        [str(SlaTarget(stage="investigation", amount=2, unit="working_days"))],
    )


# --- escalation settings: one row ------------------------------------------------------------


def test_the_settings_row_is_edited_never_added_twice_nor_deleted(admin_client):
    settings_row = EscalationSettings.current()

    assert admin_client.get(reverse("admin:sla_escalationsettings_add")).status_code == 403
    delete_url = reverse("admin:sla_escalationsettings_delete", args=[settings_row.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        reverse("admin:sla_escalationsettings_change", args=[settings_row.pk]),
        {"large_claim_threshold": "80000", "level_step_working_days": 2, "send_email": ""},
    )

    assert response.status_code == 302
    assert EscalationSettings.objects.count() == 1
    stored = EscalationSettings.current()
    assert (stored.large_claim_threshold, stored.level_step_working_days, stored.send_email) == (
        80000,
        2,
        False,
    )


def test_with_no_settings_row_one_can_be_added_and_is_the_current_one(admin_client):
    EscalationSettings.objects.all().delete()

    response = admin_client.post(
        reverse("admin:sla_escalationsettings_add"),
        {"large_claim_threshold": "60000", "level_step_working_days": 1, "send_email": "on"},
    )

    assert response.status_code == 302
    assert EscalationSettings.current().large_claim_threshold == 60000
    assert EscalationSettings.objects.count() == 1


# --- clocks: read-only ------------------------------------------------------------------------


def test_a_clock_is_shown_with_its_pauses_and_cannot_be_changed(admin_client, case_with_a_pause):
    clock = Clock.objects.get(complaint=case_with_a_pause, stage=Stage.DECISION)
    url = reverse("admin:sla_clock_change", args=[clock.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"due_at_0": "2030-01-01", "due_at_1": "00:00:00"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    pauses = page.context["inline_admin_formsets"][0].formset
    assert [form.instance.reason for form in pauses.forms] == [PauseReason.TESTING_APPRAISAL]
    assert posted.status_code == 403
    assert Clock.objects.get(pk=clock.pk).due_at == clock.due_at


def test_clocks_are_never_added_or_deleted_in_the_admin(admin_client, case_with_a_pause):
    clock = Clock.objects.filter(complaint=case_with_a_pause).first()

    assert admin_client.get(reverse("admin:sla_clock_add")).status_code == 403
    delete = admin_client.post(reverse("admin:sla_clock_delete", args=[clock.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:sla_clock_changelist"),
        {"action": "delete_selected", "_selected_action": [clock.pk], "post": "yes"},
    )

    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert Clock.objects.filter(pk=clock.pk).exists()
    # a testing pause stops the investigation and decision clocks (README "Pauses")
    assert ClockPause.objects.filter(clock__complaint=case_with_a_pause).count() == 2


def test_the_clock_list_shows_reference_stage_and_status(admin_client, case_with_a_pause):
    response = admin_client.get(
        reverse("admin:sla_clock_changelist") + "?stage__exact=first_response"
    )

    text = response.content.decode()
    assert case_with_a_pause.reference in text
    rows = list(response.context["cl"].result_list)
    assert [(row.complaint_id, row.stage) for row in rows] == [
        (case_with_a_pause.pk, Stage.FIRST_RESPONSE)
    ]


def test_the_clock_search_finds_a_case_by_reference(admin_client, org, now_is, new_complaint):
    now_is(MON_1110_10)
    wanted, _other = new_complaint(), new_complaint()

    response = admin_client.get(reverse("admin:sla_clock_changelist") + f"?q={wanted.reference}")

    assert {row.complaint_id for row in response.context["cl"].result_list} == {wanted.pk}


def test_the_clock_list_costs_the_same_queries_for_few_or_many_clocks(
    admin_client, now_is, new_complaint
):
    now_is(MON_1110_10)
    url = reverse("admin:sla_clock_changelist")
    new_complaint()
    admin_client.get(url)  # warm the session and content types

    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for _ in range(6):
        new_complaint()
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert len(response.context["cl"].result_list) == 28
    assert len(many) == len(few)


# --- service hours ----------------------------------------------------------------------------


def test_a_service_hour_target_needs_a_calendar_with_service_hours(admin_client, general, cn):
    row = row_of(general, Stage.FIRST_RESPONSE)
    post = policy_form(
        general, **{f"targets-{row}-amount": 4, f"targets-{row}-unit": "service_hours"}
    )

    refused = admin_client.post(reverse("admin:sla_slapolicy_change", args=[general.pk]), post)

    assert refused.status_code == 200
    (errors,) = [
        str(error)
        for inline in refused.context["inline_admin_formsets"]
        for error in inline.formset.non_form_errors()
    ]
    assert "服务时间" in errors  # "needs a calendar with service hours", in the site's language
    assert general.targets.get(stage=Stage.FIRST_RESPONSE).unit == "hours"

    calendar_service_hours_set(calendar=cn, weekly={1: [(time(9), time(17))]})
    accepted = admin_client.post(reverse("admin:sla_slapolicy_change", args=[general.pk]), post)

    assert accepted.status_code == 302
    target = general.targets.get(stage=Stage.FIRST_RESPONSE)
    assert (target.amount, target.unit) == (4, "service_hours")
