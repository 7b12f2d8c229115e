"""Figures for the annual report.

What counts in a year (calendar year in Europe/Amsterdam):
- processing_registrations: register entries with `registered_on` in the year;
- self_assessments: self-assessments completed in the year;
- dpias: DPIAs decided in the year (a DPIA is complete when its decision is taken);
- data_breaches: breaches the organisation became aware of in the year, reported or not;
- data_breaches_reported_late: of those, reported to the AP more than 72 hours after becoming aware;
- workshop_sessions: sessions held in the year (started in it, not cancelled);
- workshop_attendees: distinct people marked attended at a session held in the year
  (one person at two sessions counts once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Min, Model, Q, QuerySet

from .models import DPIA, DataBreach, ProcessingActivity, Registration, SelfAssessment, WorkshopSession
from .models.breaches import NOTIFICATION_WINDOW

# The counting rule of each figure, defined once: (model, year -> condition). The annual
# report counts with these and the admin filters behind the report's links filter with them.
FIGURE_RULES: dict[str, tuple[type[Model], Callable[[int], Q]]] = {
    "processing_registrations": (ProcessingActivity, lambda year: Q(registered_on__year=year)),
    "self_assessments": (SelfAssessment, lambda year: Q(completed_on__year=year)),
    "dpias": (DPIA, lambda year: Q(status=DPIA.Status.DECIDED, decided_on__year=year)),
    "data_breaches": (DataBreach, lambda year: Q(aware_at__year=year)),
    "data_breaches_reported_late": (
        DataBreach,
        lambda year: Q(aware_at__year=year, reported_to_ap_at__gt=F("aware_at") + NOTIFICATION_WINDOW),
    ),
    "workshop_sessions": (WorkshopSession, lambda year: Q(starts_at__year=year, cancelled=False)),
    # attended registrations; the figure counts the distinct people among them
    "workshop_attendees": (
        Registration,
        lambda year: Q(
            attendance=Registration.Attendance.ATTENDED, session__starts_at__year=year, session__cancelled=False
        ),
    ),
}


def figure_q(key: str, year: int) -> Q:
    return FIGURE_RULES[key][1](year)


def figure_queryset(key: str, year: int) -> QuerySet[Any]:
    model, rule = FIGURE_RULES[key]
    return model._default_manager.filter(rule(year))


def first_attendance_per_person_q(year: int) -> Q:
    """One attended registration per person in `year` (their first): the rows behind the
    `workshop_attendees` figure, which counts people, not registrations."""
    firsts = figure_queryset("workshop_attendees", year).values("user").annotate(first=Min("pk")).values("first")
    return Q(pk__in=firsts)


def annual_figures(year: int) -> dict[str, int]:
    """Six queries, whatever the volume."""
    breaches = DataBreach.objects.filter(figure_q("data_breaches", year)).aggregate(
        total=Count("pk"),
        late=Count("pk", filter=figure_q("data_breaches_reported_late", year)),
    )
    counted = ("processing_registrations", "self_assessments", "dpias", "workshop_sessions")
    return {
        **{key: figure_queryset(key, year).count() for key in counted},
        "data_breaches": breaches["total"],
        "data_breaches_reported_late": breaches["late"],
        "workshop_attendees": figure_queryset("workshop_attendees", year).values("user").distinct().count(),
    }
