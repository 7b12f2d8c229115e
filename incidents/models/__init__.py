"""The incidents app's models: incidents and calamities, the registers, exercises."""

from .exercises import Exercise, Lesson
from .incident import Calamity, Incident, TimelineEntry
from .registers import DDoSAttack, FraudAccountRemoval, ImportBatch, MisuseInvestigation, PhishingTakedown

__all__ = [
    "Calamity",
    "DDoSAttack",
    "Exercise",
    "FraudAccountRemoval",
    "ImportBatch",
    "Incident",
    "Lesson",
    "MisuseInvestigation",
    "PhishingTakedown",
    "TimelineEntry",
]
