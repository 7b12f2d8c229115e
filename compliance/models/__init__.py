"""The core models, split by subject; everything is importable from `compliance.models`."""

from .controls import (
    FAILED_RESULTS,
    FREQUENCY_MONTHS,
    CheckResult,
    CheckStatus,
    Control,
    ControlCheck,
    ControlState,
    Evidence,
    Frequency,
    Policy,
    accepted_on_time_q,
)
from .core import (
    PERCENT_VALIDATORS,
    Availability,
    Department,
    Event,
    FollowUpAction,
    HistorySeal,
    Person,
    Service,
    log_event,
)
from .frameworks import Applicability, Framework, Requirement
from .reminders import Reminder

__all__ = [
    "FAILED_RESULTS",
    "FREQUENCY_MONTHS",
    "PERCENT_VALIDATORS",
    "Applicability",
    "Availability",
    "CheckResult",
    "CheckStatus",
    "Control",
    "ControlCheck",
    "ControlState",
    "Department",
    "Event",
    "Evidence",
    "FollowUpAction",
    "Framework",
    "Frequency",
    "HistorySeal",
    "Person",
    "Policy",
    "Reminder",
    "Requirement",
    "Service",
    "accepted_on_time_q",
    "log_event",
]
