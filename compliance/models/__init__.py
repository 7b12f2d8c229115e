"""The compliance models, split by subject; everything is importable from `compliance.models`."""

from .actions import FollowUpAction
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
from .frameworks import Applicability, Framework, Requirement

__all__ = [
    "FAILED_RESULTS",
    "FREQUENCY_MONTHS",
    "Applicability",
    "CheckResult",
    "CheckStatus",
    "Control",
    "ControlCheck",
    "ControlState",
    "Evidence",
    "FollowUpAction",
    "Framework",
    "Frequency",
    "Policy",
    "Requirement",
    "accepted_on_time_q",
]
