"""Figures of the control checks for the annual report.

- control_checks_due: checks whose due date falls in the year, except those cancelled when
  their control was retired.
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

from compliance.models import CheckStatus, ControlCheck, accepted_on_time_q


def figure_q(key: str, year: int, today: date | None = None) -> Q:
    """The condition a check meets to count in figure `key` of `year` (the rules above);
    the annual report counts with it and the checks admin filters with it."""
    today = today or timezone.localdate()
    due = Q(due_date__year=year) & ~Q(status=CheckStatus.CANCELLED)
    if key == "control_checks_due":
        return due
    if key == "control_checks_accepted_on_time":
        return due & accepted_on_time_q()
    if key == "control_checks_overdue":
        return due & Q(due_date__lt=today) & ~accepted_on_time_q()
    raise KeyError(key)


CHECK_KEYS = ("control_checks_due", "control_checks_accepted_on_time", "control_checks_overdue")


def check_figures(year: int, today: date | None = None) -> dict[str, int]:
    """The three figures in one query."""
    # the outer filter only narrows the scan to the year's checks (each rule includes it)
    figures = ControlCheck.objects.filter(figure_q("control_checks_due", year, today)).aggregate(
        **{key: Count("pk", filter=figure_q(key, year, today)) for key in CHECK_KEYS}
    )
    return {key: int(value or 0) for key, value in figures.items()}
