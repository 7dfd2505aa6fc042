"""SLA policy presets for other markets: the regulator's milestones as data (README "Policy
presets for other markets"). Pure: no ORM; sla.services.presets loads them and the model
validation checks every code below (country, subdivision, time zone, stage, unit) on the way in.

Only the regulator's own milestones are here, mapped onto the product's stage clocks:

- "days" that a rule counts as calendar days are wall-clock hours (24 per day), the product's only
  unit that ignores the calendar: the deadline falls at the time of day the complaint came in,
  never later than the end of that calendar day, so it is never later than the rule's;
- a count of working (business) days is the product's working days: the day of receipt is not
  counted, the deadline is the end (23:59:59 local) of the Nth working day after it;
- a "final response" is the reply to the customer (the reply clock, met when the outcome is sent),
  counted from receipt instead of from the decision;
- clocks a rule lets stand still list their pause reasons; the others run through every wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The codes of sla.models (Stage, Unit, StartEvent, PauseReason), spelled out to keep this pure.
HOURS, WORKING_DAYS = "hours", "working_days"
RECEIVED = "received"
DAY = 24  # hours in a calendar day


@dataclass(frozen=True)
class CalendarPreset:
    code: str
    name: str
    country: str
    subdivision: str
    time_zone: str


@dataclass(frozen=True)
class TargetPreset:
    stage: str
    amount: int
    unit: str
    rule: Promise  # the regulator's words this target stands for
    start_event: str = RECEIVED
    reminder_percent: int = 75
    breach_level: int = 1
    pause_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarketPreset:
    code: str
    name: str  # data: the policies are named "<name> (<severity>)"
    title: Promise
    source: str  # the rule it follows, as cited
    calendar: CalendarPreset
    targets: tuple[TargetPreset, ...]


def preset_policy_code(market: str, severity: str) -> str:
    """The code of the preset's policy for one severity: how a later load finds it again."""
    return f"{market}-{severity}"


PRESETS: dict[str, MarketPreset] = {
    preset.code: preset
    for preset in (
        MarketPreset(
            code="cn-samr",
            name="12315在线纠纷解决",
            title=_("China: SAMR 12315 online dispute resolution"),
            source="SAMR 12315 online dispute resolution (ODR) rules",
            calendar=CalendarPreset(
                code="cn-statutory",
                name="中国大陆（法定工作日）",
                country="CN",
                subdivision="",
                time_zone="Asia/Shanghai",
            ),
            targets=(
                # Negotiating is settling the dispute: the decision records the outcome. Testing
                # and appraisal time is not counted (检测/鉴定), so only that pause stops it.
                TargetPreset(
                    stage="decision",
                    amount=10,
                    unit=WORKING_DAYS,
                    rule=_("Negotiate with the consumer within 10 working days of receipt."),
                    pause_reasons=("testing_appraisal",),
                ),
                # 三天以上仍不能协商处理: as in the default policies, straight to senior management.
                TargetPreset(
                    stage="resolution",
                    amount=72,
                    unit=HOURS,
                    rule=_("Not settled three days after receipt: senior management is told."),
                    reminder_percent=0,
                    breach_level=3,
                ),
            ),
        ),
        MarketPreset(
            code="uk-fca",
            name="UK FCA DISP",
            title=_("United Kingdom: FCA DISP"),
            source="FCA Handbook DISP 1.5, DISP 1.6.2",
            calendar=CalendarPreset(
                code="gb-eng",
                name="England and Wales",
                country="GB",
                subdivision="ENG",  # England's bank holidays are Wales's too
                time_zone="Europe/London",
            ),
            targets=(
                # Settled by the close of the third business day after receipt, a summary
                # resolution communication is enough; past it, the full procedure applies.
                TargetPreset(
                    stage="resolution",
                    amount=3,
                    unit=WORKING_DAYS,
                    rule=_(
                        "Summary resolution: resolved by the end of the third business day after "
                        "receipt."
                    ),
                ),
                TargetPreset(
                    stage="reply",
                    amount=8 * 7 * DAY,
                    unit=HOURS,
                    rule=_("Final response within eight weeks of receipt."),
                ),
            ),
        ),
        MarketPreset(
            code="au-asic",
            name="AU ASIC RG 271",
            title=_("Australia: ASIC RG 271"),
            source="ASIC Regulatory Guide 271, Internal dispute resolution",
            calendar=CalendarPreset(
                code="au-nsw",
                name="Australia (national and New South Wales)",
                country="AU",
                subdivision="NSW",  # national days plus the state the complaints team works in
                time_zone="Australia/Sydney",
            ),
            targets=(
                # "Within 24 hours (or one business day)": the business-day form, which a
                # complaint received before a weekend or a public holiday needs.
                TargetPreset(
                    stage="first_response",
                    amount=1,
                    unit=WORKING_DAYS,
                    rule=_("Acknowledge within 24 hours or one business day of receipt."),
                ),
                TargetPreset(
                    stage="reply",
                    amount=30 * DAY,
                    unit=HOURS,
                    rule=_("Final response within 30 calendar days of receipt."),
                ),
            ),
        ),
        MarketPreset(
            code="us-cfpb",
            name="US CFPB",
            title=_("United States: CFPB complaint process"),
            source="CFPB company portal: response within 15 days, final response within 60 days",
            calendar=CalendarPreset(
                code="us-federal",
                name="United States (federal)",
                country="US",
                subdivision="",  # federal holidays only
                time_zone="America/New_York",
            ),
            targets=(
                # The company's first response, final or "in progress", is its first recorded
                # contact with the consumer.
                TargetPreset(
                    stage="first_response",
                    amount=15 * DAY,
                    unit=HOURS,
                    rule=_("Respond within 15 days of receipt."),
                ),
                TargetPreset(
                    stage="reply",
                    amount=60 * DAY,
                    unit=HOURS,
                    rule=_("Final response within 60 days of receipt."),
                ),
            ),
        ),
    )
}
