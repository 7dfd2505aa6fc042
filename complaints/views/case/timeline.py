"""The case timeline in words: one sentence per event, with its details and comment.

Timeline rows keep their facts as codes and JSON (complaints/timeline.py); this module is the one
place that reads them back for people, in the reader's language and time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User, localized_name
from accounts.people import person_label, snapshot_label
from complaints.models import (
    ActionStatus,
    BodyKind,
    CaseEvent,
    CaseStudy,
    Channel,
    CompensationHead,
    ContactDirection,
    ContactField,
    ContactPurpose,
    EscalationLevel,
    EvidenceFile,
    FollowUpMethod,
    InjuryItem,
    LegalDocument,
    LostProperty,
    Outcome,
    OutsideBody,
    OutsideBodyDocument,
    PaymentMethod,
    QualityAnswer,
    QualityDepartment,
    RejectionReason,
    Remedy,
    RevealReason,
    Severity,
    State,
)
from complaints.models.decisions import WITHIN_OWN_LIMIT_TEXT
from complaints.privacy import evidence_event_for
from complaints.selectors.library import case_study_is_readable
from complaints.services.transitions import TRANSITIONS
from complaints.templatetags.workspace import money
from complaints.timeline import by_customer
from sla.models import Escalation, PauseReason, Stage

Kind = CaseEvent.Kind


@dataclass(frozen=True)
class Entry:
    event: CaseEvent
    sentence: str
    details: list[tuple[str, str]] = field(default_factory=list)
    # The event's free text, under the label that says what it is ("Note", "Findings", ...).
    comment_label: str = ""
    tone: str = "info"
    # Text the product itself gave the event, in the reader's words; None: the event's comment.
    system_comment: str | None = None
    # A page the entry is about, printed after the sentence, for a reader allowed to open it.
    link_url: str = ""
    link_text: str = ""

    @property
    def internal(self) -> bool:
        return not self.event.customer_visible

    # What the compact template (_timeline.html) prints, worked out here rather than by tags:
    # a timeline of 200 events must not cost 200 times a dozen template lookups and filters.
    @property
    def css(self) -> str:
        return f"event tone-{self.tone} {'is-internal' if self.internal else 'is-customer'}"

    @cached_property
    def at_local(self) -> datetime:
        return timezone.localtime(self.event.at)

    @property
    def at_iso(self) -> str:
        return self.at_local.isoformat()

    @property
    def at_text(self) -> str:
        return self.at_local.strftime("%Y-%m-%d %H:%M")

    @property
    def anchor(self) -> str:
        return f"event-{self.event.pk}"

    @property
    def comment(self) -> str:
        return self.event.comment if self.system_comment is None else self.system_comment


def person(user: User | None) -> str:
    if user is None:
        return _("The system")
    return person_label(user)


def named(value: Any) -> str:
    """A person, department or category kept in the event's data, in the reader's language."""
    return snapshot_label(value) or "—"


def label(choices: type[models.Choices], value: Any) -> str:
    """The label of a coded value; an unknown code (an older list) is shown as it is."""
    if value in (None, ""):
        return "—"
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def when(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        return "—"
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def yes_no(value: Any) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def timeline_entries(events: Iterable[CaseEvent], *, reader: User) -> list[Entry]:
    """The entries as `reader` may read them: evidence of a kind restricted to other roles is
    named by its kind only (complaints.privacy); a library copy is linked for readers who may
    open it."""
    events = list(events)
    entries = [describe(event, reader=reader) for event in events]
    studies = _library_copies_readable(events, reader=reader)
    if not studies:
        return entries
    return [
        replace(
            entry,
            link_url=reverse("library_detail", args=[entry.event.data["study"]]),
            link_text=_("Open in the case library"),
        )
        if entry.event.kind == Kind.CASE_STUDY and (entry.event.data or {}).get("study") in studies
        else entry
        for entry in entries
    ]


def _library_copies_readable(events: list[CaseEvent], *, reader: User) -> set[int]:
    """The case's library copies `reader` may open, read from the timeline and not the copies:
    every change of a copy writes an entry here, so the last one holds its status now, and the
    proposal its proposer (no query for the page)."""
    status: dict[int, str] = {}
    proposer: dict[int, int | None] = {}
    steps = [event for event in events if event.kind == Kind.CASE_STUDY]
    for event in sorted(steps, key=lambda event: (event.at, event.pk)):  # the page: newest first
        data = event.data or {}
        if not isinstance(data.get("study"), int):
            continue
        study = data["study"]
        status[study] = str(data.get("status"))
        if status[study] == CaseStudy.Status.PROPOSED:
            proposer[study] = event.actor_id
    return {
        study
        for study, now in status.items()
        if case_study_is_readable(user=reader, status=now, proposed_by_id=proposer.get(study))
    }


def describe(event: CaseEvent, *, reader: User) -> Entry:
    writer = WRITERS.get(event.kind, _generic)
    who = _("The customer") if by_customer(event) else person(event.actor)
    data = event.data or {}
    if event.kind == Kind.EVIDENCE:
        shown, _comment = evidence_event_for(user=reader, data=data, comment=event.comment)
        if shown.get("restricted"):
            return _evidence_restricted(event, who, shown)
    return writer(event, who, data)


def _created(event: CaseEvent, who: str, data: dict) -> Entry:
    channel = label(Channel, data.get("channel"))
    if event.actor is None:
        sentence = _("The customer filed the complaint (%(channel)s).") % {"channel": channel}
    else:
        sentence = _("%(who)s recorded the complaint (%(channel)s).") % {
            "who": who,
            "channel": channel,
        }
    details = [
        (_("Received"), when(data.get("received_at"))),
        (_("Severity"), label(Severity, data.get("severity"))),
    ]
    if data.get("flags"):
        from_channel = set(data.get("flags_from_channel") or [])
        facts = [
            _("%(fact)s (from the channel)") % {"fact": TRIAGE_FIELD_LABELS[name]()}
            if name in from_channel
            else TRIAGE_FIELD_LABELS[name]()
            for name in data["flags"]
            if name in TRIAGE_FIELD_LABELS
        ]
        details.append((_("Urgent facts"), pgettext("list separator", ", ").join(facts)))
    acknowledgement = _customer_told(data.get("acknowledgement"))
    if acknowledgement:
        details.append((_("Acknowledgment to the customer"), acknowledgement))
    return Entry(event, sentence, details, tone="start")


def _customer_told(delivery: str | None) -> str:
    """What became of an automatic e-mail to the customer (a Delivery code), for people."""
    if delivery == "emailed":
        return _("sent by e-mail")
    if delivery == "texted":
        return _("sent by text message")
    if delivery == "no_email":
        return _("could not be sent: the customer has no e-mail address")
    if delivery == "email_off":
        return _("not sent: e-mail is switched off")
    return ""


def _transition(event: CaseEvent, who: str, data: dict) -> Entry:
    values = {
        "who": who,
        "from": label(State, event.from_state),
        "to": label(State, event.to_state),
    }
    spec = TRANSITIONS.get(event.transition)
    if event.transition == "answer_on_spot":
        sentence = _("%(who)s answered the complaint on the spot (%(from)s → %(to)s).") % values
    elif event.transition == "reject" and data.get("merged_into"):
        sentence = _("%(who)s merged the complaint into %(survivor)s as a duplicate.") % {
            **values,
            "survivor": data["merged_into"],
        }
    elif event.transition == "reject":
        sentence = _("%(who)s did not accept the complaint (不予受理).") % values
    elif event.transition == "withdraw" and by_customer(event):
        sentence = _("The customer withdrew the complaint on the tracking page.")
    elif event.transition == "withdraw":
        sentence = _("%(who)s recorded that the customer withdrew the complaint.") % values
    elif event.transition == "reopen" and by_customer(event):
        sentence = (
            _(
                "The customer's survey answer reopened the case for a second handling "
                "(%(from)s → %(to)s)."
            )
            % values
        )
    elif event.transition == "close" and by_customer(event):
        sentence = _("The case closed on the customer's satisfied survey answer.")
    elif event.transition == "reopen":
        sentence = (
            _("%(who)s reopened the case for a second handling (%(from)s → %(to)s).") % values
        )
    elif event.transition == "close":
        sentence = _("%(who)s closed the case.") % values
    else:
        sentence = _("%(who)s moved the case from %(from)s to %(to)s.") % values
    details: list[tuple[str, str]] = []
    if spec is not None and event.transition not in ("reject", "withdraw", "reopen", "close"):
        details.append((_("Step"), str(spec.label)))
    if data.get("reason"):
        details.append((_("Ground"), label(RejectionReason, data["reason"])))
    if data.get("findings"):
        details.append((_("Findings"), str(data["findings"])))
    if event.transition == "send_reply":
        # What was said is on the contact entry the reply writes beside this one.
        details.append((_("Sent by"), label(Channel, data.get("channel"))))
        if data.get("emailed"):
            details.append((_("E-mail"), _("sent to the customer's address")))
    notice = _customer_told(data.get("notice"))
    if notice:
        details.append((_("Notice to the customer"), notice))
    details += _canned(data)
    tone = "danger" if event.transition in ("reject", "withdraw") else "move"
    return Entry(event, sentence, details, comment_label=_("Comment"), tone=tone)


TRIAGE_FIELD_LABELS: dict[str, Callable[[], str]] = {
    "category": lambda: _("Category"),
    "severity": lambda: _("Severity"),
    "department": lambda: _("Owning department"),
    "assignee": lambda: _("Assignee"),
    "personal_injury": lambda: _("Personal injury"),
    "media_involved": lambda: _("Media involved"),
    "regulator_involved": lambda: _("Regulator involved"),
    "legal_risk": lambda: _("Legal risk"),
}


def _triage_value(name: str, value: Any) -> str:
    if name == "severity":
        return label(Severity, value)
    if isinstance(value, bool):
        return yes_no(value)
    return named(value)


def _triaged(event: CaseEvent, who: str, data: dict) -> Entry:
    details = []
    for name, change in (data.get("changes") or {}).items():
        old, new = [*change, None, None][:2]
        title = TRIAGE_FIELD_LABELS.get(name, lambda n=name: n)()
        details.append((title, f"{_triage_value(name, old)} → {_triage_value(name, new)}"))
    sentence = _("%(who)s changed the triage details.") % {"who": who}
    return Entry(event, sentence, details, comment_label=_("Comment"))


def _assigned(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s assigned the case to %(to)s.") % {"who": who, "to": named(data.get("to"))}
    details = [(_("Previously"), named(data["from"]))] if data.get("from") else []
    return Entry(event, sentence, details, comment_label=_("Comment"))


def _handoff(event: CaseEvent, who: str, data: dict) -> Entry:
    names = {
        key: snapshot_label(data.get(key))
        for key in ("from_department", "from_user", "to_department", "to_user")
    }
    sentence = _("%(who)s handed the case over from %(from)s to %(to)s.") % {
        "who": who,
        "from": names["from_user"] or names["from_department"] or "—",
        "to": names["to_user"] or names["to_department"] or "—",
    }
    details = [
        (
            _("From"),
            " / ".join(filter(None, [names["from_department"], names["from_user"]])) or "—",
        ),
        (_("To"), " / ".join(filter(None, [names["to_department"], names["to_user"]])) or "—"),
    ]
    return Entry(event, sentence, details, comment_label=_("Handoff note"), tone="move")


def _note(event: CaseEvent, who: str, data: dict) -> Entry:
    return Entry(
        event, _("%(who)s wrote an internal note.") % {"who": who}, [], _("Note"), tone="note"
    )


def _evidence(event: CaseEvent, who: str, data: dict) -> Entry:
    # `who` reads "The customer" for files sent from the customers' pages.
    if data.get("name"):
        sentence = _("%(who)s added evidence: %(name)s.") % {"who": who, "name": data["name"]}
    else:  # the name went when the case was anonymised
        sentence = _("%(who)s added evidence.") % {"who": who}
    details = [(_("Kind"), label(EvidenceFile.Kind, data.get("kind")))]
    return Entry(event, sentence, details, comment_label=_("Description"))


def _evidence_restricted(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s added evidence of a restricted kind: %(kind)s.") % {
        "who": who,
        "kind": label(EvidenceFile.Kind, data.get("kind")),
    }
    # No details and no comment: the file's name and description are not for this reader.
    return Entry(event, sentence, [], system_comment="")


def _decision_details(data: dict) -> list[tuple[str, str]]:
    return [
        (_("Remedy"), label(Remedy, data.get("remedy"))),
        (_("Outcome"), label(Outcome, data.get("outcome"))),
        (_("Amount"), money(data.get("amount", 0))),
    ]


def _decision_proposed(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s proposed a decision.") % {"who": who}
    return Entry(event, sentence, _decision_details(data), _("Rationale"), tone="decision")


# What the automatic approval's comment said when it was stored as a sentence (before the code).
_FROZEN_AUTOMATIC_APPROVAL = {"Within the proposer's limit.", "在提出人的审批权限额度以内。"}


def _decision_approved(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s approved the decision.") % {"who": who}
    automatic = data.get("within_own_limit") or event.comment in _FROZEN_AUTOMATIC_APPROVAL
    return Entry(
        event,
        sentence,
        _decision_details(data),
        _("Comment"),
        tone="ok",
        system_comment=str(WITHIN_OWN_LIMIT_TEXT) if automatic else None,
    )


def _decision_refused(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s refused the decision.") % {"who": who}
    return Entry(event, sentence, _decision_details(data), _("Reason"), tone="danger")


def _contact(event: CaseEvent, who: str, data: dict) -> Entry:
    values = {"who": who, "channel": label(Channel, data.get("channel"))}
    if by_customer(event) and data.get("channel") == Channel.EMAIL:
        sentence = _("The customer wrote by e-mail.")
    elif by_customer(event):
        sentence = _("The customer added information on the tracking page.")
    elif data.get("direction") == ContactDirection.INBOUND:
        sentence = _("The customer contacted us (%(channel)s); %(who)s logged it.") % values
    elif event.actor is None and data.get("purpose") == ContactPurpose.ACKNOWLEDGEMENT:
        sentence = (
            _("The customer was sent an acknowledgment automatically (%(channel)s).") % values
        )
    elif event.actor is None and data.get("purpose") == ContactPurpose.TRACKING_LINK:
        sentence = (
            _("The customer was sent a new tracking link automatically (%(channel)s).") % values
        )
    elif event.actor is None and data.get("purpose") == ContactPurpose.REJECTION:
        sentence = (
            _("The customer was sent the notice of non-acceptance automatically (%(channel)s).")
            % values
        )
    else:
        sentence = _("%(who)s contacted the customer (%(channel)s).") % values
    if by_customer(event):
        return Entry(event, sentence, [], comment_label=_("Message"), tone="contact")
    details = [(_("Purpose"), label(ContactPurpose, data.get("purpose"))), *_canned(data)]
    return Entry(event, sentence, details, comment_label=_("What was said"), tone="contact")


def _canned(data: dict) -> list[tuple[str, str]]:
    """The canned reply (标准答复) the text was started from, by its title when used."""
    if not data.get("canned_reply_id"):
        return []
    title = data.get("canned_reply_title") or f"#{data['canned_reply_id']}"
    return [(_("Canned reply used"), str(title))]


def _follow_up(event: CaseEvent, who: str, data: dict) -> Entry:
    values = {"who": who, "method": label(FollowUpMethod, data.get("method"))}
    if not data.get("reached"):
        sentence = (
            _(
                "%(who)s tried to reach the customer for the follow-up (%(method)s), without success."
            )
            % values
        )
        return Entry(event, sentence, [], _("Comment"), tone="contact")
    if by_customer(event):
        sentence = _("The customer answered the satisfaction survey online.")
    else:
        sentence = _("%(who)s made the follow-up visit (%(method)s).") % values
    details = [
        (_("Satisfaction"), f"{data.get('satisfaction') or '—'} / 5"),
        (_("Resolved in the customer's view"), yes_no(data.get("resolved"))),
    ]
    return Entry(event, sentence, details, _("Comment"), tone="contact")


def _escalated(event: CaseEvent, who: str, data: dict) -> Entry:
    level = label(EscalationLevel, data.get("level"))
    # One entry per case and level names every reason; entries written before list one.
    items = data.get("reasons") or [data]
    if data.get("added"):
        sentence = _("New reason for the escalation to %(level)s.") % {"level": level}
    else:
        sentence = _("The case was escalated to %(level)s.") % {"level": level}
    why = pgettext("list separator", ", ").join(
        label(Escalation.Reason, item.get("reason")) for item in items
    )
    details = [(_("Why"), why)]
    for item in items:
        if item.get("stage"):
            details.append(
                (_("Deadline"), f"{label(Stage, item['stage'])} · {when(item.get('due_at'))}")
            )
    return Entry(event, sentence, details, tone="danger")


def _step_text(data: dict | None) -> str:
    """A checklist step as the event stored it, in the reader's language."""
    data = data or {}
    return localized_name(str(data.get("text") or ""), str(data.get("text_en") or ""))


