"""Every change to calendars and deadline clocks goes through these functions."""

from sla.services.alerts import calendars_alert_provisional_years
from sla.services.calendars import (
    RefreshSummary,
    YearRefresh,
    calendar_confirm_year,
    calendar_day_delete,
    calendar_day_set,
    calendar_refresh_from_package,
    calendar_save,
    calendar_service_day_set,
    calendar_service_hours_changed,
    calendar_service_hours_set,
    calendars_load_missing_years,
    calendars_refresh_active,
    default_years,
)
from sla.services.checklists import (
    checklist_attach,
    checklist_step_tick,
    checklist_steps_remind,
)
from sla.services.clocks import (
    clocks_after_transition,
    clocks_meet,
    clocks_replan,
    clocks_start,
    clocks_stop,
)
from sla.services.escalation import escalate, escalate_on_facts, escalations_record
from sla.services.escalation_batch import clock_process, clocks_process, clocks_process_chunk
from sla.services.pauses import clocks_pause, clocks_resume
from sla.services.presets import PresetLoad, preset_activate, preset_load
from sla.services.replanning import calendar_changes_apply
from sla.services.sweep import sweep_due_clocks

__all__ = [
    "PresetLoad",
    "RefreshSummary",
    "YearRefresh",
    "calendar_changes_apply",
    "calendar_confirm_year",
    "calendar_day_delete",
    "calendar_day_set",
    "calendar_refresh_from_package",
    "calendar_save",
    "calendar_service_day_set",
    "calendar_service_hours_changed",
    "calendar_service_hours_set",
    "calendars_alert_provisional_years",
    "calendars_load_missing_years",
    "calendars_refresh_active",
    "checklist_attach",
    "checklist_step_tick",
    "checklist_steps_remind",
    "clock_process",
    "clocks_after_transition",
    "clocks_meet",
    "clocks_pause",
    "clocks_process",
    "clocks_process_chunk",
    "clocks_replan",
    "clocks_resume",
    "clocks_start",
    "clocks_stop",
    "default_years",
    "escalate",
    "escalate_on_facts",
    "escalations_record",
    "preset_activate",
    "preset_load",
    "sweep_due_clocks",
]
