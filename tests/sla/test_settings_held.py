"""EscalationSettings.held(): the thresholds read once for a unit of work (an intake reads them for
the severity floor, every clock, the acknowledgment and the escalation checks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla.models import EscalationSettings

pytestmark = pytest.mark.django_db


def test_inside_held_the_row_is_read_once(django_assert_num_queries):
    EscalationSettings.current()  # the row exists
    cache.clear()
    with django_assert_num_queries(1), EscalationSettings.held() as held:
        first = EscalationSettings.current()
        second = EscalationSettings.current()

    assert first is second is held


def test_nested_uses_keep_the_outer_copy(django_assert_num_queries):
    with EscalationSettings.held() as outer:
        with django_assert_num_queries(0), EscalationSettings.held() as inner:
            assert inner is outer
        assert EscalationSettings.current() is outer


def test_after_the_unit_of_work_a_change_is_read_again():
    with EscalationSettings.held() as held:
        settings = EscalationSettings.objects.get(pk=1)
        settings.large_claim_threshold = Decimal("100")
        settings.save()
        # The unit of work keeps one set of thresholds from start to end.
        assert EscalationSettings.current().large_claim_threshold == held.large_claim_threshold

    assert EscalationSettings.current().large_claim_threshold == Decimal("100")


def test_an_error_inside_ends_the_hold():
    with pytest.raises(ValueError), EscalationSettings.held():
        raise ValueError
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        EscalationSettings.current()
    assert len(queries) == 1


def test_an_intake_reads_the_settings_once(new_complaint):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        new_complaint(customer_email="wang@example.com", amount_claimed=Decimal("800"))

    reads = [q for q in queries.captured_queries if "sla_escalationsettings" in q["sql"]]
    assert len(reads) == 1


def test_once_read_the_row_comes_from_the_cache(django_assert_num_queries):
    first = EscalationSettings.current()
    with django_assert_num_queries(0):
        again = EscalationSettings.current()
    assert again.pk == first.pk
    assert again.large_claim_threshold == first.large_claim_threshold


def test_a_saved_change_is_seen_at_once_by_every_reader(django_capture_on_commit_callbacks):
    EscalationSettings.current()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        settings = EscalationSettings.objects.get(pk=1)
        settings.level_step_working_days = 4
        settings.save()
        # In the saving transaction already, and after its commit (the cache is dropped twice).
        assert EscalationSettings.current().level_step_working_days == 4
    assert EscalationSettings.current().level_step_working_days == 4


def test_a_deleted_row_is_made_again_with_the_defaults():
    settings = EscalationSettings.current()
    settings.level_step_working_days = 3
    settings.save()
    EscalationSettings.objects.all().delete()
    assert EscalationSettings.current().level_step_working_days == 1