def _body_name(data: dict | None) -> str:
    """An outside body as the event stored it: its kind in the reader's words and its name."""
    data = data or {}
    return f"{label(BodyKind, data.get('kind'))} {data.get('name') or ''}".strip()


def _reminder(event: CaseEvent, who: str, data: dict) -> Entry:
    if "outside_body" in data:
        text = (
            _("%(recipient)s was told the deadline of %(body)s has passed.")
            if data.get("late")
            else _("%(recipient)s was reminded of the deadline of %(body)s.")
        )
        sentence = text % {
            "recipient": snapshot_label(data.get("recipient")) or _("Nobody"),
            "body": _body_name(data.get("outside_body")),
        }
        return Entry(event, sentence, [(_("Due"), when(data.get("due_at")))], tone="warn")
    if "checklist_step" in data:
        sentence = _("%(recipient)s was reminded of the checklist step “%(step)s”.") % {
            "recipient": snapshot_label(data.get("recipient")) or _("Nobody"),
            "step": _step_text(data.get("checklist_step")),
        }
        return Entry(event, sentence, [(_("Due"), when(data.get("due_at")))], tone="warn")
    sentence = _("%(recipient)s was reminded of the %(stage)s deadline.") % {
        "recipient": snapshot_label(data.get("recipient")) or _("Nobody"),
        "stage": label(Stage, data.get("stage")),
    }
    return Entry(event, sentence, [(_("Due"), when(data.get("due_at")))], tone="warn")


