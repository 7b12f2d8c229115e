"""The platform's own records: named events, the history seals and the reminders sent."""

from .history import Event, HistorySeal, log_event
from .reminders import Reminder

__all__ = ["Event", "HistorySeal", "Reminder", "log_event"]
