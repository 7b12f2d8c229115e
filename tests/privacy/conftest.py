"""Factories for the privacy tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from privacy.models import (
    DPIA,
    DataBreach,
    DPIARisk,
    ProcessingActivity,
    Purpose,
    Questionnaire,
    Registration,
    WorkshopSeries,
    WorkshopSession,
)
from privacy.models.workshops import AMSTERDAM


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """The shared make_user sets a password; a slow hasher would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_activity(db, make_user) -> Callable[..., ProcessingActivity]:  # type: ignore[no-untyped-def]
    counter = iter(range(1, 10_000))

    def factory(**fields: Any) -> ProcessingActivity:
        n = next(counter)
        owner = fields.pop("owner", None) or make_user(None)
        values: dict[str, Any] = {
            "code": f"vw-{n:03d}",
            "name": f"Verwerking {n}",
            "controller_contact": "Logius, Den Haag",
            "dpo_contact": "FG BZK",
            "registered_on": date(2021, 3, 1),
            "owner": owner,
        }
        values.update(fields)
        activity = ProcessingActivity.objects.create(**values)
        Purpose.objects.create(activity=activity, description="Inloggen", legal_basis="e")
        return activity

    return factory


@pytest.fixture
def activity(make_activity) -> ProcessingActivity:  # type: ignore[no-untyped-def]
    return make_activity()


@pytest.fixture
def questionnaire(db) -> Questionnaire:  # type: ignore[no-untyped-def]
    """The default pre-scan shipped by the data migration."""
    return Questionnaire.objects.get(slug="pre-scan-dpia")


@pytest.fixture
def make_dpia(db, make_activity, make_user) -> Callable[..., DPIA]:  # type: ignore[no-untyped-def]
    def factory(residual: tuple[int, int] = (2, 2), **fields: Any) -> DPIA:
        owner = fields.pop("owner", None) or make_user(None)
        values: dict[str, Any] = {"title": "DPIA DigiD", "owner": owner}
        values.update(fields)
        values.setdefault("activity", make_activity(owner=owner))
        dpia = DPIA.objects.create(**values)
        DPIARisk.objects.create(
            dpia=dpia,
            description="Phishing",
            likelihood=3,
            impact=4,
            measures="App-koppeling",
            residual_likelihood=residual[0],
            residual_impact=residual[1],
        )
        return dpia

    return factory


@pytest.fixture
def make_breach(db, make_user) -> Callable[..., DataBreach]:  # type: ignore[no-untyped-def]
    counter = iter(range(1, 10_000))

    def factory(**fields: Any) -> DataBreach:
        n = next(counter)
        values: dict[str, Any] = {
            "reference": f"dl-{n:03d}",
            "title": f"Datalek {n}",
            "aware_at": timezone.now() - timedelta(hours=1),
            "nature": "Verkeerd verzonden brief",
            "recorded_by": fields.pop("recorded_by", None) or make_user(None),
        }
        values.update(fields)
        return DataBreach.objects.create(**values)

    return factory


@pytest.fixture
def series(db, make_user) -> WorkshopSeries:  # type: ignore[no-untyped-def]
    organizer = make_user(None, first_name="Fatima", last_name="Amrani")
    return WorkshopSeries.objects.create(
        name="Onboarding",
        slug="onboarding",
        kind=WorkshopSeries.Kind.ONBOARDING,
        first_start=datetime(2021, 1, 11, 10, tzinfo=AMSTERDAM),
        recurrence="FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO",
        duration_minutes=180,
        location="Den Haag",
        capacity=2,
        organizer=organizer,
    )


@pytest.fixture
def make_session(series) -> Callable[..., WorkshopSession]:  # type: ignore[no-untyped-def]
    def factory(starts_at: datetime | None = None, **fields: Any) -> WorkshopSession:
        starts_at = starts_at or timezone.now() + timedelta(days=10)
        values: dict[str, Any] = {
            "series": series,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=3),
            "capacity": series.capacity,
            "location": "Den Haag",
        }
        values.update(fields)
        return WorkshopSession.objects.create(**values)

    return factory


@pytest.fixture
def session(make_session) -> WorkshopSession:  # type: ignore[no-untyped-def]
    return make_session()


def attended(session: WorkshopSession, user: Any) -> Registration:
    return Registration.objects.create(session=session, user=user, attendance=Registration.Attendance.ATTENDED)
