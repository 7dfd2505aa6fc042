"""SLA policy presets for other markets (issue 17 §4; README "Policy presets for other markets").

Each market's deadlines are checked on a known date of its own calendar, through the product's
intake and deadline planning: a complaint recorded by the agent once the preset is in force.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from complaints.models import Severity
from sla.models import (
    BusinessCalendar,
    CalendarChange,
    CalendarDay,
    PauseReason,
    SlaPolicy,
    SlaTarget,
    Stage,
    Unit,
)
from sla.presets import PRESETS
from sla.selectors import calendar_of_clock, policy_for, preset_states
from sla.services import calendar_day_set, preset_activate, preset_load
from tests.sla.conftest import clocks_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def in_force(market: str, now_is, moment: datetime) -> None:
    now_is(moment)
    preset_load(market=market, activate=True)


def local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


# --- deadlines on each market's calendar -----------------------------------------------------


def test_uk_a_complaint_on_the_thursday_before_easter(now_is, new_complaint):
    in_force("uk-fca", now_is, datetime(2026, 4, 2, 10, tzinfo=LONDON))

    clocks = clocks_of(new_complaint())

    # Good Friday and Easter Monday are bank holidays in England and Wales: the third business
    # day after receipt is Thursday 9 April.
    assert local(clocks[Stage.RESOLUTION].due_at, LONDON) == "2026-04-09T23:59:59+01:00"
    # Eight weeks are eight weeks, bank holidays or not.
    assert local(clocks[Stage.REPLY].due_at, LONDON) == "2026-05-28T10:00:00+01:00"
    assert clocks[Stage.REPLY].calendar.code == "gb-eng"
    # Nothing else is planned: the preset holds the regulator's milestones only.
    assert set(clocks) == {Stage.RESOLUTION, Stage.REPLY}


def test_au_a_complaint_on_the_friday_before_australia_day(now_is, new_complaint):
    in_force("au-asic", now_is, datetime(2026, 1, 23, 15, tzinfo=SYDNEY))

    clocks = clocks_of(new_complaint())

    # The weekend and Australia Day (Monday 26 January): acknowledged by the end of Tuesday.
    assert local(clocks[Stage.FIRST_RESPONSE].due_at, SYDNEY) == "2026-01-27T23:59:59+11:00"
    # Thirty calendar days, public holidays counted.
    assert local(clocks[Stage.REPLY].due_at, SYDNEY) == "2026-02-22T15:00:00+11:00"
    assert set(clocks) == {Stage.FIRST_RESPONSE, Stage.REPLY}


def test_us_a_complaint_on_the_day_before_thanksgiving(now_is, new_complaint):
    in_force("us-cfpb", now_is, datetime(2026, 11, 25, 9, tzinfo=NEW_YORK))

    clocks = clocks_of(new_complaint())

    # The CFPB counts calendar days: Thanksgiving does not move either deadline.
    assert local(clocks[Stage.FIRST_RESPONSE].due_at, NEW_YORK) == "2026-12-10T09:00:00-05:00"
    assert local(clocks[Stage.REPLY].due_at, NEW_YORK) == "2027-01-24T09:00:00-05:00"
    # The clocks still count on the federal calendar (escalation steps are working days there).
    federal = calendar_of_clock(clocks[Stage.REPLY])
    assert not federal.is_working_day(date(2026, 11, 26))
    assert federal.is_working_day(date(2026, 11, 27))
    assert set(clocks) == {Stage.FIRST_RESPONSE, Stage.REPLY}


def test_cn_a_complaint_on_the_eve_of_national_day(now_is, new_complaint):
    in_force("cn-samr", now_is, datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))

    clocks = clocks_of(new_complaint())

    # 1-7 October off, Saturday 10 October a make-up working day: the tenth working day after
    # receipt is Tuesday 20 October.
    assert local(clocks[Stage.DECISION].due_at, SHANGHAI) == "2026-10-20T23:59:59+08:00"
    assert clocks[Stage.DECISION].calendar.code == "cn-statutory"
    assert local(clocks[Stage.RESOLUTION].due_at, SHANGHAI) == "2026-10-03T10:00:00+08:00"
    assert set(clocks) == {Stage.DECISION, Stage.RESOLUTION}


def test_only_testing_and_appraisal_stop_the_china_negotiation_clock(now_is):
    in_force("cn-samr", now_is, datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))

    target = SlaTarget.objects.get(policy__code="cn-samr-general", stage=Stage.DECISION)

    assert target.stops_for(PauseReason.TESTING_APPRAISAL)
    assert not target.stops_for(PauseReason.WAITING_CUSTOMER)
    # The other markets' clocks run through every wait.
    preset_load(market="uk-fca")
    assert all(
        target.pause_reasons == []
        for target in SlaTarget.objects.filter(policy__code__startswith="uk-fca")
    )


# --- loading: the data, idempotency, an administrator's edits --------------------------------


def test_a_preset_brings_its_calendar_and_a_policy_per_severity_inactive(now_is):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))

    result = preset_load(market="uk-fca")

    calendar = BusinessCalendar.objects.get(code="gb-eng")
    assert (calendar.country, calendar.subdivision, calendar.time_zone) == (
        "GB",
        "ENG",
        "Europe/London",
    )
    assert not calendar.is_default
    assert result.years_loaded == [2025, 2026, 2027]
    assert calendar.days.filter(date=date(2026, 4, 3), kind=CalendarDay.Kind.DAY_OFF).exists()
    policies = SlaPolicy.objects.filter(code__startswith="uk-fca-")
    assert sorted(policies.values_list("severity", flat=True)) == sorted(Severity.values)
    assert not policies.filter(is_active=True).exists()
    assert all(policy.calendar_id == calendar.pk for policy in policies)
    # The defaults stay in force until the administrator chooses the preset.
    assert policy_for(severity=Severity.GENERAL, category=None).code == "default-general"


@pytest.mark.parametrize("market", list(PRESETS))
def test_every_preset_loads_valid_data(market, now_is):
    now_is(datetime(2026, 6, 1, 9, tzinfo=SHANGHAI))

    result = preset_load(market=market)

    assert len(result.created) == len(Severity.values)
    for target in SlaTarget.objects.filter(policy__in=result.created):
        target.full_clean()
        assert target.unit in (Unit.HOURS, Unit.WORKING_DAYS)


def snapshot() -> dict[str, list]:
    return {
        "calendars": list(BusinessCalendar.objects.order_by("pk").values()),
        "days": list(CalendarDay.objects.order_by("pk").values()),
        "changes": list(CalendarChange.objects.order_by("pk").values_list("pk")),
        "policies": list(SlaPolicy.objects.order_by("pk").values()),
        "targets": list(SlaTarget.objects.order_by("pk").values()),
    }


def test_loading_twice_changes_nothing(now_is):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))
    for market in PRESETS:
        preset_load(market=market, activate=market == "au-asic")
    before = snapshot()

    again = [preset_load(market=market) for market in PRESETS]
    activated_again = preset_load(market="au-asic", activate=True)

    assert not any(result.changed for result in [*again, activated_again])
    assert snapshot() == before


def test_an_administrators_edits_to_a_loaded_preset_are_kept(now_is, org):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))
    preset_load(market="uk-fca")
    policy = SlaPolicy.objects.get(code="uk-fca-general")
    policy.name = "FCA complaints"
    policy.save()
    reply = policy.targets.get(stage=Stage.REPLY)
    reply.amount = 1000
    reply.save()
    policy.targets.filter(stage=Stage.RESOLUTION).delete()
    calendar = BusinessCalendar.objects.get(code="gb-eng")
    calendar_day_set(
        calendar=calendar, day=date(2026, 4, 6), kind=CalendarDay.Kind.WORKING_DAY, actor=None
    )
    calendar.name = "Head office (London)"
    calendar.save()

    result = preset_load(market="uk-fca")

    assert not result.changed
    policy.refresh_from_db()
    assert policy.name == "FCA complaints"
    assert list(policy.targets.values_list("stage", "amount")) == [(Stage.REPLY, 1000)]
    calendar.refresh_from_db()
    assert calendar.name == "Head office (London)"
    assert calendar.days.get(date=date(2026, 4, 6)).kind == CalendarDay.Kind.WORKING_DAY


def test_activating_swaps_the_general_policies_and_leaves_category_ones(now_is, org):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))
    category_policy = SlaPolicy.objects.create(
        name="Safety", code="safety", severity=Severity.GENERAL, category=org.category
    )
    preset_load(market="us-cfpb")

    activated, deactivated = preset_activate(market="us-cfpb")

    assert {policy.code for policy in activated} == {f"us-cfpb-{s}" for s in Severity.values}
    assert {policy.code for policy in deactivated} == {f"default-{s}" for s in Severity.values}
    assert policy_for(severity=Severity.URGENT, category=None).code == "us-cfpb-urgent"
    assert policy_for(severity=Severity.GENERAL, category=org.category) == category_policy
    # Then another market's: the first one goes out of force.
    preset_load(market="uk-fca", activate=True)
    assert preset_states()["us-cfpb"].active == 0
    assert preset_states()["uk-fca"].active == len(Severity.values)
    assert preset_activate(market="uk-fca") == ([], [])


def test_activating_a_preset_not_loaded_is_refused():
    with pytest.raises(ValueError, match="Load the preset first"):
        preset_activate(market="au-asic")


def test_a_person_needs_the_permissions(org):
    with pytest.raises(PermissionDenied):
        preset_load(market="uk-fca", actor=org.agent)
    assert not SlaPolicy.objects.filter(code__startswith="uk-fca").exists()


# --- the command -----------------------------------------------------------------------------


def test_the_command_loads_all_markets_then_finds_nothing_to_do(now_is, capsys):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))

    call_command("load_sla_presets")
    call_command("load_sla_presets", "--market", "cn-samr")

    out = capsys.readouterr().out
    assert "uk-fca-general: created (inactive)" in out
    assert out.strip().endswith("nothing to do")
    assert SlaPolicy.objects.filter(code__startswith="cn-samr").count() == len(Severity.values)


def test_the_command_activates_one_market_only(now_is):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))
    with pytest.raises(CommandError):
        call_command("load_sla_presets", "--activate")

    call_command("load_sla_presets", "--market", "au-asic", "--activate")

    assert policy_for(severity=Severity.GENERAL, category=None).code == "au-asic-general"


# --- the admin page --------------------------------------------------------------------------


def test_the_admin_page_lists_the_presets_and_loads_one(
    admin_client, now_is, django_assert_num_queries
):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))
    changelist = admin_client.get(reverse("admin:sla_slapolicy_changelist"))
    assert reverse("admin:sla_slapolicy_presets") in changelist.content.decode()

    # session, user, the presets' policies, and the sidebar asking whether escalation settings exist
    with django_assert_num_queries(4):
        page = admin_client.get(reverse("admin:sla_slapolicy_presets"))
    assert page.status_code == 200
    for preset in PRESETS.values():
        assert str(preset.title) in page.content.decode()

    answer = admin_client.post(
        reverse("admin:sla_slapolicy_presets"), {"market": "uk-fca", "activate": "on"}
    )

    assert answer.status_code == 302
    assert answer["Location"].endswith("?q=uk-fca")
    assert preset_states()["uk-fca"].active == len(Severity.values)


def test_the_admin_page_is_refused_without_the_permissions(client, org):
    staff = User.objects.create_user(username="clerk", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="add_slapolicy"))
    client.force_login(staff)

    assert client.get(reverse("admin:sla_slapolicy_presets")).status_code == 403


def test_activating_from_the_admin_needs_the_change_permission(client, now_is):
    now_is(datetime(2026, 6, 1, 9, tzinfo=LONDON))
    staff = User.objects.create_user(username="loader", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_slapolicy", "add_businesscalendar"])
    )
    client.force_login(staff)

    page = client.post(
        reverse("admin:sla_slapolicy_presets"), {"market": "uk-fca", "activate": "on"}
    )

    assert page.status_code == 200
    assert not SlaPolicy.objects.filter(code__startswith="uk-fca").exists()
