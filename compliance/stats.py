"""Figures of the control checks for the annual report.

- control_checks_due: checks whose due date falls in the year.
- control_checks_accepted_on_time: of those, accepted no later than their due date
  (the local date of acceptance is on or before the due date).
- control_checks_overdue: of those, the ones whose due date has passed (as of the moment
  of counting) and that were not accepted on time: accepted late, or not accepted at all.

For a past year due = accepted_on_time + overdue.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from .models import ControlCheck, accepted_on_time_q


def check_figures(year: int, today: date | None = None) -> dict[str, int]:
    """The three figures in one query."""
    today = today or timezone.localdate()
    on_time = accepted_on_time_q()
    figures = ControlCheck.objects.filter(due_date__year=year).aggregate(
        control_checks_due=Count("pk"),
        control_checks_accepted_on_time=Count("pk", filter=on_time),
        control_checks_overdue=Count("pk", filter=Q(due_date__lt=today) & ~on_time),
    )
    return {key: int(value or 0) for key, value in figures.items()}
