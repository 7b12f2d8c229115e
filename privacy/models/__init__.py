"""Privacy (AVG): the processing register, self-assessments, DPIAs, data breaches and
AVG workshops."""

from .assessments import Answer, Question, Questionnaire, SelfAssessment
from .breaches import DataBreach
from .dpia import DPIA, DPIARisk, DPIATransition
from .register import Category, ProcessingActivity, Processor, Purpose, Transfer
from .workshops import Registration, WorkshopSeries, WorkshopSession

__all__ = [
    "DPIA",
    "Answer",
    "Category",
    "DPIARisk",
    "DPIATransition",
    "DataBreach",
    "ProcessingActivity",
    "Processor",
    "Purpose",
    "Question",
    "Questionnaire",
    "Registration",
    "SelfAssessment",
    "Transfer",
    "WorkshopSeries",
    "WorkshopSession",
]
