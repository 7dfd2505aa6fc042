"""The demo's case library and canned replies (demo.data.library), made through their services
once: a later run finds them there and leaves them."""

from __future__ import annotations

from accounts.models import User
from complaints.models import CannedReply, CaseStudy, Category, Complaint, State
from complaints.services.library import case_study_approve, case_study_propose, may_propose
from demo.data.library import CANNED_REPLIES, LIBRARY
from demo.seed.organisation import Org


def ensure_canned_replies() -> None:
    if CannedReply.objects.exists():
        return
    categories = {c.code: c for c in Category.objects.all()}
    for position, (code, language, title, body) in enumerate(CANNED_REPLIES):
        CannedReply.objects.create(
            category=categories.get(code) if code else None,
            language=language,
            title=title,
            body=body,
            sort_order=position,
        )


def _proposer(complaint: Complaint, org: Org) -> User:
    """The case's handler when they may propose it, else the complaint manager."""
    if complaint.assignee is not None and may_propose(user=complaint.assignee, complaint=complaint):
        return complaint.assignee
    return org.users["manager"]


def ensure_library(org: Org) -> None:
    if CaseStudy.objects.exists():
        return
    manager = org.users["manager"]
    used: set[int] = set()
    for code, title, story, well, wrong, lesson, approve, show_staff in LIBRARY:
        closed = Complaint.objects.filter(state=State.CLOSED).exclude(pk__in=used)
        complaint = (
            closed.filter(category__code=code).order_by("-closed_at").first()
            or closed.order_by("-closed_at").first()
        )
        if complaint is None:
            return
        used.add(complaint.pk)
        study = case_study_propose(
            complaint=complaint,
            actor=_proposer(complaint, org),
            title=title,
            story=story.format(customer=complaint.customer.name, phone=complaint.customer.phone),
            went_well=well,
            went_wrong=wrong,
            lesson=lesson,
        )
        if approve:
            case_study_approve(study=study, actor=manager, show_staff=show_staff)
