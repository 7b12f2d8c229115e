"""Fixtures of the incidents tests: an incident factory and the SOC supplier's user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from incidents.choices import Category, DetectionSource, Severity, Status
from incidents.models import Incident
from incidents.roles import SOC_SUPPLIER

T0 = timezone.make_aware(datetime(2021, 7, 14, 9, 0))

# How to reach each status from new, along allowed transitions.
PATH_TO = {
    Status.NEW: [],
    Status.TRIAGE: [Status.TRIAGE],
    Status.FOLLOW_UP: [Status.FOLLOW_UP],
    Status.RESOLVED: [Status.FOLLOW_UP, Status.RESOLVED],
    Status.CLOSED: [Status.FOLLOW_UP, Status.RESOLVED, Status.CLOSED],
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Users are made by the dozen here (an access test per role and endpoint): a fast hasher
    keeps the suite quick; nothing here tests password storage."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_incident(db) -> Callable[..., Incident]:  # type: ignore[no-untyped-def]
    """make_incident(status=…, **fields): an incident walked to `status` along allowed transitions."""

    def factory(status: str = Status.NEW, actor: Any = None, **fields: Any) -> Incident:
        # The moments of resolving and closing are given on those transitions, as the
        # model only accepts them there (a back-dated resolution, as the demo data has).
        stamps = {name: fields.pop(name) for name in ("resolved_at", "closed_at") if name in fields}
        values = {
            "title": "Storing DigiD",
            "category": Category.OUTAGE,
            "severity": Severity.MEDIUM,
            "detection_source": DetectionSource.OWN_MONITORING,
            "started_at": T0,
            "detected_at": T0 + timedelta(minutes=10),
            **fields,
        }
        incident = Incident(**values)
        incident.changed_by = actor
        incident.save()
        for step in PATH_TO[status]:
            incident.status = step
            if step == Status.RESOLVED and stamps.get("resolved_at"):
                incident.resolved_at = stamps["resolved_at"]
            if step == Status.CLOSED and stamps.get("closed_at"):
                incident.closed_at = stamps["closed_at"]
            incident.save()
        return incident

    return factory


@pytest.fixture
def soc_user(make_user):  # type: ignore[no-untyped-def]
    user = make_user(None, username="soc-leverancier", is_staff=False)
    user.groups.add(Group.objects.get(name=SOC_SUPPLIER))
    return user
