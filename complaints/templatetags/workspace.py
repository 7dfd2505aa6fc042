"""Template helpers shared by every staff page: `{% load workspace %}`.

Deadlines are shown the same way everywhere: a colour (badge class) and the time left or overdue,
relative to now, in the user's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import User
from accounts.people import person_label
from complaints.models import EscalationLevel
from complaints.queues import DUE_SOON
from sla.models import Escalation, Stage, Unit
from sla.selectors import Deadline, EscalationFacts, EscalationReason

register = template.Library()


def format_span(span: timedelta) -> str:
    """A positive duration in its two largest units: "2 d 4 h", "3 h 20 min", "5 min"."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def time_left_text(due_at: datetime | None, *, now: datetime | None = None) -> str:
    if due_at is None:
        return ""
    left = due_at - (now or timezone.now())
    if left < timedelta(0):
        return _("overdue by %(span)s") % {"span": format_span(-left)}
    return _("%(span)s left") % {"span": format_span(left)}


def badge_class(
    due_at: datetime | None, *, paused: bool = False, met: bool = False, now: datetime | None = None
) -> str:
    if met:
        return "badge-done"
    if paused:
        return "badge-paused"
    if due_at is None:
        return "badge-ok"
    left = due_at - (now or timezone.now())
    if left < timedelta(0):
        return "badge-late"
    if left < DUE_SOON:
        return "badge-warn"
    return "badge-ok"


@register.filter
def time_left(due_at: datetime | None) -> str:
    """`{{ case.next_due_at|time_left }}` → "3 h 20 min left" or "overdue by 2 d 4 h"."""
    return time_left_text(due_at)


def deadline_state_text(due_at: datetime | None, *, now: datetime | None = None) -> str:
    """The state a running deadline's colour stands for, in words: "Due soon" or "On time".

    Colour alone must not carry it (WCAG 1.4.1): the queue's phone cards show the word, the
    desktop table gives it to screen readers. An overdue one says so already ("overdue by 2 h").
    """
    if due_at is None:
        return ""
    state = badge_class(due_at, now=now)
    return {"badge-late": "", "badge-warn": _("Due soon")}.get(state, _("On time"))


@register.simple_tag
def deadline_badge_class(due_at: datetime | None, paused: bool = False, met: bool = False) -> str:
    """`{% deadline_badge_class c.next_due_at %}` → badge-ok / badge-warn / badge-late / ..."""
    return badge_class(due_at, paused=paused, met=met)


@register.filter(name="badge_class")
def badge_class_filter(due_at: datetime | None) -> str:
    """Filter form for running deadlines: `{{ due|badge_class }}` or `{{ due|deadline_badge_class }}`."""
    return badge_class(due_at)


register.filter("deadline_badge_class", badge_class_filter)


def provisional_note(due_at: datetime) -> str:
    """Why a deadline is marked provisional, naming the year (local time) it falls in."""
    return _(
        "The official holiday calendar for %(year)d is not published yet; this date may move."
    ) % {"year": timezone.localtime(due_at).year}


@register.inclusion_tag("staff/tags/deadline_badge.html")
def deadline_badge(deadline: Deadline) -> dict[str, Any]:
    """One sla.selectors.Deadline as a badge: stage, due time, time left / met / paused."""
    met = deadline.met_at is not None
    provisional = deadline.provisional and not met
    return {
        "deadline": deadline,
        "provisional_note": provisional_note(deadline.due_at) if provisional else "",
        "stage_label": Stage(deadline.stage).label if deadline.stage in Stage.values else "",
        "css": "badge-late"
        if deadline.breached and not met
        else badge_class(deadline.due_at, paused=deadline.paused, met=met),
        "met": met,
        "late_met": met and deadline.breached,
        "left": "" if met or deadline.paused else time_left_text(deadline.due_at),
    }


def escalation_to_whom(level: int) -> str:
    """Who hears of a level (sla.services.escalation): the department head, the complaint
    managers, senior management."""
    top = EscalationLevel.SENIOR_MANAGEMENT
    return str(EscalationLevel(min(max(level, 1), top)).label)


def escalation_why(facts: EscalationFacts) -> str:
    """Why, in the reader's language: "decision 2 working days late", the fact's name, or
    several of them."""
    return _("; ").join(_reason_text(reason) for reason in facts.reasons)


