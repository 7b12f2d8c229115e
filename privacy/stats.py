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

from django.db.models import Count, F, Q

from .models import DPIA, DataBreach, ProcessingActivity, Registration, SelfAssessment, WorkshopSession
from .models.breaches import NOTIFICATION_WINDOW


def annual_figures(year: int) -> dict[str, int]:
    """Six queries, whatever the volume."""
    breaches = DataBreach.objects.filter(aware_at__year=year).aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(reported_to_ap_at__gt=F("aware_at") + NOTIFICATION_WINDOW)),
    )
    return {
        "processing_registrations": ProcessingActivity.objects.filter(registered_on__year=year).count(),
        "self_assessments": SelfAssessment.objects.filter(completed_on__year=year).count(),
        "dpias": DPIA.objects.filter(status=DPIA.Status.DECIDED, decided_on__year=year).count(),
        "data_breaches": breaches["total"],
        "data_breaches_reported_late": breaches["late"],
        "workshop_sessions": WorkshopSession.objects.filter(starts_at__year=year, cancelled=False).count(),
        "workshop_attendees": Registration.objects.filter(
            attendance=Registration.Attendance.ATTENDED,
            session__starts_at__year=year,
            session__cancelled=False,
        )
        .values("user")
        .distinct()
        .count(),
    }
