"""The case library (案例库, issue 18 §2) as staff read it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from complaints.models import CaseStudy, Category

READ = "complaints.view_casestudy"
REVIEW = "complaints.review_case_study"


def may_read_library(user: User) -> bool:
    """Every staff role reads the library (each holds view_casestudy); not customers."""
    return user.is_active and user.has_perm(READ)


def _with_facts(rows: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return rows.select_related("category", "category__parent")


def case_studies_published(
    *,
    search: str = "",
    category: Category | None = None,
    product: str = "",
    outcome: str = "",
) -> QuerySet[CaseStudy]:
    """The library: published cases, newest first, narrowed by category (and its sub-categories),
    product (part of its name), outcome and free text over the title, story and lesson."""
    rows = CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED)
    if category is not None:
        rows = rows.filter(Q(category=category) | Q(category__parent=category))
    if product:
        rows = rows.filter(product__icontains=product)
    if outcome:
        rows = rows.filter(outcome=outcome)
    for word in search.split():
        rows = rows.filter(
            Q(title__icontains=word)
            | Q(story__icontains=word)
            | Q(lesson__icontains=word)
            | Q(went_well__icontains=word)
            | Q(went_wrong__icontains=word)
        )
    return _with_facts(rows).order_by("-published_at", "-id")


def case_studies_waiting(*, user: User) -> QuerySet[CaseStudy]:
    """Proposals to review (a reviewer: all; anyone else: their own, with refused ones)."""
    if user.has_perm(REVIEW):
        rows = CaseStudy.objects.filter(status=CaseStudy.Status.PROPOSED)
    else:
        rows = CaseStudy.objects.filter(
            proposed_by=user, status__in=[CaseStudy.Status.PROPOSED, CaseStudy.Status.REFUSED]
        )
    return _with_facts(rows).order_by("-proposed_at", "-id")


def case_study_for_user(*, user: User, pk: int) -> CaseStudy | None:
    """One library case as `user` may read it: published ones for every staff role; proposals and
    withdrawn ones only for reviewers and their proposer. None: missing or not theirs."""
    study = _with_facts(CaseStudy.objects.filter(pk=pk)).select_related("proposed_by").first()
    if study is None:
        return None
    readable = case_study_is_readable(
        user=user, status=study.status, proposed_by_id=study.proposed_by_id
    )
    return study if readable else None


def case_study_is_readable(*, user: User, status: str, proposed_by_id: int | None) -> bool:
    """The rule of case_study_for_user on what is known of a copy (the case's timeline knows its
    status and proposer without loading it): published for every reader of the library, the
    rest for reviewers and the proposer."""
    if not may_read_library(user):
        return False
    return (
        status == CaseStudy.Status.PUBLISHED or user.has_perm(REVIEW) or proposed_by_id == user.pk
    )


def case_study_of_complaint(*, complaint_id: int) -> CaseStudy | None:
    """The live copy (proposed or published) of a case, if any: the case page says so."""
    return (
        CaseStudy.objects.filter(
            source_id=complaint_id,
            status__in=[CaseStudy.Status.PROPOSED, CaseStudy.Status.PUBLISHED],
        )
        .only("pk", "status")
        .first()
    )