def _reason_text(reason: EscalationReason) -> str:
    if reason.stage is None:
        return str(dict(Escalation.Reason.choices).get(reason.reason, reason.reason))
    stage = str(Stage(reason.stage).label) if reason.stage in Stage.values else reason.stage
    if reason.late_by <= 0:
        return _("%(stage)s deadline missed") % {"stage": stage}
    if reason.unit == Unit.WORKING_DAYS:
        text = ngettext(
            "%(stage)s %(count)d working day late",
            "%(stage)s %(count)d working days late",
            reason.late_by,
        )
    elif reason.unit == Unit.SERVICE_HOURS:
        text = ngettext(
            "%(stage)s %(count)d service hour late",
            "%(stage)s %(count)d service hours late",
            reason.late_by,
        )
    else:
        text = ngettext(
            "%(stage)s %(count)d hour late", "%(stage)s %(count)d hours late", reason.late_by
        )
    return text % {"stage": stage, "count": reason.late_by}


@register.inclusion_tag("staff/tags/escalation_badge.html")
def escalation_badge(level: int, facts: EscalationFacts | None = None) -> dict[str, Any]:
    """The escalation level (0 shows nothing) and to whom it went: "L2 → Complaint manager".
    Given sla.selectors.complaint_escalation's facts (the case page), also why: ": decision 2
    working days late". Lists pass the level only (no query per row)."""
    if not level:
        return {"level": 0}
    short = _("L%(level)d") % {"level": level}
    to_whom = escalation_to_whom(level)
    why = escalation_why(facts) if facts is not None and facts.level == level else ""
    if why:
        full = _("%(level)s → %(to_whom)s: %(why)s") % {
            "level": short,
            "to_whom": to_whom,
            "why": why,
        }
    else:
        full = _("%(level)s → %(to_whom)s") % {"level": short, "to_whom": to_whom}
    return {
        "level": level,
        "short": short,
        "to_whom": to_whom,
        "full": full,
        "detailed": facts is not None,
    }


def money_text(value: Any) -> str:
    """An amount in yuan for the current language: "25,700.00 元" in Chinese, "¥25,700.00" in
    English (empty when there is none). Digits grouped by thousands in both: Django's zh-Hans
    number format has no separator at all, and staff read amounts by thousands."""
    if value is None or value == "":
        return ""
    try:
        amount = f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)
    # Translators: an amount of money in yuan; %(amount)s is already formatted ("25,700.00").
    return pgettext("money", "¥%(amount)s") % {"amount": amount}


@register.filter
def money(value: Any) -> str:
    """`{{ decision.amount|money }}`: every amount the product shows, pages and e-mails alike."""
    return money_text(value)


@register.filter
def lookup(mapping: dict[str, Any] | None, key: str) -> Any:
    """`{{ counts|lookup:slug }}`: a dictionary value by a key held in a variable."""
    return (mapping or {}).get(key)


@register.filter
def elided_pages(paginator: Paginator, number: int) -> list[int | str]:
    """Page numbers around the current one with "…" gaps: 1 … 4 5 [6] 7 8 … 40."""
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))


# Feather-style line icons (drawn here, no icon font or download), one per notification kind.
_ICON_PATHS = {
    "reminder": '<circle cx="12" cy="13" r="8"/><path d="M12 9v4l2.5 2.5M5 3 2 6M19 3l3 3"/>',
    "escalation": '<path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/>'
    '<path d="M12 9v4M12 17h.01"/>',
    "assignment": '<circle cx="12" cy="8" r="4"/><path d="M4 21v-1a7 7 0 0 1 14 0v1"/>',
    "approval_request": '<path d="M20 6 9 17l-5-5"/>',
    "calendar": '<rect x="3" y="4" width="18" height="18" rx="2"/><path d="M16 2v4M8 2v4M3 10h18"/>',
    # A speech bubble: the customer wrote, withdrew or answered the survey.
    "customer": '<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/>',
    # A package: a product's quality passed to quality control and purchasing, or their answer.
    "quality": '<path d="M21 8 12 3 3 8v8l9 5 9-5z"/><path d="M3 8l9 5 9-5M12 13v8"/>',
}
_ICON_DEFAULT = '<circle cx="12" cy="12" r="9"/>'


@register.simple_tag
def kind_icon(kind: str) -> str:
    """An inline SVG for a notification kind; decorative (the kind's label is always shown)."""
    paths = _ICON_PATHS.get(kind, _ICON_DEFAULT)
    # Safe: fixed markup from this module, no user input.
    return mark_safe(
        '<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">'
        f"{paths}</svg>"
    )


@register.filter
def person(user: User | None) -> str:
    """A staff member as colleagues read them: "王志强 · 服务部" (accounts.people)."""
    return person_label(user)
