from .calendars import (
    BusinessCalendar,
    CalendarChange,
    CalendarDay,
    CalendarYear,
    default_rest_weekdays,
    validate_rest_weekdays,
    validate_time_zone,
)
from .clocks import LIVE, Clock, ClockPause
from .escalations import Escalation, Reminder
from .policies import (
    DEFAULT_PAUSE_REASONS,
    EscalationSettings,
    PauseReason,
    SlaPolicy,
    SlaTarget,
    Stage,
    StartEvent,
    Unit,
    validate_pause_reasons,
)

__all__ = [
    "DEFAULT_PAUSE_REASONS",
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
    "validate_pause_reasons",
    "validate_rest_weekdays",
    "validate_time_zone",
]
