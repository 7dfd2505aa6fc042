"""Which SLA policy a case runs on (sla.selectors.policy_for), and the defaults the migration seeds."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction

from complaints.models import Category, Severity
from sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Stage
from sla.selectors import policy_for
from tests.factories import CategoryFactory
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

H, WD = "hours", "working_days"


def category_policy(
    category: Category, *, severity=Severity.GENERAL, code=None, **amounts
) -> SlaPolicy:
    """A policy for one category; `amounts` are working days per stage (investigation=2, ...)."""
    policy = SlaPolicy.objects.create(
        name=f"{category.name} {severity}",
        code=code or f"{category.code}-{severity}",
        severity=severity,
        category=category,
    )
    for stage, amount in amounts.items():
        SlaTarget.objects.create(
            policy=policy, stage=stage, amount=amount, unit=WD, start_event="received"
        )
    return policy


# --- the seeded defaults ------------------------------------------------------------------------


def targets_of(code: str) -> dict[str, tuple[int, str, str, int, int]]:
    return {
        t.stage: (t.amount, t.unit, t.start_event, t.reminder_percent, t.breach_level)
        for t in SlaTarget.objects.filter(policy__code=code)
    }


def test_the_general_policy_holds_the_seeded_targets():
    assert targets_of("default-general") == {
        Stage.FIRST_RESPONSE: (24, H, "received", 75, 1),
        Stage.INVESTIGATION: (3, WD, "received", 75, 1),
        Stage.DECISION: (5, WD, "received", 75, 1),
        Stage.REPLY: (1, WD, "decision_recorded", 75, 1),
        Stage.FOLLOW_UP: (3, WD, "reply_sent", 75, 1),
        # 三天以上仍不能协商处理: straight to senior management, no reminder
        Stage.RESOLUTION: (72, H, "received", 0, 3),
    }


def test_urgent_is_stricter_and_complex_looser():
    urgent, complex_ = targets_of("default-urgent"), targets_of("default-complex")

    assert {stage: value[0] for stage, value in urgent.items()} == {
        Stage.FIRST_RESPONSE: 2,
        Stage.INVESTIGATION: 1,
        Stage.DECISION: 2,
        Stage.REPLY: 1,
        Stage.FOLLOW_UP: 2,
        Stage.RESOLUTION: 72,
    }
    assert complex_[Stage.INVESTIGATION][0] == 5
    assert complex_[Stage.DECISION][0] == 10


def test_every_severity_has_one_active_general_policy():
    assert {
        policy.severity: policy.code
        for policy in SlaPolicy.objects.filter(is_active=True, category__isnull=True)
    } == {severity: f"default-{severity}" for severity in Severity.values}


# --- choosing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", Severity.values)
def test_without_a_category_policy_the_general_one_of_the_severity_applies(org, severity):
    assert policy_for(severity=severity, category=org.category).code == f"default-{severity}"
    assert policy_for(severity=severity, category=None).code == f"default-{severity}"


def test_a_category_policy_wins_over_the_general_one(org):
    special = category_policy(org.category, investigation=2)

    assert policy_for(severity=Severity.GENERAL, category=org.category) == special
    # only for its own severity
    assert policy_for(severity=Severity.URGENT, category=org.category).code == "default-urgent"


def test_a_subcategory_uses_the_policy_of_the_nearest_category_above(org):
    parent = CategoryFactory(code="after-sales")
    child = CategoryFactory(code="after-sales-repair", parent=parent)
    grandchild = CategoryFactory(code="after-sales-repair-ac", parent=child)
    on_parent = category_policy(parent, investigation=4)

    assert policy_for(severity=Severity.GENERAL, category=grandchild) == on_parent

    on_child = category_policy(child, investigation=2)

    assert policy_for(severity=Severity.GENERAL, category=grandchild) == on_child
    assert policy_for(severity=Severity.GENERAL, category=parent) == on_parent


def test_an_inactive_policy_is_never_chosen(org):
    special = category_policy(org.category, investigation=2)
    special.is_active = False
    special.save()

    assert policy_for(severity=Severity.GENERAL, category=org.category).code == "default-general"

    for policy in SlaPolicy.objects.filter(severity=Severity.GENERAL):
        policy.is_active = False
        policy.save()  # as the admin does: the cached policy book is forgotten

    assert policy_for(severity=Severity.GENERAL, category=org.category) is None


def test_only_one_active_policy_per_severity_and_category(org):
    category_policy(org.category, investigation=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        category_policy(org.category, code="second", investigation=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaPolicy.objects.create(name="另一个", code="another-general", severity=Severity.GENERAL)
    # an inactive draft beside the active one is fine
    SlaPolicy.objects.create(
        name="草稿", code="draft-general", severity=Severity.GENERAL, is_active=False
    )


def test_only_one_target_per_stage(org):
    policy = category_policy(org.category, investigation=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        SlaTarget.objects.create(
            policy=policy, stage=Stage.INVESTIGATION, amount=1, unit=WD, start_event="received"
        )


# --- applied at intake ----------------------------------------------------------------------------


def test_intake_plans_the_clocks_of_the_category_policy(org, china, now_is, new_complaint):
    category_policy(org.category, investigation=1, decision=2)
    # received Fri 2025-09-26 10:00; Sun 9/28 is a make-up working day
    now_is(datetime(2025, 9, 26, 10, tzinfo=SHANGHAI))

    complaint = new_complaint()

    assert {stage: local(clock.due_at) for stage, clock in clocks_of(complaint).items()} == {
        Stage.INVESTIGATION: "2025-09-28T23:59:59+08:00",
        Stage.DECISION: "2025-09-29T23:59:59+08:00",
    }


def test_a_policy_with_its_own_calendar_counts_its_working_days(org, china, now_is, new_complaint):
    # a branch that works six days a week, Sundays off, no public holidays loaded
    six_days = BusinessCalendar.objects.create(
        name="六天工作制",
        code="six-days",
        country="CN",
        time_zone="Asia/Shanghai",
        rest_weekdays=[7],
    )
    policy = category_policy(org.category, investigation=3)
    policy.calendar = six_days
    policy.save()
    # received Fri 2025-11-14 10:00
    now_is(datetime(2025, 11, 14, 10, tzinfo=SHANGHAI))

    complaint = new_complaint()

    # Sat 15, Mon 17, Tue 18 (the China calendar would give Wed 19)
    assert local(clocks_of(complaint)[Stage.INVESTIGATION].due_at) == "2025-11-18T23:59:59+08:00"


# --- the cached policy book -----------------------------------------------------------------------


def test_choosing_a_policy_again_reads_nothing_from_the_database(org, django_assert_num_queries):
    policy_for(severity=Severity.GENERAL, category=org.category)  # builds the book

    with django_assert_num_queries(0):
        chosen = policy_for(severity=Severity.GENERAL, category=org.category)
        targets = {target.stage for target in chosen.targets.all()}

    assert chosen.code == "default-general"
    assert Stage.INVESTIGATION in targets


def test_the_book_read_before_is_reused_while_it_is_the_cached_one(org):
    # The process keeps the book it read and only checks the cache's stamp: no unpickling.
    first = policy_for(severity=Severity.GENERAL, category=org.category)
    assert policy_for(severity=Severity.GENERAL, category=org.category) is first

    special = category_policy(org.category, investigation=2)  # forgets the book

    kept = policy_for(severity=Severity.GENERAL, category=org.category)
    assert kept == special
    cache.clear()  # evicted, or Redis emptied: built again, never the kept copy
    again = policy_for(severity=Severity.GENERAL, category=org.category)
    assert again == special
    assert again is not kept


def test_a_policy_saved_in_the_admin_is_chosen_at_once(org):
    assert policy_for(severity=Severity.GENERAL, category=org.category).code == "default-general"

    special = category_policy(org.category, investigation=2)

    assert policy_for(severity=Severity.GENERAL, category=org.category) == special
    target = special.targets.get()
    target.amount = 4
    target.save()
    chosen = policy_for(severity=Severity.GENERAL, category=org.category)
    assert [t.amount for t in chosen.targets.all()] == [4]
    special.delete()
    assert policy_for(severity=Severity.GENERAL, category=org.category).code == "default-general"


def test_a_category_moved_under_another_takes_its_new_parents_policy(org):
    old_parent = CategoryFactory(code="old-parent")
    new_parent = CategoryFactory(code="new-parent")
    child = CategoryFactory(code="child", parent=old_parent)
    on_new_parent = category_policy(new_parent, investigation=2)
    assert policy_for(severity=Severity.GENERAL, category=child).code == "default-general"

    child.parent = new_parent
    child.save()

    assert policy_for(severity=Severity.GENERAL, category=child) == on_new_parent


def test_the_book_is_forgotten_again_when_the_change_commits(
    org, django_capture_on_commit_callbacks
):
    # Another process may rebuild the book between the save and the commit, from the rows as
    # they were: the second forgetting at the commit drops that copy.
    with django_capture_on_commit_callbacks() as callbacks:
        special = category_policy(org.category, investigation=2)
        special.is_active = False
        special.save()
        policy_for(severity=Severity.GENERAL, category=org.category)  # a rebuild before commit
        special.is_active = True
        SlaPolicy.objects.filter(pk=special.pk).update(is_active=True)  # no signal
        assert policy_for(severity=Severity.GENERAL, category=org.category).code != special.code
    assert callbacks  # forgetting at the commit was scheduled

    for callback in callbacks:
        callback()
    assert policy_for(severity=Severity.GENERAL, category=org.category) == special
