"""The check of an improvement action's effect (issue 18 §1) against hand-built figures: the
complaints of its category (with the categories below it) or product received in the local days
before the day it was done and as many after it — that day in neither, edges at Asia/Shanghai
midnights — counted by the report's own selector; and the dashboard's counts of open and overdue
actions per scope."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.errors import ConditionNotMet
from complaints.models import ActionStatus
from complaints.services.improvement import (
    improvement_action_complete,
    improvement_action_record,
)
from reports.selectors.actions import action_counts
from reports.selectors.improvement import action_effect
from reports.selectors.scope import ReportScope, report_scope_for
from reports.services.improvement import improvement_action_check
from tests.factories import CategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def figures(org):
    """Around an action done on 1 March 2026 with 30 days compared: before is 30 Jan – 28 Feb,
    after 2 – 31 March."""
    child = CategoryFactory(name="空调维修", code="ac-repair", parent=org.category)
    other = CategoryFactory(name="送货", code="delivery")
    for received, category, product in (
        (local(2026, 1, 29, 23, 59, 59), org.category, ""),  # a second too early
        (local(2026, 1, 30), org.category, ""),  # before: its first moment
        (local(2026, 2, 15, 12), org.category, "空调A"),  # before
        (local(2026, 2, 28, 23, 59, 59), child, ""),  # before: a category below
        (local(2026, 2, 10), other, "空调A"),  # another category (the product's, though)
        (local(2026, 3, 1, 9), org.category, "空调A"),  # the day it was done: neither
        (local(2026, 3, 2), org.category, "空调A"),  # after: its first moment
        (local(2026, 3, 31, 23, 59, 59), org.category, "空调A"),  # after: its last
        (local(2026, 4, 1), org.category, ""),  # a moment too late
    ):
        ComplaintFactory(
            received_at=received,
            category=category,
            product_or_service=product,
            department=org.legal,  # counted whichever department has them
        )
    return org


def done_action(org, time_machine, **overrides):
    time_machine.move_to(local(2026, 2, 20, 10), tick=False)
    fields = {
        "actor": org.manager,
        "title": "维修完工增加制冷测试",
        "root_cause": "process",
        "department": org.service,
        "owner": org.handler,
        "due_date": date(2026, 3, 6),
        "category": org.category,
        "check_days": 30,
    }
    fields.update(overrides)
    action = improvement_action_record(**fields)
    time_machine.move_to(local(2026, 3, 1, 14), tick=False)
    return improvement_action_complete(actor=org.handler, action_id=action.pk, evidence="已执行")


def test_the_effect_of_a_category_is_counted_around_the_day_it_was_done(figures, time_machine):
    action = done_action(figures, time_machine)
    effect = action_effect(action=action, now=local(2026, 3, 15))
    assert effect is not None
    assert (effect.periods.before_first, effect.periods.after_last) == (
        date(2026, 1, 30),
        date(2026, 3, 31),
    )
    assert (effect.before, effect.after, effect.complete) == (3, 2, False)
    assert effect.fell and effect.change_percent == -33.3
    # Not verifiable while the period after runs.
    with pytest.raises(ConditionNotMet):
        improvement_action_check(
            actor=figures.manager, action_id=action.pk, effective=True, note="x"
        )
    time_machine.move_to(local(2026, 4, 1, 9), tick=False)
    assert action_effect(action=action).complete
    verified = improvement_action_check(
        actor=figures.manager, action_id=action.pk, effective=True, note="投诉由 3 起降到 2 起"
    )
    assert verified.status == ActionStatus.EFFECTIVE
    assert (verified.effect_before, verified.effect_after) == (3, 2)


def test_a_product_and_a_category_narrow_together(figures, time_machine):
    product_only = done_action(figures, time_machine, category=None, product="空调A")
    effect = action_effect(action=product_only, now=local(2026, 4, 2))
    # Before: 15 Feb (its category) and 10 Feb (another); after: 2 and 31 March.
    assert (effect.before, effect.after) == (2, 2) and not effect.fell
    both = done_action(figures, time_machine, product="空调A")
    effect = action_effect(action=both, now=local(2026, 4, 2))
    assert (effect.before, effect.after) == (1, 2)
    assert effect.change_percent == 100.0


def test_nothing_to_count_without_a_category_or_product(figures, time_machine):
    action = done_action(figures, time_machine, category=None)
    assert action_effect(action=action) is None
    time_machine.move_to(local(2026, 4, 1, 9), tick=False)
    verified = improvement_action_check(
        actor=figures.manager, action_id=action.pk, effective=False, note="仍有同类投诉"
    )
    assert verified.status == ActionStatus.NOT_EFFECTIVE
    assert verified.effect_before is None and verified.effect_after is None


def test_the_dashboard_counts_open_and_overdue_actions(org, time_machine):
    time_machine.move_to(local(2026, 11, 16, 10), tick=False)
    base = {
        "actor": org.manager,
        "title": "整改",
        "root_cause": "people",
        "owner": org.handler,
        "due_date": date(2026, 11, 20),
    }
    improvement_action_record(**base, department=org.service)
    improvement_action_record(**{**base, "due_date": date(2026, 11, 27)}, department=org.service)
    legal = improvement_action_record(**base, department=org.legal)
    done = improvement_action_record(**base, department=org.service)
    improvement_action_complete(actor=org.handler, action_id=done.pk, evidence="完成")
    now = local(2026, 11, 23, 9)  # the 20th's actions are overdue
    everything = action_counts(scope=ReportScope(departments=None), now=now)
    assert (everything.open, everything.overdue) == (3, 2)
    head_scope = report_scope_for(user=org.head)
    assert head_scope is not None
    mine = action_counts(scope=head_scope, now=now)
    assert (mine.open, mine.overdue) == (2, 1)
    assert legal.department == org.legal
    assert action_counts(scope=ReportScope(departments=frozenset()), now=now).open == 0
