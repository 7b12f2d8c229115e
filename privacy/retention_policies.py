"""Retention of the privacy app's records (core.retention applies them nightly)."""

from __future__ import annotations

from django.db import models

from core.retention import Policy, register_policy

register_policy(
    Policy(
        key="data_breaches",
        model="privacy.DataBreach",
        date_field="aware_at",
        default_days=5 * 366,
        reason="Datalekken: AVG art. 33(5) verplicht tot documentatie van elk datalek zodat de AP de "
        "naleving kan controleren; vijf jaar na het bekend worden (verjaringstermijn van AP-boetes).",
    )
)
register_policy(
    Policy(
        key="workshop_registrations",
        model="privacy.Registration",
        date_field="session__ends_at",
        default_days=2 * 366,
        # Attendance proves a person's training duty while they work here: kept while the
        # account is active; other registrations (cancelled, absent) are not proof of anything.
        condition=lambda: models.Q(user__is_active=False) | ~models.Q(attendance="attended"),
        reason="Inschrijvingen en aanwezigheid bij workshops: bewijs van opleiding per persoon (BIO2 "
        "6.03.02) zolang iemand in dienst is; twee jaar na de sessie voor wie vertrokken is en voor "
        "inschrijvingen zonder aanwezigheid.",
    )
)
register_policy(
    Policy(
        key="self_assessments",
        model="privacy.SelfAssessment",
        date_field="completed_on",
        default_days=5 * 366,
        condition=lambda: models.Q(completed_on__isnull=False),
        reason="Self-assessments (pre-scan DPIA): onderbouwing van het besluit om wel of geen DPIA "
        "te doen (AVG art. 35); vijf jaar na afronding.",
    )
)
