"""Issue 11, item 12 (first half): mass assignment of transition moments.

The attack: `POST /api/v1/incidents/` with status new plus `closed_at` was stored, and the
incident counted as handled in the annual report. The moments of resolving and closing are
set by the transitions only; every way of typing them in is refused or ignored, and an
incident that is not closed never counts as handled."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents import services
from incidents.choices import Category, DetectionSource, Severity, Status
from incidents.models import Incident
from incidents.stats import annual_figures, monthly_counts

T0 = timezone.make_aware(datetime(2021, 7, 14, 9, 0))


def _new_incident(**extra: object) -> dict[str, object]:
    return {
        "title": "Storing DigiD",
        "category": Category.OUTAGE,
        "severity": Severity.MEDIUM,
        "detection_source": DetectionSource.OWN_MONITORING,
        "status": Status.NEW,
        "started_at": T0.isoformat(),
        "detected_at": (T0 + timedelta(minutes=5)).isoformat(),
        **extra,
    }


@pytest.fixture
def incident(db, security_officer) -> Incident:  # type: ignore[no-untyped-def]
    created = Incident(
        title="Storing",
        category=Category.OUTAGE,
        detection_source=DetectionSource.OWN_MONITORING,
        started_at=T0,
        detected_at=T0,
    )
    created.changed_by = security_officer
    created.save()
    return created


@pytest.mark.parametrize("field", ["closed_at", "resolved_at", "status_changed_at"])
def test_api_a_new_incident_posted_with_a_transition_moment_is_refused_naming_the_field(
    api_as, security_officer, field
):
    response = api_as(security_officer).post(
        "/api/v1/incidents/", _new_incident(**{field: (T0 + timedelta(hours=1)).isoformat()}), format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not Incident.objects.exists()
    assert annual_figures(2021)["incidents_handled"] == 0


def test_api_a_transition_moment_cannot_be_patched_in(api_as, security_officer, incident):
    services.change_status(incident, Status.FOLLOW_UP, security_officer)
    services.change_status(incident, Status.RESOLVED, security_officer)
    stamped = Incident.objects.get(pk=incident.pk).resolved_at
    client = api_as(security_officer)
    for field in ("resolved_at", "closed_at"):
        response = client.patch(
            f"/api/v1/incidents/{incident.pk}/", {field: (T0 + timedelta(minutes=30)).isoformat()}, format="json"
        )
        assert response.status_code == 400 and field in response.json()
    fresh = Incident.objects.get(pk=incident.pk)
    assert (fresh.resolved_at, fresh.closed_at) == (stamped, None)


def test_api_sending_back_the_stored_moment_unchanged_is_fine(api_as, security_officer, incident):
    services.change_status(incident, Status.FOLLOW_UP, security_officer)
    services.change_status(incident, Status.RESOLVED, security_officer)
    client = api_as(security_officer)
    read = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    response = client.patch(
        f"/api/v1/incidents/{incident.pk}/",
        {"title": "Storing DigiD", "resolved_at": read["resolved_at"], "closed_at": None},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_api_the_transition_sets_the_closing_moment(api_as, security_officer, incident):
    client = api_as(security_officer)
    for status in ("follow_up", "resolved", "closed"):
        assert client.post(f"/api/v1/incidents/{incident.pk}/transition/", {"status": status}).status_code == 200
    fresh = Incident.objects.get(pk=incident.pk)
    assert fresh.closed_at is not None and fresh.resolved_at is not None
    assert abs((fresh.closed_at - timezone.now()).total_seconds()) < 60


def test_admin_a_crafted_closing_moment_on_a_new_incident_is_ignored(client_as, security_officer):
    client = client_as(security_officer)
    page = client.get("/admin/incidents/incident/add/")
    assert 'name="closed_at_0"' not in page.content.decode()
    response = client.post(
        "/admin/incidents/incident/add/",
        {
            "title": "Storing",
            "description": "",
            "category": Category.OUTAGE,
            "severity": Severity.MEDIUM,
            "status": Status.NEW,
            "owner": "",
            "detection_source": DetectionSource.OWN_MONITORING,
            "supplier_reference": "",
            "started_at_0": "2021-07-14",
            "started_at_1": "09:00:00",
            "detected_at_0": "2021-07-14",
            "detected_at_1": "09:10:00",
            "closed_at_0": "2021-07-15",
            "closed_at_1": "09:00:00",
            "resolved_at_0": "2021-07-15",
            "resolved_at_1": "08:00:00",
            "comment": "",
            **{
                f"{prefix}-{k}": v
                for prefix in ("timeline", "calamity", "compliance-followupaction-source_type-source_id")
                for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
            },
        },
    )
    assert response.status_code == 302
    created = Incident.objects.get()
    assert (created.status, created.resolved_at, created.closed_at) == (Status.NEW, None, None)
    assert annual_figures(2021)["incidents_handled"] == 0


def test_model_an_incident_that_is_not_closed_has_no_closing_moment(db):
    incident = Incident(
        title="x",
        category=Category.OUTAGE,
        detection_source=DetectionSource.OWN_MONITORING,
        started_at=T0,
        detected_at=T0,
        closed_at=T0 + timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as refused:
        incident.full_clean()
    assert "closed_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        incident.save()
    assert "closed_at" in refused.value.message_dict
    assert not Incident.objects.exists()


def test_model_a_resolution_moment_on_an_incident_in_follow_up_is_refused(incident, security_officer):
    services.change_status(incident, Status.FOLLOW_UP, security_officer)
    incident.resolved_at = T0 + timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        incident.save()
    assert "resolved_at" in refused.value.message_dict
    assert Incident.objects.get(pk=incident.pk).resolved_at is None


def test_an_incident_with_a_closing_moment_but_not_closed_never_counts_as_handled(incident):
    """Past the model, the database refuses the row (constraint incident_closed_at_only_when_closed);
    and the count asks for the status as well."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(closed_at=T0 + timedelta(hours=1))
    assert annual_figures(2021)["incidents_handled"] == 0
    assert sum(month["incidents_handled"] for month in monthly_counts(2021)) == 0
