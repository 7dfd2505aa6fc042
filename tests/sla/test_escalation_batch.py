"""A chunk of clocks as one batch: a fixed number of queries, and notifications rendered once per
message and language that read exactly as `notify` renders them for each person."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from complaints.models import Notification
from complaints.services.notifications import (
    NAME_MARK,
    Message,
    _AnyReader,
    case_url,
    notify_many,
    render_message,
)
from sla.models import Clock, Escalation
from sla.selectors import due_clocks
from sla.services import clocks_process
from tests.factories import UserFactory
from tests.sla.china import SHANGHAI

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
# Each general case received on RECEIVED has, by then, its first response at levels 1 and 2 and
# its settlement at level 3: every recipient group is needed.
LATER = datetime(2025, 9, 29, 12, tzinfo=SHANGHAI)


def queries_for_a_chunk_of(cases: int, *, new_complaint, now_is) -> tuple[int, int]:
    now_is(RECEIVED)
    for _ in range(cases):
        new_complaint()
    now_is(LATER)
    ids = list(due_clocks(now=LATER).values_list("pk", flat=True))
    cache.clear()  # both chunks read the settings and the policy book afresh
    with CaptureQueriesContext(connection) as queries:
        done = clocks_process(clock_ids=ids)
    assert len(done) == len(ids)
    return len(queries), len(ids)


def test_a_chunk_costs_the_same_queries_however_many_clocks_it_holds(china, new_complaint, now_is):
    small, small_clocks = queries_for_a_chunk_of(2, new_complaint=new_complaint, now_is=now_is)
    large, large_clocks = queries_for_a_chunk_of(8, new_complaint=new_complaint, now_is=now_is)

    assert (small_clocks, large_clocks) == (4, 16)
    assert small == large
    assert large / large_clocks < 3


def test_each_reader_gets_the_message_notify_renders_for_them(org, new_complaint):
    complaint = new_complaint()
    clock = Clock.objects.filter(complaint=complaint).first()
    escalation = Escalation.objects.create(
        complaint=complaint, level=2, reason="breach", clock=clock, key="k", at=clock.due_at
    )
    readers = [
        UserFactory(username="li", first_name="<晓燕>", last_name="李&", language="zh-hans"),
        UserFactory(username="jo", first_name="Jo", last_name="O'Neil", language="en"),
        UserFactory(username="nameless", language="en"),
    ]
    context = {"escalations": [escalation], "level": 2, "level_label": "投诉管理专员"}

    message = Message(
        recipients=readers,
        kind=Notification.Kind.ESCALATION,
        complaint=complaint,
        key="escalation:k",
        template="escalation",
        context=context,
    )

    created = notify_many(messages=[message])

    assert len(created) == 3
    for notification in created:
        reader = notification.recipient
        expected = render_message(
            template="escalation",
            context={
                **context,
                "complaint": complaint,
                "recipient": reader,
                "case_url": case_url(complaint),
            },
            language=reader.language,
        )
        assert (notification.subject, notification.body, notification.body_html) == expected
        assert NAME_MARK not in notification.body + notification.body_html
    # and the same cause again adds nothing
    assert notify_many(messages=[message]) == []


def test_a_template_may_use_only_the_readers_name():
    greeting = Template("{{ recipient.get_full_name|default:recipient.username }}")
    address = Template("{{ recipient.email }}")

    assert greeting.render(Context({"recipient": _AnyReader()})) == NAME_MARK
    with pytest.raises(RuntimeError, match="email"):
        address.render(Context({"recipient": _AnyReader()}))
