from .calendars import (
    BusinessCalendar,
    CalendarChange,
    CalendarDay,
    CalendarYear,
    default_rest_weekdays,
    validate_rest_weekdays,
    validate_time_zone,
)
from .clocks import LIVE, Clock, ClockPause, PauseReason
from .escalations import Escalation, Reminder
from .policies import EscalationSettings, SlaPolicy, SlaTarget, Stage, StartEvent, Unit

__all__ = [
    "LIVE",
    "BusinessCalendar",
    "CalendarChange",
    "CalendarDay",
    "CalendarYear",
    "Clock",
    "ClockPause",
    "Escalation",
    "EscalationSettings",
    "PauseReason",
    "Reminder",
    "SlaPolicy",
    "SlaTarget",
    "Stage",
    "StartEvent",
    "Unit",
    "default_rest_weekdays",
    "validate_rest_weekdays",
    "validate_time_zone",
]
