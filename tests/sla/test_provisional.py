"""The "provisional" (暂定) marker: only a deadline still to meet, in a year whose official holiday
calendar is not published yet (sla/calendar.py, sla/selectors.py, the deadline badge)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from complaints.models import State
from sla.calendar import WorkingCalendar
from sla.models import Stage
from sla.selectors import complaint_deadlines
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def calendar(*, loaded: set[int], provisional: set[int]) -> WorkingCalendar:
    return WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset({6, 7}),
        days_off=frozenset(),
        working_days=frozenset(),
        provisional_years=frozenset(provisional),
        loaded_years=frozenset(loaded),
    )


class TestTheRule:
    LOADED = calendar(loaded={2025, 2026, 2027}, provisional={2027})

    def test_a_year_loaded_as_provisional_is(self):
        assert self.LOADED.is_provisional(at(2027, 1, 6, 23, 59, 59))

    def test_a_confirmed_year_is_not(self):
        assert not self.LOADED.is_provisional(at(2026, 12, 31, 23, 59, 59))

    def test_a_year_after_every_loaded_one_is_not_published_yet(self):
        assert self.LOADED.is_provisional(at(2028, 3, 1, 23, 59, 59))

    def test_an_earlier_year_never_loaded_was_published_long_ago(self):
        assert not self.LOADED.is_provisional(at(2024, 6, 3, 23, 59, 59))

    def test_a_calendar_with_no_year_loaded_marks_nothing(self):
        # What a calendar looks like before its years are loaded (a new calendar, a database
        # emptied and re-created): it must not call this year's deadlines unpublished.
        empty = calendar(loaded=set(), provisional=set())

        assert not empty.is_provisional(at(2026, 12, 8, 23, 59, 59))


@pytest.mark.django_db
class TestDeadlines:
    def test_deadlines_of_a_calendar_without_years_are_not_provisional(
        self, cn, now_is, new_complaint
    ):
        now_is(at(2026, 12, 1, 10))

        complaint = new_complaint()

        assert not any(clock.provisional for clock in clocks_of(complaint).values())
        assert not any(d.provisional for d in complaint_deadlines(complaint=complaint))

    def test_a_met_deadline_is_not_provisional_any_more(self, china, now_is, flow, new_complaint):
        now_is(at(2026, 12, 31, 10))
        complaint = flow.advance(new_complaint(), State.INVESTIGATION)
        assert clocks_of(complaint)[Stage.INVESTIGATION].provisional is True

        flow.run(complaint, "complete_investigation")

        shown = {d.stage: d.provisional for d in complaint_deadlines(complaint=complaint)}
        assert shown[Stage.INVESTIGATION] is False  # met: it will not move
        assert shown[Stage.DECISION] is True  # still running into 2027


@pytest.mark.django_db
class TestTheBadge:
    def test_the_marker_explains_itself_in_the_readers_language(self, china, now_is, new_complaint):
        now_is(at(2026, 12, 31, 10))
        complaint = new_complaint()
        decision = next(
            d for d in complaint_deadlines(complaint=complaint) if d.stage == Stage.DECISION
        )
        template = Template("{% load workspace %}{% deadline_badge d %}")

        with translation.override("en"):
            english = template.render(Context({"d": decision}))
        with translation.override("zh-hans"):
            chinese = template.render(Context({"d": decision}))

        note = "The official holiday calendar for 2027 is not published yet; this date may move."
        assert f'title="{note}"' in english
        assert f'<span class="sr-only">: {note}</span>' in english
        assert "暂定" in chinese and "2027" in chinese and "尚未发布" in chinese

    def test_no_marker_on_a_deadline_in_a_published_year(self, china, now_is, new_complaint):
        now_is(at(2026, 12, 1, 10))
        complaint = new_complaint()
        template = Template(
            "{% load workspace %}{% for d in ds %}{% deadline_badge d %}{% endfor %}"
        )

        html = template.render(Context({"ds": complaint_deadlines(complaint=complaint)}))

        assert 'data-testid="deadline-' in html
        assert "deadline-provisional" not in html
