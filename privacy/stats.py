"""Figures for the annual report.

What counts in a year (calendar year in Europe/Amsterdam):
- processing_registrations: register entries with `registered_on` in the year;
- self_assessments: self-assessments completed in the year;
- dpias: DPIAs decided in the year (a DPIA is complete when its decision is taken);
- data_breaches: breaches the organisation became aware of in the year, reported or not;
- data_breaches_reported_late: of those, reported to the AP more than 72 hours after becoming aware;
- data_breaches_not_reported: of those, never reported to the AP although no decision not to
  report was taken, while their 72 hours have passed (at the moment of counting);
- workshop_sessions: sessions held in the year (started in it, not cancelled), both kinds;
- avg_workshop_sessions, onboarding_sessions: of those, the AVG workshops and the onboarding
  sessions (together workshop_sessions);
- workshop_attendees: distinct people marked attended at a session held in the year
  (one person at two sessions counts once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Min, Model, Q, QuerySet
from django.utils import timezone

from .models import (
    DPIA,
    DataBreach,
    ProcessingActivity,
    Registration,
    SelfAssessment,
    WorkshopSeries,
    WorkshopSession,
)
from .models.breaches import NOTIFICATION_WINDOW


def _not_reported_past_deadline_q(year: int) -> Q:
    """Aware in `year`, not reported to the AP, no decision not to report, and the 72 hours
    (absolute time) have passed by now."""
    return Q(
        aware_at__year=year,
        aware_at__lt=timezone.now() - NOTIFICATION_WINDOW,
        reported_to_ap_at__isnull=True,
        not_reported_decided_at__isnull=True,
    )


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
    "data_breaches_not_reported": (DataBreach, lambda year: _not_reported_past_deadline_q(year)),
    "workshop_sessions": (WorkshopSession, lambda year: Q(starts_at__year=year, cancelled=False)),
    "avg_workshop_sessions": (
        WorkshopSession,
        lambda year: Q(starts_at__year=year, cancelled=False, series__kind=WorkshopSeries.Kind.AVG),
    ),
    "onboarding_sessions": (
        WorkshopSession,
        lambda year: Q(starts_at__year=year, cancelled=False, series__kind=WorkshopSeries.Kind.ONBOARDING),
    ),
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
        not_reported=Count("pk", filter=figure_q("data_breaches_not_reported", year)),
    )
    sessions = WorkshopSession.objects.filter(figure_q("workshop_sessions", year)).aggregate(
        total=Count("pk"),
        avg=Count("pk", filter=figure_q("avg_workshop_sessions", year)),
        onboarding=Count("pk", filter=figure_q("onboarding_sessions", year)),
    )
    counted = ("processing_registrations", "self_assessments", "dpias")
    return {
        **{key: figure_queryset(key, year).count() for key in counted},
        "data_breaches": breaches["total"],
        "data_breaches_reported_late": breaches["late"],
        "data_breaches_not_reported": breaches["not_reported"],
        "workshop_sessions": sessions["total"],
        "avg_workshop_sessions": sessions["avg"],
        "onboarding_sessions": sessions["onboarding"],
        "workshop_attendees": figure_queryset("workshop_attendees", year).values("user").distinct().count(),
    }
