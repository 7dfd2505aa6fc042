"""The codes the deadline rules speak in: stages, pause reasons and units of time.

A module of its own beneath the models, so that the case's models (an outside body's deadline
pauses like a stage's) can use them without importing the sla models, which import the case's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    INVESTIGATION = "investigation", _("Investigation")
    DECISION = "decision", _("Decision")
    REPLY = "reply", _("Reply to customer")
    FOLLOW_UP = "follow_up", _("Follow-up visit")
    # 三天以上仍不能协商处理: a case not settled this long after receipt goes to senior management.
    RESOLUTION = "resolution", _("Settlement")


class PauseReason(models.TextChoices):
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on the customer")
    TESTING_APPRAISAL = "testing_appraisal", _("Testing or appraisal (检测/鉴定)")
    INSURER = "insurer", _("Waiting on the insurer")
    CONSUMER_ASSOCIATION = "consumer_association", _("Waiting on the consumer association")
    REGULATOR = "regulator", _("Waiting on the regulator")
    OTHER = "other", _("Other (explained in the note)")


# Which pauses stop each stage's clock unless the administrator says otherwise (README "Pauses").
# Handling (investigation, decision) stops for every wait: testing and appraisal time is not counted
# under the market-regulation rules, and the company waits on outside bodies and on the customer.
# Talking to the customer (reply, follow-up visit) stops only while the customer cannot be reached.
# The first response (a recorded contact needs nobody's answer) and the 72-hour settlement alert
# (三天以上仍不能协商处理 counts the customer's days, waits included) never stop.
DEFAULT_PAUSE_REASONS: dict[str, tuple[str, ...]] = {
    Stage.FIRST_RESPONSE: (),
    Stage.INVESTIGATION: tuple(PauseReason.values),
    Stage.DECISION: tuple(PauseReason.values),
    Stage.REPLY: (PauseReason.WAITING_CUSTOMER, PauseReason.OTHER),
    Stage.FOLLOW_UP: (PauseReason.WAITING_CUSTOMER, PauseReason.OTHER),
    Stage.RESOLUTION: (),
}


def validate_pause_reasons(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of pause reason codes."), code="invalid")
    unknown = sorted(set(value) - set(PauseReason.values))
    if unknown:
        raise ValidationError(
            _("Unknown pause reasons: %(codes)s."),
            code="invalid_choice",
            params={"codes": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each pause reason is listed once."), code="duplicate")


class Unit(models.TextChoices):
    HOURS = "hours", _("Hours")
    WORKING_DAYS = "working_days", _("Working days")
    # Counted only inside the calendar's service periods on working days (README "Three clocks").
    SERVICE_HOURS = "service_hours", _("Service hours")
