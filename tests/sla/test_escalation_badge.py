"""The escalation badge says to whom the case went and why (sla.selectors.complaint_escalation,
the escalation_badge tag), in the reader's language, from the stored escalation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from complaints.models import Complaint
from sla.models import Clock, Escalation, Stage
from sla.selectors import complaint_escalation
from tests.sla.china import SHANGHAI

pytestmark = pytest.mark.django_db

BADGE = Template("{% load workspace %}{% escalation_badge level facts %}")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def escalated(complaint: Complaint, *, level: int, reason: str, clock=None, when) -> Complaint:
    Escalation.objects.create(
        complaint=complaint,
        level=level,
        reason=reason,
        clock=clock,
        key=f"{complaint.pk}:{reason}:{level}",
        at=when,
    )
    Complaint.objects.filter(pk=complaint.pk).update(escalation_level=level)
    return Complaint.objects.get(pk=complaint.pk)


def badge(complaint: Complaint, language: str) -> str:
    facts = complaint_escalation(complaint=complaint)
    with translation.override(language):
        return BADGE.render(Context({"level": complaint.escalation_level, "facts": facts}))


def test_a_missed_working_day_deadline_says_to_whom_and_how_many_days_late(
    china, now_is, new_complaint
):
    # received Wed 2026-12-02; its decision clock is moved to Fri 12-04 for a round figure
    now_is(at(2026, 12, 2, 10))
    complaint = new_complaint()
    clock = Clock.objects.get(complaint=complaint, stage=Stage.DECISION)
    clock.due_at = at(2026, 12, 4, 23, 59, 59)
    clock.save()
    # two working days later (the weekend does not count): the end of Tue 12-08, a minute on
    complaint = escalated(
        complaint, level=2, reason=Escalation.Reason.BREACH, clock=clock, when=at(2026, 12, 9, 0, 1)
    )

    english, chinese = badge(complaint, "en"), badge(complaint, "zh-hans")

    assert "L2 → Complaint manager: Decision 2 working days late" in english
    assert "L2 → 投诉管理专员：处理决策超时 2 个工作日" in chinese


def test_an_hour_clock_counts_hours_and_a_fresh_breach_says_missed(china, now_is, new_complaint):
    now_is(at(2026, 12, 2, 10))
    complaint = new_complaint()
    clock = Clock.objects.get(complaint=complaint, stage=Stage.FIRST_RESPONSE)
    late = escalated(
        complaint,
        level=1,
        reason=Escalation.Reason.BREACH,
        clock=clock,
        when=clock.due_at + timedelta(hours=5, minutes=10),
    )

    assert "L1 → Department head: First response 5 hours late" in badge(late, "en")

    Escalation.objects.filter(complaint=complaint).update(at=clock.due_at + timedelta(seconds=30))
    assert "L1 → Department head: First response deadline missed" in badge(late, "en")


def test_an_escalation_on_the_facts_names_the_fact(china, new_complaint):
    complaint = escalated(
        new_complaint(),
        level=3,
        reason=Escalation.Reason.PERSONAL_INJURY,
        when=at(2026, 12, 2, 10),
    )

    assert "L3 → Senior management: Personal injury" in badge(complaint, "en")
    assert "L3 → 高层管理：人身伤害" in badge(complaint, "zh-hans")


def test_lists_show_the_level_and_to_whom_without_a_query(
    china, new_complaint, django_assert_num_queries
):
    with django_assert_num_queries(0), translation.override("en"):
        html = BADGE.render(Context({"level": 2, "facts": None}))

    assert ">L2<" in html
    assert 'title="L2 → Complaint manager"' in html
    assert '<span class="sr-only"> → Complaint manager</span>' in html


def test_a_case_never_escalated_shows_nothing_and_reads_nothing(
    new_complaint, django_assert_num_queries
):
    complaint = new_complaint()

    with django_assert_num_queries(0):
        assert complaint_escalation(complaint=complaint) is None
    assert badge(complaint, "en").strip() == ""


def test_the_case_page_shows_the_reason(china, now_is, new_complaint, org):
    now_is(at(2026, 12, 2, 10))
    complaint = escalated(
        new_complaint(), level=3, reason=Escalation.Reason.MEDIA, when=at(2026, 12, 2, 10)
    )

    client = Client()
    client.force_login(org.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("case_detail", args=[complaint.reference])).content.decode()

    assert html.count("L3 → Senior management: Media involvement") >= 2  # header and routing


def test_every_reason_of_the_level_is_named(china, new_complaint):
    complaint = new_complaint()
    escalated(complaint, level=3, reason=Escalation.Reason.MEDIA, when=at(2026, 12, 2, 10))
    complaint = escalated(
        complaint, level=3, reason=Escalation.Reason.PERSONAL_INJURY, when=at(2026, 12, 2, 10)
    )

    assert "L3 → Senior management: Media involvement; Personal injury" in badge(complaint, "en")