def _unmasked(event: CaseEvent, who: str, data: dict) -> Entry:
    fields = data.get("fields") or []
    if not fields:  # entries written before reveals named their details and reason
        sentence = _("%(who)s viewed the customer's contact details.") % {"who": who}
        return Entry(event, sentence, [], tone="audit")
    sentence = _("%(who)s revealed the customer's %(details)s.") % {
        "who": who,
        "details": ", ".join(label(ContactField, name) for name in fields),
    }
    details = [(_("Why"), label(RevealReason, data.get("reason")))]
    return Entry(event, sentence, details, comment_label=_("Explanation"), tone="audit")


def _clock_moves(clocks: Iterable[dict]) -> list[tuple[str, str]]:
    return [
        (
            _body_name(clock["outside_body"])
            if clock.get("outside_body")
            else label(Stage, clock.get("stage")),
            f"{when(clock.get('from'))} → {when(clock.get('to'))}",
        )
        for clock in clocks or []
    ]


def _paused(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s paused the deadlines.") % {"who": who}
    details = [(_("Why"), label(PauseReason, data.get("reason")))]
    stages = ", ".join(label(Stage, stage) for stage in data.get("stages") or [])
    stopped = [stages] if stages else []
    stopped += [_body_name(body) for body in data.get("outside_bodies") or []]
    if stopped:
        details.append((_("Stopped"), ", ".join(stopped)))
    details.extend(_kept_running(data))
    return Entry(event, sentence, details, _("Note"), tone="warn")


def _kept_running(data: dict) -> list[tuple[str, str]]:
    """The clocks a pause did not stop (the stage targets say which pauses stop which clock)."""
    running = ", ".join(label(Stage, stage) for stage in data.get("running") or [])
    return [(_("Kept running"), running)] if running else []


def _resumed(event: CaseEvent, who: str, data: dict) -> Entry:
    if by_customer(event):
        sentence = _("The customer's answer resumed the deadlines that were waiting on them.")
    else:
        sentence = _("%(who)s resumed the deadlines.") % {"who": who}
    moves = (data.get("clocks") or []) + (data.get("outside_bodies") or [])
    details = _clock_moves(moves) + _kept_running(data)
    return Entry(event, sentence, details, tone="warn")


def _replanned(event: CaseEvent, who: str, data: dict) -> Entry:
    why = data.get("why") or {}
    if why.get("calendar"):
        first, last = why.get("dates") or (None, None)
        if first and first == last:
            sentence = _(
                "The deadlines were re-planned: calendar %(calendar)s changed on %(date)s."
            ) % {"calendar": why["calendar"], "date": first}
        elif first:
            sentence = _(
                "The deadlines were re-planned: calendar %(calendar)s changed from %(first)s "
                "to %(last)s."
            ) % {"calendar": why["calendar"], "first": first, "last": last}
        else:
            sentence = _(
                "The deadlines were re-planned after the working days of calendar "
                "%(calendar)s changed."
            ) % {"calendar": why["calendar"]}
    else:
        sentence = _("The deadlines were re-planned after the triage change.")
    return Entry(event, sentence, _clock_moves(data.get("clocks")), _("Comment"), tone="warn")


def _checklist_step(event: CaseEvent, who: str, data: dict) -> Entry:
    step = _step_text(data.get("step"))
    if data.get("outcome") == "not_applicable":
        sentence = _("%(who)s marked the checklist step “%(step)s” not applicable.") % {
            "who": who,
            "step": step,
        }
        return Entry(event, sentence, [], _("Why"))
    sentence = _("%(who)s ticked the checklist step “%(step)s”.") % {
        "who": who,
        "step": step,
    }
    # The file itself is listed with the case's evidence (its name may carry personal data).
    details = [(_("Evidence"), _("attached"))] if data.get("evidence") else []
    return Entry(event, sentence, details, _("Note"), tone="ok")


def _outside_body(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s recorded that %(body)s took up the case.") % {
        "who": who,
        "body": _body_name(data.get("body")),
    }
    details = [
        (_("How it came"), label(OutsideBody.Channel, data.get("channel"))),
        (_("Received"), when(data.get("received_at"))),
        (_("Our contact person"), named(data.get("contact"))),
    ]
    if data.get("their_reference"):
        details.append((_("Their reference"), str(data["their_reference"])))
    if data.get("due_at"):
        details.append((_("Their deadline"), when(data.get("due_at"))))
    return Entry(event, sentence, details, _("What they ask"), tone="danger")


def _outside_body_document(event: CaseEvent, who: str, data: dict) -> Entry:
    received = data.get("direction") == OutsideBodyDocument.Direction.RECEIVED
    template = (
        _("%(who)s added a document received from %(body)s.")
        if received
        else _("%(who)s added a document sent to %(body)s.")
    )
    return Entry(event, template % {"who": who, "body": _body_name(data.get("body"))})


def _outside_body_signed(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _(
        "%(who)s recorded what the company wrote when signing the document of %(body)s."
    ) % {
        "who": who,
        "body": _body_name(data.get("body")),
    }
    details = [(_("Signed"), when(data.get("signed_at")))]
    if data.get("amount_agreed"):
        details.append((_("Amount agreed"), money(data.get("amount_agreed"))))
    return Entry(event, sentence, details, _("Written when signing"), tone="ok")


def _outside_body_closed(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s closed the matter of %(body)s: %(result)s.") % {
        "who": who,
        "body": _body_name(data.get("body")),
        "result": label(OutsideBody.Result, data.get("result")),
    }
    details = []
    if data.get("amount_agreed"):
        details.append((_("Amount agreed"), money(data.get("amount_agreed"))))
    if data.get("late"):
        details.append((_("Deadline"), _("missed")))
    if data.get("hold_may_be_lifted"):
        details.append((_("Legal hold"), _("no open matter keeps it: it may be lifted")))
    return Entry(event, sentence, details, _("How it ended"), tone="ok")


def _off_sale_ordered(event: CaseEvent, who: str, data: dict) -> Entry:
    order = data.get("order") or {}
    sentence = _(
        "%(who)s recorded the written order of %(body)s to take “%(product)s” off sale."
    ) % {
        "who": who,
        "body": _body_name(data.get("body")),
        "product": order.get("product") or "—",
    }
    details = [(_("Order dated"), str(data.get("ordered_on") or "—"))]
    if order.get("reference"):
        details.append((_("Their reference"), str(order["reference"])))
    told = ", ".join(named(person) for person in data.get("told") or [])
    details.append((_("Purchasing told"), told or _("nobody (no purchasing department set)")))
    return Entry(event, sentence, details, tone="danger")


def _off_sale_done(event: CaseEvent, who: str, data: dict) -> Entry:
    order = data.get("order") or {}
    sentence = _("“%(product)s” was taken off sale by %(person)s (recorded by %(who)s).") % {
        "product": order.get("product") or "—",
        "person": named(data.get("done_by")),
        "who": who,
    }
    return Entry(event, sentence, [(_("When"), when(data.get("done_at")))], _("Note"), tone="ok")


def _legal_hold_set(event: CaseEvent, who: str, data: dict) -> Entry:
    if data.get("automatic") == "outside_body":
        sentence = _(
            "The case went on legal hold by itself: %(body)s is involved, so its evidence is kept "
            "until that matter is closed."
        ) % {"body": _body_name(data.get("body"))}
        return Entry(event, sentence, [], tone="warn")
    if data.get("automatic") == "case_facts":
        sentence = _(
            "The case went on legal hold by itself: a regulator or the media is involved, so its "
            "evidence is kept until the matter is closed."
        )
        return Entry(event, sentence, [], tone="warn")
    sentence = _("%(who)s put the case on legal hold: it is not anonymised while held.") % {
        "who": who
    }
    return Entry(event, sentence, [], _("Reason"), tone="warn")


def _legal_hold_lifted(event: CaseEvent, who: str, data: dict) -> Entry:
    return Entry(event, _("%(who)s lifted the legal hold.") % {"who": who}, [], _("Reason"))


def _anonymised(event: CaseEvent, who: str, data: dict) -> Entry:
    if data.get("cause") == "erasure":
        sentence = _(
            "%(who)s erased the customer's personal data on their request (%(request)s)."
        ) % {"who": who, "request": data.get("rights_request", "—")}
    else:
        sentence = _(
            "The personal data was removed at the end of the retention period; statistics are kept."
        )
    return Entry(event, sentence, [], tone="warn")


def _day(value: Any) -> str:
    """A day kept in the event's data (ISO text)."""
    return str(value) if value else "—"


def _stored_name(value: Any) -> str:
    """A department kept in the event's data as {"name", "name_en"}, in the reader's language."""
    value = value if isinstance(value, dict) else {}
    return localized_name(str(value.get("name") or ""), str(value.get("name_en") or "")) or "—"


def _agreement_signed(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s recorded the signed agreement (协议书); the original is kept.") % {
        "who": who
    }
    details = [
        (_("Agreed amount"), money(data.get("amount", 0))),
        (_("Approved amount"), money(data.get("approved_amount", 0))),
        (_("Signed on"), _day(data.get("signed_on"))),
    ]
    return Entry(event, sentence, details, _("Note"), tone="decision")


def _agreement_handed_over(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s handed the signed agreement to the finance cash office.") % {"who": who}
    details = [
        (_("Held by"), _stored_name(data.get("holder"))),
        (_("Received by"), str(data.get("received_by") or "—")),
        (_("Handed over at"), when(data.get("handed_over_at"))),
    ]
    return Entry(event, sentence, details, tone="ok")


def _payment(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s recorded a payment of %(amount)s against the agreement.") % {
        "who": who,
        "amount": money(data.get("amount", 0)),
    }
    details = [
        (_("Method"), label(PaymentMethod, data.get("method"))),
        (_("Paid on"), _day(data.get("paid_on"))),
        (_("Paid in all"), money(data.get("paid_total", 0))),
        (_("Approved amount"), money(data.get("approved_amount", 0))),
    ]
    return Entry(event, sentence, details, _("Note"), tone="ok")


def _quality_referred(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s passed the quality problem to quality control and purchasing.") % {
        "who": who
    }
    product = str(data.get("product") or "—")
    if data.get("product_code"):
        product = f"{product} ({data['product_code']})"
    details = [(_("Product"), product), (_("Supplier"), str(data.get("supplier") or "—"))]
    return Entry(event, sentence, details, _("Problem"), tone="warn")


# The facts of a quality answer, in the order the answer form asks them.
_QUALITY_ACTIONS = (
    ("supplier_contacted", QualityAnswer._meta.get_field("supplier_contacted").verbose_name),
    ("taken_off_sale", QualityAnswer._meta.get_field("taken_off_sale").verbose_name),
    ("returned_to_supplier", QualityAnswer._meta.get_field("returned_to_supplier").verbose_name),
    (
        "compensated_by_supplier",
        QualityAnswer._meta.get_field("compensated_by_supplier").verbose_name,
    ),
)


def _quality_answered(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s recorded the answer of %(department)s.") % {
        "who": who,
        "department": label(QualityDepartment, data.get("department")),
    }
    details = [(_("Answered on"), _day(data.get("answered_on")))]
    if data.get("finding"):
        details.append((_("Finding"), label(QualityAnswer.Finding, data.get("finding"))))
    done = [str(text) for key, text in _QUALITY_ACTIONS if data.get(key)]
    if done:
        details.append((_("Done"), pgettext("list separator", ", ").join(done)))
    if data.get("compensation_amount") is not None:
        details.append((_("Supplier's compensation"), money(data["compensation_amount"])))
    return Entry(event, sentence, details, _("Notes"), tone="ok")


def _legal_document(event: CaseEvent, who: str, data: dict) -> Entry:
    if data.get("linked"):
        text = _(
            "%(who)s linked legal papers received earlier to this complaint: %(kind)s, %(code)s."
        )
    else:
        text = _("%(who)s recorded legal papers received: %(kind)s, %(code)s.")
    sentence = text % {
        "who": who,
        "kind": label(LegalDocument.Kind, data.get("kind")),
        "code": data.get("code", "—"),
    }
    details = [
        (_("Received"), when(data.get("received_at"))),
        (_("Signed for?"), label(LegalDocument.Receipt, data.get("receipt"))),
    ]
    return Entry(event, sentence, details, tone="warn")


def _legal_document_forwarded(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s forwarded the legal papers %(code)s to %(department)s.") % {
        "who": who,
        "code": data.get("code", "—"),
        "department": named(data.get("department")),
    }
    details = [(_("Forwarded"), when(data.get("forwarded_at")))]
    if data.get("person"):
        details.insert(0, (_("Person"), named(data.get("person"))))
    return Entry(event, sentence, details)


def _lost_property(event: CaseEvent, who: str, data: dict) -> Entry:
    if data.get("linked"):
        text = _("%(who)s linked the customer's lost property entry %(code)s to this complaint.")
    else:
        text = _("%(who)s recorded the customer's lost property in the register (%(code)s).")
    sentence = text % {
        "who": who,
        "code": data.get("code", "—"),
    }
    details = [
        (_("Kind"), label(LostProperty.Kind, data.get("kind"))),
        (_("Lost at"), when(data.get("lost_at"))),
    ]
    return Entry(event, sentence, details)


def _lost_property_outcome(event: CaseEvent, who: str, data: dict) -> Entry:
    outcome = data.get("outcome")
    sentence = _("%(who)s recorded the outcome of %(code)s: %(outcome)s.") % {
        "who": who,
        "code": data.get("code", "—"),
        "outcome": label(LostProperty.Outcome, outcome),
    }
    tone = "ok" if outcome == LostProperty.Outcome.RETURNED else "info"
    return Entry(event, sentence, [], _("Note"), tone=tone)


def _improvement_action(event: CaseEvent, who: str, data: dict) -> Entry:
    """An improvement action following from the case (issue 18 §1): `what` happened to it."""
    what = data.get("what")
    facts = {"who": who, "number": data.get("action_id", "—"), "title": data.get("title", "")}
    texts = {
        "created": _("%(who)s started improvement action #%(number)s from this case: %(title)s"),
        "linked": _("%(who)s linked this case to improvement action #%(number)s: %(title)s"),
        "started": _("%(who)s started the work on improvement action #%(number)s."),
        "done": _("%(who)s recorded improvement action #%(number)s done."),
        "verified": _("%(who)s checked the effect of improvement action #%(number)s: %(status)s."),
    }
    facts["status"] = label(ActionStatus, data.get("status"))
    sentence = texts.get(str(what), texts["linked"]) % facts
    details: list[tuple[str, str]] = []
    if what == "verified" and data.get("before") is not None:
        details.append((_("Complaints before"), str(data["before"])))
        details.append((_("Complaints after"), str(data.get("after"))))
    if what == "done" and data.get("late"):
        details.append((_("Late"), yes_no(True)))
    labels = {"done": _("Evidence"), "verified": _("What the check found")}
    tone = "ok" if data.get("status") == ActionStatus.EFFECTIVE else "info"
    return Entry(event, sentence, details, labels.get(str(what), _("Note")), tone=tone)


def _linked(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _("%(who)s linked this complaint to %(other)s as related.") % {
        "who": who,
        "other": data.get("other", "—"),
    }
    return Entry(event, sentence, [], _("Comment"))


def _merged_in(event: CaseEvent, who: str, data: dict) -> Entry:
    sentence = _(
        "%(who)s merged complaint %(duplicate)s into this one as a duplicate: its evidence and the "
        "customer's messages are copied here; its own timeline stays on it."
    ) % {"who": who, "duplicate": data.get("duplicate", "—")}
    details = [
        (_("Evidence files copied"), str(len(data.get("evidence") or []))),
        (_("Customer messages copied"), str(len(data.get("contacts") or []))),
        (_("Entries on its timeline"), str(data.get("events", "—"))),
    ]
    return Entry(event, sentence, details, _("Comment"), tone="warn")


def _case_study(event: CaseEvent, who: str, data: dict) -> Entry:
    """A step of the case's copy in the case library (issue 18 §2), named by its number: the
    copy's title is the copy's own text, not kept on the case."""
    facts = {"who": who, "number": data.get("study", "—")}
    status = data.get("status")
    if status == CaseStudy.Status.PUBLISHED:
        sentence = _("%(who)s published this case in the case library (library case #%(number)s).")
        shown = yes_no(bool(data.get("show_staff")))
        return Entry(event, sentence % facts, [(_("Staff names shown"), shown)], tone="ok")
    if status == CaseStudy.Status.REFUSED:
        sentence = _(
            "%(who)s refused to put this case in the case library (library case #%(number)s)."
        )
        return Entry(event, sentence % facts, [], _("Reason"), tone="warn")
    if status == CaseStudy.Status.UNPUBLISHED:
        sentence = _("%(who)s withdrew this case from the case library (library case #%(number)s).")
        return Entry(event, sentence % facts, [], _("Reason"), tone="warn")
    sentence = _("%(who)s proposed this case for the case library (library case #%(number)s).")
    return Entry(event, sentence % facts, [], _("Comment"))


def _generic(event: CaseEvent, who: str, data: dict) -> Entry:
    return Entry(event, f"{who}: {event.get_kind_display()}", [], _("Comment"))


def _injury(event: CaseEvent, who: str, data: dict) -> Entry:
    """The personal-injury record (issue 16 §1): one kind, what changed in `what`."""
    what = data.get("what")
    details: list[tuple[str, str]] = []
    tone = "info"
    if what == "accompany":
        if data.get("accompany"):
            person = snapshot_label(data["staff"]) if data.get("staff") else data.get("name")
            sentence = _(
                "%(who)s decided that %(person)s accompanies the customer to hospital."
            ) % {
                "who": who,
                "person": person or "—",
            }
        else:
            sentence = _("%(who)s decided that nobody accompanies the customer to hospital.") % {
                "who": who
            }
    elif what == "advance":
        if data.get("advance"):
            sentence = _("%(who)s decided to advance the medical costs: %(amount)s.") % {
                "who": who,
                "amount": money(data.get("amount", 0)),
            }
        else:
            sentence = _("%(who)s decided not to advance the medical costs.") % {"who": who}
        tone = "decision"
    elif what == "advance_requested":
        sentence = _("%(who)s requested the advance of %(amount)s from finance.") % {
            "who": who,
            "amount": money(data.get("amount", 0)),
        }
        details = [(_("Requested at"), when(data.get("requested_at")))]
    elif what == "advance_approved":
        sentence = _("%(who)s approved the advance of the medical costs: %(amount)s.") % {
            "who": who,
            "amount": money(data.get("amount", 0)),
        }
        details = [(_("Approver's limit"), money(data.get("approver_limit", 0)))]
        if data.get("receipts_exception"):
            details.append((_("Original receipts"), _("not needed: senior management's exception")))
        tone = "decision"
    elif what == "advance_paid":
        sentence = _("%(who)s recorded the advance of %(amount)s as paid.") % {
            "who": who,
            "amount": money(data.get("amount", 0)),
        }
        details = [(_("Paid on"), _day(data.get("paid_on")))]
        tone = "ok"
    elif what == "receipts_exception":
        sentence = _("%(who)s let the advance go without the original receipts.") % {"who": who}
        return Entry(event, sentence, [], _("Reason"), tone="warn")
    elif what == "witness":
        sentence = _("%(who)s recorded a witness: %(name)s.") % {
            "who": who,
            "name": data.get("name") or "—",
        }
        if data.get("statement"):
            details = [(_("Written statement"), _("attached"))]
        tone = "ok"
    elif what == "document":
        sentence = _("%(who)s recorded: %(item)s.") % {
            "who": who,
            "item": label(InjuryItem, data.get("item")),
        }
        return Entry(event, sentence, [(_("Evidence"), _("attached"))], _("Note"), tone="ok")
    elif what == "call":
        called = (
            _("the police (110)") if data.get("service") == "police" else _("an ambulance (120)")
        )
        sentence = _("%(who)s recorded that %(called)s was called.") % {
            "who": who,
            "called": called,
        }
        details = [(_("Called at"), when(data.get("called_at")))]
        tone = "warn"
    elif what == "insurer_notified":
        sentence = _("%(who)s recorded that the insurer was notified.") % {"who": who}
        details = [
            (_("Notified on"), _day(data.get("notified_on"))),
            (_("Claim number"), str(data.get("claim_number") or "—")),
        ]
    elif what == "insurer_opinion":
        sentence = (
            _("%(who)s recorded the insurer's written opinion: covered.")
            if data.get("covered")
            else _("%(who)s recorded the insurer's written opinion: not covered.")
        ) % {"who": who}
    elif what == "compensation":
        sentence = _("%(who)s set the compensation breakdown: %(total)s in all.") % {
            "who": who,
            "total": money(data.get("total", 0)),
        }
        heads = data.get("heads") or {}
        details = [(label(CompensationHead, head), money(amount)) for head, amount in heads.items()]
        tone = "decision"
    else:
        sentence = _("%(who)s changed the personal-injury record.") % {"who": who}
    return Entry(event, sentence, details, tone=tone)


def _mail_files_refused(event: CaseEvent, who: str, data: dict) -> Entry:
    files = data.get("refused_files") or []
    if not files:  # the names went when the case was anonymised
        return Entry(event, _("Attachments of the customer's e-mail were not kept as evidence."))
    sentence = _("Attachments of the customer's e-mail were not kept as evidence: %(names)s.") % {
        "names": pgettext("list separator", ", ").join(item.get("name", "") for item in files)
    }
    details = [(item.get("name", ""), " ".join(item.get("reasons") or [])) for item in files]
    return Entry(event, sentence, details, tone="note")


WRITERS: dict[str, Callable[[CaseEvent, str, dict], Entry]] = {
    Kind.CREATED: _created,
    Kind.TRANSITION: _transition,
    Kind.TRIAGED: _triaged,
    Kind.ASSIGNED: _assigned,
    Kind.HANDOFF: _handoff,
    Kind.NOTE: _note,
    Kind.EVIDENCE: _evidence,
    Kind.DECISION_PROPOSED: _decision_proposed,
    Kind.DECISION_APPROVED: _decision_approved,
    Kind.DECISION_REJECTED: _decision_refused,
    Kind.CONTACT: _contact,
    Kind.FOLLOW_UP: _follow_up,
    Kind.ESCALATED: _escalated,
    Kind.REMINDER: _reminder,
    Kind.PII_UNMASKED: _unmasked,
    Kind.CLOCKS_PAUSED: _paused,
    Kind.CLOCKS_RESUMED: _resumed,
    Kind.DEADLINES_REPLANNED: _replanned,
    Kind.LEGAL_HOLD_SET: _legal_hold_set,
    Kind.LEGAL_HOLD_LIFTED: _legal_hold_lifted,
    Kind.ANONYMISED: _anonymised,
    Kind.CHECKLIST_STEP: _checklist_step,
    Kind.OUTSIDE_BODY: _outside_body,
    Kind.OUTSIDE_BODY_DOCUMENT: _outside_body_document,
    Kind.OUTSIDE_BODY_SIGNED: _outside_body_signed,
    Kind.OUTSIDE_BODY_CLOSED: _outside_body_closed,
    Kind.OFF_SALE_ORDERED: _off_sale_ordered,
    Kind.OFF_SALE_DONE: _off_sale_done,
    Kind.AGREEMENT_SIGNED: _agreement_signed,
    Kind.AGREEMENT_HANDED_OVER: _agreement_handed_over,
    Kind.PAYMENT: _payment,
    Kind.QUALITY_REFERRED: _quality_referred,
    Kind.QUALITY_ANSWERED: _quality_answered,
    Kind.LEGAL_DOCUMENT: _legal_document,
    Kind.LEGAL_DOCUMENT_FORWARDED: _legal_document_forwarded,
    Kind.LOST_PROPERTY: _lost_property,
    Kind.LOST_PROPERTY_OUTCOME: _lost_property_outcome,
    Kind.INJURY: _injury,
    Kind.MAIL_FILES_REFUSED: _mail_files_refused,
    Kind.IMPROVEMENT_ACTION: _improvement_action,
    Kind.LINKED: _linked,
    Kind.MERGED_IN: _merged_in,
    Kind.CASE_STUDY: _case_study,
}
