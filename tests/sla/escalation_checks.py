"""What "exactly once" means for escalations since one message goes per case and level (issue 12
§1.3), for the tests whose runs split a case's clocks between chunks or workers at random."""

from __future__ import annotations

from complaints.models import CaseEvent, Notification
from sla.models import Escalation
from sla.services.escalation import level_recipients


def assert_once_per_case_and_level() -> None:
    """Every escalation named by exactly one timeline entry; per case and level one entry and one
    notification per recipient that escalate, and one more of each per later batch that adds a
    reason; never anything twice."""
    escalations = list(Escalation.objects.select_related("complaint"))
    events = list(CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED))
    named = sorted(item["escalation_id"] for event in events for item in event.data["reasons"])
    assert named == sorted(escalation.pk for escalation in escalations)
    firsts = [
        (event.complaint_id, event.data["level"]) for event in events if not event.data["added"]
    ]
    assert sorted(firsts) == sorted({(e.complaint_id, e.level) for e in escalations})
    cases = {e.complaint_id: e.complaint for e in escalations}
    told = sum(
        len(level_recipients(complaint=cases[event.complaint_id], level=event.data["level"]))
        for event in events
    )
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATION).count() == told
    full = Notification.objects.filter(kind=Notification.Kind.ESCALATION).exclude(
        key__contains=":+"
    )
    assert full.count() == sum(
        len(level_recipients(complaint=cases[complaint_id], level=level))
        for complaint_id, level in firsts
    )
