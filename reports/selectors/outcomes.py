"""What came of the complaints this month: satisfaction, reopen and escalation rates, redress."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from complaints.models import Complaint, Decision, FollowUp, Remedy, State
from reports.domain import Periods, Span
from reports.selectors.scope import ReportScope

# Goodwill (好意补偿) as the decision form records it: a gift or financial assistance.
GOODWILL_REMEDIES = (Remedy.GIFT, Remedy.FINANCIAL_ASSISTANCE)


@dataclass(frozen=True)
class Satisfaction:
    visits: int  # follow-up attempts this month
    reached: int  # of which reached the customer
    scored: int  # of those, with a 1-5 score
    mean_score: float | None
    satisfied: int  # reached, resolved in the customer's view, score 3 or more

    @property
    def satisfied_share(self) -> float | None:
        return self.satisfied / self.reached if self.reached else None

    @property
    def response_rate(self) -> float | None:
        return self.reached / self.visits if self.visits else None


def satisfaction(*, scope: ReportScope, periods: Periods, span: Span | None = None) -> Satisfaction:
    """Follow-up visits (回访, staff's and the customers' online answers) of this local month
    (or of `span`).

    Mean score over the visits that reached the customer and gave a score; satisfied share: the
    visits that count as satisfied (FollowUp.is_satisfied) among those that reached the customer;
    response rate: visits that reached the customer among all attempts.
    """
    satisfied = Q(reached=True, resolved=True, satisfaction__gte=3)
    span = span or periods.month_so_far()
    # Counted on `at`, carried by followup_at_report_idx with every column read (not the id).
    row = FollowUp.objects.filter(scope.carried(), at__gte=span.start, at__lt=span.end).aggregate(
        n_visits=Count("at"),
        n_reached=Count("at", filter=Q(reached=True)),
        n_scored=Count("at", filter=Q(reached=True, satisfaction__isnull=False)),
        score_sum=Sum("satisfaction", filter=Q(reached=True)),
        n_satisfied=Count("at", filter=satisfied),
    )
    return satisfaction_of(
        visits=row["n_visits"],
        reached=row["n_reached"],
        scored=row["n_scored"],
        score_sum=row["score_sum"] or 0,
        satisfied=row["n_satisfied"],
    )


def satisfaction_of(
    *, visits: int, reached: int, scored: int, score_sum: int, satisfied: int
) -> Satisfaction:
    """The figures from their counts (the mean as the sum over the count, the same arithmetic
    whether counted live or read from the daily rollup)."""
    return Satisfaction(
        visits=visits,
        reached=reached,
        scored=scored,
        mean_score=score_sum / scored if scored else None,
        satisfied=satisfied,
    )


@dataclass(frozen=True)
class Rates:
    closed: int  # complaints closed this month
    reopened: int  # of which handled a second time (二次处理) at least once
    escalated: int  # of which escalated to any level at least once

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.closed if self.closed else None

    @property
    def escalation_rate(self) -> float | None:
        return self.escalated / self.closed if self.closed else None


def reopen_and_escalation(
    *, scope: ReportScope, periods: Periods, span: Span | None = None
) -> Rates:
    """Of the complaints closed this local month or in `span` (not rejected or withdrawn): how
    many were reopened, and how many escalated (a level never goes down, so the level now tells)."""
    span = span or periods.month_so_far()
    row = Complaint.objects.filter(
        scope.cases(),
        state=State.CLOSED,
        closed_at__gte=span.start,
        closed_at__lt=span.end,
    ).aggregate(
        # On received_at, not the id: complaint_closed_idx carries every column read here.
        closed=Count("received_at"),
        reopened=Count("received_at", filter=Q(reopen_count__gt=0)),
        escalated=Count("received_at", filter=Q(escalation_level__gt=0)),
    )
    return Rates(closed=row["closed"], reopened=row["reopened"], escalated=row["escalated"])


@dataclass(frozen=True)
class Redress:
    by_remedy: dict[str, tuple[int, Decimal]]  # remedy -> (decisions, amount)

    @property
    def compensation(self) -> Decimal:
        return self.by_remedy.get(Remedy.COMPENSATION, (0, Decimal(0)))[1]

    @property
    def goodwill(self) -> Decimal:
        return sum(
            (self.by_remedy.get(remedy, (0, Decimal(0)))[1] for remedy in GOODWILL_REMEDIES),
            Decimal(0),
        )

    @property
    def total(self) -> Decimal:
        return sum((amount for _count, amount in self.by_remedy.values()), Decimal(0))


def redress(*, scope: ReportScope, periods: Periods, span: Span | None = None) -> Redress:
    """Approved decisions approved this local month (or in `span`), per remedy: how many and
    their amounts.

    Only decisions still approved (a superseded or refused proposal pays nothing); a reopened
    complaint's second decision counts as well as its first. Compensation is the remedy
    "compensation"; goodwill is a gift or financial assistance.
    """
    span = span or periods.month_so_far()
    rows = (
        Decision.objects.filter(
            scope.cases("complaint__"),
            state=Decision.Status.APPROVED,
            approved_at__gte=span.start,
            approved_at__lt=span.end,
        )
        .order_by()
        .values_list("remedy")
        .annotate(n=Count("pk"), paid=Sum("amount"))
    )
    return Redress(by_remedy={remedy: (n, Decimal(amount or 0)) for remedy, n, amount in rows})
